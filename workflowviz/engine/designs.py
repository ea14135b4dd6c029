"""Workflow designs: named, versioned graphs of steps, and the run's copy of one (its graph)."""

from workflowviz.designer.builtins import BUILTIN_DESIGNS as _BUILTIN_DESIGNS
from workflowviz.designer.builtins import ORDER_FULFILMENT as _ORDER_FULFILMENT

from .registry import action_get

DEFAULT_POLICY = {
    "max_attempts": 3,
    "backoff_seconds": 1.0,
    "timeout_seconds": 30,
    "latency_ms": [0, 0],
    "failure_probability": 0.0,
}

# The built-in designs are data like any other: the designer app stores them as versions in the
# database (ensure_builtin_designs), and runs read designs from there.
BUILTIN_DESIGNS = _BUILTIN_DESIGNS
ORDER_FULFILMENT = _ORDER_FULFILMENT
DEFAULT_DESIGN = ORDER_FULFILMENT["slug"]
DEFAULT_TRIGGER = ORDER_FULFILMENT["trigger"]


class UnknownDesign(Exception):
    pass


def design_get(slug: str, *, version: int | None = None, trigger: str | None = None, use: bool = False) -> dict:
    """A stored design version (the latest unless one is named) as a dict with its "version" number.

    `use=True` is for a new run: the version is marked used, which makes it immutable (editing it makes
    a new version). Raises UnknownDesign when there is no such design or version, when it starts with
    another trigger than `trigger`, or (when used) when it is no longer valid.
    """
    from workflowviz.designer.services import design_version_get  # designs are kept by the designer app

    return design_version_get(slug, version=version, trigger=trigger, use=use)


def _registered_compensation(action_key: str) -> str:
    try:
        return action_get(action_key).compensation
    except KeyError:
        return ""


def design_graph(design: dict, *, latency_ms: list[int] | None = None) -> dict:
    """The run's copy of a design: each step with its service and its full policy."""
    steps = []
    for step in design["steps"]:
        # The step's compensation defaults to the one its action declares ("" when none).
        policy = {**DEFAULT_POLICY, "compensation": _registered_compensation(step["action"]), **step.get("policy", {})}
        if latency_ms is not None:
            policy["latency_ms"] = list(latency_ms)
        steps.append(
            {
                "id": step["id"],
                "action": step["action"],
                "service": step["action"].split(".", 1)[0],
                "after": list(step.get("after", [])),
                "policy": policy,
            }
        )
    return {"trigger": design.get("trigger", DEFAULT_TRIGGER), "steps": steps}


def graph_step(graph: dict, step_id: str) -> dict:
    return next(step for step in graph["steps"] if step["id"] == step_id)
