"""The coordinator's timeouts: give up on a command that had no reply in time, then retry or compensate.

Run by the reconciler's loop. Choreography has no coordinator, so nothing there notices a stall.
"""

from datetime import timedelta

from django.utils import timezone
from rq import Worker

from .attempts import attempt_failed
from .coordinator import saga_start
from .design import Step, graph_of
from .messages import message_claim
from .models import OutboxMessage, StepState
from .outbox import Unit, unit_of_work
from .queues import redis_connection
from .vocabulary import MessageKind, Pattern, RecordKind, RunStatus


def commands_time_out(now=None) -> int:
    """Give up on commands that waited longer than their step's timeout: retry, or start the saga."""
    now = now or timezone.now()
    overdue = (
        OutboxMessage.objects.filter(
            kind=MessageKind.COMMAND,
            processed_at__isnull=True,
            run__status=RunStatus.RUNNING,
            run__pattern=Pattern.ORCHESTRATION,
            available_at__lt=now - timedelta(seconds=1),
        )
        .select_related("run")
        .order_by("available_at")[:500]
    )
    timed_out = 0
    consuming = services_consuming()
    for message in overdue:
        step = graph_of(message.run).step(message.step_id)
        if not _overdue(message, step, now, consuming):
            continue
        with unit_of_work(message.run_id) as unit:
            if unit.run.status != RunStatus.RUNNING or not message_claim(message):
                continue
            timed_out += 1
            _command_timed_out(unit, message, step)
    return timed_out


def services_consuming() -> set[str]:
    """The services with at least one live worker that is not switched off."""
    return {
        queue_name
        for worker in Worker.all(connection=redis_connection())
        if worker.get_state() != "suspended"
        for queue_name in worker.queue_names()
    }


def _overdue(message: OutboxMessage, step: Step, now, consuming: set[str]) -> bool:
    """A command is overdue once it ran longer than the timeout, or waited that long for a service
    that consumes nothing (down, or no worker). Waiting in a busy queue does not count: a burst is
    not a fault."""
    limit = timedelta(seconds=step.policy.timeout_seconds)
    started_at = (
        StepState.objects.filter(run_id=message.run_id, step_id=step.id).values_list("started_at", flat=True).first()
    )
    if started_at and started_at >= message.available_at:
        return started_at + limit < now
    return message.target_service not in consuming and message.available_at + limit < now


def _command_timed_out(unit: Unit, message: OutboxMessage, step: Step) -> None:
    coordinator = graph_of(unit.run).coordinator
    reason = f"no reply within {step.policy.timeout_seconds}s (attempt {message.attempt})"
    unit.record(
        service=coordinator,
        kind=RecordKind.STEP_TIMED_OUT,
        step_id=step.id,
        message=message,
        payload={"reason": reason},
    )
    if not attempt_failed(unit, step=step, message=message, error=reason, lane=coordinator):
        saga_start(unit, failed_step=step.id, reason=reason)
