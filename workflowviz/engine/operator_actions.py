"""What an operator does to runs: cancel a running one, re-run a finished one, resend or discard a dead letter.

Each action is an event record on the run (`operator.*`, on the operator's lane) saying who and why. The
undoing reuses the patterns' own paths: a cancelled orchestration runs the coordinator's saga (as after a
step that failed for good), a cancelled choreography publishes the design's failure event so that every
service that acted compensates itself. A cancelled run therefore ends as any undone run does today:
`compensated`, or `failed` when a compensation fails.

A dead letter is a message given up on: not processed, and sent again by the reconciler MAX_RESENDS times
without effect (its service's job kept failing, or the message kept getting lost).
"""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from rq.job import Job
from rq.results import Result

from . import choreography, coordinator
from .design import graph_of
from .designs import UnknownDesign
from .messages import message_claim, step_status_set
from .models import EventRecord, OutboxMessage, Run, StepState
from .observer import run_finish
from .outbox import Unit, unit_of_work
from .queues import redis_connection
from .reconciler import MAX_RESENDS
from .runs import run_begin, run_create
from .vocabulary import FINAL_RUN_STATUSES, Lane, MessageKind, Pattern, RecordKind, RunStatus, StepStatus

MAX_REASON = 500
DEAD_LETTERS_MAX = 500


class Refused(ValueError):
    """The action does not apply to this run or message (now); `field` names what it is about."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


def reason_problem(reason) -> str | None:
    """Why `reason` is not an acceptable reason (None when it is: text of at most MAX_REASON characters)."""
    if not isinstance(reason, str):
        return f"Must be text of at most {MAX_REASON} characters."
    if len(reason) > MAX_REASON:
        return f"At most {MAX_REASON} characters."
    if "\x00" in reason:
        return "Must not contain NUL characters."
    try:
        reason.encode("utf-8")
    except UnicodeEncodeError:
        return "Must be text (a lone surrogate is not)."
    return None


def _said(username: str, reason: str) -> dict:
    return {"by": username, "reason": reason}


def _why(verb: str, username: str, reason: str) -> str:
    return f"{verb} by {username}" + (f": {reason}" if reason else "")


# --- cancel ---------------------------------------------------------------------------------------------
def run_cancel(*, run_id, username: str, reason: str = "") -> bool:
    """Cancel a running run: True when this started the undoing, False when it was being undone already.

    Raises Refused for a run that already ended."""
    with unit_of_work(run_id) as unit:
        run = unit.run
        if run.status in FINAL_RUN_STATUSES:
            raise Refused("run_id", f"The run already ended ({run.status}).")
        if run.status == RunStatus.COMPENSATING:
            return False
        unit.record(service=Lane.OPERATOR, kind=RecordKind.OPERATOR_CANCELLED, payload=_said(username, reason))
        why = _why("cancelled", username, reason)
        if run.pattern == Pattern.ORCHESTRATION:
            coordinator.saga_start(unit, failed_step="", reason=why)
        else:
            choreography.cancel_run(unit, None, why, run_data(run))
    return True


def run_data(run: Run) -> dict:
    """What a choreography run knows so far: its input and the outputs of the steps that succeeded."""
    data = dict(run.input)
    results = EventRecord.objects.filter(run=run, kind=RecordKind.STEP_SUCCEEDED).order_by("seq")
    for payload in results.values_list("payload", flat=True):
        data.update(payload.get("result") or {})
    return data


# --- re-run ---------------------------------------------------------------------------------------------
def run_rerun(*, run: Run, username: str, reason: str = "", start: Callable[[Run], Run] | None = None) -> Run:
    """Start a finished run again as a new run linked to it (Run.rerun_of): the same design version, graph and
    input. `start(run)` makes the new run instead (an order's run: a new order); it raises Refused to refuse.
    Raises Refused for a run that has not ended."""
    if run.status not in FINAL_RUN_STATUSES:
        raise Refused("run_id", f"The run is still {run.status}: only a run that ended is re-run.")
    with transaction.atomic():
        new = (start or _run_again)(run)
        with unit_of_work(new.pk) as unit:
            payload = {**_said(username, reason), "rerun_of": str(run.pk)}
            unit.record(service=Lane.OPERATOR, kind=RecordKind.OPERATOR_RERAN, payload=payload)
    return new


def _run_again(run: Run) -> Run:
    trigger = graph_of(run).trigger
    try:
        new = run_create(pattern=run.pattern, design_slug=run.design_slug, trigger=trigger, rerun_of=run)
    except UnknownDesign as error:
        raise Refused("run_id", f"Its design cannot be run again: {str(error)[:200]}") from None
    run_begin(run=new, trigger=trigger, data=run.input)
    return new


# --- dead letters ---------------------------------------------------------------------------------------
def dead_letters(*, limit: int = 100, run_id=None) -> list[OutboxMessage]:
    """The messages given up on, oldest first."""
    messages = OutboxMessage.objects.filter(processed_at__isnull=True, resends__gte=MAX_RESENDS)
    if run_id is not None:
        messages = messages.filter(run_id=run_id)
    return list(messages.order_by("created_at", "id")[: min(limit, DEAD_LETTERS_MAX)])


def last_errors(message_ids: list[str]) -> dict[str, str]:
    """Message id → the last line of the error its latest RQ job failed with ("" if none; RQ keeps a failed
    job's result for FAILURE_TTL, a day)."""
    errors = dict.fromkeys(message_ids, "")
    try:
        connection = redis_connection()
        for message_id, job in zip(message_ids, Job.fetch_many(message_ids, connection=connection), strict=True):
            result = job.latest_result() if job else None
            if result is not None and result.type == Result.Type.FAILED and result.exc_string:
                errors[message_id] = result.exc_string.strip().splitlines()[-1][:500]
    except Exception as error:  # noqa: BLE001 - the error text only helps; the list stands without it
        return dict.fromkeys(message_ids, f"(RQ could not be read: {str(error)[:200]})")
    return errors


def dead_letter_json(message: OutboxMessage, error: str = "") -> dict:
    return {
        "message_id": str(message.id),
        "run_id": str(message.run_id),
        "kind": message.kind,
        "type": message.type,
        "source_service": message.source_service,
        "target_service": message.target_service,
        "step_id": message.step_id,
        "attempt": message.attempt,
        "resends": message.resends,
        "last_error": error,
        "created_at": message.created_at.isoformat(),
        "available_at": message.available_at.isoformat(),
    }


def _dead_locked(unit: Unit, message_id) -> OutboxMessage:
    """The message (under its run's lock), or Refused when it is not dead."""
    message = OutboxMessage.objects.get(pk=message_id, run=unit.run)
    if message.processed_at is not None:
        raise Refused("message_id", "Not a dead letter: it was processed.")
    if message.resends < MAX_RESENDS:
        raise Refused(
            "message_id",
            f"Not a dead letter: the reconciler still sends it ({message.resends} of {MAX_RESENDS} resends).",
        )
    return message


def dead_letter_resend(*, message_id, run_id, username: str, reason: str = "") -> OutboxMessage:
    """Send a dead letter again now, through the relay, with a fresh count of resends."""
    with unit_of_work(run_id) as unit:
        message = _dead_locked(unit, message_id)
        unit.record(
            service=Lane.OPERATOR,
            kind=RecordKind.OPERATOR_RESENT,
            step_id=message.step_id,
            message=message,
            payload={**_said(username, reason), "resends": message.resends},
        )
        message.resends, message.available_at = 0, timezone.now()
        message.save(update_fields=["resends", "available_at"])
        unit.due_again.append(message)  # the relay enqueues it once this commits
    return message


def dead_letter_discard(*, message_id, run_id, username: str, reason: str = "") -> str:
    """Mark a dead letter handled (the reconciler stops sending it) and let the run go on as the design says:
    the step the message was for failed for good. A running run is undone (the saga, or the failure event); a
    lost compensation leaves its step failed and ends the run `failed`; a run that already ended stays as it is.
    Returns what followed, in words."""
    with unit_of_work(run_id) as unit:
        message = _dead_locked(unit, message_id)
        message_claim(message)
        outcome = _discarded(unit, message, _why("discarded", username, reason))
        unit.record(
            service=Lane.OPERATOR,
            kind=RecordKind.OPERATOR_DISCARDED,
            step_id=message.step_id,
            message=message,
            payload={**_said(username, reason), "outcome": outcome},
        )
    return outcome


def _discarded(unit: Unit, message: OutboxMessage, why: str) -> str:
    run = unit.run
    if run.status in FINAL_RUN_STATUSES:
        return f"nothing: the run had ended ({run.status})"
    graph = graph_of(run)
    lane, step_id = Lane.OPERATOR, message.step_id
    if message.kind == MessageKind.COMPENSATE or (
        message.kind == MessageKind.EVENT and message.type == graph.failure_event
    ):
        # The step is not undone, for good: as when its compensation gives up (attempts.py).
        step_status_set(unit, step_id, StepStatus.FAILED, error=f"compensation failed: {why}")
        failed = {"error": why, "compensation": True}
        unit.record(service=lane, kind=RecordKind.STEP_FAILED, step_id=step_id, payload=failed)
        run_finish(unit, RunStatus.FAILED, reason=f"compensation of {step_id} failed: {why}")
        return f"the compensation of {step_id} will not run; the run failed"
    if run.status == RunStatus.COMPENSATING:
        # Being undone already: the step will not run (unless it did), as a message dropped by a stopped run.
        StepState.objects.filter(run=run, step_id=step_id).exclude(status=StepStatus.SUCCEEDED).update(
            status=StepStatus.CANCELLED
        )
        unit.record(
            service=lane, kind=RecordKind.MESSAGE_DROPPED, step_id=step_id, message=message, payload={"reason": why}
        )
        if run.pattern == Pattern.ORCHESTRATION:
            coordinator.compensate_next(unit)  # the coordinator no longer waits for it
        return f"{step_id} will not run; the undoing goes on"
    if message.kind != MessageKind.REPLY:  # a reply's step ran: the coordinator only never heard how
        now = timezone.now()  # one instant for the state and its record, so that replay rebuilds it exactly
        step_status_set(unit, step_id, StepStatus.FAILED, finished_at=now, error=why)
        unit.record(service=lane, kind=RecordKind.STEP_FAILED, step_id=step_id, payload={"error": why}, at=now)
    if run.pattern == Pattern.ORCHESTRATION:
        coordinator.saga_start(unit, failed_step=step_id, reason=why)
    else:
        step = graph.by_id.get(step_id)
        choreography.cancel_run(unit, step, why, {**run_data(run), **message.payload})
    return f"{step_id} failed for good; the run is undone"
