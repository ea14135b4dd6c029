from django.contrib import admin

from .models import Email, LoginCode


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "order_id", "to", "subject", "created_at", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["=order_id", "to", "subject"]
    date_hierarchy = "created_at"


@admin.register(LoginCode)
class LoginCodeAdmin(admin.ModelAdmin):
    list_display = ["login_id", "email", "created_at", "entered_at", "verified_at", "expires_at"]
    search_fields = ["=login_id", "email"]
    readonly_fields = ["code_digest", "entered_digest"]
