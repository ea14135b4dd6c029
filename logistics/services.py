"""Logistics' business logic: choose a delivery partner, create the shipment, deliver it in time."""

import math
import secrets
from datetime import timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from workflowviz.contracts import NoRoomYet

from .models import OPEN_SHIPMENT_STATUSES, DeliveryPartner, Shipment, ShipmentStatus

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class NoPartnerAvailable(NoRoomYet):
    """Every active partner of the region is full (or there is none): the step waits for a delivery."""


def shipments_deliver_due(*, region: str, now=None) -> int:
    """Mark delivered the region's open shipments older than their partner's delivery time (delivered
    then, not now), which frees that capacity; how many. Computed from what happened, so nothing needs
    a clock of its own: whoever asks about capacity first brings the shipments up to date."""
    now = now or timezone.now()
    delivered = 0
    for partner in DeliveryPartner.objects.filter(region=region).only("pk", "delivery_seconds"):
        delivery_time = timedelta(seconds=partner.delivery_seconds)
        delivered += Shipment.objects.filter(
            partner=partner, status__in=OPEN_SHIPMENT_STATUSES, created_at__lte=now - delivery_time
        ).update(status=ShipmentStatus.DELIVERED, delivered_at=F("created_at") + delivery_time)
    return delivered


def _partners_with_load(region: str):
    shipments_deliver_due(region=region)
    return (
        DeliveryPartner.objects.filter(region=region, active=True, capacity__gt=0)
        .annotate(load=Count("shipments", filter=Q(shipments__status__in=OPEN_SHIPMENT_STATUSES)))
        .order_by("name")
    )


def partner_choose(*, region: str) -> DeliveryPartner:
    """The active partner in the region with spare capacity and the lowest load relative to capacity."""
    available = [partner for partner in _partners_with_load(region) if partner.load < partner.capacity]
    if not available:
        raise NoPartnerAvailable(f"no partner with room in {region}")
    return min(available, key=lambda partner: (partner.load / partner.capacity, -partner.capacity))


def tracking_number_new(region: str) -> str:
    return f"WV-{region[:1].upper()}-" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


def partner_assign(*, order_id: int, region: str, quantity: int) -> Shipment:
    """Assign a delivery partner to the order's package; assigning twice gives the same shipment."""
    existing = Shipment.objects.filter(order_id=order_id).select_related("partner").first()
    if existing:
        return existing
    partner = partner_choose(region=region)
    return Shipment.objects.create(
        order_id=order_id,
        partner=partner,
        region=region,
        quantity=quantity,
        tracking_number=tracking_number_new(region),
    )


def shipment_cancel(*, order_id: int) -> Shipment | None:
    """Cancel the order's shipment, which frees the partner's capacity; nothing to do if none exists."""
    shipment = Shipment.objects.filter(order_id=order_id).first()
    if shipment is not None and shipment.status != ShipmentStatus.CANCELLED:
        shipment.status = ShipmentStatus.CANCELLED
        shipment.save(update_fields=["status"])
    return shipment


SLOWEST_DELIVERY_DAYS = 7


def delivery_estimate(*, region: str) -> int:
    """Days to deliver: 1 while a partner in the region has room, up to 5 as they fill; 7 with none."""
    partners = _partners_with_load(region)
    ratios = [partner.load / partner.capacity for partner in partners if partner.load < partner.capacity]
    if not ratios:
        return SLOWEST_DELIVERY_DAYS
    return 1 + math.ceil(min(ratios) * 4)
