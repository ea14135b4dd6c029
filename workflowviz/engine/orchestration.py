"""Orchestration: the coordinator, hosted by Orders, walks the design graph one reply at a time.

It sends a command to each step whose dependencies have all succeeded (fan-out), waits for every
dependency before a step (fan-in), and never blocks a worker: each reply is one short job.
"""

from django.utils import timezone

from workflowviz.contracts import Message

from .designs import graph_step
from .lifecycle import STARTER_SERVICE, run_finish, run_finish_if_done
from .models import MessageKind, OutboxMessage, RunStatus, StepState, StepStatus
from .registry import action_get
from .steps import message_claim, message_received, step_execute, step_queued
from .unit import Unit, unit_of_work

COORDINATOR = STARTER_SERVICE


def run_begin(unit: Unit, *, data: dict, trigger: str) -> None:
    unit.run.data = data
    unit.run_changed("data")
    unit.record(service=COORDINATOR, kind="coordinator.decided", payload={"after": trigger})
    commands_send_ready(unit)


def commands_send_ready(unit: Unit) -> None:
    """Send a command for every pending step whose dependencies have all succeeded."""
    status = dict(StepState.objects.filter(run=unit.run).values_list("step_id", "status"))
    for step in unit.run.graph["steps"]:
        if status[step["id"]] == StepStatus.PENDING and all(
            status[dep] == StepStatus.SUCCEEDED for dep in step["after"]
        ):
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


def _reply(unit: Unit, step: dict, *, event: Message | None = None, error: str = "") -> None:
    payload = {"status": "succeeded", "result": event.to_data()} if event else {"status": "failed", "error": error}
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
        if unit.run.status != RunStatus.RUNNING:
            return "late"
        step = graph_step(unit.run.graph, message.step_id)
        if message.payload["status"] != "succeeded":
            unit.record(
                service=COORDINATOR, kind="coordinator.decided", step_id=step["id"], payload={"after": "failure"}
            )
            run_finish(unit, RunStatus.FAILED, reason=f"{step['id']}: {message.payload.get('error', '')}")
            return "failed"
        unit.run.data = {**unit.run.data, **message.payload["result"]}
        unit.run_changed("data")
        unit.record(
            service=COORDINATOR, kind="coordinator.decided", step_id=step["id"], payload={"after": message.type}
        )
        if not run_finish_if_done(unit):
            commands_send_ready(unit)
    return "decided"
