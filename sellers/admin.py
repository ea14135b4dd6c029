from django.contrib import admin

from .models import Seller, SellerTask, StockLevel, StockReservation


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "email"]
    search_fields = ["code", "name", "email"]


@admin.register(SellerTask)
class SellerTaskAdmin(admin.ModelAdmin):
    list_display = ["id", "order_id", "seller", "sku", "quantity", "status", "created_at"]
    list_filter = ["status", "seller"]
    search_fields = ["=order_id", "sku", "seller__code"]
    list_select_related = ["seller"]


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    list_display = ["seller", "sku", "on_hand"]
    list_filter = ["seller"]
    search_fields = ["sku", "seller__code"]
    list_select_related = ["seller"]


@admin.register(StockReservation)
class StockReservationAdmin(admin.ModelAdmin):
    list_display = ["order_id", "level", "quantity", "released", "created_at"]
    list_filter = ["released"]
    search_fields = ["=order_id", "level__sku"]
    list_select_related = ["level", "level__seller"]
