"""Replay: folding a run's event records rebuilds its state exactly.

The fold on hand-built records first, then runs driven in-process (tests.engine.drain) through the
real engine, compared with their Run and StepState rows; tests/system/test_replay.py does the same
with real workers.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from orders.services import order_place
from workflowviz.engine.delivery import deliver
from workflowviz.engine.models import EventRecord, OutboxMessage, Run
from workflowviz.engine.replay import ReplayGap, RunReplayed, replay, state_of_rows
from workflowviz.engine.selectors import run_detail_json
from workflowviz.engine.timeouts import commands_time_out

from .drain import deliver_all_again, drain, drain_until_final

PATTERNS = ["orchestration", "choreography"]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GRAPH = {
    "steps": [
        {"id": "a", "service": "sellers", "action": "sellers.prepare", "after": []},
        {"id": "b", "service": "logistics", "action": "logistics.assign", "after": ["a"]},
    ]
}


def at(ms: float) -> datetime:
    return T0 + timedelta(milliseconds=ms)


def records(*rows, after: list | None = None) -> list[dict]:
    """Records as the API gives them: (ms, service, kind, step_id, payload[, message_id]), numbered from 1
    or following the records `after`."""
    out = list(after or [])
    for seq, (ms, service, kind, step_id, payload, *message) in enumerate(rows, start=len(out) + 1):
        out.append(
            {
                "seq": seq,
                "service": service,
                "kind": kind,
                "step_id": step_id,
                "message_id": message[0] if message else None,
                "payload": payload,
                "at": at(ms).isoformat(),
            }
        )
    return out


def command(ms, step_id, service, message_id):
    return [
        (ms, "orders", "message.sent", step_id, {"kind": "command", "to": service, "body": {}}, message_id),
        (ms, service, "step.queued", step_id, {}),
    ]


def reply(ms, step_id, service, message_id, status="succeeded", result=None):
    body = {"status": status, "result": result or {}, "error": ""}
    return [
        (ms, service, "message.sent", step_id, {"kind": "reply", "to": "orders", "body": body}, message_id),
        (ms + 1, "orders", "message.received", step_id, {"kind": "reply", "from": service}, message_id),
        (ms + 1, "orders", "coordinator.decided", step_id, {"after": "Done"}),
    ]


def test_an_orchestration_run_folds_into_its_final_state():
    rows = records(
        (0, "orders", "run.started", "", {"pattern": "orchestration"}),
        (0, "orders", "coordinator.decided", "", {"after": "OrderPlaced", "data": {"order_id": 7}}),
        *command(1, "a", "sellers", "m1"),
        (5, "sellers", "message.received", "a", {"kind": "command", "queue_wait_ms": 4}, "m1"),
        (5, "sellers", "step.started", "a", {"attempt": 1}),
        (9, "sellers", "step.succeeded", "a", {"attempt": 1, "started_at": at(5).isoformat(), "result": {}}),
        *reply(9, "a", "sellers", "r1", result={"task_id": 3}),
        *command(11, "b", "logistics", "m2"),
        (12, "logistics", "step.started", "b", {"attempt": 1}),
        (20, "logistics", "step.succeeded", "b", {"attempt": 1, "started_at": at(12).isoformat()}),
        *reply(20, "b", "logistics", "r2", result={"shipment_id": 4}),
        (22, "orders", "run.succeeded", "", {"elapsed_ms": 22}),
    )

    state = replay(rows, graph=GRAPH)

    assert (state.status, state.finished, state.finished_at, state.last_seq) == ("succeeded", True, at(22), len(rows))
    assert state.done_steps == ["a", "b"]
    assert state.data == {"order_id": 7, "task_id": 3, "shipment_id": 4}
    a = state.steps["a"]
    assert (a.status, a.attempts, a.queued_at, a.started_at, a.finished_at, a.error) == (
        "succeeded", 1, at(1), at(5), at(9), ""
    )  # fmt: skip
    assert (a.service, a.action) == ("sellers", "sellers.prepare")


def test_a_retry_counts_attempts_and_the_success_clears_the_error():
    rows = records(
        (0, "orders", "run.started", "", {}),
        (0, "sellers", "step.queued", "a", {}),
        (2, "sellers", "step.started", "a", {"attempt": 1}),
        (3, "sellers", "step.retried", "a", {"attempt": 1, "error": "InjectedFailure: boom", "retry_in_s": 0.1}),
    )
    state = replay(rows)
    assert (state.steps["a"].status, state.steps["a"].attempts, state.steps["a"].error) == (
        "retrying", 1, "InjectedFailure: boom"
    )  # fmt: skip

    # A second delivery that won the claim started later than the step.started record: the
    # success record says when, and that is what the row holds.
    rows = records(
        (104, "sellers", "step.started", "a", {"attempt": 2}),
        (110, "sellers", "step.succeeded", "a", {"attempt": 2, "started_at": at(106).isoformat()}),
        after=rows,
    )
    step = replay(rows).steps["a"]
    assert (step.status, step.attempts, step.started_at, step.finished_at, step.error) == (
        "succeeded", 2, at(106), at(110), ""
    )  # fmt: skip
    assert step.service == "sellers"  # from its own records, without the graph


def test_compensation_keeps_the_steps_finish_and_a_compensation_retry_keeps_it_compensating():
    rows = records(
        (0, "orders", "run.started", "", {}),
        (1, "sellers", "step.started", "a", {"attempt": 1}),
        (5, "sellers", "step.succeeded", "a", {"attempt": 1, "started_at": at(1).isoformat()}),
        (6, "logistics", "step.failed", "b", {"attempt": 1, "error": "boom"}),
        (6, "orders", "run.compensating", "b", {"reason": "boom"}),
        (7, "sellers", "step.compensating", "a", {"action": "sellers.cancel"}),
        (8, "sellers", "step.retried", "a", {"attempt": 1, "error": "oops", "compensation": True}),
    )
    state = replay(rows)
    assert (state.status, state.finished, state.steps["a"].status) == ("compensating", False, "compensating")
    assert (state.steps["b"].status, state.steps["b"].finished_at, state.steps["b"].error) == ("failed", at(6), "boom")

    rows = records(
        (9, "sellers", "step.failed", "a", {"error": "oops", "compensation": True}),
        (9, "orders", "run.failed", "", {}),
        after=rows,
    )
    state = replay(rows)
    a = state.steps["a"]
    assert (a.status, a.finished_at, a.error) == ("failed", at(5), "compensation failed: oops")
    assert (state.status, state.finished_at) == ("failed", at(9))


def test_a_reply_received_while_compensating_is_not_a_done_step_and_a_dropped_message_spares_a_success():
    # Its outputs are learnt (what the step made is undone too), but it is not counted done.
    rows = records(
        (0, "orders", "run.started", "", {}),
        (1, "orders", "run.compensating", "x", {}),
        *reply(2, "a", "sellers", "r1", result={"late": True}),
        (3, "sellers", "step.succeeded", "a", {"attempt": 1, "started_at": at(2).isoformat()}),
        (4, "sellers", "message.dropped", "a", {"reason": "run is compensating"}),
        (4, "logistics", "message.dropped", "b", {"reason": "run is compensating"}),
        (5, "orders", "message.cancelled", "c", {}),
    )
    state = replay(rows)
    assert (state.done_steps, state.data) == ([], {"late": True})
    assert {step_id: step.status for step_id, step in state.steps.items()} == {
        "a": "succeeded",
        "b": "cancelled",
        "c": "cancelled",
    }


def test_records_in_any_order_are_folded_in_sequence_and_a_gap_is_refused():
    rows = records(
        (0, "orders", "run.started", "", {}),
        (1, "sellers", "step.queued", "a", {}),
        (2, "sellers", "step.started", "a", {"attempt": 1}),
    )
    assert replay(list(reversed(rows))) == replay(rows)
    with pytest.raises(ReplayGap, match="#2 is missing"):
        replay([rows[0], rows[2]])
    assert replay([]) == RunReplayed()


# The real engine, driven in-process ------------------------------------------------------------

FAST = {"*": {"latency_ms": [0, 0]}}
BROKEN = {**FAST, "assign_partner": {"failure_probability": 1.0, "max_attempts": 2, "backoff_seconds": 0}}
FLAKY = {"*": {"latency_ms": [0, 0], "failure_probability": 0.5, "max_attempts": 10, "backoff_seconds": 0}}
TIGHT = {"*": {"latency_ms": [0, 0], "timeout_seconds": 1, "max_attempts": 2, "backoff_seconds": 0}}


def place(pattern, policy):
    return order_place(
        sku="TENT-2P", quantity=1, customer_email="ann@example.com", pattern=pattern, policy_overrides=policy
    )


def assert_replay_rebuilds(run_id) -> RunReplayed:
    """Replay the run's records (the rows and the API's JSON alike) and compare with its rows, field by field."""
    with transaction.atomic():  # one snapshot of records and rows
        run = Run.objects.select_for_update().get(pk=run_id)
        rows = state_of_rows(run)
        records_ = list(EventRecord.objects.filter(run=run).order_by("seq"))
        api = run_detail_json(run)["events"]
    replayed = replay(records_, graph=run.graph)
    for step_id, step in rows.steps.items():
        assert replayed.steps[step_id] == step, step_id
    assert replayed == rows
    assert replay(api, graph=run.graph) == rows
    return replayed


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("policy", [FAST, FLAKY, BROKEN], ids=["success", "retries", "compensated"])
def test_replay_rebuilds_runs_driven_through_the_engine(pattern, policy, demo):
    orders = [place(pattern, policy) for _ in range(3 if policy is FLAKY else 1)]
    runs = drain_until_final([order.run_id for order in orders])
    deliver_all_again([run.id for run in runs])  # every message a second time: one effect, records of it

    for run in runs:
        state = assert_replay_rebuilds(run.id)
        assert state.finished
    if policy is BROKEN:
        assert {run.status for run in runs} == {"compensated"}
    if policy is FLAKY:
        assert EventRecord.objects.filter(run__in=runs, kind="step.retried").exists()


def test_replay_rebuilds_a_run_whose_commands_timed_out(demo):
    order = place("orchestration", TIGHT)
    # Logistics never answers: deliver everything else, then let the coordinator give up twice.
    for _ in range(2):
        while due := list(
            OutboxMessage.objects.filter(run_id=order.run_id, processed_at__isnull=True)
            .exclude(target_service="logistics")
            .values_list("pk", flat=True)
        ):
            for message_id in due:
                deliver(str(message_id))
        assert commands_time_out(timezone.now() + timedelta(seconds=60)) == 1
    drain([order.run_id])

    state = assert_replay_rebuilds(order.run_id)
    assert state.status == "compensated"
    assert state.steps["assign_partner"].status == "failed"
    assert EventRecord.objects.filter(run_id=order.run_id, kind="step.timed_out").count() == 2
