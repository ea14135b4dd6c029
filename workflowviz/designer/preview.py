"""What a design looks like from other angles: how its messages flow in each pattern, Mermaid, diffs.

These take a design that passed the schema (`validation.design_problems` found no structure problem).
"""

import re

from workflowviz.engine.designs import DEFAULT_POLICY
from workflowviz.engine.registry import Action, action_get

from .validation import STARTER_SERVICE

COORDINATOR = STARTER_SERVICE


def _action(actions: dict[str, Action], key: str) -> tuple[str, str, str]:
    """(service, command name, event name) of an action, with placeholders when it is unknown."""
    action = actions.get(key)
    service = key.split(".", 1)[0]
    if action is None:
        return service, "?", "?"
    return action.service, action.command.name(), action.event.name()


def _unique_steps(design: dict) -> list[dict]:
    seen, steps = set(), []
    for step in design["steps"]:
        if step["id"] not in seen:
            seen.add(step["id"])
            steps.append(step)
    return steps


def flow_preview(design: dict, actions: dict[str, Action]) -> dict:
    """The messages each pattern would send for one run, in the order the graph allows."""
    steps = _unique_steps(design)
    trigger = design.get("trigger", "OrderPlaced")
    orchestration = []
    for step in steps:
        service, command, event = _action(actions, step["action"])
        after = step.get("after", [])
        orchestration.append(
            {
                "step": step["id"],
                "when": f"after the replies for {', '.join(after)}" if after else "when the run starts",
                "command": {"from": COORDINATOR, "to": service, "type": command},
                "reply": {"from": service, "to": COORDINATOR, "type": event},
            }
        )
    publishers = [{"event": trigger, "publisher": STARTER_SERVICE, "from_step": ""}]
    for step in steps:
        service, _, event = _action(actions, step["action"])
        publishers.append({"event": event, "publisher": service, "from_step": step["id"]})
    subscriptions = []
    for publisher in publishers:
        subscribers = [
            {"step": step["id"], "service": _action(actions, step["action"])[0]}
            for step in steps
            if (publisher["from_step"] in step.get("after", []))
            or (not publisher["from_step"] and not step.get("after"))
        ]
        subscriptions.append({**publisher, "subscribers": subscribers})
    joins = [
        {"step": step["id"], "service": _action(actions, step["action"])[0], "waits_for": list(step["after"])}
        for step in steps
        if len(step.get("after", [])) > 1
    ]
    deliveries = sum(len(s["subscribers"]) for s in subscriptions)
    return {
        "orchestration": {"messages": 2 * len(steps), "steps": orchestration},
        "choreography": {"messages": deliveries, "subscriptions": subscriptions, "joins": joins},
    }


def _mermaid_text(text: str) -> str:
    """A label Mermaid shows as text: quotes and markup characters become entity codes."""
    text = re.sub(r"[\x00-\x1f]", " ", text)
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
        text = text.replace(char, code)
    return text


def mermaid(design: dict, version: int | None = None) -> str:
    """The design as a Mermaid flowchart (node ids are prefixed: step ids may be Mermaid keywords)."""
    title = _mermaid_text(design.get("name", design.get("slug", "")))
    lines = [f"%% {title}{f' (version {version})' if version else ''}", "flowchart LR"]
    trigger = design.get("trigger", "OrderPlaced")
    lines.append(f'    trigger(["{_mermaid_text(trigger)}"])')
    for step in _unique_steps(design):
        lines.append(f'    s_{step["id"]}["{step["id"]}<br/>{_mermaid_text(step["action"])}"]')
    for step in _unique_steps(design):
        after = step.get("after", [])
        if not after:
            lines.append(f"    trigger --> s_{step['id']}")
        for dependency in after:
            lines.append(f"    s_{dependency} --> s_{step['id']}")
    return "\n".join(lines) + "\n"


def _full_policy(step: dict) -> dict:
    """The policy a run would get, as design_graph makes it (the compensation defaults to the action's)."""
    try:
        compensation = action_get(step["action"]).compensation
    except KeyError:
        compensation = ""
    return {**DEFAULT_POLICY, "compensation": compensation, **step.get("policy", {})}


def design_diff(old: dict, new: dict) -> dict:
    """What changed from `old` to `new`: design fields, steps added, removed and changed, edges."""
    fields = [
        {"field": name, "from": old.get(name, ""), "to": new.get(name, "")}
        for name in ("name", "description", "trigger")
        if old.get(name, "") != new.get(name, "")
    ]
    old_steps = {step["id"]: step for step in _unique_steps(old)}
    new_steps = {step["id"]: step for step in _unique_steps(new)}
    changed = []
    for step_id in [s for s in new_steps if s in old_steps]:
        before, after = old_steps[step_id], new_steps[step_id]
        changes = []
        if before["action"] != after["action"]:
            changes.append({"field": "action", "from": before["action"], "to": after["action"]})
        old_policy, new_policy = _full_policy(before), _full_policy(after)
        for key in sorted(set(old_policy) | set(new_policy)):
            if old_policy.get(key) != new_policy.get(key):
                changes.append({"field": f"policy.{key}", "from": old_policy.get(key), "to": new_policy.get(key)})
        if changes:
            changed.append({"step": step_id, "changes": changes})

    def edges(steps: dict) -> set[tuple[str, str]]:
        return {(dependency, step_id) for step_id, step in steps.items() for dependency in step.get("after", [])}

    old_edges, new_edges = edges(old_steps), edges(new_steps)
    return {
        "fields": fields,
        "steps": {
            "added": [{"step": s, "action": new_steps[s]["action"]} for s in new_steps if s not in old_steps],
            "removed": [{"step": s, "action": old_steps[s]["action"]} for s in old_steps if s not in new_steps],
            "changed": changed,
        },
        "edges": {
            "added": [{"from": a, "to": b} for a, b in sorted(new_edges - old_edges)],
            "removed": [{"from": a, "to": b} for a, b in sorted(old_edges - new_edges)],
        },
        "same": not fields and not changed and old_steps.keys() == new_steps.keys() and old_edges == new_edges,
    }
