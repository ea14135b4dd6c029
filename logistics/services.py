"""Logistics' business logic: choose a delivery partner and create the shipment."""

import math
import secrets

from django.db.models import Count, Q

from .models import OPEN_SHIPMENT_STATUSES, DeliveryPartner, Shipment, ShipmentStatus

TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class NoPartnerAvailable(Exception):
    pass


def partner_choose(*, region: str) -> DeliveryPartner:
    """The active partner in the region with spare capacity and the lowest load relative to capacity."""
    partners = (
        DeliveryPartner.objects.filter(region=region, active=True, capacity__gt=0)
        .annotate(load=Count("shipments", filter=Q(shipments__status__in=OPEN_SHIPMENT_STATUSES)))
        .order_by("name")
    )
    available = [partner for partner in partners if partner.load < partner.capacity]
    if not available:
        raise NoPartnerAvailable(f"no active partner with spare capacity in region '{region}'")
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
    partners = DeliveryPartner.objects.filter(region=region, active=True, capacity__gt=0).annotate(
        load=Count("shipments", filter=Q(shipments__status__in=OPEN_SHIPMENT_STATUSES))
    )
    ratios = [partner.load / partner.capacity for partner in partners if partner.load < partner.capacity]
    if not ratios:
        return SLOWEST_DELIVERY_DAYS
    return 1 + math.ceil(min(ratios) * 4)
