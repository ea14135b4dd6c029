"""Creating and starting runs: the part both patterns share."""

from django.db import transaction

from . import choreography, coordinator
from .design import graph_of
from .designs import design_get, design_graph
from .models import Run, StepState
from .outbox import Unit
from .overrides import overrides_validate
from .registry import EventInfo, event_get
from .vocabulary import Pattern, RecordKind


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
    trigger: str | None = None,
    version: int | None = None,
) -> Run:
    """Create a run and its pending steps (inside the caller's transaction).

    Raises UnknownDesign, or BadOverrides when `policy_overrides` names unknown steps or settings or bad values.
    """
    design = design_get(design_slug, version=version, trigger=trigger, use=True)  # now immutable
    if policy_overrides:
        problems = overrides_validate(policy_overrides, [step["id"] for step in design["steps"] if "end" not in step])
        if problems:
            raise BadOverrides(problems)
    graph = design_graph(design, latency_ms=latency_ms, overrides=policy_overrides)
    run = Run.objects.create(
        pattern=pattern,
        design_slug=design["slug"],
        design_version=design["version"],
        graph=graph.to_json(),
        order_id=order_id,
    )
    StepState.objects.bulk_create(
        StepState(run=run, step_id=step.id, service=step.service, action=step.action) for step in graph.steps
    )
    return run


def run_begin(*, run: Run, trigger: str, data: dict) -> None:
    """Start a run created in this transaction: the first commands, or the trigger event published."""
    unit = Unit(run)
    graph = graph_of(run)
    run.input = data
    email = data.get("customer_email") if isinstance(data, dict) else None
    run.customer_email = email.strip().lower()[:254] if isinstance(email, str) else ""
    unit.run_changed("input", "customer_email")
    unit.record(
        service=graph.trigger_service,
        kind=RecordKind.RUN_STARTED,
        payload={"pattern": run.pattern, "design": run.design_slug, "version": run.design_version},
    )
    if run.pattern == Pattern.ORCHESTRATION:
        coordinator.run_begin(unit, data=data, trigger=trigger)
    else:
        choreography.event_publish(unit, source=graph.trigger_service, event_type=trigger, from_step="", data=data)
    unit.save()


class BadInput(ValueError):
    """A run's input does not fit its trigger: `problems` names each field."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


MAX_TEXT = 1000
TYPE_CHECKS = {
    "string": (lambda v: isinstance(v, str) and len(v) <= MAX_TEXT and "\x00" not in v, f"text (at most {MAX_TEXT})"),
    "integer": (lambda v: isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**53, "a whole number"),
    "number": (lambda v: isinstance(v, int | float) and not isinstance(v, bool) and abs(v) < 1e15, "a number"),
    "boolean": (lambda v: isinstance(v, bool), "true or false"),
    "array": (lambda v: isinstance(v, list) and len(v) <= 100, "a list"),
}


def input_problems(event: EventInfo, data) -> dict[str, str]:
    """What is wrong with a run's input for a trigger event, by field (empty when it fits)."""
    if not isinstance(data, dict):
        return {"input": f"Must be an object with the fields of {event.name}: {', '.join(event.fields)}."}
    problems = {f"input.{name}": "This field is required." for name in event.fields if name not in data}
    for name, value in data.items():
        if name not in event.fields:
            problems[f"input.{str(name)[:40]}"] = (
                f"Not a field of {event.name} (its fields: {', '.join(event.fields)})."
            )
            continue
        check = TYPE_CHECKS.get(event.types.get(name, "any"))
        if check and not check[0](value):
            problems[f"input.{name}"] = f"Must be {check[1]}."
    return problems


def run_start(
    *, workflow: str, pattern: str, data, version: int | None = None, policy_overrides: dict | None = None
) -> Run:
    """Start a run of any design with its trigger's input. Raises UnknownDesign, BadInput or BadOverrides."""
    problems = {} if pattern in Pattern.values else {"pattern": f"Must be one of: {', '.join(Pattern.values)}."}
    design = design_get(workflow, version=version)
    trigger = design.get("trigger") or "OrderPlaced"
    event = event_get(trigger)
    if event is None:
        problems["workflow"] = f"Nothing publishes its trigger {trigger}."
    else:
        problems.update(input_problems(event, data))
    if problems:
        raise BadInput(problems)
    with transaction.atomic():
        run = run_create(
            pattern=pattern, design_slug=workflow, trigger=trigger, version=version, policy_overrides=policy_overrides
        )
        run_begin(run=run, trigger=trigger, data=data)
    return run
