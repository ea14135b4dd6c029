"""Choreography: a design compiled into subscriptions; each service reacts to the events it follows.

A step with no dependencies subscribes to the trigger event (OrderPlaced); any other step to the
outcome events of its dependencies. A step with several dependencies waits in a join kept by its
own service until all of them arrived. The publisher never knows who subscribes.
"""

from django.utils import timezone

from workflowviz.contracts import Message

from .designs import graph_step
from .lifecycle import run_finish, run_finish_if_done
from .models import JoinState, MessageKind, OutboxMessage, RunStatus
from .steps import step_execute, step_queued
from .unit import Unit

BUS = "bus"


def subscribers(graph: dict, from_step: str) -> list[dict]:
    """The steps that react to the outcome of `from_step` ("" is the run's trigger event)."""
    if not from_step:
        return [step for step in graph["steps"] if not step["after"]]
    return [step for step in graph["steps"] if from_step in step["after"]]


def event_publish(unit: Unit, *, source: str, event_type: str, from_step: str, data: dict) -> None:
    """Publish an event: one delivery per subscribing step, through the bus."""
    targets = subscribers(unit.run.graph, from_step)
    now = timezone.now()
    unit.record(
        service=source,
        kind="event.published",
        step_id=from_step,
        payload={"type": event_type, "subscribers": [step["id"] for step in targets]},
        at=now,
    )
    for step in targets:
        unit.send(
            kind=MessageKind.EVENT,
            type=event_type,
            source=source,
            target=step["service"],
            step_id=step["id"],
            from_step=from_step,
            payload=data,
            sender=BUS,
        )
        step_queued(unit, step, at=now)


def on_event(message: OutboxMessage) -> str:
    """A subscribing service received an event: act once all the step's dependencies have arrived."""
    step = graph_step(message.run.graph, message.step_id)
    if len(step["after"]) <= 1:
        return step_execute(
            message,
            prepare=lambda unit: message.payload,
            will_run=True,
            on_success=_publish_outcome,
            on_failure=_fail_run,
        )
    return step_execute(
        message,
        prepare=lambda unit: _join_receive(unit, message, step),
        will_run=_join_would_complete(message, step),
        on_success=_publish_outcome,
        on_failure=_fail_run,
    )


def _join_would_complete(message: OutboxMessage, step: dict) -> bool:
    join = JoinState.objects.filter(run_id=message.run_id, step_id=step["id"]).first()
    received = set(join.received if join else []) | {message.from_step}
    return received >= set(step["after"])


def _join_receive(unit: Unit, message: OutboxMessage, step: dict) -> dict | None:
    join, _ = JoinState.objects.get_or_create(run=unit.run, step_id=step["id"], defaults={"service": step["service"]})
    if message.from_step not in join.received:
        join.received = [*join.received, message.from_step]
        join.data = {**join.data, **message.payload}
        join.save(update_fields=["received", "data"])
    waiting_for = sorted(set(step["after"]) - set(join.received))
    if waiting_for:
        unit.record(
            service=step["service"], kind="join.waiting", step_id=step["id"], payload={"waiting_for": waiting_for}
        )
        return None
    return join.data


def _publish_outcome(unit: Unit, step: dict, event: Message, data: dict) -> None:
    event_publish(
        unit, source=step["service"], event_type=event.name(), from_step=step["id"], data={**data, **event.to_data()}
    )
    run_finish_if_done(unit)


def _fail_run(unit: Unit, step: dict, error: str) -> None:
    run_finish(unit, RunStatus.FAILED, reason=f"{step['id']}: {error}")
