"""When does the coordinator give up on a command? Not while it waits its turn in a busy queue."""

from datetime import timedelta

from django.utils import timezone

from orders.services import order_place
from workflowviz.engine.design import graph_of
from workflowviz.engine.models import OutboxMessage, StepState
from workflowviz.engine.timeouts import _overdue

TIMEOUT = {"*": {"latency_ms": [0, 0], "timeout_seconds": 5}}


def first_command(demo_order):
    message = OutboxMessage.objects.filter(run_id=demo_order.run_id, kind="command").order_by("created_at").first()
    step = graph_of(message.run).step(message.step_id)
    return message, step


def test_a_command_waiting_for_a_consuming_service_is_not_overdue(demo):
    order = order_place(sku="TENT-2P", quantity=1, customer_email="a@example.com", pattern="orchestration",
                        policy_overrides=TIMEOUT)  # fmt: skip
    message, step = first_command(order)
    later = timezone.now() + timedelta(seconds=60)
    assert not _overdue(message, step, later, consuming={message.target_service})
    # The same wait for a service that consumes nothing (down, or no worker) is a timeout.
    assert _overdue(message, step, later, consuming=set())
    assert not _overdue(message, step, timezone.now(), consuming=set())


def test_a_started_command_times_out_from_its_start(demo):
    order = order_place(sku="TENT-2P", quantity=1, customer_email="a@example.com", pattern="orchestration",
                        policy_overrides=TIMEOUT)  # fmt: skip
    message, step = first_command(order)
    started = message.available_at + timedelta(seconds=30)
    StepState.objects.filter(run_id=order.run_id, step_id=step.id).update(started_at=started)
    consuming = {message.target_service}
    assert not _overdue(message, step, started + timedelta(seconds=4), consuming)
    assert _overdue(message, step, started + timedelta(seconds=6), consuming)
