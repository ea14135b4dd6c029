from django.contrib import admin

from .models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "order_id", "to", "subject", "created_at", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["=order_id", "to", "subject"]
    date_hierarchy = "created_at"
