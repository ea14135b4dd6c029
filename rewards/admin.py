from django.contrib import admin

from .models import PointsEntry, RewardAccount


class PointsEntryInline(admin.TabularInline):
    model = PointsEntry
    extra = 0
    can_delete = False
    fields = ["order_id", "reason", "points", "created_at"]
    readonly_fields = fields


@admin.register(RewardAccount)
class RewardAccountAdmin(admin.ModelAdmin):
    list_display = ["customer_email", "points_balance", "created_at"]
    search_fields = ["customer_email"]
    inlines = [PointsEntryInline]


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "order_id", "account", "reason", "points", "created_at"]
    list_filter = ["reason"]
    search_fields = ["=order_id", "account__customer_email"]
    list_select_related = ["account"]
