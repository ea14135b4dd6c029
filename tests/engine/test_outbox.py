"""The outbox (`outbox.py`): what one transaction on one run writes, numbered without gaps, handed after commit
to the listeners."""

import logging

import pytest
from django.db import transaction

from tests.engine.factories import command_write, message_make, run_make
from workflowviz.engine.hooks import hooks
from workflowviz.engine.models import EventRecord, OutboxMessage, Run
from workflowviz.engine.outbox import Unit, unit_of_work
from workflowviz.engine.vocabulary import PAYLOADS, BadRecord, RecordKind


class Failed(Exception):
    pass


@pytest.fixture
def run(transactional_db):
    return run_make()


@pytest.fixture
def unsaved():
    """A run that is never saved: making records needs none."""
    return Run(pattern="orchestration", design_slug="factory", graph={})


@pytest.fixture
def heard(monkeypatch):
    """The after-commit listeners are only these: one that fails, then one that notes what it got."""
    calls = []

    def failing(messages, records):
        raise RuntimeError("listener broke")

    def noting(messages, records):
        calls.append(([m.id for m in messages], [(r.seq, r.kind) for r in records]))

    monkeypatch.setattr(hooks, "after_commit", [failing, noting])
    return calls


def seqs(run: Run) -> list[int]:
    return list(EventRecord.objects.filter(run=run).order_by("seq").values_list("seq", flat=True))


def test_a_record_of_an_unknown_kind_is_refused(unsaved):
    unit = Unit(unsaved)
    with pytest.raises(BadRecord, match="unknown record kind 'step.exploded'"):
        unit.record(service="sellers", kind="step.exploded")
    assert unit.records == []


def test_a_record_missing_a_required_field_is_refused(unsaved):
    with pytest.raises(BadRecord, match=r"step.started: missing \['attempt'\], unexpected \[\]"):
        Unit(unsaved).record(service="sellers", kind=RecordKind.STEP_STARTED, payload={"visit": 2})


def test_a_record_with_an_unexpected_field_is_refused(unsaved):
    with pytest.raises(BadRecord, match=r"missing \[\], unexpected \['colour'\]"):
        Unit(unsaved).record(service="sellers", kind=RecordKind.STEP_STARTED, payload={"attempt": 1, "colour": "red"})


@pytest.mark.parametrize("kind", list(PAYLOADS), ids=str)
def test_every_record_kind_takes_its_own_fields(unsaved, kind):
    spec = PAYLOADS[kind]
    unit = Unit(unsaved)
    required = unit.record(service="sellers", kind=kind, payload=dict.fromkeys(spec.required, 1))
    everything = unit.record(service="sellers", kind=str(kind), payload=dict.fromkeys(spec.required | spec.optional, 1))
    assert required.kind == everything.kind == kind
    if spec.required:
        missing_one = dict.fromkeys(sorted(spec.required)[1:], 1)
        with pytest.raises(BadRecord):
            unit.record(service="sellers", kind=kind, payload=missing_one)


def test_records_are_numbered_without_gaps_across_the_units_of_a_run(run):
    for count in (2, 0, 3):
        with unit_of_work(run.id) as unit:
            for attempt in range(count):
                unit.record(
                    service="sellers", kind=RecordKind.STEP_STARTED, step_id="prepare", payload={"attempt": attempt + 1}
                )
    run.refresh_from_db()
    assert seqs(run) == [1, 2, 3, 4, 5]
    assert run.next_seq == 6
    other = run_make()
    with unit_of_work(other.id) as unit:
        unit.record(service="sellers", kind=RecordKind.STEP_CANCELLED)
    assert seqs(other) == [1]  # each run counts its own


def test_a_unit_whose_block_raises_saves_nothing(run):
    with unit_of_work(run.id) as unit:
        unit.record(service="sellers", kind=RecordKind.STEP_CANCELLED)
    with pytest.raises(Failed), unit_of_work(run.id) as unit:
        unit.record(service="sellers", kind=RecordKind.STEP_CANCELLED)
        command_write(unit)
        unit.run.result = "changed"
        unit.run_changed("result")
        raise Failed
    run.refresh_from_db()
    assert (seqs(run), run.next_seq, run.result) == ([1], 2, "")
    assert not OutboxMessage.objects.filter(run=run).exists()
    # The next unit takes the number the failed one did not use.
    with unit_of_work(run.id) as unit:
        unit.record(service="sellers", kind=RecordKind.STEP_CANCELLED)
    assert seqs(run) == [1, 2]


def test_a_sent_message_is_saved_with_its_record(run):
    with unit_of_work(run.id) as unit:
        message = command_write(unit, payload={"order_id": 7}, attempt=2, delay_seconds=30)
    saved = OutboxMessage.objects.get(pk=message.pk)
    assert (saved.target_service, saved.payload, saved.attempt) == ("sellers", {"order_id": 7}, 2)
    assert saved.processed_at is None
    assert 29 < (saved.available_at - saved.created_at).total_seconds() <= 30
    sent = EventRecord.objects.get(run=run, message_id=message.pk)
    assert (sent.kind, sent.service) == ("message.sent", "orders")
    assert (sent.payload["to"], sent.payload["delay_s"], sent.payload["body"]) == ("sellers", 30, {"order_id": 7})


def test_a_run_is_in_flight_while_one_of_its_messages_is_unprocessed(run):
    assert not Unit(run).in_flight()
    unit = Unit(run)
    command_write(unit)
    assert unit.in_flight()  # this unit's own message, not saved yet
    stored = message_make(run)
    assert Unit(run).in_flight()
    OutboxMessage.objects.filter(pk=stored.pk).update(processed_at=stored.available_at)
    assert not Unit(run).in_flight()
    message_make(run_make())  # another run's message does not count
    assert not Unit(run).in_flight()


def test_listeners_get_the_messages_and_records_once_the_transaction_commits(run, heard, caplog):
    with unit_of_work(run.id) as unit:
        message = command_write(unit)
        unit.record(service="sellers", kind=RecordKind.STEP_CANCELLED)
        assert heard == []  # not before the commit

    # The first listener failed; the second still heard, once.
    assert heard == [([message.id], [(1, "message.sent"), (2, "step.cancelled")])]
    assert "after-commit listener failing failed" in caplog.text
    assert [r.levelno for r in caplog.records if "listener" in r.getMessage()] == [logging.ERROR]


def test_listeners_hear_nothing_when_the_transaction_rolls_back(run, heard):
    with pytest.raises(Failed), unit_of_work(run.id) as unit:
        unit.record(service="sellers", kind=RecordKind.STEP_CANCELLED)
        raise Failed
    # A unit that saved inside a transaction that rolls back later: nothing was committed either.
    with pytest.raises(Failed), transaction.atomic():
        with unit_of_work(run.id) as unit:
            unit.record(service="sellers", kind=RecordKind.STEP_CANCELLED)
        raise Failed
    assert heard == []
    assert seqs(run) == []
