"""Orchestration's coordinator: the single brain, hosted by the service that publishes the trigger.

It walks the design one reply at a time. A reply names the step's outcome; the coordinator keeps it in
its own bookkeeping (`Run.decisions`: outcomes, joins, visits) and sends a command to each step that
outcome makes ready (branches by outcome, fan-out, joins, loops up to their bound), reaches the ends,
and ends the run once nothing is in flight. It never blocks a worker: each reply is one short job. When
a step fails for good (or times out), it cancels what has not started and compensates the completed
steps one by one, most recent first (a saga).
"""

from django.utils import timezone

from .compensation import compensation_action, compensation_of
from .design import Design, Step, graph_of
from .joins import Verdict, join_arrive
from .messages import message_claim, message_received, step_queued, step_status_set
from .models import OutboxMessage, StepState
from .observer import end_reach, run_finish, run_finish_if_quiet
from .outbox import Unit, unit_of_work
from .participant import step_action
from .vocabulary import IN_FLIGHT_STEP_STATUSES, MessageKind, RecordKind, RunStatus, StepStatus


def run_begin(unit: Unit, *, data: dict, trigger: str) -> None:
    unit.run.data = data
    unit.run_changed("data")
    graph = graph_of(unit.run)
    # The coordinator's starting knowledge, recorded so that replay rebuilds `data` as well.
    unit.record(
        service=graph.coordinator, kind=RecordKind.COORDINATOR_DECIDED, payload={"after": trigger, "data": data}
    )
    _arrive(unit, graph, from_step="", outcome="")


def on_reply(message: OutboxMessage) -> str:
    """The coordinator received a reply: record it and decide what comes next."""
    received_at = timezone.now()
    with unit_of_work(message.run_id) as unit:
        if not message_claim(message):
            return "duplicate"
        graph = graph_of(unit.run)
        coordinator = graph.coordinator
        message_received(unit, message, coordinator, received_at)
        run, status = unit.run, message.payload["status"]
        decided = {"after": message.type}
        if status == "succeeded":
            decided["outcome"] = message.type
        unit.record(service=coordinator, kind=RecordKind.COORDINATOR_DECIDED, step_id=message.step_id, payload=decided)
        if run.status == RunStatus.COMPENSATING:
            if status == "compensation_failed":
                run_finish(unit, RunStatus.FAILED, reason=f"compensation of {message.step_id} failed")
                return "compensating"
            if status == "succeeded":  # a step that succeeded before the saga: what it made must be undone too
                run.data = {**run.data, **message.payload["result"]}
                unit.run_changed("data")
            compensate_next(unit)
            return "compensating"
        if run.status != RunStatus.RUNNING:
            return "late"
        if status != "succeeded":
            saga_start(unit, failed_step=message.step_id, reason=message.payload.get("error", ""))
            return "failed"
        _heard(unit, message.step_id, outcome=message.type, result=message.payload["result"])
        _arrive(unit, graph, from_step=message.step_id, outcome=message.type)
        if unit.run.status == RunStatus.RUNNING:
            run_finish_if_quiet(unit)
    return "decided"


def _heard(unit: Unit, step_id: str, *, outcome: str, result: dict) -> None:
    """What the coordinator learns from a reply: the step's outputs, that it is done, and how it ended."""
    run = unit.run
    run.data = {**run.data, **result}
    run.done_steps = [*run.done_steps, step_id]
    run.decisions = {**run.decisions, "outcomes": {**run.decisions.get("outcomes", {}), step_id: outcome}}
    unit.run_changed("data", "done_steps", "decisions")


def _arrive(unit: Unit, graph: Design, *, from_step: str, outcome: str) -> None:
    """Feed `from_step`'s outcome to the joins of the steps that follow it; run those that are ready."""
    joins = {key: dict(value) for key, value in unit.run.decisions.get("joins", {}).items()}
    for step in graph.subscribers(from_step, outcome):
        edge = graph.edge_into(step, from_step, outcome)
        state = joins.setdefault(step.id, {})
        decision = join_arrive(step, state, edge, in_cycle=step.id in graph.in_cycle)
        if decision.verdict == Verdict.RUN and step.is_end:
            end_reach(unit, step, lane=graph.coordinator, visit=decision.visit)
            if step.fails:
                saga_start(unit, failed_step=step.id, reason=f"the run reached {step.id}: {step.end}")
                break
        elif decision.verdict == Verdict.RUN:
            command_send(unit, graph, step, visit=decision.visit)
        elif decision.verdict == Verdict.BOUND:
            _loop_bound(unit, graph, step, decision.reason)
            break
    unit.run.decisions = {**unit.run.decisions, "joins": joins}
    unit.run_changed("decisions")


def _ask(unit: Unit, graph: Design, step: Step, action, *, kind: str, visit: int = 1) -> None:
    """A command from the coordinator to the step's service: do `action` with what the run knows."""
    unit.send(
        kind=kind,
        type=action.command_name,
        source=graph.coordinator,
        target=step.service,
        step_id=step.id,
        payload=action.command_payload(unit.run.data),
        visit=visit,
    )


def command_send(unit: Unit, graph: Design, step: Step, *, visit: int = 1) -> None:
    now = timezone.now()
    _ask(unit, graph, step, step_action(graph, step), kind=MessageKind.COMMAND, visit=visit)
    step_queued(unit, step, at=now, visit=visit)


def _loop_bound(unit: Unit, graph: Design, step: Step, reason: str) -> None:
    now = timezone.now()
    step_status_set(unit, step.id, StepStatus.FAILED, finished_at=now, error=reason)
    unit.record(service=graph.coordinator, kind=RecordKind.STEP_FAILED, step_id=step.id, payload={"error": reason})
    saga_start(unit, failed_step=step.id, reason=reason)


def saga_start(unit: Unit, *, failed_step: str, reason: str) -> None:
    """A step failed for good: cancel the commands nobody acted on yet, then compensate."""
    coordinator = graph_of(unit.run).coordinator
    unit.run.status = RunStatus.COMPENSATING
    unit.run_changed("status")
    unit.record(
        service=coordinator, kind=RecordKind.RUN_COMPENSATING, step_id=failed_step, payload={"reason": reason[:500]}
    )
    waiting = OutboxMessage.objects.filter(run=unit.run, kind=MessageKind.COMMAND, processed_at__isnull=True)
    for message in waiting:
        # Claiming a command cancels it: a worker that picks it up (or is running it) finds it
        # claimed and does nothing.
        if message_claim(message):
            step_status_set(unit, message.step_id, StepStatus.CANCELLED)
            unit.record(
                service=coordinator, kind=RecordKind.MESSAGE_CANCELLED, step_id=message.step_id, message=message
            )
    compensate_next(unit)


def _undoable(graph: Design, step: Step, data: dict) -> bool:
    """A step is undone when it has a compensation and its outcome gave what that needs: a decision that
    did nothing (no car available, hence no car_ref) has nothing to undo."""
    if not compensation_of(step):
        return False
    return all(name in data for name in compensation_action(graph, step).inputs)


def compensate_next(unit: Unit) -> None:
    """Compensate the most recently completed step that has not been; end the run when none is left."""
    graph = graph_of(unit.run)
    states = list(StepState.objects.filter(run=unit.run))
    if any(state.status in (*IN_FLIGHT_STEP_STATUSES, StepStatus.COMPENSATING) for state in states):
        return  # wait for that reply
    if OutboxMessage.objects.filter(run=unit.run, kind=MessageKind.REPLY, processed_at__isnull=True).exists():
        return  # a step answered that the coordinator has not heard yet: what it did may need undoing
    done = [
        state
        for state in states
        if state.status == StepStatus.SUCCEEDED and _undoable(graph, graph.step(state.step_id), unit.run.data)
    ]
    if not done:
        run_finish(unit, RunStatus.COMPENSATED, reason="every completed step was compensated")
        return
    step = graph.step(max(done, key=lambda s: (s.finished_at, s.pk)).step_id)
    action = compensation_action(graph, step)
    _ask(unit, graph, step, action, kind=MessageKind.COMPENSATE)
    step_status_set(unit, step.id, StepStatus.COMPENSATING)
    unit.record(
        service=step.service, kind=RecordKind.STEP_COMPENSATING, step_id=step.id, payload={"action": action.key}
    )
