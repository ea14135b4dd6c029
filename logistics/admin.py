from django.contrib import admin

from .models import DeliveryPartner, Shipment


@admin.register(DeliveryPartner)
class DeliveryPartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "capacity", "delivery_seconds", "active"]
    list_editable = ["capacity", "delivery_seconds", "active"]
    list_filter = ["region", "active"]
    search_fields = ["name"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = [
        "tracking_number",
        "order_id",
        "partner",
        "region",
        "quantity",
        "status",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "region", "partner"]
    search_fields = ["tracking_number", "=order_id", "partner__name"]
    list_select_related = ["partner"]
