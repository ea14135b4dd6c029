"""One order, each pattern, real Redis, real RQ workers: the business outcome and its event records."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from logistics.models import Shipment
from notifications.models import Email, EmailKind
from orders.models import Order, OrderStatus
from sellers.models import SellerTask
from tests.conftest import runs_wait_final
from workflowviz.api.tokens import token_issue
from workflowviz.engine.models import EventRecord, OutboxMessage, RunStatus, StepState

pytestmark = [pytest.mark.system]
PATTERNS = ["orchestration", "choreography"]


def api_order(client, token, **fields):
    body = {"customer_email": "buyer@example.com", "sku": "BOOK-DDD", "quantity": 2, **fields}
    response = client.post(
        "/api/orders", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 201, response.content
    return response.json()


def assert_consistent_order(run, events):
    """Sequence numbers have no gap; every step goes queued → started → succeeded, after its dependencies."""
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    assert events[0].kind == "run.started" and events[-1].kind == "run.succeeded"
    first = {}
    for event in events:
        first.setdefault((event.step_id, event.kind), event.seq)
    for step in run.graph["steps"]:
        queued, started, done = (first[(step["id"], k)] for k in ("step.queued", "step.started", "step.succeeded"))
        assert queued < started < done, step["id"]
        for dependency in step["after"]:
            assert first[(dependency, "step.succeeded")] < started, (dependency, step["id"])


@pytest.mark.parametrize("pattern", PATTERNS)
def test_one_order_gives_one_email_one_seller_task_one_shipment(pattern, system, demo, admin_user):
    token = token_issue(user=admin_user)
    placed = api_order(Client(), token, pattern=pattern, region="south")

    [run] = runs_wait_final([placed["run_id"]], timeout=30)

    assert run.status == RunStatus.SUCCEEDED
    order = Order.objects.get(pk=placed["order_id"])
    assert order.status == OrderStatus.FULFILLED
    assert Email.objects.filter(order_id=order.pk, kind=EmailKind.ORDER_CONFIRMATION).count() == 1
    assert Email.objects.filter(order_id=order.pk, kind=EmailKind.SHIPPED).count() == 1
    task = SellerTask.objects.get(order_id=order.pk)
    assert (task.seller.code, task.quantity) == ("brightbooks", 2)
    shipment = Shipment.objects.get(order_id=order.pk)
    assert shipment.partner.region == "south"
    # The emails really went through Django's email backend (files under var/emails by default).
    sent = "".join(path.read_text() for path in Path(settings.EMAIL_FILE_PATH).glob("*.log"))
    assert f"Your order #{order.pk} is confirmed" in sent
    assert shipment.tracking_number in sent

    events = list(EventRecord.objects.filter(run=run).order_by("seq"))
    assert_consistent_order(run, events)
    services = {event.service for event in events}
    assert {"orders", "notifications", "sellers", "logistics"} <= services
    assert not OutboxMessage.objects.filter(run=run, processed_at__isnull=True).exists()
    assert all(state.attempts == 1 for state in StepState.objects.filter(run=run))


def test_orchestration_sends_commands_and_gets_replies(system, demo, admin_user):
    placed = api_order(Client(), token_issue(user=admin_user), pattern="orchestration")
    [run] = runs_wait_final([placed["run_id"]], timeout=30)
    kinds = set(OutboxMessage.objects.filter(run=run).values_list("kind", "source_service", "target_service"))
    # Orders is the single brain: every command comes from it and every reply goes back to it.
    assert {(k, s) for k, s, t in kinds if k == "command"} == {("command", "orders")}
    assert {(k, t) for k, s, t in kinds if k == "reply"} == {("reply", "orders")}
    assert not any(k == "event" for k, s, t in kinds)


def test_choreography_orders_only_publishes_order_placed(system, demo, admin_user):
    placed = api_order(Client(), token_issue(user=admin_user), pattern="choreography")
    [run] = runs_wait_final([placed["run_id"]], timeout=30)
    messages = OutboxMessage.objects.filter(run=run)
    assert set(messages.values_list("kind", flat=True)) == {"event"}
    from_orders = set(messages.filter(source_service="orders").values_list("type", flat=True))
    assert from_orders == {"OrderPlaced"}
    # A shipment assigned leads Notifications, not Orders, to send the "shipped" email.
    shipped = messages.get(type="DeliveryPartnerAssigned")
    assert (shipped.source_service, shipped.target_service) == ("logistics", "notifications")


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_burst_completes_without_deadlock_or_duplicates(pattern, system, demo, admin_user):
    token, client = token_issue(user=admin_user), Client()
    placed = [api_order(client, token, pattern=pattern, sku="MUG-BLUE", quantity=1) for _ in range(20)]
    runs = runs_wait_final([p["run_id"] for p in placed], timeout=60)
    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    order_ids = [p["order_id"] for p in placed]
    assert Email.objects.filter(order_id__in=order_ids).count() == 40
    assert SellerTask.objects.filter(order_id__in=order_ids).count() == 20
    assert Shipment.objects.filter(order_id__in=order_ids).count() == 20
