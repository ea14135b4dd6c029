"""Undoing a step that succeeded, once the run failed for good (saga). Used by both patterns."""

from collections.abc import Callable

from django.db import DatabaseError
from django.utils import timezone

from .attempts import attempt_failed
from .design import Design, Step, graph_of
from .messages import message_claim, message_received, step_status_set
from .models import EventRecord, OutboxMessage
from .outbox import Unit, unit_of_work
from .participant import step_action
from .registry import ActionCall
from .vocabulary import RecordKind, StepStatus

# on_done(unit, step, event name or None, error)
Done = Callable[[Unit, Step, str | None, str], None]


def compensation_of(step: Step) -> str:
    """The action that undoes this step ("" for none); the run's copy of the design holds it."""
    return "" if step.is_end else step.policy.compensation


def compensation_action(graph: Design, step: Step):
    return step_action(graph, Step(id=step.id, action=compensation_of(step), service=step.service))


def _produced(unit: Unit, step: Step) -> dict:
    """What the step being undone produced (its outcome's fields, from its own record): in choreography the
    failure event carries the failing step's data, not that of a step beside it."""
    record = (
        EventRecord.objects.filter(run=unit.run, step_id=step.id, kind=RecordKind.STEP_SUCCEEDED)
        .order_by("-seq")
        .values_list("payload", flat=True)
        .first()
    )
    return (record or {}).get("result") or {}


def compensation_execute(message: OutboxMessage, *, on_done: Done) -> str:
    """Run the compensation action of the message's step once; `on_done(unit, step, event, error)` follows."""
    graph = graph_of(message.run)
    step = graph.step(message.step_id)
    received_at = timezone.now()
    try:
        with unit_of_work(message.run_id) as unit:
            if not message_claim(message):
                return "duplicate"
            message_received(unit, message, step.service, received_at)
            action = compensation_action(graph, step)
            data = {**message.payload, **_produced(unit, step)}
            call = ActionCall(data=data, run_id=str(message.run_id), step_id=step.id, service=step.service)
            event, output = action.execute(call)
            step_status_set(unit, step.id, StepStatus.COMPENSATED)
            unit.record(
                service=step.service,
                kind=RecordKind.STEP_COMPENSATED,
                step_id=step.id,
                payload={"action": action.key, "event": event, "result": output},
            )
            on_done(unit, step, event, "")
        return "compensated"
    except DatabaseError:
        raise
    except Exception as error:  # noqa: BLE001 - the compensation's failure
        return _compensation_failed(message, step, f"{type(error).__name__}: {error}", on_done, received_at)


def _compensation_failed(message: OutboxMessage, step: Step, error: str, on_done: Done, received_at) -> str:
    with unit_of_work(message.run_id) as unit:
        if not message_claim(message):
            return "duplicate"
        message_received(unit, message, step.service, received_at)
        if attempt_failed(unit, step=step, message=message, error=error, lane=step.service, compensation=True):
            return "retrying"
        on_done(unit, step, None, error)
    return "failed"
