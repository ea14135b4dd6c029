"""Undoing a step that succeeded, once the run failed for good (saga). Used by both patterns."""

from collections.abc import Callable

from django.db import DatabaseError
from django.utils import timezone

from workflowviz.contracts import Message

from .designs import graph_step
from .models import OutboxMessage, StepStatus
from .registry import action_get
from .steps import message_claim, message_received, message_resend, retry_delay, step_status_set
from .unit import Unit, unit_of_work


def compensation_of(step: dict) -> str:
    """The action that undoes this step: the step's policy decides, else what its action declares."""
    if "compensation" in step["policy"]:
        return step["policy"]["compensation"] or ""
    return action_get(step["action"]).compensation


def compensation_execute(message: OutboxMessage, *, on_done: Callable[[Unit, dict, Message | None, str], None]) -> str:
    """Run the compensation action of the message's step once; `on_done(unit, step, event, error)` follows."""
    step = graph_step(message.run.graph, message.step_id)
    received_at = timezone.now()
    try:
        with unit_of_work(message.run_id) as unit:
            if not message_claim(message):
                return "duplicate"
            message_received(unit, message, step["service"], received_at)
            action = action_get(compensation_of(step))
            event = action.handler(action.command.from_data(message.payload))
            step_status_set(unit, step["id"], StepStatus.COMPENSATED)
            unit.record(
                service=step["service"],
                kind="step.compensated",
                step_id=step["id"],
                payload={"action": action.key, "event": event.name(), "result": event.to_data()},
            )
            on_done(unit, step, event, "")
        return "compensated"
    except DatabaseError:
        raise
    except Exception as error:  # noqa: BLE001 - the compensation's failure
        return _compensation_failed(message, step, f"{type(error).__name__}: {error}", on_done, received_at)


def _compensation_failed(message, step, error, on_done, received_at) -> str:
    policy = step["policy"]
    with unit_of_work(message.run_id) as unit:
        if not message_claim(message):
            return "duplicate"
        message_received(unit, message, step["service"], received_at)
        if message.attempt < policy["max_attempts"]:
            delay = retry_delay(policy, message.attempt)
            unit.record(
                service=step["service"],
                kind="step.retried",
                step_id=step["id"],
                payload={"attempt": message.attempt, "error": error, "retry_in_s": delay, "compensation": True},
            )
            message_resend(unit, message, delay_seconds=delay, sender=step["service"])
            return "retrying"
        step_status_set(unit, step["id"], StepStatus.FAILED, error=f"compensation failed: {error}")
        unit.record(
            service=step["service"],
            kind="step.failed",
            step_id=step["id"],
            payload={"attempt": message.attempt, "error": error, "compensation": True},
        )
        on_done(unit, step, None, error)
    return "failed"
