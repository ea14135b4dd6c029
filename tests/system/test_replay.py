"""Replay with real workers: a run's event records, folded, rebuild its Run and StepState rows exactly.

Both patterns: a success, retries (a failure probability, then success), a permanent failure with
compensation, every message delivered twice, and a service down long enough for commands to time out.
"""

import pytest
import redis
from django.conf import settings
from django.db import transaction

from orders.services import order_place
from tests.conftest import runs_wait_final, wait_until, workers_suspended_wait
from workflowviz.engine.faults import deliver_twice_set, service_down_set
from workflowviz.engine.models import EventRecord, OutboxMessage, Run, RunStatus
from workflowviz.engine.replay import RunReplayed, replay, state_of_rows

pytestmark = [pytest.mark.system]
PATTERNS = ["orchestration", "choreography"]
LATENCY = {"*": {"latency_ms": [10, 40]}}  # the path where "started" is committed before the step sleeps
FLAKY = {"*": {"latency_ms": [0, 30], "failure_probability": 0.5, "max_attempts": 10, "backoff_seconds": 0.05}}
BROKEN = {
    "*": {"latency_ms": [0, 20]},
    "assign_partner": {"failure_probability": 1.0, "max_attempts": 2, "backoff_seconds": 0.1},
}
TIGHT = {"*": {"latency_ms": [0, 0], "timeout_seconds": 1, "max_attempts": 2, "backoff_seconds": 0.2}}


def place(pattern, policy, count=1):
    return [
        order_place(
            sku="MUG-BLUE", quantity=1, customer_email=f"buyer{i}@example.com", pattern=pattern, policy_overrides=policy
        )
        for i in range(count)
    ]


def outbox_settled(run_ids, timeout=20):
    """Wait until every message of these runs was acted on (late deliveries change state too)."""
    wait_until(
        lambda: not OutboxMessage.objects.filter(run_id__in=run_ids, processed_at__isnull=True).exists(),
        timeout=timeout,
        what="every message of the runs to be processed",
    )


def assert_replay_rebuilds(run_id) -> RunReplayed:
    """Fold the run's records and compare with its rows, read in one snapshot, field by field."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)  # writers wait: records and rows agree
        rows = state_of_rows(run)
        records = list(EventRecord.objects.filter(run=run).order_by("seq"))
    replayed = replay(records, graph=run.graph)
    for step_id, step in rows.steps.items():
        assert replayed.steps[step_id] == step, step_id
    assert replayed == rows
    return replayed


def finish_and_replay(orders) -> list[RunReplayed]:
    run_ids = [order.run_id for order in orders]
    runs_wait_final(run_ids, timeout=60)
    outbox_settled(run_ids)
    return [assert_replay_rebuilds(run_id) for run_id in run_ids]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_replay_rebuilds_successful_runs(pattern, system, demo):
    states = finish_and_replay(place(pattern, None) + place(pattern, LATENCY, 2))
    assert {state.status for state in states} == {RunStatus.SUCCEEDED}


@pytest.mark.parametrize("pattern", PATTERNS)
def test_replay_rebuilds_runs_with_retries(pattern, system, demo):
    orders = place(pattern, FLAKY, 4)
    states = finish_and_replay(orders)
    retried = EventRecord.objects.filter(run_id__in=[o.run_id for o in orders], kind="step.retried")
    assert retried.exists()
    assert any(
        state.status == RunStatus.SUCCEEDED and any(s.attempts > 1 for s in state.steps.values()) for state in states
    )


@pytest.mark.parametrize("pattern", PATTERNS)
def test_replay_rebuilds_runs_that_failed_and_compensated(pattern, system, demo):
    states = finish_and_replay(place(pattern, BROKEN, 2))
    assert {state.status for state in states} == {RunStatus.COMPENSATED}
    assert {state.steps["assign_partner"].status for state in states} == {"failed"}


@pytest.mark.parametrize("pattern", PATTERNS)
def test_replay_rebuilds_runs_whose_messages_were_delivered_twice(pattern, system, demo):
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        for service in settings.SERVICE_APPS:
            deliver_twice_set(client, service=service, count=1000)
        orders = place(pattern, LATENCY, 3)
        states = finish_and_replay(orders)
    finally:
        for service in settings.SERVICE_APPS:
            deliver_twice_set(client, service=service, count=0)
        client.close()
    assert {state.status for state in states} == {RunStatus.SUCCEEDED}
    # Duplicates that arrive after the original was done leave a record (the others none).
    runs = [o.run_id for o in orders]
    assert EventRecord.objects.filter(run_id__in=runs, kind="message.duplicate").exists()


def test_replay_rebuilds_runs_while_a_service_was_down(system, demo):
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        service_down_set(client, service="logistics", down=True)
        workers_suspended_wait("logistics")
        [gives_up] = place("orchestration", TIGHT)
        [waits] = place("choreography", TIGHT)
        [timed_out] = runs_wait_final([gives_up.run_id], timeout=30)
    finally:
        service_down_set(client, service="logistics", down=False)
        client.close()
    states = finish_and_replay([gives_up, waits])
    assert timed_out.status == RunStatus.COMPENSATED
    assert [state.status for state in states] == [RunStatus.COMPENSATED, RunStatus.SUCCEEDED]
    assert EventRecord.objects.filter(run_id=gives_up.run_id, kind="step.timed_out").count() == 2
