"""Choreography (`choreography.py`, `observer.py`): published events fan out through the bus to their
subscribers only; joins live in the subscribing service; the failure event reaches whoever can undo; the
observer ends the run.

Driven one delivery at a time with the real job function (`deliver`), on the real database.
"""

import pytest

from tests.engine.declared import BROKEN, deliver_one, statuses, step_ids, trips_declare, unprocessed
from tests.engine.drain import drain_until_final
from workflowviz.engine.models import EventRecord, JoinState, MessageKind, OutboxMessage, RunStatus, StepStatus

EVENT = MessageKind.EVENT
CHOREOGRAPHY = "choreography"


@pytest.fixture
def trips(transactional_db, workers_paused):
    return trips_declare()


def published(run, step_id: str) -> dict:
    """What the step's service announced when it published its outcome."""
    record = EventRecord.objects.get(run=run, kind="event.published", step_id=step_id)
    return {"service": record.service, **record.payload}


def test_an_outcome_is_published_once_and_delivered_through_the_bus_to_its_subscribers_only(trips):
    slug = trips.design(
        trips.step("rent", "rent"),
        trips.step("car", "note", "rent:Rented"),
        trips.step("no_car", "note", "rent:NoCar"),
        trips.step("always", "note", "rent"),
    )
    run = trips.start(slug, CHOREOGRAPHY)
    assert published(run, "") == {"service": trips.service, "type": trips.outcome("Asked"), "subscribers": ["rent"]}

    assert deliver_one(run, "rent", EVENT) == "succeeded"

    rented = trips.outcome("Rented")
    assert published(run, "rent") == {"service": trips.service, "type": rented, "subscribers": ["car", "always"]}
    deliveries = OutboxMessage.objects.filter(run=run, from_step="rent").order_by("created_at")
    assert [(m.kind, m.type, m.source_service, m.step_id) for m in deliveries] == [
        (EVENT, rented, trips.service, "car"),
        (EVENT, rented, trips.service, "always"),
    ]
    sent = EventRecord.objects.filter(run=run, kind="message.sent", message_id__in=[m.id for m in deliveries])
    assert set(sent.values_list("service", flat=True)) == {"bus"}
    assert statuses(run)["no_car"] == StepStatus.PENDING
    assert not OutboxMessage.objects.filter(run=run, step_id="no_car").exists()


def test_the_observer_records_the_ends_reached_and_ends_the_run_once_nothing_is_in_flight(trips):
    slug = trips.design(
        trips.step("book", "book"), trips.step("note", "note"), trips.step("done", "", "book", end="booked")
    )
    run = trips.start(slug, CHOREOGRAPHY)

    deliver_one(run, "book", EVENT)

    assert published(run, "book")["ends"] == ["done"]
    end = EventRecord.objects.get(run=run, kind="end.reached")
    assert (end.service, end.step_id, end.payload) == ("engine", "done", {"result": "booked"})
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING  # note's event is still in flight
    deliver_one(run, "note", EVENT)
    run.refresh_from_db()
    assert (run.status, run.result) == (RunStatus.SUCCEEDED, "booked")
    final = EventRecord.objects.filter(run=run).order_by("-seq").first()
    assert (final.kind, final.service) == ("run.succeeded", "engine")


def test_a_join_keeps_its_state_in_the_subscribing_service_until_every_event_arrived(trips):
    other = trips_declare()
    slug = trips.design(
        trips.step("book", "book"), trips.step("hold", "hold"), other.step("both", "note", "book", "hold")
    )
    run = trips.start(slug, CHOREOGRAPHY)
    deliver_one(run, "hold", EVENT)

    assert deliver_one(run, "both", EVENT) == "waiting"

    join = JoinState.objects.get(run=run, step_id="both")
    assert (join.service, join.received, join.visits) == (other.service, ["hold"], 0)
    waiting = EventRecord.objects.get(run=run, kind="join.waiting")
    assert (waiting.service, waiting.payload) == (other.service, {"waiting_for": ["book"]})
    assert JoinState.objects.filter(run=run).count() == 1
    deliver_one(run, "book", EVENT)
    assert deliver_one(run, "both", EVENT) == "succeeded"
    join.refresh_from_db()
    assert (join.received, join.visits) == ([], 1)
    assert set(join.data) >= {"trip_id", "book_ref", "hold_ref"}  # what every event brought


def test_the_failure_event_goes_to_the_steps_that_can_be_undone_and_the_run_ends_once_all_handled_it(trips):
    slug = trips.design(
        trips.step("book", "book"),
        trips.step("note", "note"),
        trips.step("hold", "hold", "book"),
        trips.step("fail", "note", "hold", policy=BROKEN),
        trips.step("later", "hold", "fail"),
    )
    run = trips.start(slug, CHOREOGRAPHY)
    for step_id in ("book", "note", "hold"):
        assert deliver_one(run, step_id, EVENT) == "succeeded"

    assert deliver_one(run, "fail", EVENT) == "failed"

    cancelled = trips.outcome("AskedCancelled")
    failure = unprocessed(run, type=cancelled)
    assert [(m.step_id, m.source_service) for m in failure] == [
        ("book", trips.service),
        ("hold", trips.service),
        ("later", trips.service),
    ]
    assert published(run, "fail")["subscribers"] == ["book", "hold", "later"]
    for step_id in ("later", "hold", "book"):
        run.refresh_from_db()
        assert run.status == RunStatus.COMPENSATING  # not every subscriber has handled it yet
        deliver_one(run, step_id, EVENT)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPENSATED
    assert statuses(run) == {
        "book": "compensated",
        "note": "succeeded",
        "hold": "compensated",
        "fail": "failed",
        "later": "cancelled",
    }
    assert step_ids(run, "step.compensated") == ["hold", "book"]
    assert step_ids(run, "step.cancelled") == ["later"]


def test_a_step_beside_the_failing_one_is_undone_with_what_it_produced(trips):
    # The failure event carries the failing step's data; book's own book_ref comes from what book produced.
    run = trips.start(trips.book_beside_a_failure(), CHOREOGRAPHY)
    assert deliver_one(run, "book", EVENT) == "succeeded"

    assert deliver_one(run, "fail", EVENT) == "failed"
    [run] = drain_until_final([run.id])

    assert run.status == RunStatus.COMPENSATED
    assert statuses(run) == {"book": StepStatus.COMPENSATED, "fail": StepStatus.FAILED}
    assert step_ids(run, "step.compensated") == ["book"]
