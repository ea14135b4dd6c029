"""Rewards' business logic: loyalty points for orders."""

from decimal import Decimal, InvalidOperation

from django.db.models import F

from .models import EntryReason, PointsEntry, RewardAccount

POINTS_PER_UNIT = 1


def points_for_total(total: str) -> int:
    """One point per whole currency unit spent."""
    try:
        amount = Decimal(total)
    except (InvalidOperation, TypeError):
        raise ValueError(f"not an amount: {str(total)[:40]!r}") from None
    return max(0, int(amount)) * POINTS_PER_UNIT


def points_award(*, order_id: int, customer_email: str, total: str) -> PointsEntry:
    """Credit the order's points once; awarding again for the same order gives the same entry."""
    existing = PointsEntry.objects.filter(order_id=order_id, reason=EntryReason.ORDER_PLACED).first()
    if existing:
        return existing
    points = points_for_total(total)
    account, _ = RewardAccount.objects.get_or_create(customer_email=customer_email.lower())
    entry = PointsEntry.objects.create(account=account, order_id=order_id, points=points)
    RewardAccount.objects.filter(pk=account.pk).update(points_balance=F("points_balance") + points)
    return entry


def points_quote(*, customer_email: str, total: str) -> tuple[int, int]:
    """(points the order would earn, the buyer's current balance)."""
    account = RewardAccount.objects.filter(customer_email=customer_email.lower()).first()
    return points_for_total(total), account.points_balance if account else 0
