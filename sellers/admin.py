from django.contrib import admin

from .models import Seller, SellerTask


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
