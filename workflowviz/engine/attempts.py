"""One place that decides what a failed attempt leads to: another attempt after a backoff, or giving up.

Steps, compensations and the coordinator's timeouts all fail through `attempt_failed`.
"""

from django.utils import timezone

from .design import Step
from .messages import message_resend, step_status_set
from .models import OutboxMessage
from .outbox import Unit
from .vocabulary import RecordKind, RunStatus, StepStatus


def attempt_failed(
    unit: Unit, *, step: Step, message: OutboxMessage, error: str, lane: str, compensation: bool = False
) -> bool:
    """Retry the message after its backoff while attempts are left (and the run still runs, unless this
    undoes a step); True when it was sent again. Otherwise the step is failed and False returned."""
    policy = step.policy
    attempts_left = message.attempt < policy.max_attempts
    if attempts_left and (compensation or unit.run.status == RunStatus.RUNNING):
        delay = policy.retry_delay(message.attempt)
        payload = {"attempt": message.attempt, "error": error, "retry_in_s": delay}
        if compensation:
            payload["compensation"] = True  # the step stays compensating meanwhile
        else:
            step_status_set(unit, step.id, StepStatus.RETRYING, error=error)
        unit.record(service=lane, kind=RecordKind.STEP_RETRIED, step_id=step.id, payload=payload)
        message_resend(unit, message, delay_seconds=delay, sender=lane)
        return True
    now = timezone.now()  # one instant for the state and its record, so that replay rebuilds it exactly
    payload = {"attempt": message.attempt, "error": error}
    if compensation:
        payload["compensation"] = True
        step_status_set(unit, step.id, StepStatus.FAILED, error=f"compensation failed: {error}")
    else:
        step_status_set(unit, step.id, StepStatus.FAILED, finished_at=now, error=error)
    unit.record(service=lane, kind=RecordKind.STEP_FAILED, step_id=step.id, payload=payload, at=now)
    return False
