"""Orchestration's participant side: a command comes in, the service does the step, a reply goes out.

The service answers the coordinator that sent the command and knows nothing else of the run.
"""

from .compensation import compensation_execute
from .design import Step, graph_of
from .models import OutboxMessage
from .outbox import Unit
from .participant import StepResult, step_execute
from .vocabulary import MessageKind

STEP_FAILED = "StepFailed"


class CommandWiring:
    """A command runs its step at once; its end, good or bad, is a reply to the coordinator."""

    def will_run(self, message: OutboxMessage, step: Step) -> bool:
        return True

    def prepare(self, unit: Unit, message: OutboxMessage, step: Step) -> dict:
        return message.payload

    def succeeded(self, unit: Unit, step: Step, result: StepResult) -> None:
        reply(unit, step, event=result.event, result=result.output)

    def gave_up(self, unit: Unit, step: Step, error: str, message: OutboxMessage) -> None:
        reply(unit, step, error=error)


WIRING = CommandWiring()


def on_command(message: OutboxMessage) -> str:
    """A service received a command: do the step, then reply to the coordinator."""
    return step_execute(message, WIRING)


def on_compensate(message: OutboxMessage) -> str:
    """A service received a compensation command: undo its step, then reply to the coordinator."""

    def replied(unit: Unit, step: Step, event: str | None, error: str) -> None:
        status = "compensated" if event else "compensation_failed"
        reply(unit, step, event=event, error=error, status=status)

    return compensation_execute(message, on_done=replied)


def reply(
    unit: Unit, step: Step, *, event: str | None = None, result: dict | None = None, error: str = "", status: str = ""
) -> None:
    status = status or ("succeeded" if event else "failed")
    unit.send(
        kind=MessageKind.REPLY,
        type=event or STEP_FAILED,
        source=step.service,
        target=graph_of(unit.run).coordinator,
        step_id=step.id,
        payload={"status": status, "result": result or {}, "error": error},
    )
