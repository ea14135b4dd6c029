"""Reads of Logistics' records for the pages and the API."""

from .models import Shipment


def logistics_business_state(refs: list) -> dict[str, dict]:
    """The shipment (tracking number and status) of each run of an order that Logistics takes part in."""
    runs_by_order = {ref.order_id: ref.run_id for ref in refs if ref.order_id and "logistics" in ref.services}
    shipments = {
        order_id: (tracking, status)
        for order_id, tracking, status in Shipment.objects.filter(order_id__in=list(runs_by_order)).values_list(
            "order_id", "tracking_number", "status"
        )
    }
    return {
        run_id: dict(zip(("tracking_number", "shipment_status"), shipments.get(order_id, (None, None)), strict=True))
        for order_id, run_id in runs_by_order.items()
    }
