"""Sellers' business logic."""

from django.db.models import Count

from .models import Seller, SellerTask, TaskStatus


class UnknownSeller(Exception):
    pass


def shipment_preparation_request(*, order_id: int, seller_code: str, sku: str, quantity: int) -> SellerTask:
    """Ask the seller to prepare the order's shipment; asking twice gives the same task."""
    seller = Seller.objects.filter(code=seller_code).first()
    if seller is None:
        raise UnknownSeller(f"no seller with code '{seller_code}'")
    # The engine runs this once per message; the unique order_id still guards a second call.
    task = SellerTask.objects.filter(order_id=order_id).first()
    return task or SellerTask.objects.create(order_id=order_id, seller=seller, sku=sku, quantity=quantity)


def shipment_preparation_cancel(*, order_id: int) -> SellerTask | None:
    """Tell the seller to stop preparing the order's shipment; nothing to do if no task was created."""
    task = SellerTask.objects.filter(order_id=order_id).first()
    if task is not None and task.status != TaskStatus.CANCELLED:
        task.status = TaskStatus.CANCELLED
        task.save(update_fields=["status"])
    return task


def products_suggest(*, seller_code: str, sku: str, limit: int = 3) -> list[str]:
    """Other SKUs of the same seller, the most often ordered first (from the seller's own tasks)."""
    rows = (
        SellerTask.objects.filter(seller__code=seller_code)
        .exclude(sku=sku)
        .values("sku")
        .annotate(times=Count("id"))
        .order_by("-times", "sku")[:limit]
    )
    return [row["sku"] for row in rows]
