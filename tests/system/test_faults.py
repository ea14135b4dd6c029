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
from tests.conftest import runs_under_way, runs_wait_final, wait_until, workers_suspended_wait
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
    killed_job = wait_until(sellers.get_job_ids, timeout=30, what="the sellers worker to start a job", every=0.005)
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
    runs_under_way([order.run_id for order in first])
    plugin_redis.redis_stop()
    # Orders placed while Redis is down are committed; their enqueue fails and waits for the reconciler.
    during = place_many(5, "orchestration") + place_many(5, "choreography")
    time.sleep(1)  # the outage itself: workers and the reconciler meet a Redis that is not there
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
    workers_suspended_wait("logistics")
    down_since = time.monotonic()
    tight = {"*": {"latency_ms": [0, 0], "timeout_seconds": 3, "max_attempts": 2, "backoff_seconds": 1}}
    [choreo] = place_many(1, "choreography", {"*": {"latency_ms": [0, 0]}})
    [orch_waits] = place_many(1, "orchestration", {"*": {"latency_ms": [0, 0]}})
    [orch_gives_up] = place_many(1, "orchestration", tight)

    def steps(order):
        return dict(StepState.objects.filter(run_id=order.run_id).values_list("step_id", "status"))

    # Orchestration with a 3 s timeout and 2 attempts times out twice and compensates (in about 7 s).
    [gave_up] = runs_wait_final([orch_gives_up.run_id], timeout=30)
    assert gave_up.status == RunStatus.COMPENSATED
    assert EventRecord.objects.filter(run=gave_up, kind="step.timed_out").count() == 2
    # Choreography: everything that does not need Logistics is done; its event waits in the queue.
    without_logistics = {"confirm_order": StepStatus.SUCCEEDED, "prepare_shipment": StepStatus.SUCCEEDED}
    wait_until(
        lambda: steps(choreo).items() >= without_logistics.items(),
        timeout=10,
        what="choreography to do what does not need Logistics",
    )
    assert steps(choreo)["assign_partner"] == StepStatus.QUEUED
    # Orchestration with the default policy (30 s timeout) still waits for Logistics, past the 3 s one's end.
    assert steps(orch_waits)["assign_partner"] in (StepStatus.QUEUED, StepStatus.RETRYING)
    down_for = f"{time.monotonic() - down_since:.0f} s"
    report(f"while Logistics was down ({down_for}): choreography {steps(choreo)}; orchestration {steps(orch_waits)}")

    service_down_set(client, service="logistics", down=False)
    runs = runs_wait_final([choreo.run_id, orch_waits.run_id], timeout=30)
    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    # The commands the coordinator gave up on were delivered when Logistics came back, and ignored.
    wait_until(
        lambda: EventRecord.objects.filter(run=gave_up, kind="message.duplicate").count() >= 2,
        timeout=10,
        what="the commands given up on to arrive and be ignored",
    )
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
