"""A step that fails for good: the saga (orchestration) and the failure event (choreography).

Driven in-process with tests.engine.drain (each delivery is the real RQ job function, on the real
database); the same scenarios run with real workers in tests/system/test_faults.py.
"""

import pytest

from logistics.models import Shipment
from notifications.models import Email, EmailKind
from orders.models import Order, OrderStatus
from orders.services import order_place
from sellers.models import SellerTask, TaskStatus
from tests.engine.drain import drain_until_final
from workflowviz.engine.models import EventRecord, OutboxMessage, RunStatus, StepState, StepStatus

PATTERNS = ["orchestration", "choreography"]
LOGISTICS_BROKEN = {
    "*": {"latency_ms": [0, 0]},
    "assign_partner": {"failure_probability": 1.0, "max_attempts": 2, "backoff_seconds": 0},
}


def place(pattern, policy):
    return order_place(
        sku="TENT-2P", quantity=1, customer_email="ann@example.com", pattern=pattern, policy_overrides=policy
    )


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_permanent_failure_leaves_no_half_done_order(pattern, demo):
    order = place(pattern, LOGISTICS_BROKEN)

    [run] = drain_until_final([order.run_id])

    assert run.status == RunStatus.COMPENSATED
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    steps = {state.step_id: state for state in StepState.objects.filter(run=run)}
    assert steps["assign_partner"].status == StepStatus.FAILED
    assert steps["assign_partner"].attempts == 2
    assert steps["confirm_order"].status == StepStatus.COMPENSATED
    assert steps["prepare_shipment"].status == StepStatus.COMPENSATED
    assert steps["notify_shipped"].status in (StepStatus.PENDING, StepStatus.CANCELLED)
    assert SellerTask.objects.get(order_id=order.pk).status == TaskStatus.CANCELLED
    assert not Shipment.objects.filter(order_id=order.pk).exists()
    kinds = list(Email.objects.filter(order_id=order.pk).order_by("kind").values_list("kind", flat=True))
    assert kinds == sorted([EmailKind.ORDER_CONFIRMATION, EmailKind.CANCELLATION])
    # Every attempt is on the timeline: one retry, then the failure.
    records = EventRecord.objects.filter(run=run, step_id="assign_partner")
    assert records.filter(kind="step.retried").count() == 1
    assert records.filter(kind="step.failed").count() == 1
    assert not OutboxMessage.objects.filter(run=run, processed_at__isnull=True).exists()


def test_orchestration_compensates_most_recent_first(demo):
    order = place("orchestration", LOGISTICS_BROKEN)
    [run] = drain_until_final([order.run_id])
    finished = dict(StepState.objects.filter(run=run).values_list("step_id", "finished_at"))
    compensated = list(
        EventRecord.objects.filter(run=run, kind="step.compensated").order_by("seq").values_list("step_id", flat=True)
    )
    assert compensated == sorted(["confirm_order", "prepare_shipment"], key=finished.get, reverse=True)
    # The coordinator sent the compensations, one at a time: reverse arrows from Orders.
    compensations = OutboxMessage.objects.filter(run=run, kind="compensate")
    assert set(compensations.values_list("source_service", flat=True)) == {"orders"}


def test_choreography_failure_event_reaches_whoever_can_undo(demo):
    order = place("choreography", LOGISTICS_BROKEN)
    [run] = drain_until_final([order.run_id])
    cancelled = OutboxMessage.objects.filter(run=run, type="OrderCancelled")
    # Logistics announces the cancellation; it names no one, the compiled subscriptions do.
    assert set(cancelled.values_list("source_service", flat=True)) == {"logistics"}
    assert set(cancelled.values_list("target_service", flat=True)) == {"notifications", "sellers"}
    assert not OutboxMessage.objects.filter(run=run, kind="compensate").exists()


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_transient_failure_is_retried_and_the_run_succeeds(pattern, demo, monkeypatch):
    from logistics import services

    calls = {"n": 0}
    real = services.partner_choose

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            # Not NoPartnerAvailable: "no room yet" waits for capacity instead of using up an attempt.
            raise ConnectionError("the partner directory timed out (first attempt only)")
        return real(**kwargs)

    monkeypatch.setattr(services, "partner_choose", flaky)
    order = place(pattern, {"*": {"latency_ms": [0, 0], "backoff_seconds": 0}})
    [run] = drain_until_final([order.run_id])
    assert run.status == RunStatus.SUCCEEDED
    assert StepState.objects.get(run=run, step_id="assign_partner").attempts == 2
    assert Order.objects.get(pk=order.pk).status == OrderStatus.FULFILLED
