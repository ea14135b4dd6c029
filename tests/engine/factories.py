"""Runs and outbox messages made directly in the database, for tests of one engine module at a time."""

from datetime import timedelta

from django.utils import timezone

from workflowviz.engine.design import design_parse
from workflowviz.engine.models import MessageKind, OutboxMessage, Pattern, Run, StepState
from workflowviz.engine.outbox import Unit

# A one-step design whose action is coded (Sellers prepares a shipment).
ONE_STEP = [{"id": "prepare", "action": "sellers.prepare_shipment", "after": []}]


def run_make(steps: list[dict] | None = None, *, pattern: str = Pattern.ORCHESTRATION, **fields) -> Run:
    """A run of a design of `steps` (its frozen graph as `design_parse` reads it), with its pending steps."""
    graph = design_parse({"trigger": "OrderPlaced", "steps": steps or ONE_STEP})
    run = Run.objects.create(pattern=pattern, design_slug="factory", graph=graph.to_json(), **fields)
    StepState.objects.bulk_create(
        StepState(run=run, step_id=step.id, service=step.service, action=step.action) for step in graph.steps
    )
    return run


def message_make(run: Run, *, due_in: float = 0, **fields) -> OutboxMessage:
    """An unprocessed command of `run` to Sellers, due in `due_in` seconds (negative: overdue)."""
    values = {
        "kind": MessageKind.COMMAND,
        "type": "PrepareShipment",
        "source_service": "orders",
        "target_service": "sellers",
        "step_id": "prepare",
        "payload": {},
        "available_at": timezone.now() + timedelta(seconds=due_in),
        **fields,
    }
    return OutboxMessage.objects.create(run=run, **values)


def command_write(unit: Unit, **fields) -> OutboxMessage:
    """Orders asks Sellers (or `target`) to prepare the shipment, in the unit's transaction."""
    values = {"kind": MessageKind.COMMAND, "type": "PrepareShipment", "source": "orders", "target": "sellers"}
    return unit.send(**{**values, "step_id": "prepare", "payload": {}, **fields})
