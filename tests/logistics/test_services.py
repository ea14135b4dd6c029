"""Logistics on its own: the partner choice rule and assigning a shipment once."""

import itertools
import re

import pytest

from logistics.models import DeliveryPartner, Shipment, ShipmentStatus
from logistics.services import NoPartnerAvailable, partner_assign, partner_choose

_order_ids = itertools.count(10_000)


def partner(name, *, region="north", capacity=10, active=True, load=0, closed=0):
    """A partner carrying `load` open shipments and `closed` delivered ones."""
    created = DeliveryPartner.objects.create(name=name, region=region, capacity=capacity, active=active)
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
    with pytest.raises(NoPartnerAvailable, match="north"):
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
