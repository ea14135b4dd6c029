"""Choreography: a design compiled into subscriptions; each service reacts to the events it follows.

A step that follows no other step subscribes to the trigger event; any other step to the outcome
events of the steps it runs after (an edge `pay:PaymentApproved` subscribes only to that outcome). A
step that joins several events, or runs in a loop, keeps a join in its own service (JoinState) until
its rule lets it run. The publisher never knows who subscribes.

When a step fails for good, its service publishes the design's failure event (OrderCancelled,
BookingCancelled…). Every step that can be undone subscribes to it; a service that already acted
compensates on its own, one that did not simply cancels its step.
"""

from django.utils import timezone

from .compensation import compensation_execute, compensation_of
from .design import Design, Edge, Step, graph_of
from .joins import Verdict, join_arrive
from .messages import message_claim, message_received, step_queued, step_status_set
from .models import JoinState, OutboxMessage, StepState
from .observer import OBSERVER, end_reach, run_finish, run_finish_if_quiet
from .outbox import Unit, unit_of_work
from .participant import StepResult, step_execute, step_gave_up_early
from .vocabulary import Lane, MessageKind, RecordKind, RunStatus, StepStatus

BUS = Lane.BUS


def event_publish(
    unit: Unit,
    *,
    source: str,
    event_type: str,
    from_step: str,
    data: dict,
    targets: list[Step] | None = None,
    visit: int = 1,
    failure: bool = False,
) -> None:
    """Publish an event: one delivery per subscribing step, through the bus; ends it reaches are noted."""
    graph = graph_of(unit.run)
    if targets is None:
        targets = graph.subscribers(from_step, event_type)
    ends = [step for step in targets if step.is_end]
    targets = [step for step in targets if not step.is_end]
    now = timezone.now()
    published = {"type": event_type, "subscribers": [step.id for step in targets]}
    if ends:
        published["ends"] = [step.id for step in ends]
    unit.record(service=source, kind=RecordKind.EVENT_PUBLISHED, step_id=from_step, payload=published, at=now)
    for step in targets:
        unit.send(
            kind=MessageKind.EVENT,
            type=event_type,
            source=source,
            target=step.service,
            step_id=step.id,
            from_step=from_step,
            payload=data,
            sender=BUS,
        )
        if not failure:
            step_queued(unit, step, at=now, visit=_next_visit(unit, step))
    for end in ends:
        end_reach(unit, end, lane=OBSERVER, visit=visit)
    failing = next((end for end in ends if end.fails), None)
    if failing is not None and unit.run.status == RunStatus.RUNNING:
        # The service whose outcome leads to a failing end tells everyone, as a failing step would.
        cancel_run(unit, graph.step(from_step), f"the run reached {failing.id}: {failing.end}", data)


def _next_visit(unit: Unit, step: Step) -> int:
    """Which run of the step an event asks for, as far as the timeline is concerned (loops)."""
    if not step.max_visits > 1:
        return 1
    visits = StepState.objects.filter(run=unit.run, step_id=step.id).values_list("visits", flat=True).first() or 0
    return visits + 1


class EventWiring:
    """An event runs its step when the step's join lets it; its outcome is published in turn."""

    def __init__(self, graph: Design):
        self.graph = graph

    def _joins(self, step: Step) -> bool:
        return len(step.after) > 1 or step.max_visits > 1 or step.id in self.graph.in_cycle

    def will_run(self, message: OutboxMessage, step: Step) -> bool:
        if not self._joins(step):
            return True
        join = JoinState.objects.filter(run_id=message.run_id, step_id=step.id).first()
        state = {"arrived": join.received, "visits": join.visits} if join else {}
        decision = _decide(self.graph, step, message, state)
        if decision.verdict == Verdict.RUN:
            message.visit = decision.visit  # what the early "started" record says (the join decides again)
        return decision.verdict == Verdict.RUN

    def prepare(self, unit: Unit, message: OutboxMessage, step: Step) -> dict | None:
        if not self._joins(step):
            return message.payload
        join, _ = JoinState.objects.get_or_create(run=unit.run, step_id=step.id, defaults={"service": step.service})
        state = {"arrived": join.received, "visits": join.visits}
        decision = _decide(self.graph, step, message, state)
        join.received, join.visits = state["arrived"], state.get("visits", 0)
        join.data = {**join.data, **message.payload}
        join.save(update_fields=["received", "visits", "data"])
        if decision.verdict == Verdict.RUN:
            message.visit = decision.visit  # this delivery runs the step's n-th time (loops)
            return join.data
        if decision.verdict == Verdict.BOUND:
            step_gave_up_early(unit, message, step, decision.reason)
            cancel_run(unit, step, decision.reason, join.data)
        elif decision.verdict == Verdict.WAIT:
            unit.record(
                service=step.service,
                kind=RecordKind.JOIN_WAITING,
                step_id=step.id,
                payload={"waiting_for": decision.waiting_for},
            )
        else:
            unit.record(
                service=step.service, kind=RecordKind.JOIN_IGNORED, step_id=step.id, payload={"reason": decision.reason}
            )
        run_finish_if_quiet(unit)
        return None

    def succeeded(self, unit: Unit, step: Step, result: StepResult) -> None:
        event_publish(
            unit,
            source=step.service,
            event_type=result.event,
            from_step=step.id,
            data={**result.data, **result.output},
            visit=result.visit,
        )
        run_finish_if_quiet(unit)

    def gave_up(self, unit: Unit, step: Step, error: str, message: OutboxMessage) -> None:
        cancel_run(unit, step, error, message.payload)


def _decide(graph: Design, step: Step, message: OutboxMessage, state: dict):
    edge = graph.edge_into(step, message.from_step, message.type)
    return join_arrive(step, state, edge or Edge(message.from_step), in_cycle=step.id in graph.in_cycle)


def on_event(message: OutboxMessage) -> str:
    """A subscribing service received an event: act once the step's join lets it."""
    graph = graph_of(message.run)
    if message.type == graph.failure_event:
        return _on_cancelled(message)
    return step_execute(message, EventWiring(graph))


def cancel_run(unit: Unit, step: Step | None, error: str, data: dict) -> None:
    """The failing service tells everyone the run is cancelled; it does not know who listens.

    Without a `step` (an operator cancelled the run), the service that started the run tells them."""
    graph = graph_of(unit.run)
    source, failed = (step.service, step.id) if step else (graph.trigger_service, "")
    unit.run.status = RunStatus.COMPENSATING
    unit.run_changed("status")
    unit.record(service=source, kind=RecordKind.RUN_COMPENSATING, step_id=failed, payload={"reason": error[:500]})
    targets = [target for target in graph.steps if compensation_of(target) and target.id != failed]
    cancelled = {**data, "failed_step": failed, "reason": error[:500]}
    if "order_id" in data or unit.run.order_id is not None:
        cancelled["order_id"] = data.get("order_id", unit.run.order_id)
    # Only the steps that can be undone hear it, and it queues none of them.
    event_publish(unit, source=source, event_type=graph.failure_event, from_step=failed, data=cancelled,
                  targets=targets, failure=True)  # fmt: skip
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
        step = graph_of(unit.run).step(message.step_id)
        message_received(unit, message, step.service, received_at)
        # This service had not acted: it only makes sure it never will for this run.
        step_status_set(unit, step.id, StepStatus.CANCELLED)
        unit.record(service=step.service, kind=RecordKind.STEP_CANCELLED, step_id=step.id)
        _cancellation_done(unit, "")
    return "cancelled"


def _cancellation_done(unit: Unit, error: str) -> None:
    """The observer sees the end of the cancellation once every subscriber has handled it."""
    if error:
        run_finish(unit, RunStatus.FAILED, reason=f"compensation failed: {error}")
        return
    failure_event = graph_of(unit.run).failure_event
    pending = OutboxMessage.objects.filter(run=unit.run, type=failure_event, processed_at__isnull=True).exists()
    if not pending and unit.run.status == RunStatus.COMPENSATING:
        run_finish(unit, RunStatus.COMPENSATED, reason="every service that acted compensated")
