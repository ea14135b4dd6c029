"""Creating, starting and finishing runs: the part both patterns share."""

from workflowviz.contracts import Message

from . import choreography, orchestration
from .designs import design_get, design_graph
from .lifecycle import STARTER_SERVICE
from .models import Pattern, Run, StepState
from .unit import Unit


def run_create(*, pattern: str, design_slug: str, order_id: int | None = None, latency_ms=None) -> Run:
    """Create a run and its pending steps (inside the caller's transaction)."""
    design = design_get(design_slug)
    graph = design_graph(design, latency_ms=latency_ms)
    run = Run.objects.create(
        pattern=pattern,
        design_slug=design["slug"],
        design_version=design["version"],
        graph=graph,
        order_id=order_id,
    )
    StepState.objects.bulk_create(
        StepState(run=run, step_id=step["id"], service=step["service"], action=step["action"])
        for step in graph["steps"]
    )
    return run


def run_begin(*, run: Run, trigger: Message) -> None:
    """Start a run created in this transaction: the first commands, or the trigger event published."""
    unit = Unit(run)
    unit.record(
        service=STARTER_SERVICE,
        kind="run.started",
        payload={"pattern": run.pattern, "design": run.design_slug, "version": run.design_version},
    )
    data = trigger.to_data()
    if run.pattern == Pattern.ORCHESTRATION:
        orchestration.run_begin(unit, data=data, trigger=trigger.name())
    else:
        choreography.event_publish(unit, source=STARTER_SERVICE, event_type=trigger.name(), from_step="", data=data)
    unit.save()
