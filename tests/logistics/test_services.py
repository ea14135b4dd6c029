"""Logistics on its own: the partner choice rule, assigning a shipment once, delivering it in time."""

import itertools
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from logistics.models import DeliveryPartner, Shipment, ShipmentStatus
from logistics.services import (
    NoPartnerAvailable,
    delivery_estimate,
    partner_assign,
    partner_choose,
    shipments_deliver_due,
)
from workflowviz.contracts import NoRoomYet

_order_ids = itertools.count(10_000)


def partner(name, *, region="north", capacity=10, active=True, load=0, closed=0, delivery_seconds=60.0):
    """A partner carrying `load` open shipments and `closed` delivered ones."""
    created = DeliveryPartner.objects.create(
        name=name, region=region, capacity=capacity, active=active, delivery_seconds=delivery_seconds
    )
    for index in range(load + closed):
        Shipment.objects.create(
            order_id=next(_order_ids),
            partner=created,
            region=region,
            quantity=1,
            tracking_number=f"T-{name[:6]}-{index}",
            status=ShipmentStatus.ASSIGNED if index < load else ShipmentStatus.DELIVERED,
        )
    return created


def test_only_partners_of_the_region_are_considered(db):
    partner("North A", region="north")
    south = partner("South A", region="south", capacity=1)
    assert partner_choose(region="south") == south


def test_inactive_partners_are_skipped(db):
    partner("Idle", capacity=1000, active=False)
    busy = partner("Busy", capacity=10, load=9)
    assert partner_choose(region="north") == busy


def test_full_partners_are_skipped(db):
    partner("Full", capacity=2, load=2)
    almost_full = partner("Almost full", capacity=100, load=99)
    assert partner_choose(region="north") == almost_full


def test_delivered_shipments_do_not_count_as_load(db):
    freed = partner("Freed", capacity=2, closed=5)
    partner("Half", capacity=2, load=1)
    assert partner_choose(region="north") == freed


@pytest.mark.parametrize(
    ("a", "b", "winner"),
    [
        ((10, 5), (100, 40), "B"),  # 0.5 against 0.4: the lower ratio wins, though B carries more
        ((10, 3), (100, 40), "A"),  # 0.3 against 0.4
        ((10, 5), (20, 10), "B"),  # a tie: the larger capacity wins
        ((300, 0), (500, 0), "B"),  # both idle: the larger capacity wins
        ((1, 0), (500, 499), "A"),
    ],
)
def test_the_lowest_load_to_capacity_ratio_wins_ties_go_to_the_larger(a, b, winner, db):
    partners = {"A": partner("A", capacity=a[0], load=a[1]), "B": partner("B", capacity=b[0], load=b[1])}
    assert partner_choose(region="north") == partners[winner]


def test_a_partner_without_capacity_is_never_chosen(db):
    partner("Zero", capacity=0)
    with pytest.raises(NoPartnerAvailable, match="^no partner with room in north$"):
        partner_choose(region="north")


@pytest.mark.parametrize(
    "partners",
    [
        [],
        [{"name": "Elsewhere", "region": "south"}],
        [{"name": "Off", "active": False}],
        [{"name": "Full", "capacity": 1, "load": 1}],
    ],
    ids=["none", "other-region", "inactive", "full"],
)
def test_no_partner_available(partners, db):
    for fields in partners:
        partner(**fields)
    with pytest.raises(NoPartnerAvailable):
        partner_choose(region="north")
    with pytest.raises(NoPartnerAvailable):
        partner_assign(order_id=1, region="north", quantity=1)
    assert not Shipment.objects.filter(order_id=1).exists()


def test_assigning_creates_a_shipment_with_a_tracking_number(db):
    chosen = partner("Only", region="west")
    shipment = partner_assign(order_id=7, region="west", quantity=3)
    assert (shipment.order_id, shipment.partner, shipment.region, shipment.quantity) == (7, chosen, "west", 3)
    assert shipment.status == ShipmentStatus.ASSIGNED
    assert re.fullmatch(r"WV-W-[A-Z2-9]{10}", shipment.tracking_number)


def test_assigning_twice_returns_the_same_shipment(db):
    first_choice = partner("First", capacity=10)
    shipment = partner_assign(order_id=7, region="north", quantity=1)
    # Even when the rule would now choose someone else, the order keeps its shipment.
    partner("Bigger", capacity=1000)
    DeliveryPartner.objects.filter(pk=first_choice.pk).update(active=False)

    again = partner_assign(order_id=7, region="north", quantity=1)

    assert (again.pk, again.partner, again.tracking_number) == (shipment.pk, first_choice, shipment.tracking_number)
    assert Shipment.objects.filter(order_id=7).count() == 1


def test_assignments_spread_the_load(db):
    small, large = partner("Small", capacity=2), partner("Large", capacity=4)
    chosen = [partner_assign(order_id=order_id, region="north", quantity=1).partner for order_id in range(1, 7)]
    assert chosen.count(small) == 2 and chosen.count(large) == 4
    with pytest.raises(NoPartnerAvailable):
        partner_assign(order_id=99, region="north", quantity=1)
    assert len(set(Shipment.objects.values_list("tracking_number", flat=True))) == 6


def assigned_ago(shipment: Shipment, seconds: float) -> None:
    Shipment.objects.filter(pk=shipment.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_a_full_region_means_waiting_for_room_not_a_plain_failure(db):
    partner("Full", capacity=1, load=1)
    with pytest.raises(NoRoomYet):  # the engine waits for capacity on this one
        partner_choose(region="north")


def test_a_shipment_is_delivered_after_its_partners_delivery_time_which_frees_the_room(db):
    van = partner("Van", capacity=1, delivery_seconds=5)
    first = partner_assign(order_id=1, region="north", quantity=1)
    with pytest.raises(NoPartnerAvailable):
        partner_assign(order_id=2, region="north", quantity=1)

    assigned_ago(first, 6)
    second = partner_assign(order_id=2, region="north", quantity=1)

    first.refresh_from_db()
    assert (first.status, second.partner, second.status) == (ShipmentStatus.DELIVERED, van, ShipmentStatus.ASSIGNED)
    # Delivered when the partner's delivery time was up, not when somebody noticed.
    assert first.delivered_at == first.created_at + timedelta(seconds=5)


def test_only_shipments_past_their_own_partners_delivery_time_are_delivered(db):
    quick, slow = partner("Quick", delivery_seconds=2), partner("Slow", delivery_seconds=30)
    elsewhere = partner("Elsewhere", region="south", delivery_seconds=2)
    shipments = {
        p.name: Shipment.objects.create(order_id=n, partner=p, region=p.region, quantity=1, tracking_number=f"T{n}")
        for n, p in enumerate([quick, slow, elsewhere], start=1)
    }
    for shipment in shipments.values():
        assigned_ago(shipment, 10)
    Shipment.objects.filter(pk=shipments["Quick"].pk).update(status=ShipmentStatus.CANCELLED)

    assert shipments_deliver_due(region="north") == 0  # the quick one was cancelled; the slow one is on its way
    statuses = dict(Shipment.objects.values_list("partner__name", "status"))
    assert statuses == {"Quick": "cancelled", "Slow": "assigned", "Elsewhere": "assigned"}


def test_the_estimate_counts_delivered_shipments_as_free_room(db):
    partner("Van", capacity=1, delivery_seconds=5)
    shipment = partner_assign(order_id=1, region="north", quantity=1)
    assert delivery_estimate(region="north") == 7  # full: the slowest estimate
    assigned_ago(shipment, 6)
    assert delivery_estimate(region="north") == 1
