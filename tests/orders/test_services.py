"""Orders on its own: validating and placing an order, the order_placed signal, and following the run."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from orders.models import Order, OrderStatus, Product
from orders.services import order_place, order_validate
from orders.signals import order_placed
from workflowviz.contracts import OrderPlaced
from workflowviz.engine.models import EventRecord, OutboxMessage, Run, RunStatus, StepState
from workflowviz.engine.signals import run_finished

VALID = {
    "sku": "TENT-2P",
    "quantity": 2,
    "customer_email": "ann@example.com",
    "pattern": "orchestration",
    "region": "south",
}


@pytest.fixture
def tent(db):
    return Product.objects.create(
        sku="TENT-2P", name="Two-person tent", price=Decimal("189.00"), stock=10, seller_code="acme"
    )


@pytest.fixture
def received():
    """Every order_placed signal sent while the test runs."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    order_placed.connect(receiver, dispatch_uid="tests.orders.received")
    yield calls
    order_placed.disconnect(dispatch_uid="tests.orders.received")


def test_a_valid_order_has_no_problem(tent):
    assert order_validate(**VALID) == {}


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("sku", "NOPE", "No product has SKU 'NOPE'."),
        ("sku", "", "Required"),
        ("sku", None, "Required"),
        ("quantity", 0, "between 1 and 1000"),
        ("quantity", 1001, "between 1 and 1000"),
        ("quantity", -3, "between 1 and 1000"),
        ("quantity", "2", "whole number"),
        ("quantity", 2.0, "whole number"),
        ("quantity", True, "whole number"),
        ("customer_email", "ann", "valid email"),
        ("customer_email", "a" * 250 + "@x.io", "valid email"),
        ("customer_email", None, "valid email"),
        ("pattern", "saga", "orchestration, choreography"),
        ("region", "mars", "north, south, east, west"),
    ],
)
def test_each_problem_is_reported_under_its_field(field, value, reason, tent):
    errors = order_validate(**{**VALID, field: value})
    assert list(errors) == [field]
    assert reason in errors[field]


def test_placing_takes_stock_and_writes_the_order(tent):
    order = order_place(**VALID)

    tent.refresh_from_db()
    assert tent.stock == 8
    assert (order.product, order.quantity, order.customer_email, order.region, order.pattern) == (
        tent,
        2,
        "ann@example.com",
        "south",
        "orchestration",
    )
    assert (order.total, order.status) == (Decimal("378.00"), OrderStatus.PLACED)


def test_placing_beyond_the_stock_is_refused_and_takes_nothing(tent):
    order_place(**{**VALID, "quantity": 10})
    with pytest.raises(ValidationError) as refused:
        order_place(**{**VALID, "quantity": 1})
    assert list(refused.value.message_dict) == ["quantity"]
    assert "Only 0 of TENT-2P left" in refused.value.message_dict["quantity"][0]
    assert Order.objects.count() == 1
    tent.refresh_from_db()
    assert tent.stock == 0


def test_an_invalid_order_is_refused_with_every_field(tent, received):
    with pytest.raises(ValidationError) as refused:
        order_place(**{**VALID, "sku": "NOPE", "quantity": 0})
    assert set(refused.value.message_dict) == {"sku", "quantity"}
    assert not Order.objects.exists() and not Run.objects.exists() and received == []


def test_an_unknown_workflow_is_refused_and_takes_nothing(tent):
    with pytest.raises(ValidationError) as refused:
        order_place(**VALID, design="no-such-design")
    assert list(refused.value.message_dict) == ["workflow"]
    assert not Order.objects.exists() and not Run.objects.exists()
    tent.refresh_from_db()
    assert tent.stock == 10


@pytest.mark.parametrize("pattern", ["orchestration", "choreography"])
def test_placing_writes_the_run_and_its_steps(pattern, tent):
    order = order_place(**{**VALID, "pattern": pattern})

    run = Run.objects.get(pk=order.run_id)
    assert (run.pattern, run.order_id, run.design_slug, run.status) == (
        pattern,
        order.pk,
        "order-fulfilment",
        "running",
    )
    steps = dict(StepState.objects.filter(run=run).values_list("step_id", "status"))
    # The steps without dependencies are on their way; the others wait for them.
    assert steps == {
        "confirm_order": "queued",
        "prepare_shipment": "queued",
        "assign_partner": "pending",
        "notify_shipped": "pending",
    }
    first = EventRecord.objects.filter(run=run).order_by("seq").first()
    assert (first.seq, first.kind, first.service) == (1, "run.started", "orders")
    messages = OutboxMessage.objects.filter(run=run)
    assert sorted(messages.values_list("target_service", flat=True)) == ["notifications", "sellers"]
    assert set(messages.values_list("processed_at", flat=True)) == {None}


def test_placing_sends_order_placed_with_the_event(tent, received):
    order = order_place(**VALID)

    [call] = received
    assert (call["sender"], call["order"], call["run"].pk) == (Order, order, order.run_id)
    assert call["event"] == OrderPlaced(
        order_id=order.pk,
        customer_email="ann@example.com",
        sku="TENT-2P",
        product_name="Two-person tent",
        quantity=2,
        total="378.00",
        seller_code="acme",
        region="south",
    )


def test_the_event_orders_publishes_is_the_signal_event(tent, received):
    order = order_place(**{**VALID, "pattern": "choreography"})
    event = received[0]["event"]
    published = OutboxMessage.objects.filter(run_id=order.run_id)
    assert set(published.values_list("type", "source_service")) == {("OrderPlaced", "orders")}
    assert all(message.payload == event.to_data() for message in published)


@pytest.mark.parametrize(
    ("run_status", "order_status"),
    [
        (RunStatus.SUCCEEDED, OrderStatus.FULFILLED),
        (RunStatus.FAILED, OrderStatus.FAILED),
        (RunStatus.COMPENSATED, OrderStatus.CANCELLED),
        (RunStatus.RUNNING, OrderStatus.PLACED),
    ],
)
def test_the_end_of_the_run_sets_the_order_status(run_status, order_status, tent):
    order, other = order_place(**VALID), order_place(**VALID)
    run = Run.objects.get(pk=order.run_id)

    run_finished.send(sender=Run, run=run, status=run_status)

    order.refresh_from_db()
    other.refresh_from_db()
    assert (order.status, other.status) == (order_status, OrderStatus.PLACED)


def test_a_run_without_an_order_changes_no_order(tent):
    order = order_place(**VALID)
    run = Run.objects.get(pk=order.run_id)
    run.order_id = None
    run_finished.send(sender=Run, run=run, status=RunStatus.SUCCEEDED)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
