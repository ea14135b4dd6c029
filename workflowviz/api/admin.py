from django.contrib import admin

from .models import ApiToken, IdempotencyKey


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "last_used_at"]
    search_fields = ["prefix", "user__username"]
    readonly_fields = ["digest", "prefix", "created_at", "last_used_at"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    """Read-only: what the API answered to each key (kept 24 h)."""

    list_display = ["key", "user", "status_code", "created_at"]
    search_fields = ["key", "user__username"]
    readonly_fields = ["user", "key", "request_digest", "status_code", "response_body", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
