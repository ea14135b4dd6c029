"""Validating a design: pure functions that return every problem, each naming the step or edge it concerns.

An edge is a dependency: `{"id": "b", "after": ["a"]}` is the edge a → b ("b runs after a"), and
`"a:PaymentRejected"` the edge taken only when a ends with that outcome. In choreography an edge is b's
subscription to the event a publishes; in orchestration the coordinator waiting for a's reply before it
sends b's command. Errors make a design unsaveable; warnings do not.

The checks, in the order they run: the JSON schema; ids; each step's action or end; each edge (its step
and outcome exist, nothing runs after an end); cycles without a bound; steps that can never run; a
decision whose outcome leads nowhere (a branch with no end); a join that waits for exclusive branches
(it would never fire); fields used before any step provides them; compensations; and, as a warning,
an event whose information nobody consumes.
"""

import re
from dataclasses import dataclass

from workflowviz.engine.design import TRIGGER, Design, Edge, Step, cycles, design_parse, failure_event_default
from workflowviz.engine.registry import Action, EventInfo, actions_all, events_all, service_names

from .builtins import ORDER_PLACED
from .schema import STRUCTURE, VALUE, schema_problems

ERROR = "error"
WARNING = "warning"
# Words our URLs and the editor use; a design or step cannot take them.
RESERVED_SLUGS = {"new", "validate", "schema", "schema-json", "actions"}
RESERVED_STEP_IDS = {"trigger", "constructor", "prototype"}


@dataclass
class Problem:
    code: str
    message: str
    severity: str = ERROR
    step: str | None = None
    edge: tuple[str, str] | None = None  # (from step, to step): "to" runs after "from"
    path: str = ""
    kind: str = VALUE  # STRUCTURE problems answer 400, the others 422

    @property
    def where(self) -> str:
        if self.edge:
            return f"edge:{self.edge[0]}->{self.edge[1]}"
        if self.step is not None:
            return f"step:{self.step}"
        return self.path or "design"

    def to_json(self) -> dict:
        data = {"code": self.code, "severity": self.severity, "message": self.message, "where": self.where}
        if self.step is not None:
            data["step"] = self.step
        if self.edge:
            data["edge"] = {"from": self.edge[0], "to": self.edge[1]}
        if self.path:
            data["path"] = self.path
        return data


@dataclass
class Context:
    """What the checks share: the parsed design and the catalogue it is checked against."""

    design: Design
    actions: dict[str, Action]
    events: dict[str, EventInfo]
    runnable: set[str]
    available: dict[str, set[str]]

    def action(self, step: Step) -> Action | None:
        return self.actions.get(step.action)


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == ERROR]


def design_problems(design, actions: dict[str, Action] | None = None, events: dict | None = None) -> list[Problem]:
    """Every problem with a design (already parsed JSON), errors and warnings; empty when all is well."""
    actions = {action.key: action for action in actions_all()} if actions is None else actions
    events = {event.name: event for event in events_all()} if events is None else events
    problems = [_schema_problem(design, *found) for found in schema_problems(design)]
    if any(problem.kind == STRUCTURE for problem in problems):
        return problems  # the graph checks need the structure to be right
    if design["slug"] in RESERVED_SLUGS:
        problems.append(Problem("reserved_slug", f"'{design['slug']}' is reserved; choose another slug", path="slug"))
    unique, seen = [], set()
    for index, step in enumerate(design["steps"]):
        if step["id"] in seen:
            problems.append(
                Problem(
                    "duplicate_step",
                    f"another step is already called '{step['id']}'",
                    step=step["id"],
                    path=f"steps[{index}].id",
                )
            )
            continue
        seen.add(step["id"])
        unique.append(step)
        if step.get("action") and "end" in step:
            problems.append(Problem("action_and_end", "a step has an action or is an end, not both", step=step["id"]))
        if step.get("fails") and "end" not in step:
            problems.append(Problem("fails_not_end", "only an end can fail the run", step=step["id"]))
    parsed = design_parse({**design, "steps": [{**step, "action": step.get("action", "")} for step in unique]})
    context = Context(design=parsed, actions=actions, events=events, runnable=set(), available={})
    problems += _check_design(design, context)
    for check in CHECKS:
        problems += check(context)
    return problems


def _schema_problem(design, path: str, kind: str, message: str) -> Problem:
    """Place a schema problem on the step or edge its path points into."""
    found = re.match(r"steps\[(\d+)\](?:\.after\[(\d+)\])?", path)
    step_id = edge = None
    if found and isinstance(design, dict) and isinstance(design.get("steps"), list):
        step = design["steps"][int(found.group(1))]
        if isinstance(step, dict) and isinstance(step.get("id"), str):
            step_id = step["id"][:64]
            after = step.get("after")
            if found.group(2) is not None and isinstance(after, list):
                dependency = after[int(found.group(2))]
                if isinstance(dependency, str):
                    edge, step_id = (Edge.parse(dependency[:144]).step[:64], step_id), None
    code = "bad_structure" if kind == STRUCTURE else "bad_value"
    if ".policy" in path:
        code = "bad_policy"
    return Problem(code, f"{path}: {message}", step=step_id, edge=edge, path=path, kind=kind)


def _check_design(raw: dict, context: Context) -> list[Problem]:
    """The trigger, the coordinator and the failure event name things that exist."""
    problems = []
    trigger = raw.get("trigger", ORDER_PLACED)
    if trigger not in context.events:
        known = ", ".join(sorted(context.events)[:12])
        problems.append(
            Problem("unknown_trigger", f"no service publishes '{trigger}' (known: {known})", path="trigger")
        )
    coordinator = raw.get("coordinator")
    if coordinator and coordinator not in service_names():
        problems.append(Problem("unknown_service", f"no service '{coordinator}'", path="coordinator"))
    failure = context.design.failure_event
    outcomes = {o.event for step in context.design.steps if (a := context.action(step)) for o in a.outcomes}
    if failure in outcomes or failure == trigger:
        problems.append(
            Problem(
                "failure_event_taken",
                f"'{failure}' already names an outcome or the trigger; choose another failure_event",
                path="failure_event",
            )
        )
    return problems


def _check_steps(context: Context) -> list[Problem]:
    problems = []
    for step in context.design.steps:
        if step.id in RESERVED_STEP_IDS:
            problems.append(Problem("reserved_step_id", f"'{step.id}' is reserved; rename the step", step=step.id))
        if step.is_end:
            if all(edge.step == TRIGGER for edge in step.after):
                problems.append(Problem("end_first", "an end must come after a step", step=step.id))
            continue
        if not step.action:
            problems.append(Problem("no_action", "a step needs an action, or an end instead", step=step.id))
        elif step.action not in context.actions:
            service = step.action.split(".", 1)[0]
            offered = sorted(key for key in context.actions if key.startswith(service + "."))
            hint = f" ({service} offers: {', '.join(offered)})" if offered else f" (no service '{service}')"
            problems.append(Problem("unknown_action", f"unknown action '{step.action}'{hint}", step=step.id))
        low, high = step.policy.latency_ms
        if low > high:
            problems.append(Problem("bad_policy", "latency_ms: low must not exceed high", step=step.id))
    return problems


def _check_edges(context: Context) -> list[Problem]:
    """Each edge names a step of the design and, if any, one of its outcomes; nothing follows an end."""
    problems = []
    design = context.design
    for step in design.steps:
        sources = [edge.step for edge in step.after]
        for edge in step.after:
            where = (edge.step, step.id)
            source = design.by_id.get(edge.step)
            if edge.step == TRIGGER:
                if edge.outcome:
                    problems.append(
                        Problem("unknown_outcome", "the trigger has no outcomes: write just trigger", edge=where)
                    )
            elif source is None:
                problems.append(
                    Problem(
                        "unknown_dependency", f"runs after '{edge.step}', which is no step of this design", edge=where
                    )
                )
            elif source.is_end:
                problems.append(Problem("after_end", f"'{edge.step}' is an end: nothing runs after it", edge=where))
            elif edge.outcome and (action := context.action(source)) and not action.outcome(edge.outcome):
                names = ", ".join(outcome.event for outcome in action.outcomes)
                problems.append(
                    Problem(
                        "unknown_outcome",
                        f"{edge.step} never ends with {edge.outcome} (its outcomes: {names})",
                        edge=where,
                    )
                )
            if sources.count(edge.step) > 1 and step.join != "first":
                problems.append(
                    Problem(
                        "exclusive_join",
                        f'waits for {edge.step} on two outcomes, which never both happen; use join "first"',
                        edge=where,
                    )
                )
    return problems


def _check_cycles(context: Context) -> list[Problem]:
    """A loop must say how often it may go round: some step of it has max_visits above 1."""
    problems = []
    design = context.design
    for component in cycles(design):
        if any(design.step(step_id).max_visits > 1 for step_id in component):
            continue
        if len(component) == 1:
            [step_id] = component
            message = "a step cannot run after itself unless max_visits bounds the loop"
            problems.append(Problem("cycle", message, edge=(step_id, step_id)))
            continue
        names = " → ".join(_cycle_path(design, component))
        for step_id in sorted(component):
            for edge in design.step(step_id).after:
                if edge.step in component:
                    problems.append(
                        Problem(
                            "cycle",
                            f"part of a cycle without a bound ({names}): none of these steps can ever start; "
                            "set max_visits on one of them to make it a loop",
                            edge=(edge.step, step_id),
                        )
                    )
    return problems


def _cycle_path(design: Design, component: set[str]) -> list[str]:
    """One cycle through the component, in running order, to name it (a → b → a)."""
    start = min(component)
    path, node, seen = [start], start, {start}
    while True:
        # Follow the "runs before" direction: from node to a step that runs after it.
        following = sorted(s for s in component if any(edge.step == node for edge in design.step(s).after))
        nxt = next((s for s in following if s not in seen), following[0] if following else start)
        path.append(nxt)
        if nxt in seen:
            return path[path.index(nxt) :]
        seen.add(nxt)
        node = nxt


def _runnable(design: Design) -> set[str]:
    """The steps some run can reach: a join "all" needs every step it waits for, "first" any one."""
    runnable: set[str] = set()
    changed = True
    while changed:
        changed = False
        for step in design.steps:
            if step.id in runnable:
                continue
            known = [edge for edge in step.after if edge.step in design.by_id or edge.step == TRIGGER]
            if len(known) < len(step.after):
                continue  # waits for an unknown step (reported by the edge check)
            ready = [edge.step == TRIGGER or edge.step in runnable for edge in known]
            if not known or (all(ready) if step.join == "all" else any(ready)):
                runnable.add(step.id)
                changed = True
    return runnable


def _check_reachable(context: Context) -> list[Problem]:
    design = context.design
    context.runnable = _runnable(design)
    in_cycle = {step_id for component in cycles(design) for step_id in component}
    problems = []
    for step in design.steps:
        if step.id in context.runnable or not all(e.step in design.by_id or e.step == TRIGGER for e in step.after):
            continue
        if step.id in in_cycle and not any(design.step(s).max_visits > 1 for s in in_cycle):
            continue  # reported as a cycle
        blocked = sorted({edge.step for edge in step.after if edge.step not in context.runnable})
        problems.append(
            Problem(
                "unreachable", f"never runs: it waits for {', '.join(blocked)}, which can never finish", step=step.id
            )
        )
    return problems


def _check_branches(context: Context) -> list[Problem]:
    """Every outcome of a decision leads somewhere: a step or an end (a branch with no end is a mistake)."""
    problems = []
    design = context.design
    for step in design.steps:
        action = context.action(step)
        if action is None or not action.decides or step.id not in context.runnable:
            continue
        for outcome in action.outcomes:
            if not design.subscribers(step.id, outcome.event):
                problems.append(
                    Problem(
                        "branch_without_end",
                        f"when {step.id} ends with {outcome.event}, nothing follows: add a step or an end "
                        f"after {step.id}:{outcome.event}",
                        step=step.id,
                    )
                )
    return problems


def _guards(context: Context) -> dict[str, dict[str, str]]:
    """Step → the decisions that must have gone one way for it to run ({decision step: outcome})."""
    design = context.design
    guards: dict[str, dict[str, str]] = {step.id: {} for step in design.steps if not step.after}
    guards[TRIGGER] = {}
    for _ in range(len(design.steps) + 1):
        for step in design.steps:
            edges = [edge for edge in step.after if edge.step in guards]
            if not edges or len(edges) < len(step.after) and step.join == "all":
                continue
            each = []
            for edge in edges:
                guard = dict(guards[edge.step])
                if edge.outcome:
                    guard[edge.step] = edge.outcome
                each.append(guard)
            if step.join == "all" or len(each) == 1:
                merged: dict[str, str] = {}
                for guard in each:
                    for decision, outcome in guard.items():
                        merged[decision] = outcome if merged.get(decision, outcome) == outcome else "*conflict*"
            else:
                merged = {key: value for key, value in each[0].items() if all(g.get(key) == value for g in each)}
            guards[step.id] = merged
    return guards


def _check_exclusive_joins(context: Context) -> list[Problem]:
    """A join "all" fed by branches of the same decision would wait forever."""
    problems = []
    guards = _guards(context)
    for step in context.design.steps:
        if not step.waits_for_all or step.id not in guards:
            continue
        for decision, outcome in guards[step.id].items():
            if outcome == "*conflict*":
                problems.append(
                    Problem(
                        "exclusive_join",
                        f"waits for all of {', '.join(str(e) for e in step.after)}, but they lie on different "
                        f'outcomes of {decision}, which never all happen: it would never run (use join "first")',
                        step=step.id,
                    )
                )
    return problems


def _trigger_fields(context: Context) -> set[str]:
    event = context.events.get(context.design.trigger)
    return set(event.fields) if event else set()


def _edge_fields(context: Context, edge: Edge) -> set[str]:
    """The fields an edge brings: those of its outcome, or those every outcome of its step has."""
    if edge.step == TRIGGER:
        return _trigger_fields(context)
    action = context.action(context.design.step(edge.step))
    if action is None:
        return set()
    if edge.outcome:
        outcome = action.outcome(edge.outcome)
        return set(outcome.fields) if outcome else set()
    return set.intersection(*(set(outcome.fields) for outcome in action.outcomes)) if action.outcomes else set()


def _availability(context: Context) -> dict[str, set[str]]:
    """Step → the fields sure to be there when it runs (from the trigger and what ran before it)."""
    design = context.design
    trigger = _trigger_fields(context)
    available: dict[str, set[str]] = {TRIGGER: set(trigger)}
    for _ in range(len(design.steps) + 1):
        for step in design.steps:
            if step.id not in context.runnable:
                continue
            if not step.after:
                available[step.id] = set(trigger)
                continue
            each = [available[e.step] | _edge_fields(context, e) for e in step.after if e.step in available]
            if not each:
                continue
            known = len(each) == len(step.after)
            if step.join == "all" and known:
                available[step.id] = set.union(*each)
            elif step.join != "all" or known:
                available[step.id] = set.intersection(*each)
    return available


def _check_data(context: Context) -> list[Problem]:
    """Each input must come from the trigger or from an outcome of a step that surely ran before it."""
    problems = []
    context.available = _availability(context)
    context.available.pop(TRIGGER, None)
    for step in context.design.steps:
        action = context.action(step)
        if action is None or step.id not in context.available:
            continue
        missing = [name for name in action.inputs if name not in context.available[step.id]]
        if missing:
            problems.append(
                Problem(
                    "missing_field",
                    f"{action.command_name} needs {', '.join(missing)}, which neither {context.design.trigger} nor "
                    f"any step that surely runs before it provides{_providers_hint(context, missing)}",
                    step=step.id,
                )
            )
    return problems


def _providers_hint(context: Context, missing: list[str]) -> str:
    wanted = set(missing)
    providers = sorted(
        f"{step.id} ({outcome.event})"
        for step in context.design.steps
        if (action := context.action(step))
        for outcome in action.outcomes
        if wanted & set(outcome.fields)
    )
    if providers:
        return f"; make it run after {' or '.join(providers[:4])}"
    publishers = sorted(
        action.key for action in context.actions.values() for o in action.outcomes if wanted & set(o.fields)
    )
    return f"; add a step that provides them ({', '.join(sorted(set(publishers))[:4])})" if publishers else ""


def _check_compensations(context: Context) -> list[Problem]:
    """A named compensation must be an action the step's own service offers, and it must have its data."""
    problems = []
    for step in context.design.steps:
        key = step.policy_given.get("compensation")
        action = context.action(step)
        if not key or action is None:
            continue
        compensation = context.actions.get(key)
        if compensation is None or compensation.service != step.service:
            offered = sorted({a.compensation for a in context.actions.values() if a.service == step.service} - {""})
            problems.append(
                Problem(
                    "compensation_not_offered",
                    f"{step.service} offers no compensation '{key}' "
                    f"({'its compensations: ' + ', '.join(offered) if offered else 'it declares none'})",
                    step=step.id,
                )
            )
        elif key == step.action:
            problems.append(Problem("compensation_not_offered", "a step cannot undo itself", step=step.id))
        elif step.id in context.available:
            outputs = set.union(set(), *(set(outcome.fields) for outcome in action.outcomes))
            missing = [name for name in compensation.inputs if name not in context.available[step.id] | outputs]
            if missing:
                problems.append(
                    Problem(
                        "missing_field",
                        f"compensation {key} needs {', '.join(missing)}, which the run does not have at that step",
                        step=step.id,
                    )
                )
    return problems


def _check_unconsumed(context: Context) -> list[Problem]:
    """Warn about an event that carries information no step uses.

    A step that no other step follows publishes an event carrying information (fields other than record
    ids `*_id` and times `*_at`, and other than what the step already received) that no step reads: the
    design probably misses the step that should use it (an assigned delivery partner nobody tells the
    buyer about).
    """
    problems = []
    design = context.design
    followed = {edge.step for step in design.steps for edge in step.after}
    for step in design.steps:
        action = context.action(step)
        if step.id in followed or action is None or action.decides or step.id not in context.runnable:
            continue
        outcome = action.outcomes[0]
        unread = [
            name
            for name in outcome.fields
            if not name.endswith(("_id", "_at")) and name not in context.available.get(step.id, set())
        ]
        if unread:
            problems.append(
                Problem(
                    "event_unconsumed",
                    f"nobody consumes {outcome.event}: no step runs after '{step.id}', so {', '.join(unread)} "
                    "go(es) nowhere",
                    severity=WARNING,
                    step=step.id,
                )
            )
    return problems


CHECKS = (
    _check_steps,
    _check_edges,
    _check_cycles,
    _check_reachable,
    _check_branches,
    _check_exclusive_joins,
    _check_data,
    _check_compensations,
    _check_unconsumed,
)


def failure_event_of(design: dict) -> str:
    return design.get("failure_event") or failure_event_default(design.get("trigger") or ORDER_PLACED)
