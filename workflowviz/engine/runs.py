"""Creating, starting and finishing runs: the part both patterns share."""

from workflowviz.contracts import Message

from . import choreography, orchestration
from .designs import DEFAULT_TRIGGER, design_get, design_graph
from .lifecycle import STARTER_SERVICE
from .models import Pattern, Run, StepState
from .overrides import overrides_apply, overrides_validate
from .unit import Unit


class BadOverrides(ValueError):
    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def run_create(
    *,
    pattern: str,
    design_slug: str,
    order_id: int | None = None,
    latency_ms=None,
    policy_overrides: dict | None = None,
    trigger: str = DEFAULT_TRIGGER,
) -> Run:
    """Create a run and its pending steps (inside the caller's transaction).

    Raises BadOverrides when `policy_overrides` names unknown steps or settings or bad values.
    """
    design = design_get(design_slug, trigger=trigger, use=True)  # the latest version, now immutable
    graph = design_graph(design, latency_ms=latency_ms)
    if policy_overrides:
        problems = overrides_validate(policy_overrides, [step["id"] for step in graph["steps"]])
        if problems:
            raise BadOverrides(problems)
        overrides_apply(graph, policy_overrides)
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
