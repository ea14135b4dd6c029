from django.contrib import admin

from .models import Comparison, ComparisonRun


class ComparisonRunInline(admin.TabularInline):
    model = ComparisonRun
    extra = 0
    can_delete = False
    fields = ["index", "pattern", "run"]
    readonly_fields = fields


@admin.register(Comparison)
class ComparisonAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "created_by", "workflow", "sku", "quantity", "count"]
    list_filter = ["workflow"]
    search_fields = ["=id", "sku", "customer_email"]
    list_select_related = ["created_by"]
    readonly_fields = ["id", "created_at", "faults", "stopped"]
    inlines = [ComparisonRunInline]
