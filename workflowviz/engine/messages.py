"""What every delivery does with its message and its step: claim it, record it, send it again."""

from django.utils import timezone

from .design import Step
from .models import OutboxMessage, StepState
from .outbox import Unit, unit_of_work
from .vocabulary import RecordKind, StepStatus


def message_claim(message: OutboxMessage) -> bool:
    """Mark the message processed; False if some delivery already did (a message has one effect)."""
    claimed = OutboxMessage.objects.filter(pk=message.pk, processed_at__isnull=True).update(processed_at=timezone.now())
    return claimed == 1


def message_received(unit: Unit, message: OutboxMessage, service: str, at) -> None:
    wait_ms = max(0.0, (at - message.available_at).total_seconds() * 1000)
    unit.record(
        service=service,
        kind=RecordKind.MESSAGE_RECEIVED,
        step_id=message.step_id,
        message=message,
        payload={"kind": message.kind, "from": message.source_service, "queue_wait_ms": round(wait_ms, 1)},
        at=at,
    )


def message_resend(unit: Unit, message: OutboxMessage, *, delay_seconds: float, sender: str) -> OutboxMessage:
    """The next attempt of a message, sent after `delay_seconds` (retry backoff), with the payload as it
    stands now (it may have been amended while the attempt ran, see `message_amend`)."""
    payload = OutboxMessage.objects.filter(pk=message.pk).values_list("payload", flat=True).first()
    return unit.send(
        kind=message.kind,
        type=message.type,
        source=message.source_service,
        target=message.target_service,
        step_id=message.step_id,
        from_step=message.from_step,
        payload=message.payload if payload is None else payload,
        attempt=message.attempt + 1,
        visit=message.visit,
        delay_seconds=delay_seconds,
        sender=sender,
    )


def step_status_set(unit: Unit, step_id: str, status: str, **fields) -> None:
    StepState.objects.filter(run=unit.run, step_id=step_id).update(status=status, **fields)


def step_queued(unit: Unit, step: Step, *, at, visit: int = 1) -> None:
    """The first message asking for this run of the step is on its way (a join's later events change nothing)."""
    states = StepState.objects.filter(run=unit.run, step_id=step.id)
    if visit == 1:
        changed = states.filter(queued_at__isnull=True).update(status=StepStatus.QUEUED, queued_at=at)
    else:  # a loop runs the step again: its state starts over
        changed = states.filter(visits__lt=visit).update(
            status=StepStatus.QUEUED, queued_at=at, started_at=None, finished_at=None, attempts=0, visits=visit - 1
        )
    if changed:
        unit.record(
            service=step.service,
            kind=RecordKind.STEP_QUEUED,
            step_id=step.id,
            payload={"visit": visit} if visit != 1 else {},
            at=at,
        )


def message_amend(run_id, *, step_id: str, fields: dict, lane: str) -> int:
    """Give the waiting message(s) of a step more data from outside the run (a user's answer) and make them
    due now; the record names the fields, never their values. How many messages were amended."""
    with unit_of_work(run_id) as unit:  # the run's lock: an attempt ending now sees the amended payload
        waiting = list(OutboxMessage.objects.filter(run=unit.run, step_id=step_id, processed_at__isnull=True))
        now = timezone.now()
        for message in waiting:
            message.payload = {**message.payload, **fields}
            message.available_at = min(message.available_at, now)
            message.save(update_fields=["payload", "available_at"])
        unit.due_again += waiting
        if waiting:
            unit.record(
                service=lane, kind=RecordKind.MESSAGE_AMENDED, step_id=step_id, payload={"fields": sorted(fields)}
            )
    return len(waiting)
