"""What a design looks like from other angles: how its messages flow in each pattern, Mermaid, diffs.

These take a design that passed the schema (`validation.design_problems` found no structure problem).
"""

import re

from workflowviz.engine.design import TRIGGER, Design, Step, design_parse
from workflowviz.engine.designs import step_policy
from workflowviz.engine.registry import Action, UnknownAction, action_get, event_get

from .builtins import ORDER_PLACED


def _parse(design: dict) -> Design:
    """The design's first step of each id, typed (an unknown action stays a name)."""
    seen, steps = set(), []
    for step in design["steps"]:
        if step["id"] not in seen:
            seen.add(step["id"])
            steps.append({**step, "action": step.get("action", "")})
    return design_parse({**design, "steps": steps})


def _roles(design: dict) -> tuple[str, str]:
    """(who publishes the trigger, who hosts the coordinator): the trigger's service, unless the design
    names its coordinator."""
    event = event_get(design.get("trigger") or ORDER_PLACED)
    publisher = event.service if event else "orders"
    return publisher, design.get("coordinator") or publisher


def _outcomes(actions: dict[str, Action], step: Step) -> list[str]:
    action = actions.get(step.action)
    return [outcome.event for outcome in action.outcomes] if action else ["?"]


def _outcomes_known(step: Step) -> list[str]:
    """The outcomes of a step's action (a decision has several: Mermaid draws it as a hexagon)."""
    try:
        return [outcome.event for outcome in action_get(step.action).outcomes]
    except UnknownAction:
        return []


def _when(step: Step) -> str:
    if not step.after:
        return "when the run starts"
    joined = ", ".join(str(edge) for edge in step.after)
    if len(step.after) == 1:
        return f"after the reply for {joined}"
    return f"after the replies for {joined}" if step.join == "all" else f"after the first reply of {joined}"


def flow_preview(design: dict, actions: dict[str, Action]) -> dict:
    """The messages each pattern would send for one run, in the order the graph allows."""
    graph = _parse(design)
    publisher, coordinator = _roles(design)
    orchestration = []
    for step in graph.steps:
        if step.is_end:
            orchestration.append({"step": step.id, "when": _when(step), "end": step.end})
            continue
        action = actions.get(step.action)
        orchestration.append(
            {
                "step": step.id,
                "when": _when(step),
                "command": {"from": coordinator, "to": step.service, "type": action.command_name if action else "?"},
                "reply": {"from": step.service, "to": coordinator, "type": " | ".join(_outcomes(actions, step))},
            }
        )
    publishers = [{"event": graph.trigger, "publisher": publisher, "from_step": ""}]
    for step in graph.steps:
        if not step.is_end:
            for event in _outcomes(actions, step):
                publishers.append({"event": event, "publisher": step.service, "from_step": step.id})
    subscriptions = []
    for publisher in publishers:
        reached = graph.subscribers(publisher["from_step"], publisher["event"])
        subscribers = [{"step": step.id, "service": step.service} for step in reached if not step.is_end]
        ends = [step.id for step in reached if step.is_end]
        subscriptions.append({**publisher, "subscribers": subscribers, **({"ends": ends} if ends else {})})
    joins = [
        {
            "step": step.id,
            "service": step.service,
            "waits_for": [str(edge) for edge in step.after],
            **({"join": step.join} if step.join != "all" else {}),
        }
        for step in graph.steps
        if len(step.after) > 1 and not step.is_end
    ]
    commands = sum(1 for step in graph.steps if not step.is_end)
    deliveries = sum(len(s["subscribers"]) for s in subscriptions)
    return {
        "orchestration": {"messages": 2 * commands, "steps": orchestration, "coordinator": coordinator},
        "choreography": {
            "messages": deliveries,
            "subscriptions": subscriptions,
            "joins": joins,
            "failure_event": graph.failure_event,
        },
    }


def _mermaid_text(text: str) -> str:
    """A label Mermaid shows as text: quotes and markup characters become entity codes."""
    text = re.sub(r"[\x00-\x1f]", " ", text)
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
        text = text.replace(char, code)
    return text


def mermaid(design: dict, version: int | None = None) -> str:
    """The design as a Mermaid flowchart: branches labelled by outcome, joins as their own node, ends as
    stadiums (node ids are prefixed: step ids may be Mermaid keywords)."""
    graph = _parse(design)
    title = _mermaid_text(design.get("name", design.get("slug", "")))
    lines = [f"%% {title}{f' (version {version})' if version else ''}", "flowchart LR"]
    lines.append(f'    trigger(["{_mermaid_text(graph.trigger or ORDER_PLACED)}"])')
    for step in graph.steps:
        if step.is_end:
            lines.append(f'    s_{step.id}(["{step.id}<br/>end: {_mermaid_text(step.end or "")}"])')
            continue
        join = ""
        if len(step.after) > 1:  # a join, said in the node: it waits for all its arrows, or the first
            join = "<br/>waits for all" if step.join == "all" else "<br/>runs on the first"
        shape = ("{{", "}}") if len(_outcomes_known(step)) > 1 else ("[", "]")
        lines.append(f'    s_{step.id}{shape[0]}"{step.id}<br/>{_mermaid_text(step.action)}{join}"{shape[1]}')
    for step in graph.steps:
        if not step.after:
            lines.append(f"    trigger --> s_{step.id}")
        for edge in step.after:
            label = f"|{_mermaid_text(edge.outcome)}|" if edge.outcome else ""
            arrow = "-.->" if step.join == "first" and len(step.after) > 1 else "-->"
            source = "trigger" if edge.step == TRIGGER else f"s_{edge.step}"
            lines.append(f"    {source} {arrow}{label} s_{step.id}")
    return "\n".join(lines) + "\n"


def _step_fields(step: dict) -> dict:
    """What a step is, for a diff: its action or end, edges, join, bound and the policy a run would get."""
    fields = {"action": step.get("action", ""), "end": step.get("end"), "join": step.get("join", "all")}
    fields["max_visits"] = step.get("max_visits", 1)
    if "end" not in step:
        fields.update({f"policy.{key}": value for key, value in step_policy(step).items()})
    return fields


def design_diff(old: dict, new: dict) -> dict:
    """What changed from `old` to `new`: design fields, steps added, removed and changed, edges."""
    fields = [
        {"field": name, "from": old.get(name, ""), "to": new.get(name, "")}
        for name in ("name", "description", "trigger", "failure_event", "coordinator")
        if old.get(name, "") != new.get(name, "")
    ]
    old_graph, new_graph = _parse(old), _parse(new)
    old_steps = {step.id: step for step in old_graph.steps}
    new_steps = {step.id: step for step in new_graph.steps}
    raw_old = {step["id"]: step for step in reversed(old["steps"])}
    raw_new = {step["id"]: step for step in reversed(new["steps"])}
    changed = []
    for step_id in [s for s in new_steps if s in old_steps]:
        before, after = _step_fields(raw_old[step_id]), _step_fields(raw_new[step_id])
        changes = [
            {"field": key, "from": before.get(key), "to": after.get(key)}
            for key in sorted(set(before) | set(after), key=lambda k: (k.startswith("policy."), k))
            if before.get(key) != after.get(key)
        ]
        if changes:
            changed.append({"step": step_id, "changes": changes})

    def edges(steps: dict[str, Step]) -> set[tuple[str, str, str]]:
        return {(edge.step, step_id, edge.outcome) for step_id, step in steps.items() for edge in step.after}

    def edge_json(edge: tuple[str, str, str]) -> dict:
        return {"from": edge[0], "to": edge[1], **({"outcome": edge[2]} if edge[2] else {})}

    old_edges, new_edges = edges(old_steps), edges(new_steps)

    def summary(steps: dict[str, Step], step_id: str) -> dict:
        step = steps[step_id]
        return {"step": step_id, "action": step.action} if not step.is_end else {"step": step_id, "end": step.end}

    return {
        "fields": fields,
        "steps": {
            "added": [summary(new_steps, s) for s in new_steps if s not in old_steps],
            "removed": [summary(old_steps, s) for s in old_steps if s not in new_steps],
            "changed": changed,
        },
        "edges": {
            "added": [edge_json(e) for e in sorted(new_edges - old_edges)],
            "removed": [edge_json(e) for e in sorted(old_edges - new_edges)],
        },
        "same": not fields and not changed and old_steps.keys() == new_steps.keys() and old_edges == new_edges,
    }
