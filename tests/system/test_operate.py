"""An operator cancels running orders with real workers (both patterns): the step under way is dropped,
what was done is compensated by each service, and the record says who and why."""

import time

import pytest

from orders.services import order_place
from sellers.models import SellerTask, TaskStatus
from tests.conftest import runs_wait_final, wait_until
from workflowviz.engine.models import EventRecord, RunStatus, StepState, StepStatus
from workflowviz.engine.operator_actions import run_cancel

pytestmark = [pytest.mark.system]
# assign_partner takes long enough to cancel the run while its worker is on it.
SLOW_PARTNER = {"*": {"latency_ms": [0, 20]}, "assign_partner": {"latency_ms": [1500, 1500]}}


def test_cancelling_running_orders_with_real_workers(system, demo, report):
    orders = [
        order_place(
            sku="MUG-BLUE", quantity=1, customer_email="c@example.com", pattern=p, policy_overrides=SLOW_PARTNER
        )
        for p in ("orchestration", "choreography")
    ]
    run_ids = [order.run_id for order in orders]
    for run_id in run_ids:  # one logistics worker: one assign_partner at a time
        started = StepState.objects.filter(run_id=run_id, step_id="assign_partner", status=StepStatus.STARTED)
        wait_until(started.exists, timeout=20, what="assign_partner to be under way")
        assert run_cancel(run_id=run_id, username="olivia", reason="wrong address") is True
    cancelled_at = time.monotonic()
    runs = runs_wait_final(run_ids, timeout=30)
    undone_s = time.monotonic() - cancelled_at

    assert {run.pattern: run.status for run in runs} == {
        "orchestration": RunStatus.COMPENSATED,
        "choreography": RunStatus.COMPENSATED,
    }
    for order in orders:
        steps = dict(StepState.objects.filter(run_id=order.run_id).values_list("step_id", "status"))
        assert steps["prepare_shipment"] == StepStatus.COMPENSATED, steps
        assert steps["assign_partner"] == StepStatus.CANCELLED, steps
        assert SellerTask.objects.get(order_id=order.pk).status == TaskStatus.CANCELLED
        [record] = EventRecord.objects.filter(run_id=order.run_id, kind="operator.cancelled")
        assert record.payload == {"by": "olivia", "reason": "wrong address"}
    outcome = ", ".join(f"{run.pattern} {run.status}" for run in runs)
    report(f"cancelled 2 runs mid-step: {outcome}; both final {undone_s:.2f} s after the last cancel")
