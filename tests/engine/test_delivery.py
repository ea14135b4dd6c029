"""The engine driven in this process through `deliver(message_id)`: the same outcome as with workers, once."""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from logistics.models import Shipment
from notifications.models import Email, EmailKind
from orders.models import OrderStatus, Product
from orders.services import ORDER_STATUS_FOR_RUN, order_place
from sellers.models import SellerTask
from workflowviz.engine.delivery import deliver
from workflowviz.engine.models import EventRecord, OutboxMessage, Run, RunStatus, StepState, StepStatus

from .drain import deliver_all_again, drain, drain_until_final

PATTERNS = ["orchestration", "choreography"]
SERVICES = {"orders", "notifications", "sellers", "logistics"}
NO_LATENCY = [0, 0]


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


def place(pattern, *, sku="BOOK-DDD", quantity=2, region="south", latency_ms=NO_LATENCY, email="buyer@example.com"):
    return order_place(
        sku=sku, quantity=quantity, customer_email=email, pattern=pattern, region=region, latency_ms=latency_ms
    )


def assert_consistent_order(run):
    """Sequence numbers have no gap; every step goes queued → started → succeeded, after its dependencies."""
    events = list(EventRecord.objects.filter(run=run).order_by("seq"))
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    assert run.next_seq == len(events) + 1
    assert events[0].kind == "run.started" and events[-1].kind == "run.succeeded"
    first = {}
    for event in events:
        first.setdefault((event.step_id, event.kind), event.seq)
    for step in run.graph["steps"]:
        queued, started, done = (first[(step["id"], k)] for k in ("step.queued", "step.started", "step.succeeded"))
        assert queued < started < done, step["id"]
        for dependency in step["after"]:
            assert first[(dependency, "step.succeeded")] < started, (dependency, step["id"])
    # Every message sent was received exactly once.
    sent = Counter(e.message_id for e in events if e.kind == "message.sent")
    received = Counter(e.message_id for e in events if e.kind == "message.received")
    assert sent == received and set(sent.values()) == {1}
    return events


def assert_fulfilled_once(order, outbox):
    """The business outcome of one order: two emails, one seller task, one shipment in its region."""
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED
    emails = Email.objects.filter(order_id=order.pk)
    assert sorted(emails.values_list("kind", flat=True)) == sorted([EmailKind.ORDER_CONFIRMATION, EmailKind.SHIPPED])
    assert all(email.sent_at is not None for email in emails)
    task = SellerTask.objects.get(order_id=order.pk)
    assert (task.seller.code, task.sku, task.quantity) == (order.product.seller_code, order.product.sku, order.quantity)
    shipment = Shipment.objects.get(order_id=order.pk)
    assert shipment.partner.region == order.region and shipment.quantity == order.quantity
    to_buyer = [message for message in outbox if f"#{order.pk} " in message.subject]
    assert sorted(message.subject for message in to_buyer) == [
        f"Your order #{order.pk} is confirmed",
        f"Your order #{order.pk} is on its way",
    ]
    assert all(message.to == [order.customer_email] for message in to_buyer)
    assert any(shipment.tracking_number in message.body for message in to_buyer)


@pytest.mark.parametrize("latency_ms", [NO_LATENCY, None], ids=["no-latency", "design-latency"])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_in_process_delivery_fulfils_the_order(pattern, latency_ms, demo, outbox):
    order = place(pattern, latency_ms=latency_ms)

    [run] = drain_until_final([order.run_id])

    assert run.status == RunStatus.SUCCEEDED
    assert_fulfilled_once(order, outbox)
    events = assert_consistent_order(run)
    assert SERVICES <= {event.service for event in events}
    assert not OutboxMessage.objects.filter(run=run, processed_at__isnull=True).exists()
    steps = StepState.objects.filter(run=run)
    assert {(step.status, step.attempts) for step in steps} == {(StepStatus.SUCCEEDED, 1)}
    assert {step.service for step in steps} == SERVICES - {"orders"}


def test_orchestration_commands_come_from_orders_and_replies_go_back(demo, outbox):
    order = place("orchestration")
    [run] = drain_until_final([order.run_id])
    messages = set(OutboxMessage.objects.filter(run=run).values_list("kind", "source_service", "target_service"))
    assert {(source, kind) for kind, source, _ in messages if kind == "command"} == {("orders", "command")}
    assert {(target, kind) for kind, _, target in messages if kind == "reply"} == {("orders", "reply")}
    assert {kind for kind, _, _ in messages} == {"command", "reply"}


def test_choreography_orders_only_publishes_order_placed(demo, outbox):
    order = place("choreography")
    [run] = drain_until_final([order.run_id])
    messages = OutboxMessage.objects.filter(run=run)
    assert set(messages.values_list("kind", flat=True)) == {"event"}
    assert set(messages.filter(source_service="orders").values_list("type", flat=True)) == {"OrderPlaced"}
    shipped = messages.get(type="DeliveryPartnerAssigned")
    assert (shipped.source_service, shipped.target_service) == ("logistics", "notifications")


def business_counts(outbox) -> dict:
    return {
        "messages": OutboxMessage.objects.count(),
        "emails": Email.objects.count(),
        "emails sent": Email.objects.filter(sent_at__isnull=False).count(),
        "tasks": SellerTask.objects.count(),
        "shipments": Shipment.objects.count(),
        "outbox": len(outbox),
        "steps": sorted(StepState.objects.values_list("run_id", "step_id", "status", "attempts")),
        "runs": sorted(Run.objects.values_list("id", "status")),
    }


def test_delivered_twice_has_one_effect(demo, outbox):
    orders = [place(pattern, sku=sku) for pattern in PATTERNS for sku in ("BOOK-DDD", "MUG-BLUE")]
    run_ids = [order.run_id for order in orders]
    drain_until_final(run_ids)
    before, last_event = business_counts(outbox), EventRecord.objects.order_by("-id").first().id

    again = deliver_all_again(run_ids)

    assert again == Counter({"duplicate": before["messages"]})
    assert business_counts(outbox) == before
    # A redelivery may at most be marked on the timeline as an ignored duplicate: no step or message
    # records, and no more than one mark per redelivered message.
    new = list(EventRecord.objects.filter(id__gt=last_event))
    assert {(record.kind, record.payload.get("ignored")) for record in new} <= {("message.duplicate", True)}
    assert len({record.message_id for record in new}) == len(new)
    for order in orders:
        assert_fulfilled_once(order, outbox)
        assert Email.objects.filter(order_id=order.pk, kind=EmailKind.ORDER_CONFIRMATION).count() == 1
        assert SellerTask.objects.filter(order_id=order.pk).count() == 1
        assert Shipment.objects.filter(order_id=order.pk).count() == 1
    assert len(outbox) == 2 * len(orders)
    assert deliver("00000000-0000-0000-0000-000000000000") == "unknown"


def test_a_failing_step_is_retried_then_ends_the_run_unfulfilled(demo, outbox):
    # A product whose seller the Sellers service does not know: prepare_shipment fails on every attempt.
    Product.objects.create(sku="GHOST-1", name="Ghost", price=Decimal("5.00"), stock=10, seller_code="nobody")
    # Both paths of a step: with latency, "started" is committed before the sleep; without, the failed
    # attempt's own transaction is rolled back and its "started" must still be recorded.
    orders = [
        place(pattern, sku="GHOST-1", quantity=1, latency_ms=latency_ms)
        for pattern in PATTERNS
        for latency_ms in (None, NO_LATENCY)
    ]

    runs = drain_until_final([order.run_id for order in orders], timeout=20)

    for run in runs:
        assert run.status in (RunStatus.FAILED, RunStatus.COMPENSATED)
    for order in orders:
        run = next(run for run in runs if run.id == order.run_id)
        order.refresh_from_db()
        assert order.status == ORDER_STATUS_FOR_RUN[run.status]
        # Nothing was shipped: the steps after the failed one never ran.
        assert not Shipment.objects.filter(order_id=order.pk).exists()
        after = StepState.objects.filter(run_id=order.run_id, step_id__in=["assign_partner", "notify_shipped"])
        assert {(step.attempts, step.started_at) for step in after} == {(0, None)}
        assert not EventRecord.objects.filter(
            run_id=order.run_id, step_id__in=["assign_partner", "notify_shipped"], kind="step.started"
        ).exists()
        step = StepState.objects.get(run_id=order.run_id, step_id="prepare_shipment")
        assert "UnknownSeller" in step.error
        kinds = list(
            EventRecord.objects.filter(run_id=order.run_id, step_id="prepare_shipment")
            .filter(kind__in=["step.started", "step.retried", "step.failed"])
            .order_by("seq")
            .values_list("kind", flat=True)
        )
        assert (step.status, step.attempts, kinds) == (
            StepStatus.FAILED,
            3,
            ["step.started", "step.retried"] * 2 + ["step.started", "step.failed"],
        )


def test_drain_reports_what_each_delivery_did(demo, outbox):
    order = place("orchestration")
    results = drain([order.run_id])
    # Four commands executed, four replies decided on by the coordinator.
    assert results == Counter({"succeeded": 4, "decided": 4})


def test_delivered_twice_at_the_same_time_records_one_start(demo, outbox):
    order = place("orchestration", latency_ms=[800, 800])
    message = OutboxMessage.objects.get(run_id=order.run_id, step_id="confirm_order")
    barrier, results = threading.Barrier(2), []

    def delivery():
        try:
            barrier.wait()
            results.append(deliver(str(message.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=delivery) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["duplicate", "succeeded"]
    assert Email.objects.filter(order_id=order.pk).count() == 1 and len(outbox) == 1
    records = EventRecord.objects.filter(run_id=order.run_id)
    assert records.filter(message_id=message.pk, kind="message.received").count() == 1
    assert records.filter(step_id="confirm_order", kind="step.started").count() == 1
