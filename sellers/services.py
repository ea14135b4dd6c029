"""Sellers' business logic."""

from django.db.models import Count, F

from .models import Seller, SellerTask, StockLevel, StockReservation, TaskStatus

# Units a seller has of a product it keeps no stock level of: made to order, never short.
MADE_TO_ORDER = 1_000_000


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


def stock_reserve(*, order_id: int, seller_code: str, sku: str, quantity: int) -> StockReservation | int:
    """The seller's decision: set the units aside (a reservation) or say how many are missing (an int).

    Reserving twice for the same order gives the same reservation. A product the seller keeps no stock
    level of is made to order: always available.
    """
    existing = StockReservation.objects.filter(order_id=order_id).first()
    if existing:
        return existing
    seller = Seller.objects.filter(code=seller_code).first()
    if seller is None:
        raise UnknownSeller(f"no seller with code '{seller_code}'")
    level, _ = StockLevel.objects.get_or_create(seller=seller, sku=sku, defaults={"on_hand": MADE_TO_ORDER})
    taken = StockLevel.objects.filter(pk=level.pk, on_hand__gte=quantity).update(on_hand=F("on_hand") - quantity)
    if not taken:
        level.refresh_from_db()
        return quantity - level.on_hand
    return StockReservation.objects.create(order_id=order_id, level=level, quantity=quantity)


def stock_release(*, order_id: int) -> StockReservation | None:
    """Put an undone order's units back on the shelf; nothing to do if none were reserved."""
    reservation = StockReservation.objects.filter(order_id=order_id, released=False).first()
    if reservation is not None:
        StockLevel.objects.filter(pk=reservation.level_id).update(on_hand=F("on_hand") + reservation.quantity)
        StockReservation.objects.filter(pk=reservation.pk).update(released=True)
    return reservation
