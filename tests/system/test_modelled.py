"""Services declared without code, on real workers: their own worker within seconds, decisions and sagas in
both patterns, and the shop's crash tests (a worker SIGKILLed mid-step, Redis restarted empty, every message
delivered twice) on a declared workflow.

Each test prints what it measured in the test output.
"""

import os
import signal
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from rq import Worker
from rq.registry import StartedJobRegistry

from tests import plugin_redis
from tests.conftest import runs_under_way, runs_wait_final, wait_until, workers_suspended_wait
from tests.modelled.helpers import action, declare, outcome, unique
from workflowviz.engine.faults import deliver_twice_set, service_down_set
from workflowviz.engine.models import EventRecord, RunStatus
from workflowviz.engine.runs import run_start
from workflowviz.modelled.services import service_remove
from workflowviz.modelled.tables import records_model

pytestmark = [pytest.mark.system]
PATTERNS = ["orchestration", "choreography"]
TRAVEL_SERVICES = ["trips", "flights", "hotels", "cars"]


def consumed_queues() -> dict[str, set[int]]:
    """Queue name → the pids of the workers registered on it (a SIGKILLed one stays listed a while)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    queues: dict[str, set[int]] = {}
    for worker in Worker.all(connection=client):
        for name in worker.queue_names():
            queues.setdefault(name, set()).add(worker.pid)
    return queues


def declared_worker_pids(system, service: str) -> set[int]:
    """The pids of the workers the declared services' supervisor runs for `service`, read from /proc: Redis
    may no longer list them (a Redis restarted empty, as an earlier test does, forgets every registration)."""
    supervisor = system.processes["workers-declared"].pid
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue  # a process that ended meanwhile
        if parent == supervisor and b"run_worker" in argv and service.encode() in argv:
            pids.add(int(entry.name))
    return pids


def trips(count: int, *, car_class: str = "compact", latency=(20, 60)) -> list:
    """`count` travel bookings per pattern; their run ids."""
    policy = {"*": {"latency_ms": list(latency)}}
    runs = []
    for index in range(count):
        for pattern in PATTERNS:
            data = {"trip_id": f"trip-{uuid.uuid4().hex[:10]}", "traveller_email": f"t{index}@example.com",
                    "destination": "Lisbon", "nights": 2, "car_class": car_class}  # fmt: skip
            runs.append(run_start(workflow="travel-booking", pattern=pattern, data=data, policy_overrides=policy).id)
    return runs


def assert_one_effect_per_run(run_ids, report, label):
    """One booking of each kind per run: nothing lost, nothing twice (each service's own table)."""
    ids = [str(run_id) for run_id in run_ids]
    counts = {"runs": len(ids)}
    for service, outcome_name in [("flights", "FlightBooked"), ("hotels", "HotelBooked"), ("cars", "CarRented")]:
        rows = records_model(service).objects.filter(run_id__in=ids, outcome=outcome_name)
        counts[service] = rows.count()
        counts[f"{service}_distinct_runs"] = rows.values("run_id").distinct().count()
    report(f"{label}: " + ", ".join(f"{name}={value}" for name, value in counts.items()))
    assert set(counts.values()) == {len(ids)}, counts


def test_a_declared_service_gets_its_worker_within_seconds_and_loses_it_when_deleted(system, transactional_db, report):
    name = unique("ping")
    started = time.monotonic()
    declare(name, action("ping", outcome(f"{name.capitalize()}Ponged", "ping_ref")))

    wait_until(lambda: name in consumed_queues(), timeout=20, what=f"a worker for {name}")
    report(f"worker of the new service {name} up after {time.monotonic() - started:.1f} s")
    service_remove(name)
    wait_until(lambda: name not in consumed_queues(), timeout=20, what=f"{name}'s worker to stop")


@pytest.mark.parametrize("car_class", ["compact", "van"])
def test_the_travel_saga_ends_the_same_way_in_both_patterns_on_real_workers(
    system, transactional_db, car_class, report
):
    run_ids = trips(2, car_class=car_class)

    runs = runs_wait_final(run_ids, timeout=60)

    outcomes = {(run.pattern, run.status, run.result) for run in runs}
    report(f"car class {car_class}: {sorted(outcomes)}")
    expected = (
        (RunStatus.SUCCEEDED, "booked") if car_class == "compact" else (RunStatus.COMPENSATED, "no car: trip cancelled")
    )
    assert {(run.status, run.result) for run in runs} == {expected}
    if car_class == "van":  # every flight and hotel booked was cancelled again, in each service's own table
        ids = [str(run.id) for run in runs]
        for service, undone in [("flights", "FlightCancelled"), ("hotels", "HotelCancelled")]:
            assert records_model(service).objects.filter(run_id__in=ids, outcome=undone).count() == len(ids)


def test_a_declared_worker_killed_mid_step_loses_and_duplicates_nothing(system, transactional_db, report):
    run_ids = trips(15, latency=(150, 300))
    flights = StartedJobRegistry("flights", connection=redis.Redis.from_url(settings.REDIS_URL))
    busy = wait_until(flights.get_job_ids, timeout=30, what="the flights worker to start a job")
    [pid] = declared_worker_pids(system, "flights")
    os.kill(pid, signal.SIGKILL)
    report(f"SIGKILLed the flights worker (pid {pid}) while it ran job {busy[0]}")

    runs = runs_wait_final(run_ids, timeout=150, supervise=system)

    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    assert consumed_queues()["flights"] - {pid}  # its supervisor started another one
    assert_one_effect_per_run(run_ids, report, "after the kill")


def test_redis_restarted_empty_mid_burst_on_a_declared_workflow(system, transactional_db, report):
    first = trips(10)
    runs_under_way(first)
    plugin_redis.redis_stop()
    during = trips(3)  # committed; their enqueue fails and waits for the reconciler
    time.sleep(1)  # the outage itself: workers and the reconciler meet a Redis that is not there
    plugin_redis.redis_start_again()
    later = trips(5)
    run_ids = first + during + later

    started = time.monotonic()
    runs = runs_wait_final(run_ids, timeout=150, supervise=system)

    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    report(f"runs final: {len(runs)}, {time.monotonic() - started:.1f} s after Redis came back")
    assert_one_effect_per_run(run_ids, report, "after the Redis restart")


def test_every_message_to_a_declared_service_delivered_twice_has_one_effect(system, transactional_db, report):
    client = redis.Redis.from_url(settings.REDIS_URL)
    for service in TRAVEL_SERVICES:
        deliver_twice_set(client, service=service, count=1000)
    try:
        run_ids = trips(5)
        runs = runs_wait_final(run_ids, timeout=90)
    finally:
        for service in TRAVEL_SERVICES:
            deliver_twice_set(client, service=service, count=0)
    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    duplicates = EventRecord.objects.filter(run_id__in=run_ids, kind="message.duplicate").count()
    report(f"duplicate deliveries ignored: {duplicates}")
    assert duplicates >= len(run_ids) * 4
    assert_one_effect_per_run(run_ids, report, "with every message delivered twice")


def test_a_declared_service_switched_off_holds_its_steps_until_it_is_back(system, transactional_db, report):
    client = redis.Redis.from_url(settings.REDIS_URL)
    service_down_set(client, service="cars", down=True)
    try:
        workers_suspended_wait("cars")
        run_ids = trips(1, latency=(0, 0))
        wait_until(
            lambda: EventRecord.objects.filter(run_id__in=run_ids, step_id="car", kind="step.queued").count() == 2,
            timeout=20,
            what="both runs to wait for the car",
        )
        # That nothing happens can only be seen over a while: a second in which a live worker would
        # have taken the car step many times over.
        time.sleep(1)
        assert not EventRecord.objects.filter(run_id__in=run_ids, step_id="car", kind="step.started").exists()
    finally:
        service_down_set(client, service="cars", down=False)
    runs = runs_wait_final(run_ids, timeout=60)
    assert {(run.status, run.result) for run in runs} == {(RunStatus.SUCCEEDED, "booked")}
    report("cars off: both patterns held at the car step; on again: both booked")
