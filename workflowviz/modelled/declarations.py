"""Checking a declared service and its actions: every problem named by where it is, nothing half-saved.

A service declaration (the JSON that `POST /api/services` takes and a design file carries):

    {"name": "flights", "label": "Flights", "colour": "#1f77b4", "description": "…",
     "events": [{"name": "TripRequested", "fields": [{"name": "trip_id", "type": "string"}, …]}],
     "actions": [{"name": "book_flight", "inputs": ["trip_id"],
                  "outcomes": [{"event": "FlightBooked", "fields": [{"name": "flight_ref"}], "weight": 3},
                               {"event": "FlightsFull", "fields": [], "weight": 1}],
                  "choice": "weighted",                    # or "rule": each outcome's "when", in order
                  "latency_ms": [50, 300], "latency_distribution": "normal", "failure_probability": 0.05,
                  "compensation": "cancel_flight",         # another action of this service
                  "idempotency": {"key": ["trip_id"]}}]}   # default: one effect per step of a run
"""

import re

from workflowviz.engine.design import POLICY_LIMITS
from workflowviz.engine.simulation import LATENCY_DISTRIBUTIONS
from workflowviz.values import is_whole

from .expressions import expression_problem

SERVICE_NAME = re.compile(r"[a-z][a-z0-9_]{1,39}")
ACTION_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
EVENT_NAME = re.compile(r"[A-Z][A-Za-z0-9]{1,79}")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
FIELD_TYPES = ("string", "integer", "number", "boolean")
RESERVED_NAMES = {"bus", "engine", "operator", "coordinator", "observer", "trigger", "default", "failed"}
CHOICES = ("weighted", "rule")
MAX_ACTIONS, MAX_EVENTS, MAX_OUTCOMES, MAX_FIELDS = 20, 10, 8, 30
SERVICE_KEYS = {"name", "label", "colour", "description", "events", "actions"}
ACTION_KEYS = {
    "name",
    "description",
    "inputs",
    "outcomes",
    "choice",
    "latency_ms",
    "latency_distribution",
    "failure_probability",
    "compensation",
    "idempotency",
}
OUTCOME_KEYS = {"event", "fields", "weight", "when"}


class Problems(dict):
    """path → what is wrong there."""

    def add(self, path: str, message: str) -> None:
        self.setdefault(path, message)


def _unknown_keys(problems: Problems, data: dict, allowed: set[str], path: str) -> None:
    for key in sorted(set(data) - allowed, key=str):
        problems.add(f"{path}{str(key)[:40]}", f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _text(problems: Problems, value, path: str, *, most: int, required: bool = False) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > most or "\x00" in value:
        problems.add(path, f"must be a text of at most {most} characters")


def _list(problems: Problems, value, path: str, *, most: int) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > most:
        problems.add(path, f"must be a list of at most {most} items")
        return []
    return value


def _names(problems: Problems, values: list, path: str, pattern: re.Pattern, what: str) -> list[str]:
    names = []
    for index, value in enumerate(values):
        if not isinstance(value, str) or not pattern.fullmatch(value):
            problems.add(f"{path}[{index}]", f"must be {what} ({pattern.pattern})")
        elif value in names:
            problems.add(f"{path}[{index}]", f"'{value}' appears twice")
        else:
            names.append(value)
    return names


def event_problems(problems: Problems, event, path: str) -> None:
    if not isinstance(event, dict):
        problems.add(path, 'must be an object: {"name": "TripRequested", "fields": [{"name", "type"}]}')
        return
    _unknown_keys(problems, event, {"name", "fields"}, f"{path}.")
    if not isinstance(event.get("name"), str) or not EVENT_NAME.fullmatch(event["name"]):
        problems.add(f"{path}.name", f"must be an event name in CamelCase ({EVENT_NAME.pattern})")
    seen = set()
    for index, spec in enumerate(_list(problems, event.get("fields"), f"{path}.fields", most=MAX_FIELDS)):
        where = f"{path}.fields[{index}]"
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            problems.add(where, 'must be {"name": "...", "type": "string|integer|number|boolean"}')
            continue
        _unknown_keys(problems, spec, {"name", "type"}, f"{where}.")
        if not FIELD_NAME.fullmatch(spec["name"]) or spec["name"] in seen:
            problems.add(f"{where}.name", f"must be a new field name ({FIELD_NAME.pattern})")
        if spec.get("type", "string") not in FIELD_TYPES:
            problems.add(f"{where}.type", f"must be one of {', '.join(FIELD_TYPES)}")
        seen.add(spec["name"])


def _policy_problems(problems: Problems, action: dict, path: str) -> None:
    _, low, high = POLICY_LIMITS["latency_ms"]
    latency = action.get("latency_ms")
    if latency is not None and not (
        isinstance(latency, list)
        and len(latency) == 2
        and all(is_whole(v, low, high) for v in latency)
        and latency[0] <= latency[1]
    ):
        problems.add(f"{path}latency_ms", f"must be [low, high], whole milliseconds, {low} ≤ low ≤ high ≤ {high}")
    if action.get("latency_distribution", "uniform") not in LATENCY_DISTRIBUTIONS:
        problems.add(f"{path}latency_distribution", f"must be one of {', '.join(LATENCY_DISTRIBUTIONS)}")
    failure = action.get("failure_probability", 0)
    if isinstance(failure, bool) or not isinstance(failure, int | float) or not 0 <= failure <= 1:
        problems.add(f"{path}failure_probability", "must be a number from 0 to 1")


def _outcome_problems(problems: Problems, outcome, path: str, *, choice: str, inputs: set[str], last: bool) -> None:
    if not isinstance(outcome, dict):
        problems.add(path, 'must be an object: {"event": "FlightBooked", "fields": [...]}')
        return
    _unknown_keys(problems, outcome, OUTCOME_KEYS, f"{path}.")
    if not isinstance(outcome.get("event"), str) or not EVENT_NAME.fullmatch(outcome["event"]):
        problems.add(f"{path}.event", f"must be an event name in CamelCase ({EVENT_NAME.pattern})")
    names = inputs | {"visit", "attempt", "records"}
    if choice == "weighted":
        weight = outcome.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1000:
            problems.add(f"{path}.weight", "must be a number from 0 to 1000")
        if "when" in outcome:
            problems.add(f"{path}.when", 'a rule needs "choice": "rule"')
    elif outcome.get("when") is not None:
        if problem := expression_problem(outcome["when"], names):
            problems.add(f"{path}.when", problem)
    elif not last:
        problems.add(f"{path}.when", "only the last outcome may go without a rule (it is the default)")
    seen = set()
    for index, spec in enumerate(_list(problems, outcome.get("fields"), f"{path}.fields", most=MAX_FIELDS)):
        where = f"{path}.fields[{index}]"
        if (
            not isinstance(spec, dict)
            or not isinstance(spec.get("name"), str)
            or not FIELD_NAME.fullmatch(spec["name"])
        ):
            problems.add(where, f'must be {{"name": "{FIELD_NAME.pattern}"}} (+ "value": an expression)')
            continue
        _unknown_keys(problems, spec, {"name", "value"}, f"{where}.")
        if spec["name"] in seen:
            problems.add(f"{where}.name", f"'{spec['name']}' appears twice")
        seen.add(spec["name"])
        if spec.get("value") is not None:
            if problem := expression_problem(spec["value"], names):
                problems.add(f"{where}.value", problem)
        elif spec["name"] not in inputs and not spec["name"].endswith(("_id", "_ref")):
            problems.add(
                f"{where}.value",
                "say how to compute it (an expression), take an input of the same name, or end its name with "
                "_id or _ref for a generated reference",
            )


def action_problems(problems: Problems, action, path: str) -> None:
    if not isinstance(action, dict):
        problems.add(path, "must be an object")
        return
    prefix = f"{path}." if path else ""
    _unknown_keys(problems, action, ACTION_KEYS, prefix)
    if not isinstance(action.get("name"), str) or not ACTION_NAME.fullmatch(action["name"]):
        problems.add(f"{prefix}name", f"must be an action name ({ACTION_NAME.pattern})")
    _text(problems, action.get("description"), f"{prefix}description", most=500)
    inputs = set(
        _names(problems, _list(problems, action.get("inputs"), f"{prefix}inputs", most=MAX_FIELDS), f"{prefix}inputs",
               FIELD_NAME, "a field name")
    )  # fmt: skip
    choice = action.get("choice", "weighted")
    if choice not in CHOICES:
        problems.add(f"{prefix}choice", "must be weighted (outcomes by weight) or rule (the first rule that holds)")
    outcomes = _list(problems, action.get("outcomes"), f"{prefix}outcomes", most=MAX_OUTCOMES)
    if not outcomes and f"{prefix}outcomes" not in problems:
        problems.add(f"{prefix}outcomes", "an action needs at least one outcome")
    events = []
    for index, outcome in enumerate(outcomes):
        last = index == len(outcomes) - 1
        _outcome_problems(problems, outcome, f"{prefix}outcomes[{index}]", choice=choice, inputs=inputs, last=last)
        event = outcome.get("event") if isinstance(outcome, dict) else None
        if event in events:
            problems.add(f"{prefix}outcomes[{index}].event", f"'{event}' is already an outcome of this action")
        events.append(event)
    if choice == "weighted" and outcomes and all(isinstance(o, dict) for o in outcomes):
        weights = [o.get("weight", 1) for o in outcomes]
        if all(isinstance(w, int | float) for w in weights) and sum(weights) <= 0:
            problems.add(f"{prefix}outcomes", "the weights must not all be 0")
    _policy_problems(problems, action, prefix)
    compensation = action.get("compensation")
    if compensation is not None and (not isinstance(compensation, str) or not ACTION_NAME.fullmatch(compensation)):
        problems.add(f"{prefix}compensation", "must name another action of this service")
    idempotency = action.get("idempotency")
    if idempotency is None:
        return
    if not isinstance(idempotency, dict) or set(idempotency) - {"key"}:
        problems.add(f"{prefix}idempotency", 'must be {"key": [input fields]} (or left out: one effect per step)')
    elif any(
        not isinstance(name, str) or name not in inputs
        for name in _list(problems, idempotency.get("key"), f"{prefix}idempotency.key", most=10)
    ):
        problems.add(f"{prefix}idempotency.key", "must list inputs of the action")


def service_problems(data, *, taken_events: dict[str, str], coded_services: set[str]) -> Problems:
    """Every problem with a service declaration. `taken_events`: event name → the service that has it."""
    problems = Problems()
    if not isinstance(data, dict):
        problems.add("body", "must be a JSON object declaring a service")
        return problems
    _unknown_keys(problems, data, SERVICE_KEYS, "")
    name = data.get("name")
    if not isinstance(name, str) or not SERVICE_NAME.fullmatch(name):
        problems.add("name", f"must be a service name ({SERVICE_NAME.pattern})")
    elif name in RESERVED_NAMES or name in coded_services:
        problems.add("name", f"'{name}' is taken; choose another name")
    _text(problems, data.get("label"), "label", most=60)
    if data.get("colour") is not None and (not isinstance(data["colour"], str) or not COLOUR.fullmatch(data["colour"])):
        problems.add("colour", "must be a colour like #1f77b4")
    _text(problems, data.get("description"), "description", most=1000)
    events = _list(problems, data.get("events"), "events", most=MAX_EVENTS)
    for index, event in enumerate(events):
        event_problems(problems, event, f"events[{index}]")
    actions = _list(problems, data.get("actions"), "actions", most=MAX_ACTIONS)
    for index, action in enumerate(actions):
        action_problems(problems, action, f"actions[{index}]")
    if not problems:
        _cross_problems(problems, data, taken_events)
    return problems


def _cross_problems(problems: Problems, data: dict, taken_events: dict[str, str]) -> None:
    """Names unique across the declaration and the catalogue; compensations that exist."""
    mine: dict[str, str] = {}
    for index, event in enumerate(data.get("events") or []):
        mine.setdefault(event["name"], f"events[{index}].name")
    action_names = [action["name"] for action in data.get("actions") or []]
    for index, action in enumerate(data.get("actions") or []):
        if action_names.count(action["name"]) > 1:
            problems.add(f"actions[{index}].name", f"another action is called '{action['name']}'")
        compensation = action.get("compensation")
        if compensation and (compensation not in action_names or compensation == action["name"]):
            problems.add(f"actions[{index}].compensation", f"'{compensation}' is not another action of this service")
        for number, outcome in enumerate(action["outcomes"]):
            where = f"actions[{index}].outcomes[{number}].event"
            if outcome["event"] in mine and not mine[outcome["event"]].startswith(f"actions[{index}]"):
                problems.add(where, f"'{outcome['event']}' is already declared here ({mine[outcome['event']]})")
            mine.setdefault(outcome["event"], where)
    for event, where in mine.items():
        owner = taken_events.get(event)
        if owner and owner != data["name"]:
            problems.add(where, f"'{event}' is an event of {owner}; an event belongs to one service")
