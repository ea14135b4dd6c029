"""From a stored design to a run's frozen graph: every step with its service, its full policy, and the
definitions of the declared actions it uses, so that editing a design or a service later never changes
a run that already started."""

from dataclasses import replace

from .design import DEFAULT_POLICY, LEGACY_SERVICE, Design, design_parse, failure_event_default, with_policy
from .hooks import hooks
from .registry import UnknownAction, action_get, event_get


class UnknownDesign(Exception):
    pass


def design_get(slug: str, *, version: int | None = None, trigger: str | None = None, use: bool = False) -> dict:
    """A stored design version (the latest unless one is named) as a dict with its "version" number.

    `use=True` is for a new run: the version is marked used, which makes it immutable (editing it makes
    a new version). Raises UnknownDesign when there is no such design or version, when it starts with
    another trigger than `trigger`, or (when used) when it is no longer valid.
    """
    if hooks.design_loader is None:
        raise UnknownDesign("no design store is plugged in")
    return hooks.design_loader(slug, version=version, trigger=trigger, use=use)


def _action_or_none(key: str):
    try:
        return action_get(key)
    except UnknownAction:
        return None


def step_policy(step: dict) -> dict:
    """The policy a run gives a step: the engine's defaults, what its action brings, what the step says."""
    action = _action_or_none(step.get("action") or "")
    brought = dict(action.policy_defaults) if action else {}
    compensation = action.compensation if action else ""
    return {**DEFAULT_POLICY, **brought, "compensation": compensation, **(step.get("policy") or {})}


def _frozen_actions(design: Design) -> dict:
    """The definitions of the declared actions the steps use, and of the actions that undo them."""
    frozen = {}
    for step in design.steps:
        for key in (step.action, step.policy.compensation):
            action = _action_or_none(key) if key else None
            if action is not None and action.declaration is not None:
                frozen[key] = action.declaration
    return frozen


def design_graph(design: dict, *, latency_ms: list[int] | None = None, overrides: dict | None = None) -> Design:
    """The run's copy of a design (typed; `.to_json()` is what the run stores), with the latency of a
    burst and a run's policy overrides ("*" first, then each step's own) applied."""
    trigger = design.get("trigger") or "OrderPlaced"
    event = event_get(trigger)
    trigger_service = event.service if event else LEGACY_SERVICE
    graph = design_parse(
        {
            "trigger": trigger,
            "trigger_service": trigger_service,
            "coordinator": design.get("coordinator") or trigger_service,
            "failure_event": design.get("failure_event") or failure_event_default(trigger),
            "steps": [{**step, "policy": step_policy(step)} for step in design["steps"]],
        }
    )
    overrides = overrides or {}
    steps = []
    for step in graph.steps:
        extra = {"latency_ms": list(latency_ms)} if latency_ms is not None else {}
        extra.update(overrides.get("*", {}))
        extra.update(overrides.get(step.id, {}))
        steps.append(with_policy(step, extra) if extra and not step.is_end else step)
    graph = replace(graph, steps=tuple(steps))
    return replace(graph, actions=_frozen_actions(graph))
