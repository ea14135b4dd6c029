from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "last_used_at"]
    search_fields = ["prefix", "user__username"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]
