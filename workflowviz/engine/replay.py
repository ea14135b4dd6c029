"""Replay: a run's state rebuilt from its event records alone, a pure fold; nothing is executed again.

The engine writes every change to a Run or a StepState together with its event record, in one
transaction, so folding a run's records in sequence order gives the state read from its rows. The
tests check that field by field for both patterns, with retries, failures, timeouts and duplicates.
The run page's replay bar folds the same records in the browser (static/js/timeline_model.js).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .design import design_parse
from .vocabulary import FINAL_RUN_STATUSES, RecordKind, RunStatus, StepStatus


class ReplayGap(ValueError):
    """A sequence number is missing: a fold of the rest could not rebuild the state exactly."""


@dataclass
class StepReplayed:
    """What a StepState row holds, rebuilt from the records."""

    step_id: str
    service: str = ""
    action: str = ""
    status: str = StepStatus.PENDING
    attempts: int = 0
    visits: int = 0
    outcome: str = ""
    queued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str = ""


@dataclass
class RunReplayed:
    """What a Run row holds (of what runs change), rebuilt from the records."""

    status: str = RunStatus.RUNNING
    finished_at: datetime | None = None
    done_steps: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    result: str = ""
    steps: dict[str, StepReplayed] = field(default_factory=dict)
    last_seq: int = 0
    # Reply bodies by message id: the coordinator acts on a reply's status when it receives it.
    replies: dict[str, dict] = field(default_factory=dict, repr=False, compare=False)

    @property
    def finished(self) -> bool:
        return self.status in FINAL_RUN_STATUSES

    def step(self, record: "Record") -> StepReplayed:
        """The record's step; one the graph did not name is added (its service from its own records)."""
        step = self.steps.get(record.step_id)
        if step is None:
            step = self.steps[record.step_id] = StepReplayed(step_id=record.step_id)
        if not step.service and record.kind in (RecordKind.STEP_QUEUED, RecordKind.STEP_STARTED):
            step.service = record.service  # recorded on the step's own lane (others may be the coordinator's)
        return step


@dataclass(frozen=True)
class Record:
    """The fields of an event record the fold reads, from a model instance or the API's JSON."""

    seq: int
    service: str
    kind: str
    step_id: str
    message_id: str
    payload: Mapping[str, Any]
    at: datetime


def _datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def record_of(row) -> Record:
    """An EventRecord, or a dict such as run_detail_json's events, as a Record."""

    def get(name, default=None):
        return row.get(name, default) if isinstance(row, Mapping) else getattr(row, name, default)

    message_id = get("message_id")
    return Record(
        seq=int(get("seq")),
        service=get("service") or "",
        kind=get("kind"),
        step_id=get("step_id") or "",
        message_id=str(message_id) if message_id else "",
        payload=get("payload") or {},
        at=_datetime(get("at")),
    )


def replay(records: Iterable, *, graph: dict | None = None) -> RunReplayed:
    """Fold a run's records (EventRecords or their JSON), in sequence order, into the run's state.

    With the run's `graph`, every step of the design is there from the start (pending, with its service
    and action), as run_create makes them; without it, only the steps the records name appear.
    Raises ReplayGap when the records do not run from 1 without a gap.
    """
    state = RunReplayed()
    for step in design_parse(graph).steps if graph else ():
        state.steps[step.id] = StepReplayed(step_id=step.id, service=step.service, action=step.action)
    for record in sorted((record_of(row) for row in records), key=lambda r: r.seq):
        if record.seq != state.last_seq + 1:
            raise ReplayGap(f"record #{state.last_seq + 1} is missing (next is #{record.seq})")
        replay_apply(state, record)
    return state


def replay_apply(state: RunReplayed, record: Record) -> None:
    """Apply one record to the state (the next one in sequence)."""
    state.last_seq = record.seq
    if record.kind.startswith("run."):
        _run_record(state, record)
        return
    handler = _HANDLERS.get(record.kind)
    if handler is not None:
        handler(state, record)


def _run_record(state: RunReplayed, record: Record) -> None:
    status = record.kind.removeprefix("run.")
    if status == RunStatus.COMPENSATING:
        state.status = status
    elif status in FINAL_RUN_STATUSES:
        state.status = status
        state.finished_at = record.at


def _decided(state: RunReplayed, record: Record) -> None:
    if not record.step_id and "data" in record.payload:
        state.data = dict(record.payload["data"])  # orchestration's start: what the trigger said


def _sent(state: RunReplayed, record: Record) -> None:
    if record.payload.get("kind") == "reply" and record.message_id:
        state.replies[record.message_id] = record.payload.get("body") or {}


def _received(state: RunReplayed, record: Record) -> None:
    # The coordinator acts on a reply when it receives it: while the run runs it learns the step's outputs
    # and that it is done; while it is undone, only the outputs (what the step made, to undo it too).
    if record.payload.get("kind") != "reply" or state.status not in (RunStatus.RUNNING, RunStatus.COMPENSATING):
        return
    body = state.replies.get(record.message_id)
    if body and body.get("status") == "succeeded":
        state.data = {**state.data, **(body.get("result") or {})}
        if state.status == RunStatus.RUNNING:
            state.done_steps = [*state.done_steps, record.step_id]


def _step_status(status: str) -> Callable[[RunReplayed, Record], None]:
    def apply(state: RunReplayed, record: Record) -> None:
        state.step(record).status = status

    return apply


def _queued(state: RunReplayed, record: Record) -> None:
    step = state.step(record)
    visit = record.payload.get("visit", 1)
    if visit > 1:  # a loop runs the step again: its state starts over
        step.started_at = step.finished_at = None
        step.attempts, step.visits = 0, visit - 1
    step.status, step.queued_at = StepStatus.QUEUED, record.at


def _started(state: RunReplayed, record: Record) -> None:
    step = state.step(record)
    step.status, step.started_at = StepStatus.STARTED, record.at
    step.attempts = record.payload.get("attempt", step.attempts)


def _succeeded(state: RunReplayed, record: Record) -> None:
    step = state.step(record)
    step.status, step.finished_at, step.error = StepStatus.SUCCEEDED, record.at, ""
    step.attempts = record.payload.get("attempt", step.attempts)
    step.outcome = record.payload.get("event", "")
    step.visits = record.payload.get("visit", 1)
    step.started_at = _datetime(record.payload.get("started_at")) or step.started_at


def _retried(state: RunReplayed, record: Record) -> None:
    if record.payload.get("compensation"):
        return  # a compensation's retry leaves the step compensating
    step = state.step(record)
    step.status, step.error = StepStatus.RETRYING, record.payload.get("error", "")


def _waiting(state: RunReplayed, record: Record) -> None:
    step = state.step(record)
    step.status, step.error = StepStatus.RETRYING, record.payload.get("reason", "")


def _failed(state: RunReplayed, record: Record) -> None:
    step = state.step(record)
    step.status = StepStatus.FAILED
    if record.payload.get("compensation"):
        step.error = f"compensation failed: {record.payload.get('error', '')}"  # its finish time stays
    else:
        step.finished_at, step.error = record.at, record.payload.get("error", "")


def _dropped(state: RunReplayed, record: Record) -> None:
    # The run stopped before the message was acted on: the step will not run, unless it already did.
    step = state.step(record)
    if step.status != StepStatus.SUCCEEDED:
        step.status = StepStatus.CANCELLED


def _end(state: RunReplayed, record: Record) -> None:
    step = state.step(record)
    step.status, step.finished_at = StepStatus.SUCCEEDED, record.at
    step.visits = record.payload.get("visit", 1)
    result = record.payload.get("result", "")
    results = [part for part in state.result.split(" · ") if part]
    if result and result not in results:
        results.append(result)
    state.result = " · ".join(results)[:120]


_HANDLERS: dict[str, Callable[[RunReplayed, Record], None]] = {
    RecordKind.COORDINATOR_DECIDED: _decided,
    RecordKind.MESSAGE_SENT: _sent,
    RecordKind.MESSAGE_RECEIVED: _received,
    RecordKind.MESSAGE_DROPPED: _dropped,
    RecordKind.MESSAGE_CANCELLED: _step_status(StepStatus.CANCELLED),  # the saga cancels a waiting command
    RecordKind.STEP_QUEUED: _queued,
    RecordKind.STEP_STARTED: _started,
    RecordKind.STEP_SUCCEEDED: _succeeded,
    RecordKind.STEP_RETRIED: _retried,
    RecordKind.STEP_WAITING: _waiting,
    RecordKind.STEP_FAILED: _failed,
    RecordKind.STEP_CANCELLED: _step_status(StepStatus.CANCELLED),
    RecordKind.STEP_SKIPPED: _step_status(StepStatus.SKIPPED),
    RecordKind.STEP_COMPENSATING: _step_status(StepStatus.COMPENSATING),
    RecordKind.STEP_COMPENSATED: _step_status(StepStatus.COMPENSATED),
    RecordKind.END_REACHED: _end,
}


STEP_FIELDS = [name for name in StepReplayed.__dataclass_fields__]


def state_of_rows(run) -> RunReplayed:
    """The same shape read from a Run and its StepState rows, to compare a replay with."""
    return RunReplayed(
        status=run.status,
        finished_at=run.finished_at,
        done_steps=list(run.done_steps),
        data=dict(run.data),
        result=run.result,
        steps={
            step.step_id: StepReplayed(**{name: getattr(step, name) for name in STEP_FIELDS})
            for step in run.steps.order_by("id")
        },
        last_seq=run.next_seq - 1,
    )
