"""An operator cancels a running choreography with real workers while a step is under way: the step is
dropped, what was done is compensated by each service on its own, and the record says who and why.
(Orchestration's cancel with real workers: tests/browser/test_operate.py, from the run page.)"""

import time

import pytest

from orders.services import order_place
from sellers.models import SellerTask, TaskStatus
from tests.conftest import runs_wait_final, wait_until
from workflowviz.engine.models import EventRecord, RunStatus, StepState, StepStatus
from workflowviz.engine.operator_actions import run_cancel

pytestmark = [pytest.mark.system]
# assign_partner takes long enough to cancel the run while its worker is on it.
SLOW_PARTNER = {"*": {"latency_ms": [0, 20]}, "assign_partner": {"latency_ms": [1000, 1000]}}


def test_cancelling_a_running_choreography_with_real_workers(system, demo, report):
    order = order_place(
        sku="MUG-BLUE",
        quantity=1,
        customer_email="c@example.com",
        pattern="choreography",
        policy_overrides=SLOW_PARTNER,
    )
    started = StepState.objects.filter(run_id=order.run_id, step_id="assign_partner", status=StepStatus.STARTED)
    wait_until(started.exists, timeout=20, what="assign_partner to be under way")

    assert run_cancel(run_id=order.run_id, username="olivia", reason="wrong address") is True
    cancelled_at = time.monotonic()
    [run] = runs_wait_final([order.run_id], timeout=30)
    undone_s = time.monotonic() - cancelled_at

    assert run.status == RunStatus.COMPENSATED
    steps = dict(StepState.objects.filter(run_id=order.run_id).values_list("step_id", "status"))
    assert steps["prepare_shipment"] == steps["confirm_order"] == StepStatus.COMPENSATED, steps
    assert steps["assign_partner"] == StepStatus.CANCELLED, steps
    assert SellerTask.objects.get(order_id=order.pk).status == TaskStatus.CANCELLED
    [record] = EventRecord.objects.filter(run_id=order.run_id, kind="operator.cancelled")
    assert record.payload == {"by": "olivia", "reason": "wrong address"}
    report(f"cancelled mid-step: {run.status} {undone_s:.2f} s after the cancel")
