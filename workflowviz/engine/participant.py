"""The participant: a service doing one step of a run, in either pattern.

A message asks the step's service to act. The participant claims the message (one effect however often
it arrives), runs the action (a coded handler, or a declared action's generic one), records the outcome,
and hands it to the pattern's `Wiring`: a reply to the coordinator (orchestration), or the outcome's own
event published to its subscribers (choreography). A failed attempt goes through `attempt_failed`.
"""

import time
from dataclasses import dataclass
from typing import Protocol

from django.db import DatabaseError
from django.utils import timezone

from workflowviz.contracts import NoRoomYet

from .attempts import attempt_failed
from .design import Design, Step, graph_of
from .messages import message_claim, message_received, step_status_set
from .models import OutboxMessage, StepState
from .outbox import Unit, unit_of_work
from .registry import Action, ActionCall, action_get, declared_action
from .simulation import with_injected_failure, work_seconds
from .vocabulary import RecordKind, RunStatus, StepStatus


class Wiring(Protocol):
    """What a pattern does around a step: whether it may run yet, and what follows its end."""

    def will_run(self, message: OutboxMessage, step: Step) -> bool:
        """Whether this delivery would run the step (False: it only feeds a join that keeps waiting)."""

    def prepare(self, unit: Unit, message: OutboxMessage, step: Step) -> dict | None:
        """The action's input data; None when the step does not run on this delivery."""

    def succeeded(self, unit: Unit, step: Step, result: "StepResult") -> None: ...

    def gave_up(self, unit: Unit, step: Step, error: str, message: OutboxMessage) -> None: ...


@dataclass(frozen=True)
class StepResult:
    """How a step ended: the outcome event, its fields, and the data the step ran with."""

    event: str
    output: dict
    data: dict
    visit: int = 1


def step_action(graph: Design, step: Step) -> Action:
    """The step's action: a declared one as the run froze it, or a coded one from the registry."""
    declaration = graph.actions.get(step.action)
    if declaration is not None:
        return declared_action(step.action, declaration)
    return action_get(step.action)


def step_execute(message: OutboxMessage, wiring: Wiring) -> str:
    """Run the step the message asks for, once, and let the wiring follow up in the same transaction."""
    graph = graph_of(message.run)
    step = graph.step(message.step_id)
    received_at = timezone.now()
    will_run = wiring.will_run(message, step) and message.run.status == RunStatus.RUNNING
    pause = work_seconds(step.policy) if will_run else 0.0
    started_early = pause > 0 and _start_early(message, step, received_at)
    if started_early:
        time.sleep(pause)
    try:
        with unit_of_work(message.run_id) as unit:
            if not message_claim(message):
                return "duplicate"
            if not started_early:
                message_received(unit, message, step.service, received_at)
            if unit.run.status != RunStatus.RUNNING:
                _message_dropped(unit, message, step)
                return "dropped"
            data = wiring.prepare(unit, message, step)
            if data is None:
                return "waiting"
            if not started_early:
                # Its state is written once, with the success below (one UPDATE instead of two).
                _started_record(unit, message, step, received_at)
            result = _action_run(graph, step, message, data)
            _succeeded(unit, step, result, received_at, attempt=message.attempt)
            wiring.succeeded(unit, step, result)
        return "succeeded"
    except DatabaseError:
        raise  # infrastructure trouble, not a step failure: the job fails and the reconciler resends
    except Exception as error:  # noqa: BLE001 - any other error is the step's failure
        reason = f"{type(error).__name__}: {error}"
        no_room = isinstance(error, NoRoomYet)  # the step waits for capacity instead of failing
        return _failed(
            message, step, reason, wiring, received_at=None if started_early else received_at, no_room=no_room
        )


def _action_run(graph: Design, step: Step, message: OutboxMessage, data: dict) -> StepResult:
    action = step_action(graph, step)
    call = ActionCall(
        data=data,
        run_id=str(message.run_id),
        step_id=step.id,
        service=step.service,
        visit=message.visit,
        attempt=message.attempt,
    )
    event, output = with_injected_failure(action.execute, step.policy)(call)
    return StepResult(event=event, output=output, data=data, visit=message.visit)


def _start_early(message: OutboxMessage, step: Step, at) -> bool:
    """Commit "started" before the simulated work, so open timelines show the step running meanwhile."""
    with unit_of_work(message.run_id) as unit:
        pending = OutboxMessage.objects.filter(pk=message.pk, processed_at__isnull=True).exists()
        if not pending or unit.run.status != RunStatus.RUNNING:
            return False
        # A second delivery of the same attempt (deliver twice, a resend) does not start it again.
        already = StepState.objects.filter(
            run=unit.run, step_id=step.id, status=StepStatus.STARTED, attempts=message.attempt
        ).exists()
        if not already:
            message_received(unit, message, step.service, at)
            _started(unit, message, step, at)
    return True


def _started(unit: Unit, message: OutboxMessage, step: Step, at) -> None:
    step_status_set(unit, step.id, StepStatus.STARTED, started_at=at, attempts=message.attempt)
    _started_record(unit, message, step, at)


def _started_record(unit: Unit, message: OutboxMessage, step: Step, at) -> None:
    payload = {"attempt": message.attempt}
    if message.visit != 1:
        payload["visit"] = message.visit
    unit.record(service=step.service, kind=RecordKind.STEP_STARTED, step_id=step.id, payload=payload, at=at)


def _succeeded(unit: Unit, step: Step, result: StepResult, started_at, *, attempt: int) -> None:
    now = timezone.now()
    step_status_set(
        unit,
        step.id,
        StepStatus.SUCCEEDED,
        started_at=started_at,
        attempts=attempt,
        finished_at=now,
        error="",
        outcome=result.event,
        visits=result.visit,
    )
    payload = {
        "event": result.event,
        "result": result.output,
        "ms": round((now - started_at).total_seconds() * 1000, 1),
        # The state written above, in full: a redelivery that wins the claim may have started
        # later than the step.started record shows, and replay must rebuild the state exactly.
        "attempt": attempt,
        "started_at": started_at.isoformat(),
    }
    if result.visit != 1:
        payload["visit"] = result.visit
    unit.record(service=step.service, kind=RecordKind.STEP_SUCCEEDED, step_id=step.id, payload=payload, at=now)


def _message_dropped(unit: Unit, message: OutboxMessage, step: Step) -> None:
    """The run was cancelled before this message was acted on: the step will not run."""
    StepState.objects.filter(run=unit.run, step_id=step.id).exclude(status=StepStatus.SUCCEEDED).update(
        status=StepStatus.CANCELLED
    )
    unit.record(
        service=step.service,
        kind=RecordKind.MESSAGE_DROPPED,
        step_id=step.id,
        message=message,
        payload={"reason": f"run is {unit.run.status}"},
    )


def _failed(
    message: OutboxMessage, step: Step, error: str, wiring: Wiring, *, received_at, no_room: bool = False
) -> str:
    with unit_of_work(message.run_id) as unit:
        if not message_claim(message):
            return "duplicate"
        if received_at is not None:
            # The attempt's transaction was rolled back: record that it was received and started.
            message_received(unit, message, step.service, received_at)
            _started(unit, message, step, received_at)
        if attempt_failed(unit, step=step, message=message, error=error, lane=step.service, no_room=no_room):
            return "waiting" if no_room else "retrying"
        if unit.run.status == RunStatus.RUNNING:
            wiring.gave_up(unit, step, error, message)
    return "failed"


def step_gave_up_early(unit: Unit, message: OutboxMessage, step: Step, reason: str) -> None:
    """A step that cannot run at all on this delivery (a loop past its bound): fail it for good."""
    now = timezone.now()
    step_status_set(unit, step.id, StepStatus.FAILED, finished_at=now, error=reason)
    unit.record(
        service=step.service,
        kind=RecordKind.STEP_FAILED,
        step_id=step.id,
        payload={"attempt": message.attempt, "error": reason},
        at=now,
    )
