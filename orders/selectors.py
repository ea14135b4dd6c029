from .models import Product


def product_list() -> list[dict]:
    return [
        {"sku": p.sku, "name": p.name, "price": str(p.price), "stock": p.stock, "seller_code": p.seller_code}
        for p in Product.objects.order_by("sku")
    ]
