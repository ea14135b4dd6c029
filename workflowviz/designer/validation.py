"""Validating a design: pure functions that return every problem, each naming the step or edge it concerns.

An edge is a dependency: `{"id": "b", "after": ["a"]}` is the edge a → b ("b runs after a"). In
choreography it is b's subscription to the event a publishes; in orchestration it is the coordinator
waiting for a's reply before it sends b's command. Errors make a design unsaveable; warnings do not.

"An event nobody consumes" (a warning): a step that no other step follows publishes an event carrying
information (fields other than record ids, `*_id`, and other than what the step already received) that
no step reads. Its outcome goes nowhere: the design probably misses the step that should use it (an
assigned delivery partner that nobody tells the buyer about). A terminal notification ("email sent",
with its email id) is a fine end of a run.
"""

import re
from dataclasses import dataclass, field

from workflowviz import contracts
from workflowviz.engine.registry import Action, actions_all

from .builtins import LOGIN_REQUESTED, ORDER_PLACED
from .schema import STRUCTURE, VALUE, schema_problems

ERROR = "error"
WARNING = "warning"
TRIGGERS = {ORDER_PLACED: contracts.OrderPlaced, LOGIN_REQUESTED: contracts.LoginRequested}
# Words our URLs and the editor use; a design or step cannot take them.
RESERVED_SLUGS = {"new", "validate", "schema", "schema-json", "actions"}
RESERVED_STEP_IDS = {"trigger", "constructor", "prototype"}
STARTER_SERVICE = "orders"


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
class Graph:
    """The parts of a (structurally sound) design the checks share."""

    trigger: str
    steps: dict[str, dict]  # first occurrence of each id
    order: list[str]
    actions: dict[str, Action]
    runnable: list[str] = field(default_factory=list)  # in an order where dependencies come first
    available: dict[str, set[str]] = field(default_factory=dict)  # fields a step's command can use


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == ERROR]


def design_problems(design, actions: dict[str, Action] | None = None) -> list[Problem]:
    """Every problem with a design (already parsed JSON), errors and warnings; empty when all is well."""
    actions = {action.key: action for action in actions_all()} if actions is None else actions
    problems = [_schema_problem(design, *found) for found in schema_problems(design)]
    if any(problem.kind == STRUCTURE for problem in problems):
        return problems  # the graph checks need the structure to be right
    if design["slug"] in RESERVED_SLUGS:
        problems.append(Problem("reserved_slug", f"'{design['slug']}' is reserved; choose another slug", path="slug"))
    graph = Graph(
        trigger=design.get("trigger", ORDER_PLACED),
        steps={},
        order=[],
        actions=actions,
    )
    for index, step in enumerate(design["steps"]):
        if step["id"] in graph.steps:
            problems.append(
                Problem(
                    "duplicate_step",
                    f"another step is already called '{step['id']}'",
                    step=step["id"],
                    path=f"steps[{index}].id",
                )
            )
            continue
        graph.steps[step["id"]] = step
        graph.order.append(step["id"])
    for check in (_check_steps, _check_edges, _check_data, _check_compensations, _check_unconsumed):
        problems += check(graph)
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
                    edge, step_id = (dependency[:64], step_id), None
    code = "bad_structure" if kind == STRUCTURE else "bad_value"
    if ".policy" in path:
        code = "bad_policy"
    return Problem(code, f"{path}: {message}", step=step_id, edge=edge, path=path, kind=kind)


def _check_steps(graph: Graph) -> list[Problem]:
    problems = []
    for step_id in graph.order:
        step = graph.steps[step_id]
        if step_id in RESERVED_STEP_IDS:
            problems.append(Problem("reserved_step_id", f"'{step_id}' is reserved; rename the step", step=step_id))
        if step["action"] not in graph.actions:
            service = step["action"].split(".", 1)[0]
            offered = sorted(key for key in graph.actions if key.startswith(service + "."))
            hint = f" ({service} offers: {', '.join(offered)})" if offered else f" (no service '{service}')"
            problems.append(Problem("unknown_action", f"unknown action '{step['action']}'{hint}", step=step_id))
        latency = step.get("policy", {}).get("latency_ms")
        if latency and len(latency) == 2 and latency[0] > latency[1]:
            problems.append(Problem("bad_policy", "latency_ms: low must not exceed high", step=step_id))
    return problems


def _check_edges(graph: Graph) -> list[Problem]:
    """Unknown dependencies, cycles, and the steps that never run because of them."""
    problems = []
    known_after, self_loops = {}, set()
    for step_id in graph.order:
        known_after[step_id] = []
        for dependency in graph.steps[step_id].get("after", []):
            if dependency == step_id:
                self_loops.add(step_id)
                problems.append(Problem("cycle", "a step cannot run after itself", edge=(step_id, step_id)))
            elif dependency not in graph.steps:
                problems.append(
                    Problem(
                        "unknown_dependency",
                        f"runs after '{dependency}', which is no step of this design",
                        edge=(dependency, step_id),
                    )
                )
            else:
                known_after[step_id].append(dependency)
    in_cycle = set(self_loops)
    for component in _strongly_connected(graph.order, known_after):
        if len(component) > 1:
            in_cycle |= component
            names = " → ".join(_cycle_path(component, known_after))
            for step_id in sorted(component):
                for dependency in known_after[step_id]:
                    if dependency in component:
                        problems.append(
                            Problem(
                                "cycle",
                                f"part of a cycle ({names}): none of these steps can ever start",
                                edge=(dependency, step_id),
                            )
                        )
    graph.runnable = _runnable_order(graph, known_after)
    blocked = {step_id for step_id in graph.order if step_id not in graph.runnable}
    for step_id in graph.order:
        step_deps = graph.steps[step_id].get("after", [])
        if step_id in blocked and step_id not in in_cycle and all(d in graph.steps for d in step_deps):
            waits_for = sorted(d for d in step_deps if d in blocked)
            problems.append(
                Problem(
                    "unreachable",
                    f"never runs: it waits for {', '.join(waits_for)}, which can never finish",
                    step=step_id,
                )
            )
    return problems


def _strongly_connected(order: list[str], after: dict[str, list[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (a design has at most 50 steps, but recursion is not worth the risk)."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = 0
    for root in order:
        if root in index:
            continue
        work = [(root, iter(after[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(after[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _cycle_path(component: set[str], after: dict[str, list[str]]) -> list[str]:
    """One cycle through the component, in running order, to name it (a → b → a)."""
    start = min(component)
    path, node, seen = [start], start, {start}
    while True:
        # Follow the "runs before" direction: from node to a step that runs after it.
        following = sorted(s for s in component if node in after[s])
        nxt = next((s for s in following if s not in seen), following[0] if following else start)
        path.append(nxt)
        if nxt in seen:
            return path[path.index(nxt) :]
        seen.add(nxt)
        node = nxt


def _runnable_order(graph: Graph, after: dict[str, list[str]]) -> list[str]:
    """The steps that can ever run (Kahn's algorithm), dependencies first."""
    declared = {s: graph.steps[s].get("after", []) for s in graph.order}
    done, order, progress = set(), [], True
    while progress:
        progress = False
        for step_id in graph.order:
            if step_id not in done and all(d in done for d in declared[step_id]) and step_id not in declared[step_id]:
                if len(after[step_id]) == len(declared[step_id]):
                    done.add(step_id)
                    order.append(step_id)
                    progress = True
    return order


def _trigger_fields(graph: Graph) -> set[str]:
    trigger = TRIGGERS.get(graph.trigger)
    return set(trigger.field_names()) if trigger else set()


def _event_fields(graph: Graph, step_id: str) -> set[str]:
    action = graph.actions.get(graph.steps[step_id]["action"])
    return set(action.event.field_names()) if action else set()


def _check_data(graph: Graph) -> list[Problem]:
    """Each command field must come from the trigger or from the event of a step that runs before it."""
    problems = []
    trigger_fields = _trigger_fields(graph)
    for step_id in graph.runnable:
        available = set(trigger_fields)
        for ancestor in _ancestors(graph, step_id):
            available |= _event_fields(graph, ancestor)
        graph.available[step_id] = available
        action = graph.actions.get(graph.steps[step_id]["action"])
        if action is None:
            continue
        missing = [name for name in action.command.field_names() if name not in available]
        if missing:
            problems.append(
                Problem(
                    "missing_field",
                    f"{action.command.name()} needs {', '.join(missing)}, which neither {graph.trigger} nor any "
                    f"step it runs after provides{_providers_hint(graph, missing)}",
                    step=step_id,
                )
            )
    return problems


def _ancestors(graph: Graph, step_id: str) -> set[str]:
    seen, todo = set(), list(graph.steps[step_id].get("after", []))
    while todo:
        current = todo.pop()
        if current in seen or current not in graph.steps:
            continue
        seen.add(current)
        todo += graph.steps[current].get("after", [])
    return seen


def _providers_hint(graph: Graph, missing: list[str]) -> str:
    providers = sorted(
        f"{step_id} ({graph.actions[graph.steps[step_id]['action']].event.name()})"
        for step_id in graph.order
        if graph.steps[step_id]["action"] in graph.actions and set(missing) & _event_fields(graph, step_id)
    )
    if providers:
        return f"; make it run after {' or '.join(providers)}"
    publishers = sorted(
        action.key for action in graph.actions.values() if set(missing) & set(action.event.field_names())
    )
    return f"; add a step that provides them ({', '.join(publishers[:4])})" if publishers else ""


def _check_compensations(graph: Graph) -> list[Problem]:
    """A named compensation must be an action the step's own service offers, and it must have its data."""
    problems = []
    for step_id in graph.order:
        step = graph.steps[step_id]
        key = step.get("policy", {}).get("compensation")
        if not key or step["action"] not in graph.actions:
            continue
        service = step["action"].split(".", 1)[0]
        compensation = graph.actions.get(key)
        if compensation is None or compensation.service != service:
            offered = sorted({a.compensation for a in graph.actions.values() if a.service == service} - {""})
            problems.append(
                Problem(
                    "compensation_not_offered",
                    f"{service} offers no compensation '{key}' "
                    f"({'its compensations: ' + ', '.join(offered) if offered else 'it declares none'})",
                    step=step_id,
                )
            )
        elif key == step["action"]:
            problems.append(Problem("compensation_not_offered", "a step cannot undo itself", step=step_id))
        elif step_id in graph.available:
            available = graph.available[step_id] | _event_fields(graph, step_id)
            missing = [name for name in compensation.command.field_names() if name not in available]
            if missing:
                problems.append(
                    Problem(
                        "missing_field",
                        f"compensation {key} needs {', '.join(missing)}, which the run does not have at that step",
                        step=step_id,
                    )
                )
    return problems


def _check_unconsumed(graph: Graph) -> list[Problem]:
    """Warn about an event that carries information no step uses (see the module docstring)."""
    problems = []
    followed = {d for step_id in graph.order for d in graph.steps[step_id].get("after", [])}
    for step_id in graph.runnable:
        if step_id in followed or graph.steps[step_id]["action"] not in graph.actions:
            continue
        event = graph.actions[graph.steps[step_id]["action"]].event
        unread = [
            name
            for name in event.field_names()
            if not name.endswith("_id") and name not in graph.available.get(step_id, set())
        ]
        if unread:
            problems.append(
                Problem(
                    "event_unconsumed",
                    f"nobody consumes {event.name()}: no step runs after '{step_id}', so {', '.join(unread)} "
                    "go(es) nowhere",
                    severity=WARNING,
                    step=step_id,
                )
            )
    return problems
