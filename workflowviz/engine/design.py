"""A design as typed objects: steps, the edges between them (by outcome), joins, ends and policies.

Design JSON is read once at the edge (`design_parse`, after the designer checked it against its schema)
and a run's frozen copy once per process (`graph_of`). Everything else reads attributes, not keys.

An edge `"pay"` means "after step pay, whatever its outcome"; `"pay:PaymentRejected"` means "after pay,
only when it ended with PaymentRejected"; `"trigger"` means "when the run starts" (a step that follows
nothing starts then too; a loop's first step names it beside the edge that brings it back). A step with
several edges waits for all of them (`join: "all"`) or runs on the first (`join: "first"`). A step with
`end` instead of an action ends its branch and gives the run its result; a failing end (`fails`) fails
the run, and what was done is undone. A cycle is allowed when its
steps say how often they may run (`max_visits`): the loop's bound.
"""

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cached_property

TRIGGER = "trigger"  # the edge from the run's trigger event
JOIN_ALL = "all"
JOIN_FIRST = "first"
JOINS = (JOIN_ALL, JOIN_FIRST)
MAX_VISITS = 100

DEFAULT_POLICY = {
    "max_attempts": 3,
    "backoff_seconds": 1.0,
    "timeout_seconds": 30,
    "latency_ms": [0, 0],
    "failure_probability": 0.0,
    "latency_distribution": "uniform",
}
# The one table of what each policy setting may be: the design schema, run overrides and the
# dashboard's latency field read it. Latency stays below the reconciler's RECONCILE_STARTED_AFTER
# (20 s), or a step still sleeping would be sent again.
MAX_LATENCY_MS = 10_000
POLICY_LIMITS = {
    "max_attempts": (int, 1, 10),
    "backoff_seconds": (float, 0.0, 60.0),
    "timeout_seconds": (int, 1, 3600),
    "latency_ms": (list, 0, MAX_LATENCY_MS),
    "failure_probability": (float, 0.0, 1.0),
}

# What designs made before triggers were declared start with and fail with.
LEGACY_TRIGGER = "OrderPlaced"
LEGACY_SERVICE = "orders"
LEGACY_FAILURE_EVENT = "OrderCancelled"


@dataclass(frozen=True)
class Edge:
    """ "b runs after a" (any outcome of a) or "b runs after a ended with outcome X"."""

    step: str
    outcome: str = ""

    @classmethod
    def parse(cls, text: str) -> "Edge":
        step, _, outcome = text.partition(":")
        return cls(step, outcome)

    def __str__(self) -> str:
        return f"{self.step}:{self.outcome}" if self.outcome else self.step

    def matches(self, step: str, outcome: str) -> bool:
        return self.step == step and (not self.outcome or self.outcome == outcome)


def _latency(value) -> tuple[int, int]:
    """[low, high] as a pair (a malformed value, which validation reports, reads as no latency)."""
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        return int(value[0]), int(value[1])
    return 0, 0


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 3
    backoff_seconds: float = 1.0
    timeout_seconds: int = 30
    latency_ms: tuple[int, int] = (0, 0)
    failure_probability: float = 0.0
    compensation: str = ""  # the action that undoes the step; "" for none
    latency_distribution: str = "uniform"

    @classmethod
    def from_json(cls, data: dict) -> "Policy":
        merged = {**DEFAULT_POLICY, **data}
        return cls(
            max_attempts=int(merged["max_attempts"]),
            backoff_seconds=float(merged["backoff_seconds"]),
            timeout_seconds=int(merged["timeout_seconds"]),
            latency_ms=_latency(merged["latency_ms"]),
            failure_probability=float(merged["failure_probability"]),
            compensation=merged.get("compensation") or "",
            latency_distribution=merged.get("latency_distribution") or "uniform",
        )

    def to_json(self) -> dict:
        return {
            "max_attempts": self.max_attempts,
            "backoff_seconds": self.backoff_seconds,
            "timeout_seconds": self.timeout_seconds,
            "latency_ms": list(self.latency_ms),
            "failure_probability": self.failure_probability,
            "compensation": self.compensation,
            "latency_distribution": self.latency_distribution,
        }

    def retry_delay(self, attempt: int) -> float:
        """Exponential backoff: backoff_seconds, then twice that, then four times…"""
        return self.backoff_seconds * 2 ** (attempt - 1)


@dataclass(frozen=True)
class Step:
    id: str
    action: str = ""  # "<service>.<action>"; "" for an end
    service: str = ""
    after: tuple[Edge, ...] = ()
    join: str = JOIN_ALL
    max_visits: int = 1
    end: str | None = None  # an end step: the result it gives the run
    fails: bool = False  # a failing end: reaching it fails the run, and what was done is undone (saga)
    policy: Policy = field(default_factory=Policy)
    # As written in the design (a run's copy fills in every setting).
    policy_given: dict = field(default_factory=dict, compare=False)

    @property
    def is_end(self) -> bool:
        return self.end is not None

    @property
    def waits_for_all(self) -> bool:
        return self.join == JOIN_ALL and len(self.after) > 1

    def to_json(self) -> dict:
        data = {"id": self.id}
        if self.is_end:
            data["end"] = self.end
            if self.fails:
                data["fails"] = True
        else:
            data.update(action=self.action, service=self.service)
        data["after"] = [str(edge) for edge in self.after]
        if len(self.after) > 1 or self.join != JOIN_ALL:
            data["join"] = self.join
        if self.max_visits != 1:
            data["max_visits"] = self.max_visits
        if not self.is_end:
            data["policy"] = self.policy.to_json()
        return data


@dataclass(frozen=True)
class Design:
    """A design's graph: what a run copies and follows."""

    trigger: str
    steps: tuple[Step, ...]
    trigger_service: str = LEGACY_SERVICE
    coordinator: str = LEGACY_SERVICE  # hosts the coordinator in orchestration
    failure_event: str = LEGACY_FAILURE_EVENT
    actions: dict = field(default_factory=dict, compare=False)  # declared actions' frozen definitions

    @cached_property
    def by_id(self) -> dict[str, Step]:
        return {step.id: step for step in self.steps}

    def step(self, step_id: str) -> Step:
        return self.by_id[step_id]

    def starters(self) -> list[Step]:
        """The steps the trigger event starts: those that follow no other step, or name the trigger."""
        return [step for step in self.steps if not step.after or any(e.step == TRIGGER for e in step.after)]

    def subscribers(self, from_step: str, outcome: str) -> list[Step]:
        """The steps that react when `from_step` ends with `outcome` ("" from_step: the trigger)."""
        if not from_step:
            return self.starters()
        return [step for step in self.steps if any(edge.matches(from_step, outcome) for edge in step.after)]

    def edge_into(self, step: Step, from_step: str, outcome: str) -> Edge | None:
        """The edge of `step` that an outcome of `from_step` travels ("" from_step: the trigger)."""
        if not from_step:
            return Edge(TRIGGER)
        return next((edge for edge in step.after if edge.matches(from_step, outcome)), None)

    @cached_property
    def in_cycle(self) -> frozenset[str]:
        return frozenset(step_id for component in cycles(self) for step_id in component)

    def to_json(self) -> dict:
        data = {
            "trigger": self.trigger,
            "trigger_service": self.trigger_service,
            "coordinator": self.coordinator,
            "failure_event": self.failure_event,
            "steps": [step.to_json() for step in self.steps],
        }
        if self.actions:
            data["actions"] = self.actions
        return data


def _step_parse(data: dict) -> Step:
    given = dict(data.get("policy") or {})
    is_end = "end" in data and data.get("action") in (None, "")
    action = "" if is_end else data["action"]
    return Step(
        id=data["id"],
        action=action,
        service=data.get("service") or action.split(".", 1)[0],
        after=tuple(Edge.parse(text) for text in data.get("after") or ()),
        join=data.get("join") or JOIN_ALL,
        max_visits=int(data.get("max_visits") or 1),
        end=(data.get("end") or "") if is_end else None,
        fails=bool(data.get("fails")) and is_end,
        policy=Policy() if is_end else Policy.from_json(given),
        policy_given=given,
    )


def design_parse(data: dict) -> Design:
    """A design (or a run's copy of one) from its JSON, which passed the schema."""
    return Design(
        trigger=data.get("trigger") or LEGACY_TRIGGER,
        steps=tuple(_step_parse(step) for step in data["steps"]),
        trigger_service=data.get("trigger_service") or LEGACY_SERVICE,
        coordinator=data.get("coordinator") or data.get("trigger_service") or LEGACY_SERVICE,
        failure_event=data.get("failure_event") or failure_event_default(data.get("trigger") or LEGACY_TRIGGER),
        actions=dict(data.get("actions") or {}),
    )


_graphs: OrderedDict = OrderedDict()
GRAPHS_CACHED = 2048


def graph_of(run) -> Design:
    """A run's frozen graph, parsed once per process (it never changes once the run exists)."""
    key = run.pk
    graph = _graphs.get(key)
    if graph is None:
        graph = _graphs[key] = design_parse(run.graph)
        if len(_graphs) > GRAPHS_CACHED:
            _graphs.popitem(last=False)
    return graph


PAST_TENSE_ENDINGS = ("Requested", "Placed", "Submitted", "Started", "Received", "Created", "Opened", "Booked")


def failure_event_default(trigger: str) -> str:
    """What a choreography announces when a run fails for good: OrderPlaced → OrderCancelled,
    BookingRequested → BookingCancelled; any other trigger name gets "Cancelled" added."""
    for ending in PAST_TENSE_ENDINGS:
        if trigger.endswith(ending) and len(trigger) > len(ending):
            return trigger[: -len(ending)] + "Cancelled"
    return f"{trigger}Cancelled"


def with_policy(step: Step, overrides: dict) -> Step:
    return replace(step, policy=Policy.from_json({**step.policy.to_json(), **overrides}))


# --- graph algorithms shared by the engine and the designer's checks ------------------------------
def dependencies(design: Design) -> dict[str, list[str]]:
    """Step id → the known steps it runs after (unknown ones and duplicates left out)."""
    known = design.by_id
    return {
        step.id: list(dict.fromkeys(edge.step for edge in step.after if edge.step in known and edge.step != TRIGGER))
        for step in design.steps
    }


def cycles(design: Design) -> list[set[str]]:
    """The strongly connected components with a cycle in them (Tarjan's algorithm, iterative)."""
    after = dependencies(design)
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in after:
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
                if len(component) > 1 or node in after[node]:
                    found.append(component)
    return found


def ancestors(design: Design, step_id: str) -> set[str]:
    after = dependencies(design)
    seen, todo = set(), list(after.get(step_id, []))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += after.get(current, [])
    return seen
