from django.contrib import admin

from .models import Order, Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "price", "stock", "seller_code"]
    search_fields = ["sku", "name", "seller_code"]
    list_filter = ["seller_code"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "product",
        "quantity",
        "customer_email",
        "region",
        "total",
        "status",
        "pattern",
        "run_link",
        "created_at",
    ]
    list_filter = ["status", "pattern", "region"]
    search_fields = ["=id", "customer_email", "product__sku", "run_id", "client_ref"]
    readonly_fields = ["run_link", "client_ref", "created_at", "updated_at"]
    list_select_related = ["product"]

    @admin.display(description="run")
    def run_link(self, order):
        from django.utils.html import format_html

        if not order.run_id:
            return "-"
        return format_html('<a href="/admin/engine/run/{}/change/">{}</a>', order.run_id, str(order.run_id)[:8])
