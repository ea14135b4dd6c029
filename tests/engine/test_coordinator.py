"""Orchestration's coordinator (`coordinator.py`): what it commands on each reply, how it ends a run, and the
saga when a step fails for good.

Driven one delivery at a time with the real job function (`deliver`), on the real database.
"""

import pytest

from tests.engine.declared import BROKEN, deliver_one, statuses, step_ids, trips_declare, unprocessed
from tests.engine.drain import drain_until_final
from workflowviz.engine.models import EventRecord, MessageKind, OutboxMessage, RunStatus, StepStatus

COMMAND, REPLY, COMPENSATE = MessageKind.COMMAND, MessageKind.REPLY, MessageKind.COMPENSATE
ORCHESTRATION = "orchestration"


@pytest.fixture
def trips(transactional_db, workers_paused):
    return trips_declare()


def commanded(run) -> list[str]:
    """The steps the coordinator sent a command to, in order."""
    messages = OutboxMessage.objects.filter(run=run, kind=COMMAND).order_by("created_at")
    return list(messages.values_list("step_id", flat=True))


def step_done(run, step_id: str) -> None:
    """The step's service does it and the coordinator hears its reply."""
    assert deliver_one(run, step_id, COMMAND) == "succeeded"
    assert deliver_one(run, step_id, REPLY) == "decided"
    run.refresh_from_db()


def test_a_run_begins_with_a_command_to_every_starter(trips):
    slug = trips.design(
        trips.step("book", "book"),
        trips.step("note", "note", "trigger"),
        trips.step("hold", "hold", "book"),
        trips.step("end", "", "hold", "note", end="done"),
    )

    run = trips.start(slug, ORCHESTRATION)

    assert commanded(run) == ["book", "note"]
    sent = OutboxMessage.objects.filter(run=run, kind=COMMAND)
    assert {(m.source_service, m.target_service, m.payload["trip_id"]) for m in sent} == {
        (trips.service, trips.service, "t-1")
    }
    assert statuses(run) == {"book": "queued", "note": "queued", "hold": "pending", "end": "pending"}
    run.refresh_from_db()
    assert run.data == {"trip_id": "t-1", "kind": "car"}
    decided = EventRecord.objects.get(run=run, kind="coordinator.decided")
    assert decided.payload == {"after": trips.outcome("Asked"), "data": run.data}


def test_a_reply_becomes_the_steps_outcome_and_its_fields_join_what_the_run_knows(trips):
    slug = trips.design(trips.step("book", "book"), trips.step("hold", "hold", "book"))
    run = trips.start(slug, ORCHESTRATION)

    step_done(run, "book")

    assert run.decisions["outcomes"] == {"book": trips.outcome("Booked")}
    assert run.done_steps == ["book"]
    assert set(run.data) == {"trip_id", "kind", "book_ref"}
    assert commanded(run) == ["book", "hold"]
    [hold] = unprocessed(run, step_id="hold")
    assert hold.payload == {"trip_id": "t-1"}  # only the inputs of hold's action


@pytest.mark.parametrize(("kind", "taken"), [("none", "no_car"), ("car", "car")])
def test_only_the_steps_the_outcomes_edges_reach_are_commanded(trips, kind, taken):
    slug = trips.design(
        trips.step("rent", "rent"),
        trips.step("car", "note", "rent:Rented"),
        trips.step("no_car", "note", "rent:NoCar"),
        trips.step("always", "note", "rent"),
    )
    run = trips.start(slug, ORCHESTRATION, kind=kind)

    step_done(run, "rent")

    assert commanded(run) == ["rent", taken, "always"]
    assert run.status == RunStatus.RUNNING  # two commands in flight


def test_a_join_of_all_waits_for_every_reply(trips):
    slug = trips.design(
        trips.step("book", "book"), trips.step("hold", "hold"), trips.step("both", "note", "book", "hold")
    )
    run = trips.start(slug, ORCHESTRATION)

    step_done(run, "hold")

    assert commanded(run) == ["book", "hold"]
    assert run.decisions["joins"]["both"] == {"arrived": ["hold"]}
    assert statuses(run)["both"] == StepStatus.PENDING
    step_done(run, "book")
    assert commanded(run) == ["book", "hold", "both"]
    assert run.decisions["joins"]["both"] == {"arrived": [], "visits": 1}


def test_the_run_ends_once_nothing_is_in_flight_and_the_steps_not_taken_are_skipped(trips):
    slug = trips.design(
        trips.step("rent", "rent"),
        trips.step("car", "note", "rent:Rented"),
        trips.step("no_car", "note", "rent:NoCar"),
        trips.step("booked", "", "car", end="booked"),
    )
    run = trips.start(slug, ORCHESTRATION)
    step_done(run, "rent")
    assert run.status == RunStatus.RUNNING

    step_done(run, "car")

    assert (run.status, run.result) == (RunStatus.SUCCEEDED, "booked")
    assert statuses(run) == {"rent": "succeeded", "car": "succeeded", "no_car": "skipped", "booked": "succeeded"}
    assert step_ids(run, "step.skipped", service=trips.service) == ["no_car"]
    assert step_ids(run, "end.reached", service=trips.service) == ["booked"]
    final = EventRecord.objects.filter(run=run).order_by("-seq").first()
    assert (final.kind, final.service) == ("run.succeeded", trips.service)


def saga_design(trips) -> str:
    """book → hold → rent (a decision) → fail (always fails) and wait (a command left waiting)."""
    return trips.design(
        trips.step("book", "book"),
        trips.step("hold", "hold", "book"),
        trips.step("rent", "rent", "hold"),
        trips.step("fail", "note", "rent", policy=BROKEN),
        trips.step("wait", "note", "rent"),
    )


@pytest.mark.parametrize(("kind", "undone"), [("car", ["rent", "hold", "book"]), ("none", ["hold", "book"])])
def test_a_failing_reply_cancels_the_waiting_commands_and_compensates_most_recent_first(trips, kind, undone):
    run = trips.start(saga_design(trips), ORCHESTRATION, kind=kind)
    for step_id in ("book", "hold", "rent"):
        step_done(run, step_id)
    [waiting] = unprocessed(run, step_id="wait")

    assert deliver_one(run, "fail", COMMAND) == "failed"
    assert deliver_one(run, "fail", REPLY) == "failed"

    run.refresh_from_db()
    assert run.status == RunStatus.COMPENSATING
    waiting.refresh_from_db()
    assert waiting.processed_at is not None  # claimed: a worker that picks it up does nothing
    assert statuses(run)["wait"] == StepStatus.CANCELLED
    assert step_ids(run, "message.cancelled") == ["wait"]
    # One compensation at a time: the most recent step that has something to undo first.
    assert [m.step_id for m in unprocessed(run, kind=COMPENSATE)] == undone[:1]

    [run] = drain_until_final([run.id])

    assert run.status == RunStatus.COMPENSATED
    assert step_ids(run, "step.compensated") == undone
    expected = {"book": "compensated", "hold": "compensated", "fail": "failed", "wait": "cancelled"}
    # A decision whose outcome gave nothing to undo (no car, hence no car_ref) stays as it ended.
    expected["rent"] = "compensated" if "rent" in undone else "succeeded"
    assert statuses(run) == expected


def test_a_failing_end_starts_the_saga(trips):
    slug = trips.design(
        trips.step("book", "book"),
        trips.step("rent", "rent", "book"),
        trips.step("booked", "", "rent:Rented", end="booked"),
        trips.step("no_car", "", "rent:NoCar", end="no car", fails=True),
    )
    run = trips.start(slug, ORCHESTRATION, kind="none")
    step_done(run, "book")

    step_done(run, "rent")

    assert run.status == RunStatus.COMPENSATING
    compensating = EventRecord.objects.get(run=run, kind="run.compensating")
    assert (compensating.step_id, compensating.payload["reason"]) == ("no_car", "the run reached no_car: no car")
    [run] = drain_until_final([run.id])
    assert (run.status, run.result) == (RunStatus.COMPENSATED, "no car")
    assert statuses(run) == {"book": "compensated", "rent": "succeeded", "booked": "pending", "no_car": "succeeded"}


def test_a_step_whose_reply_comes_after_the_saga_started_is_compensated_too(trips):
    run = trips.start(trips.book_beside_a_failure(), ORCHESTRATION)
    assert deliver_one(run, "book", COMMAND) == "succeeded"  # booked: its reply waits in the queue
    assert deliver_one(run, "fail", COMMAND) == "failed"

    assert deliver_one(run, "fail", REPLY) == "failed"  # heard first: the saga starts
    [run] = drain_until_final([run.id])

    assert run.status == RunStatus.COMPENSATED
    assert statuses(run)["book"] == StepStatus.COMPENSATED
    assert step_ids(run, "step.compensated") == ["book"]
