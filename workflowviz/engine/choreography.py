"""Choreography: a design compiled into subscriptions; each service reacts to the events it follows.

A step with no dependencies subscribes to the trigger event (OrderPlaced); any other step to the
outcome events of its dependencies. A step with several dependencies waits in a join kept by its
own service until all of them arrived. The publisher never knows who subscribes.

When a step fails for good, its service publishes OrderCancelled. Every step that can be undone
subscribes to it; a service that already acted compensates on its own, one that did not simply
cancels its step.
"""

from django.utils import timezone

from workflowviz.contracts import Message, OrderCancelled

from .compensation import compensation_execute, compensation_of
from .designs import graph_step
from .lifecycle import run_finish, run_finish_if_done
from .models import JoinState, MessageKind, OutboxMessage, RunStatus, StepState, StepStatus
from .steps import message_claim, message_received, step_execute, step_queued, step_status_set
from .unit import Unit, unit_of_work

BUS = "bus"
FAILURE_EVENT = OrderCancelled.name()


def subscribers(graph: dict, from_step: str) -> list[dict]:
    """The steps that react to the outcome of `from_step` ("" is the run's trigger event)."""
    if not from_step:
        return [step for step in graph["steps"] if not step["after"]]
    return [step for step in graph["steps"] if from_step in step["after"]]


def failure_subscribers(graph: dict) -> list[dict]:
    """The steps that react to the failure event: those that can be undone."""
    return [step for step in graph["steps"] if compensation_of(step)]


def event_publish(
    unit: Unit, *, source: str, event_type: str, from_step: str, data: dict, targets: list[dict] | None = None
) -> None:
    """Publish an event: one delivery per subscribing step, through the bus."""
    if targets is None:
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
        if event_type != FAILURE_EVENT:
            step_queued(unit, step, at=now)


def on_event(message: OutboxMessage) -> str:
    """A subscribing service received an event: act once all the step's dependencies have arrived."""
    if message.type == FAILURE_EVENT:
        return _on_cancelled(message)
    step = graph_step(message.run.graph, message.step_id)

    def cancel(unit, step, error):
        _cancel_run(unit, step, error, message.payload)

    if len(step["after"]) <= 1:
        return step_execute(
            message, prepare=lambda unit: message.payload, will_run=True, on_success=_publish_outcome, on_failure=cancel
        )
    return step_execute(
        message,
        prepare=lambda unit: _join_receive(unit, message, step),
        will_run=_join_would_complete(message, step),
        on_success=_publish_outcome,
        on_failure=cancel,
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


def _cancel_run(unit: Unit, step: dict, error: str, data: dict) -> None:
    """The failing service tells everyone the order is cancelled; it does not know who listens."""
    unit.run.status = RunStatus.COMPENSATING
    unit.run_changed("status")
    unit.record(service=step["service"], kind="run.compensating", step_id=step["id"], payload={"reason": error[:500]})
    event = OrderCancelled(order_id=data.get("order_id", unit.run.order_id), failed_step=step["id"], reason=error[:500])
    targets = [target for target in failure_subscribers(unit.run.graph) if target["id"] != step["id"]]
    event_publish(
        unit,
        source=step["service"],
        event_type=FAILURE_EVENT,
        from_step=step["id"],
        data={**data, **event.to_data()},
        targets=targets,
    )
    if not targets:
        run_finish(unit, RunStatus.COMPENSATED, reason="nothing to compensate")


def _on_cancelled(message: OutboxMessage) -> str:
    state = StepState.objects.get(run_id=message.run_id, step_id=message.step_id)
    if state.status in (StepStatus.SUCCEEDED, StepStatus.COMPENSATING):
        return compensation_execute(message, on_done=lambda unit, step, event, error: _cancellation_done(unit, error))
    received_at = timezone.now()
    with unit_of_work(message.run_id) as unit:
        if not message_claim(message):
            return "duplicate"
        step = graph_step(unit.run.graph, message.step_id)
        message_received(unit, message, step["service"], received_at)
        # This service had not acted: it only makes sure it never will for this order.
        step_status_set(unit, step["id"], StepStatus.CANCELLED)
        unit.record(service=step["service"], kind="step.cancelled", step_id=step["id"])
        _cancellation_done(unit, "")
    return "cancelled"


def _cancellation_done(unit: Unit, error: str) -> None:
    """The engine observes the end of the cancellation once every subscriber has handled it."""
    if error:
        run_finish(unit, RunStatus.FAILED, reason=f"compensation failed: {error}")
        return
    pending = OutboxMessage.objects.filter(run=unit.run, type=FAILURE_EVENT, processed_at__isnull=True).exists()
    if not pending and unit.run.status == RunStatus.COMPENSATING:
        run_finish(unit, RunStatus.COMPENSATED, reason="every service that acted compensated")
