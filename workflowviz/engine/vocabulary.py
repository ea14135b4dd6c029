"""The engine's words, in one place: patterns, statuses, message kinds and event record kinds.

Every event record is made through `record_payload_check`, so a record's payload always has the
fields its kind promises; the browser gets the same list from `vocabulary_json()`.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models


class Pattern(models.TextChoices):
    ORCHESTRATION = "orchestration"
    CHOREOGRAPHY = "choreography"


class RunStatus(models.TextChoices):
    RUNNING = "running"
    COMPENSATING = "compensating"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    COMPENSATED = "compensated"


FINAL_RUN_STATUSES = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.COMPENSATED)


class StepStatus(models.TextChoices):
    PENDING = "pending"
    QUEUED = "queued"
    STARTED = "started"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    RETRYING = "retrying"
    CANCELLED = "cancelled"
    COMPENSATING = "compensating"
    COMPENSATED = "compensated"
    SKIPPED = "skipped"  # on a branch the run did not take, or a join that could never fire


IN_FLIGHT_STEP_STATUSES = (StepStatus.QUEUED, StepStatus.STARTED, StepStatus.RETRYING)


class MessageKind(models.TextChoices):
    COMMAND = "command"
    REPLY = "reply"
    EVENT = "event"
    COMPENSATE = "compensate"  # a command that undoes a step (saga)


class Lane(StrEnum):
    """Timeline lanes that are not services."""

    BUS = "bus"  # the event bus that fans a published event out to its subscribers (choreography)
    OBSERVER = "engine"  # what follows a run for the screens without taking part in it


class RecordKind(StrEnum):
    RUN_STARTED = "run.started"
    RUN_COMPENSATING = "run.compensating"
    RUN_SUCCEEDED = "run.succeeded"
    RUN_FAILED = "run.failed"
    RUN_COMPENSATED = "run.compensated"
    COORDINATOR_DECIDED = "coordinator.decided"
    MESSAGE_SENT = "message.sent"
    MESSAGE_RECEIVED = "message.received"
    MESSAGE_DUPLICATE = "message.duplicate"
    MESSAGE_DROPPED = "message.dropped"
    MESSAGE_CANCELLED = "message.cancelled"
    MESSAGE_AMENDED = "message.amended"
    EVENT_PUBLISHED = "event.published"
    STEP_QUEUED = "step.queued"
    STEP_STARTED = "step.started"
    STEP_SUCCEEDED = "step.succeeded"
    STEP_RETRIED = "step.retried"
    STEP_WAITING = "step.waiting"
    STEP_FAILED = "step.failed"
    STEP_TIMED_OUT = "step.timed_out"
    STEP_CANCELLED = "step.cancelled"
    STEP_SKIPPED = "step.skipped"
    STEP_COMPENSATING = "step.compensating"
    STEP_COMPENSATED = "step.compensated"
    JOIN_WAITING = "join.waiting"
    JOIN_IGNORED = "join.ignored"
    END_REACHED = "end.reached"

    @classmethod
    def run_final(cls, status: str) -> "RecordKind":
        return cls(f"run.{status}")


# What a run "had", by the kinds of the records that say so; kept on the run as `had_<name>` columns
# as the records are written (Unit.save), so that finding runs by them never reads the records.
HAD_KINDS: dict[str, frozenset[str]] = {
    "retries": frozenset({RecordKind.STEP_RETRIED}),
    "failures": frozenset({RecordKind.STEP_FAILED, RecordKind.STEP_TIMED_OUT}),
    "compensations": frozenset({RecordKind.RUN_COMPENSATING, RecordKind.STEP_COMPENSATING}),
    "duplicates": frozenset({RecordKind.MESSAGE_DUPLICATE}),
}


@dataclass(frozen=True)
class PayloadSpec:
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    meaning: str = ""


def _spec(meaning: str, required: str = "", optional: str = "") -> PayloadSpec:
    return PayloadSpec(frozenset(required.split()), frozenset(optional.split()), meaning)


_RUN_END = _spec("the run ended", "elapsed_ms reason", "result")
PAYLOADS: dict[RecordKind, PayloadSpec] = {
    RecordKind.RUN_STARTED: _spec("a run began", "pattern design version", "trigger input"),
    RecordKind.RUN_COMPENSATING: _spec("a step failed for good: undo what was done", "reason"),
    RecordKind.RUN_SUCCEEDED: _RUN_END,
    RecordKind.RUN_FAILED: _RUN_END,
    RecordKind.RUN_COMPENSATED: _RUN_END,
    RecordKind.COORDINATOR_DECIDED: _spec("the coordinator decided what comes next", "after", "data outcome"),
    RecordKind.MESSAGE_SENT: _spec("a message left for a service's queue", "kind to attempt delay_s body", "visit"),
    RecordKind.MESSAGE_RECEIVED: _spec("a service took a message off its queue", "kind from queue_wait_ms"),
    RecordKind.MESSAGE_DUPLICATE: _spec("a message came again and was ignored", "kind from ignored"),
    RecordKind.MESSAGE_DROPPED: _spec("the run stopped before the message was acted on", "reason"),
    RecordKind.MESSAGE_CANCELLED: _spec("the coordinator cancelled a command nobody acted on"),
    RecordKind.MESSAGE_AMENDED: _spec("a waiting message got more data from outside the run and is due now", "fields"),
    RecordKind.EVENT_PUBLISHED: _spec("a service published an event", "type subscribers", "ends"),
    RecordKind.STEP_QUEUED: _spec("the first message asking for the step is on its way", "", "visit"),
    RecordKind.STEP_STARTED: _spec("a service began an attempt", "attempt", "visit"),
    RecordKind.STEP_SUCCEEDED: _spec(
        "an attempt ended with one of the action's outcomes", "event result ms attempt started_at", "visit"
    ),
    RecordKind.STEP_RETRIED: _spec("an attempt failed; another follows", "attempt error retry_in_s", "compensation"),
    RecordKind.STEP_WAITING: _spec(
        "waiting for capacity: no room for the step yet; it asks again", "attempt reason retry_in_s waited_s"
    ),
    RecordKind.STEP_FAILED: _spec("the step failed for good", "error", "attempt compensation waited_s"),
    RecordKind.STEP_TIMED_OUT: _spec("the coordinator gave up waiting for a reply", "reason"),
    RecordKind.STEP_CANCELLED: _spec("the step will not run: the run is being undone"),
    RecordKind.STEP_SKIPPED: _spec("the step never ran: its branch was not taken", "reason"),
    RecordKind.STEP_COMPENSATING: _spec("the step is being undone", "action"),
    RecordKind.STEP_COMPENSATED: _spec("the step was undone", "action event result"),
    RecordKind.JOIN_WAITING: _spec("a step waits for more of the events it joins", "waiting_for"),
    RecordKind.JOIN_IGNORED: _spec("an event reached a join that had already fired", "reason"),
    RecordKind.END_REACHED: _spec("the run reached one of its design's ends", "result", "visit"),
}


class BadRecord(ValueError):
    """A record whose payload breaks its kind's promise: a bug in the engine, never user input."""


def record_payload_check(kind: str, payload: dict) -> RecordKind:
    """The kind as a RecordKind; raises BadRecord for an unknown kind or a payload with missing or extra keys."""
    try:
        known = RecordKind(kind)
    except ValueError:
        raise BadRecord(f"unknown record kind {kind!r}") from None
    spec = PAYLOADS[known]
    keys = set(payload)
    missing = spec.required - keys
    extra = keys - spec.required - spec.optional
    if missing or extra:
        raise BadRecord(f"{kind}: missing {sorted(missing)}, unexpected {sorted(extra)}")
    return known


def vocabulary_json() -> dict:
    """The words the browser needs, from the same definitions the engine uses."""
    return {
        "patterns": list(Pattern.values),
        "run_statuses": list(RunStatus.values),
        "final_run_statuses": [str(status) for status in FINAL_RUN_STATUSES],
        "step_statuses": list(StepStatus.values),
        "message_kinds": list(MessageKind.values),
        "lanes": {lane.name.lower(): str(lane) for lane in Lane},
        "record_kinds": {
            str(kind): {"meaning": spec.meaning, "fields": sorted(spec.required | spec.optional)}
            for kind, spec in PAYLOADS.items()
        },
    }
