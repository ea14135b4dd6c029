"""One place that decides what a failed attempt leads to: another attempt after a backoff, or giving up.

Steps, compensations and the coordinator's timeouts all fail through `attempt_failed`. A service that
has no room for the work yet (`NoRoomYet`: every delivery partner full) is not a failure: the step waits
for capacity, asking again after its backoff, for at most its `timeout_seconds`, without using up its
attempts; then it fails with the reason.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min
from django.utils import timezone

from .design import Step
from .messages import message_resend, step_status_set
from .models import EventRecord, OutboxMessage, StepState
from .outbox import Unit
from .vocabulary import RecordKind, RunStatus, StepStatus

# Between two asks for room: never a busy loop (a policy without backoff), and never so long that a
# step sleeps through the capacity its partners freed meanwhile.
WAIT_DELAY_MIN_S = 0.1
WAIT_DELAY_MAX_S = 5.0


@dataclass(frozen=True)
class Waits:
    """How often the step waited for capacity, and since when."""

    count: int = 0
    first_at: datetime | None = None


def step_waits(unit: Unit, step: Step) -> Waits:
    """From the step's step.waiting records since it was queued (a loop's next visit starts afresh);
    committed ones: this unit's own are not written yet."""
    records = EventRecord.objects.filter(run=unit.run, step_id=step.id, kind=RecordKind.STEP_WAITING)
    queued_at = StepState.objects.filter(run=unit.run, step_id=step.id).values_list("queued_at", flat=True).first()
    if queued_at is not None:
        records = records.filter(at__gte=queued_at)
    return Waits(**records.aggregate(count=Count("id"), first_at=Min("at")))


def attempt_failed(
    unit: Unit,
    *,
    step: Step,
    message: OutboxMessage,
    error: str,
    lane: str,
    compensation: bool = False,
    no_room: bool = False,
) -> bool:
    """Retry the message after its backoff while attempts are left (and the run still runs, unless this
    undoes a step); True when it was sent again. Otherwise the step is failed and False returned.
    `no_room`: the service had no room for it yet; the step waits for capacity instead (see above)."""
    policy = step.policy
    # Only a step's own message sent again can follow waits (a compensation's attempts are its own);
    # the first attempt needs no query.
    waits = step_waits(unit, step) if not compensation and (no_room or message.attempt > 1) else Waits()
    if no_room and not compensation:
        waited_s = (timezone.now() - waits.first_at).total_seconds() if waits.first_at else 0.0
        if unit.run.status == RunStatus.RUNNING and waited_s < policy.timeout_seconds:
            _wait_for_capacity(unit, step=step, message=message, error=error, lane=lane, waits=waits, waited_s=waited_s)
            return True
        return _give_up(unit, step, lane, {"attempt": message.attempt, "error": error, "waited_s": round(waited_s, 1)})
    attempts_left = message.attempt - waits.count < policy.max_attempts
    if attempts_left and (compensation or unit.run.status == RunStatus.RUNNING):
        delay = policy.retry_delay(message.attempt - waits.count)
        payload = {"attempt": message.attempt, "error": error, "retry_in_s": delay}
        if compensation:
            payload["compensation"] = True  # the step stays compensating meanwhile
        else:
            step_status_set(unit, step.id, StepStatus.RETRYING, error=error)
        unit.record(service=lane, kind=RecordKind.STEP_RETRIED, step_id=step.id, payload=payload)
        message_resend(unit, message, delay_seconds=delay, sender=lane)
        return True
    payload = {"attempt": message.attempt, "error": error}
    if compensation:
        payload["compensation"] = True
    return _give_up(unit, step, lane, payload)


def _wait_for_capacity(
    unit: Unit, *, step: Step, message: OutboxMessage, error: str, lane: str, waits: Waits, waited_s: float
) -> None:
    """Ask again after the policy's backoff (doubling with each wait, bounded), within the time left."""
    left = step.policy.timeout_seconds - waited_s
    delay = min(max(step.policy.retry_delay(waits.count + 1), WAIT_DELAY_MIN_S), WAIT_DELAY_MAX_S, left)
    step_status_set(unit, step.id, StepStatus.RETRYING, error=error)
    payload = {
        "attempt": message.attempt,
        "reason": error,
        "retry_in_s": round(delay, 3),
        "waited_s": round(waited_s, 1),
    }
    unit.record(service=lane, kind=RecordKind.STEP_WAITING, step_id=step.id, payload=payload)
    message_resend(unit, message, delay_seconds=delay, sender=lane)


def _give_up(unit: Unit, step: Step, lane: str, payload: dict) -> bool:
    """Fail the step, or its compensation (`payload["compensation"]`), for good, with the record of why."""
    error = payload["error"]
    now = timezone.now()  # one instant for the state and its record, so that replay rebuilds it exactly
    if payload.get("compensation"):
        step_status_set(unit, step.id, StepStatus.FAILED, error=f"compensation failed: {error}")
    else:
        step_status_set(unit, step.id, StepStatus.FAILED, finished_at=now, error=error)
    unit.record(service=lane, kind=RecordKind.STEP_FAILED, step_id=step.id, payload=payload, at=now)
    return False
