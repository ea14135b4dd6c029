"""Sellers' business logic."""

from .models import Seller, SellerTask


class UnknownSeller(Exception):
    pass


def shipment_preparation_request(*, order_id: int, seller_code: str, sku: str, quantity: int) -> SellerTask:
    """Ask the seller to prepare the order's shipment; asking twice gives the same task."""
    seller = Seller.objects.filter(code=seller_code).first()
    if seller is None:
        raise UnknownSeller(f"no seller with code '{seller_code}'")
    task, _ = SellerTask.objects.get_or_create(
        order_id=order_id, defaults={"seller": seller, "sku": sku, "quantity": quantity}
    )
    return task
