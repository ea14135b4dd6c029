"""Faults with real processes: killed workers, Redis restarted empty, a service down, duplicates.

Each test prints its counts (runs, emails, seller tasks, shipments) in the test output.
"""

import os
import signal
import time

import pytest
import redis
from django.conf import settings
from rq.registry import StartedJobRegistry

from logistics.models import Shipment
from notifications.models import Email, EmailKind
from orders.services import order_place
from sellers.models import SellerTask
from tests import plugin_redis
from tests.conftest import runs_wait_final
from workflowviz.engine.faults import deliver_twice_set, service_down_set
from workflowviz.engine.models import EventRecord, RunStatus, StepState, StepStatus

pytestmark = [pytest.mark.system]
PATTERNS = ["orchestration", "choreography"]
FAST = {"*": {"latency_ms": [20, 60]}}


def place_many(count, pattern, policy=FAST, sku="MUG-BLUE"):
    return [
        order_place(
            sku=sku, quantity=1, customer_email=f"buyer{i}@example.com", pattern=pattern, policy_overrides=policy
        )
        for i in range(count)
    ]


def assert_exactly_once(orders, report, label):
    """One confirmation email, one seller task and one shipment per order: no loss, no duplicate."""
    ids = [order.pk for order in orders]
    emails = Email.objects.filter(order_id__in=ids, kind=EmailKind.ORDER_CONFIRMATION)
    counts = {
        "orders": len(ids),
        "confirmation_emails": emails.count(),
        "distinct_email_orders": emails.values("order_id").distinct().count(),
        "seller_tasks": SellerTask.objects.filter(order_id__in=ids).count(),
        "shipments": Shipment.objects.filter(order_id__in=ids).count(),
    }
    report(f"{label}: " + ", ".join(f"{name}={value}" for name, value in counts.items()))
    assert set(counts.values()) == {len(ids)}, counts


def test_worker_killed_mid_step_loses_and_duplicates_nothing(system, demo, report):
    orders = place_many(50, "orchestration") + place_many(50, "choreography")
    sellers = StartedJobRegistry("sellers", connection=redis.Redis.from_url(settings.REDIS_URL))
    deadline = time.monotonic() + 30
    while not sellers.get_job_ids() and time.monotonic() < deadline:
        time.sleep(0.005)
    killed_job = sellers.get_job_ids()
    assert killed_job, "the sellers worker never started a job"
    os.kill(system.processes["worker-sellers-0"].pid, signal.SIGKILL)
    system.processes["worker-sellers-0"].wait(5)
    report(f"SIGKILLed the sellers worker while it ran job {killed_job[0]}")

    runs = runs_wait_final([order.run_id for order in orders], timeout=120, supervise=system)

    statuses = {run.status for run in runs}
    report(f"runs final: {len(runs)}, statuses: {sorted(statuses)}")
    assert statuses == {RunStatus.SUCCEEDED}
    assert_exactly_once(orders, report, "after the kill")


def test_redis_restarted_empty_mid_burst_loses_and_duplicates_nothing(system, demo, report):
    first = place_many(25, "orchestration") + place_many(25, "choreography")
    time.sleep(0.5)
    plugin_redis.redis_stop()
    # Orders placed while Redis is down are committed; their enqueue fails and waits for the reconciler.
    during = place_many(5, "orchestration") + place_many(5, "choreography")
    time.sleep(1)
    plugin_redis.redis_start_again()
    report("stopped Redis mid-burst and started it again empty")
    later = place_many(10, "orchestration") + place_many(10, "choreography")
    orders = first + during + later

    started = time.monotonic()
    runs = runs_wait_final([order.run_id for order in orders], timeout=120, supervise=system)

    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    report(f"runs final: {len(runs)}, {time.monotonic() - started:.1f} s after Redis came back")
    assert_exactly_once(orders, report, "after the Redis restart")


def test_service_down_choreography_continues_orchestration_waits_or_compensates(system, demo, report):
    client = redis.Redis.from_url(settings.REDIS_URL)
    service_down_set(client, service="logistics", down=True)
    time.sleep(0.5)
    tight = {"*": {"latency_ms": [0, 0], "timeout_seconds": 3, "max_attempts": 2, "backoff_seconds": 1}}
    [choreo] = place_many(1, "choreography", {"*": {"latency_ms": [0, 0]}})
    [orch_waits] = place_many(1, "orchestration", {"*": {"latency_ms": [0, 0]}})
    [orch_gives_up] = place_many(1, "orchestration", tight)
    time.sleep(10)

    def steps(order):
        return dict(StepState.objects.filter(run_id=order.run_id).values_list("step_id", "status"))

    # Choreography: everything that does not need Logistics is done; its event waits in the queue.
    assert steps(choreo)["confirm_order"] == StepStatus.SUCCEEDED
    assert steps(choreo)["prepare_shipment"] == StepStatus.SUCCEEDED
    assert steps(choreo)["assign_partner"] == StepStatus.QUEUED
    # Orchestration with the default policy (30 s timeout) waits for Logistics.
    assert steps(orch_waits)["assign_partner"] in (StepStatus.QUEUED, StepStatus.RETRYING)
    # Orchestration with a 3 s timeout and 2 attempts timed out twice and compensated.
    [gave_up] = runs_wait_final([orch_gives_up.run_id], timeout=5)
    assert gave_up.status == RunStatus.COMPENSATED
    assert EventRecord.objects.filter(run=gave_up, kind="step.timed_out").count() == 2
    report(f"while Logistics was down for 10 s: choreography {steps(choreo)}; orchestration {steps(orch_waits)}")

    service_down_set(client, service="logistics", down=False)
    runs = runs_wait_final([choreo.run_id, orch_waits.run_id], timeout=30)
    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    # The commands the coordinator gave up on were delivered when Logistics came back, and ignored.
    time.sleep(1)
    assert not Shipment.objects.filter(order_id=orch_gives_up.pk).exists()
    assert EventRecord.objects.filter(run=gave_up, kind="message.duplicate").count() == 2
    report("Logistics back: the backlog drained; the compensated order got no shipment")


def test_deliver_twice_has_one_effect(system, demo, report):
    client = redis.Redis.from_url(settings.REDIS_URL)
    for service in settings.SERVICE_APPS:
        deliver_twice_set(client, service=service, count=1000)
    orders = place_many(10, "orchestration") + place_many(10, "choreography")

    runs = runs_wait_final([order.run_id for order in orders], timeout=60)

    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    duplicates = EventRecord.objects.filter(run__in=runs, kind="message.duplicate").count()
    report(f"duplicate deliveries ignored: {duplicates}")
    assert duplicates >= 20 * 4
    assert_exactly_once(orders, report, "with every message delivered twice")
    assert Email.objects.filter(order_id__in=[o.pk for o in orders], kind=EmailKind.SHIPPED).count() == 20


@pytest.mark.parametrize("pattern", PATTERNS)
def test_permanent_failure_leaves_no_half_done_order(pattern, system, demo, report):
    broken = {"*": {"latency_ms": [0, 0]}, "assign_partner": {"failure_probability": 1.0, "backoff_seconds": 0.2}}
    orders = place_many(5, pattern, broken)
    runs = runs_wait_final([order.run_id for order in orders], timeout=60)
    assert {run.status for run in runs} == {RunStatus.COMPENSATED}
    ids = [order.pk for order in orders]
    assert not Shipment.objects.filter(order_id__in=ids).exists()
    assert set(SellerTask.objects.filter(order_id__in=ids).values_list("status", flat=True)) == {"cancelled"}
    assert Email.objects.filter(order_id__in=ids, kind=EmailKind.CANCELLATION).count() == 5
    report(f"{pattern}: 5 runs compensated, 0 shipments, 5 seller tasks cancelled, 5 cancellation emails")
