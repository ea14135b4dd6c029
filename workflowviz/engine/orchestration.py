"""Orchestration: the coordinator, hosted by Orders, walks the design graph one reply at a time.

It sends a command to each step whose dependencies have all succeeded (fan-out), waits for every
dependency before a step (fan-in), and never blocks a worker: each reply is one short job. When a
step fails for good (or times out), it cancels what has not started and compensates the completed
steps one by one, most recent first (a saga).
"""

from datetime import timedelta

from django.utils import timezone
from rq import Worker

from workflowviz.contracts import Message

from .compensation import compensation_execute, compensation_of
from .designs import graph_step
from .lifecycle import STARTER_SERVICE, run_finish
from .models import IN_FLIGHT_STEP_STATUSES, MessageKind, OutboxMessage, Pattern, RunStatus, StepState, StepStatus
from .registry import action_get
from .relay import service_queue
from .steps import (
    message_claim,
    message_received,
    message_resend,
    retry_delay,
    step_execute,
    step_queued,
    step_status_set,
)
from .unit import Unit, unit_of_work

COORDINATOR = STARTER_SERVICE


def run_begin(unit: Unit, *, data: dict, trigger: str) -> None:
    unit.run.data = data
    unit.run_changed("data")
    # The coordinator's starting knowledge, recorded so that replay rebuilds `data` as well.
    unit.record(service=COORDINATOR, kind="coordinator.decided", payload={"after": trigger, "data": data})
    commands_send_ready(unit)


def commands_send_ready(unit: Unit) -> None:
    """Send a command for every pending step whose dependencies' replies have all arrived.

    The coordinator decides from the replies it has received (`done_steps`), never from what a
    service has written but not yet told it.
    """
    status = dict(StepState.objects.filter(run=unit.run).values_list("step_id", "status"))
    done = set(unit.run.done_steps)
    for step in unit.run.graph["steps"]:
        if status[step["id"]] == StepStatus.PENDING and done.issuperset(step["after"]):
            command_send(unit, step)


def command_send(unit: Unit, step: dict) -> None:
    action = action_get(step["action"])
    command = action.command.from_data(unit.run.data)
    now = timezone.now()
    unit.send(
        kind=MessageKind.COMMAND,
        type=command.name(),
        source=COORDINATOR,
        target=action.service,
        step_id=step["id"],
        payload=command.to_data(),
    )
    step_queued(unit, step, at=now)


def on_command(message: OutboxMessage) -> str:
    """A service received a command: do the step, then reply to the coordinator."""
    return step_execute(
        message,
        prepare=lambda unit: message.payload,
        will_run=True,
        on_success=lambda unit, step, event, data: _reply(unit, step, event=event),
        on_failure=lambda unit, step, error: _reply(unit, step, error=error),
    )


def on_compensate(message: OutboxMessage) -> str:
    """A service received a compensation command: undo its step, then reply to the coordinator."""

    def reply(unit, step, event, error):
        status = "compensated" if event else "compensation_failed"
        _reply(unit, step, event=event, error=error, status=status)

    return compensation_execute(message, on_done=reply)


def _reply(unit: Unit, step: dict, *, event: Message | None = None, error: str = "", status: str = "") -> None:
    status = status or ("succeeded" if event else "failed")
    payload = {"status": status, "result": event.to_data() if event else {}, "error": error}
    unit.send(
        kind=MessageKind.REPLY,
        type=event.name() if event else "StepFailed",
        source=step["service"],
        target=COORDINATOR,
        step_id=step["id"],
        payload=payload,
    )


def on_reply(message: OutboxMessage) -> str:
    """The coordinator received a reply: record it and decide what comes next."""
    received_at = timezone.now()
    with unit_of_work(message.run_id) as unit:
        if not message_claim(message):
            return "duplicate"
        message_received(unit, message, COORDINATOR, received_at)
        run, status = unit.run, message.payload["status"]
        unit.record(
            service=COORDINATOR, kind="coordinator.decided", step_id=message.step_id, payload={"after": message.type}
        )
        if run.status == RunStatus.COMPENSATING:
            if status == "compensation_failed":
                run_finish(unit, RunStatus.FAILED, reason=f"compensation of {message.step_id} failed")
            else:
                compensate_next(unit)
            return "compensating"
        if run.status != RunStatus.RUNNING:
            return "late"
        if status != "succeeded":
            saga_start(unit, failed_step=message.step_id, reason=message.payload.get("error", ""))
            return "failed"
        run.data = {**run.data, **message.payload["result"]}
        run.done_steps = [*run.done_steps, message.step_id]
        unit.run_changed("data", "done_steps")
        if len(set(run.done_steps)) == len(run.graph["steps"]):
            run_finish(unit, RunStatus.SUCCEEDED)
        else:
            commands_send_ready(unit)
    return "decided"


def saga_start(unit: Unit, *, failed_step: str, reason: str) -> None:
    """A step failed for good: cancel the commands nobody acted on yet, then compensate."""
    unit.run.status = RunStatus.COMPENSATING
    unit.run_changed("status")
    unit.record(service=COORDINATOR, kind="run.compensating", step_id=failed_step, payload={"reason": reason[:500]})
    waiting = OutboxMessage.objects.filter(run=unit.run, kind=MessageKind.COMMAND, processed_at__isnull=True)
    for message in waiting:
        # Claiming a command cancels it: a worker that picks it up (or is running it) finds it
        # claimed and rolls back.
        if message_claim(message):
            step_status_set(unit, message.step_id, StepStatus.CANCELLED)
            unit.record(service=COORDINATOR, kind="message.cancelled", step_id=message.step_id, message=message)
    compensate_next(unit)


def compensate_next(unit: Unit) -> None:
    """Compensate the most recently completed step that has not been; end the run when none is left."""
    states = list(StepState.objects.filter(run=unit.run))
    if any(state.status in (*IN_FLIGHT_STEP_STATUSES, StepStatus.COMPENSATING) for state in states):
        return  # wait for that reply
    done = [
        state
        for state in states
        if state.status == StepStatus.SUCCEEDED and compensation_of(graph_step(unit.run.graph, state.step_id))
    ]
    if not done:
        run_finish(unit, RunStatus.COMPENSATED, reason="every completed step was compensated")
        return
    state = max(done, key=lambda s: (s.finished_at, s.pk))
    step = graph_step(unit.run.graph, state.step_id)
    action = action_get(compensation_of(step))
    command = action.command.from_data(unit.run.data)
    unit.send(
        kind=MessageKind.COMPENSATE,
        type=command.name(),
        source=COORDINATOR,
        target=action.service,
        step_id=step["id"],
        payload=command.to_data(),
    )
    step_status_set(unit, step["id"], StepStatus.COMPENSATING)
    unit.record(service=step["service"], kind="step.compensating", step_id=step["id"], payload={"action": action.key})


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
        step = graph_step(message.run.graph, message.step_id)
        policy = step["policy"]
        if not _overdue(message, step, policy, now, consuming):
            continue
        with unit_of_work(message.run_id) as unit:
            if unit.run.status != RunStatus.RUNNING or not message_claim(message):
                continue
            timed_out += 1
            _command_timed_out(unit, message, step, policy)
    return timed_out


def services_consuming() -> set[str]:
    """The services with at least one live worker that is not switched off."""
    connection = service_queue(COORDINATOR).connection
    return {
        queue_name
        for worker in Worker.all(connection=connection)
        if worker.get_state() != "suspended"
        for queue_name in worker.queue_names()
    }


def _overdue(message: OutboxMessage, step: dict, policy: dict, now, consuming: set[str]) -> bool:
    """A command is overdue once it ran longer than the timeout, or waited that long for a service
    that consumes nothing (down, or no worker). Waiting in a busy queue does not count: a burst is
    not a fault."""
    limit = timedelta(seconds=policy["timeout_seconds"])
    started_at = (
        StepState.objects.filter(run_id=message.run_id, step_id=step["id"]).values_list("started_at", flat=True).first()
    )
    if started_at and started_at >= message.available_at:
        return started_at + limit < now
    return message.target_service not in consuming and message.available_at + limit < now


def _command_timed_out(unit: Unit, message: OutboxMessage, step: dict, policy: dict) -> None:
    reason = f"no reply within {policy['timeout_seconds']}s (attempt {message.attempt})"
    unit.record(
        service=COORDINATOR, kind="step.timed_out", step_id=step["id"], message=message, payload={"reason": reason}
    )
    if message.attempt < policy["max_attempts"]:
        delay = retry_delay(policy, message.attempt)
        step_status_set(unit, step["id"], StepStatus.RETRYING, error=reason)
        unit.record(
            service=COORDINATOR,
            kind="step.retried",
            step_id=step["id"],
            payload={"attempt": message.attempt, "error": reason, "retry_in_s": delay},
        )
        message_resend(unit, message, delay_seconds=delay, sender=COORDINATOR)
        return
    now = timezone.now()  # one instant for the state and its record, so that replay rebuilds it exactly
    step_status_set(unit, step["id"], StepStatus.FAILED, finished_at=now, error=reason)
    unit.record(service=COORDINATOR, kind="step.failed", step_id=step["id"], payload={"error": reason}, at=now)
    saga_start(unit, failed_step=step["id"], reason=reason)
