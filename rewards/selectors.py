"""Reads of Rewards' records for the pages and the API."""

from .models import PointsEntry


def rewards_business_state(refs: list) -> dict[str, dict]:
    """The points awarded for each run's order that Rewards takes part in (None: none awarded)."""
    runs_by_order = {ref.order_id: ref.run_id for ref in refs if ref.order_id and "rewards" in ref.services}
    points: dict[int, int] = {}
    for order_id, awarded in PointsEntry.objects.filter(order_id__in=list(runs_by_order)).values_list(
        "order_id", "points"
    ):
        points[order_id] = points.get(order_id, 0) + awarded
    return {run_id: {"points_awarded": points.get(order_id)} for order_id, run_id in runs_by_order.items()}
