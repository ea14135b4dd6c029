"""The JSON format of a design: its published JSON Schema, and reading untrusted JSON against it.

The schema is enforced by `schema_problems`, which interprets exactly the keywords the schema uses, so
what we publish is what we check. Structure problems (wrong type, missing or unknown key) are told
apart from value problems (out of range, too long, bad pattern): the API answers 400 and 422.
"""

import json
import re

from workflowviz.engine.design import JOINS, MAX_VISITS, POLICY_LIMITS
from workflowviz.engine.simulation import LATENCY_DISTRIBUTIONS

from .builtins import ORDER_PLACED

MAX_DESIGN_BYTES = 256 * 1024
MAX_DEPTH = 12
MAX_STEPS = 50
EVENT_NAME_PATTERN = "^[A-Z][A-Za-z0-9]{1,79}$"

SLUG = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$", "description": "URL-safe name."}
STEP_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"}
EDGE = {
    "type": "string",
    "pattern": "^[a-z][a-z0-9_]{0,63}(:[A-Z][A-Za-z0-9]{1,79})?$",
    "description": 'A step id ("after it, whatever its outcome") or "step:Outcome" ("after it, only on that outcome").',
}
EVENT_NAME = {"type": "string", "pattern": EVENT_NAME_PATTERN, "description": "An event's name, in CamelCase."}
ACTION_KEY = {
    "type": "string",
    "pattern": "^[a-z][a-z0-9_]{0,39}[.][a-z][a-z0-9_]{0,79}$",
    "description": "<service>.<action>, as GET /api/actions lists them.",
}


def _limit(key: str) -> dict:
    kind, low, high = POLICY_LIMITS[key]
    if kind is list:
        item = {"type": "integer", "minimum": low, "maximum": high}
        return {
            "type": "array",
            "description": "[low, high] simulated work time in milliseconds.",
            "minItems": 2,
            "maxItems": 2,
            "items": item,
        }
    return {"type": "integer" if kind is int else "number", "minimum": low, "maximum": high}


POLICY = {
    "type": "object",
    "additionalProperties": False,
    "description": "Omitted settings take the action's, then the engine's defaults.",
    "properties": {
        **{key: _limit(key) for key in POLICY_LIMITS},
        "latency_distribution": {"enum": list(LATENCY_DISTRIBUTIONS)},
        "compensation": {
            "type": "string",
            "pattern": "^([a-z][a-z0-9_]{0,39}[.][a-z][a-z0-9_]{0,79})?$",
            "description": "The action (of the step's service) that undoes the step; empty for none. "
            "Omitted: the action's own compensation.",
        },
    },
}
STEP = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id"],
    "description": "A step runs an action; an end step (`end` instead of `action`) ends its branch.",
    "properties": {
        "id": STEP_ID,
        "action": ACTION_KEY,
        "end": {"type": "string", "maxLength": 120, "description": "The result an end gives the run."},
        "fails": {
            "type": "boolean",
            "description": "On an end: reaching it fails the run, and the steps done are undone (saga).",
        },
        "after": {"type": "array", "maxItems": MAX_STEPS, "uniqueItems": True, "items": EDGE},
        "join": {"enum": list(JOINS), "description": "With several edges: wait for all, or run on the first."},
        "max_visits": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_VISITS,
            "description": "How often the step may run in one run: the bound of a loop through it.",
        },
        "policy": POLICY,
    },
}
DESIGN_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "/api/workflows/schema.json",
    "title": "workflowviz workflow design",
    "type": "object",
    "additionalProperties": False,
    "required": ["slug", "name", "steps"],
    "properties": {
        "$schema": {"type": "string", "maxLength": 200},
        "slug": SLUG,
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "description": {"type": "string", "maxLength": 2000},
        "trigger": {**EVENT_NAME, "default": ORDER_PLACED, "description": "The event that starts a run."},
        "failure_event": {
            **EVENT_NAME,
            "description": "What a choreography publishes when a run fails for good (default from the trigger: "
            "OrderPlaced → OrderCancelled).",
        },
        "coordinator": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9_]{1,39}$",
            "description": "The service that hosts the coordinator in orchestration (default: the trigger's).",
        },
        "services": {
            "type": "array",
            "maxItems": 20,
            "description": "Declared services the design uses, with their actions (export carries them; import "
            "declares those missing).",
            "items": {"type": "object"},
        },
        "version": {"type": "integer", "minimum": 1, "description": "Set on export; ignored on import."},
        "owner": {
            "type": ["string", "null"],
            "maxLength": 150,
            "description": "Set on export: the user who created the design (null for a built-in); ignored on import.",
        },
        "builtin": {
            "type": "boolean",
            "description": "Set on export: shipped with workflowviz, so only an admin may publish a new version "
            "(others copy it); ignored on import.",
        },
        "steps": {"type": "array", "minItems": 1, "maxItems": MAX_STEPS, "items": STEP},
    },
}

STRUCTURE = "structure"
VALUE = "value"


def _type_ok(value, expected: str | list) -> bool:
    if isinstance(expected, list):
        return any(_type_ok(value, one) for one in expected)
    if expected == "object":
        return isinstance(value, dict)
    if expected == "array":
        return isinstance(value, list)
    if expected == "string":
        return isinstance(value, str)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "boolean":
        return isinstance(value, bool)
    return value is None  # "null"


def _anchored(pattern: str) -> re.Pattern:
    # Our patterns are all ^...$; fullmatch of the inside also refuses a trailing newline.
    assert pattern.startswith("^") and pattern.endswith("$"), pattern
    return re.compile(pattern[1:-1])


def _show(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def schema_problems(value, schema: dict = DESIGN_SCHEMA, path: str = "") -> list[tuple[str, str, str]]:
    """(path, kind, message) for each way `value` breaks `schema`; kind is STRUCTURE or VALUE."""
    where = path or "(design)"
    if "enum" in schema:
        if value not in schema["enum"] or isinstance(value, bool):
            # A list or object where a name belongs is a structural problem: nothing may use it as a key.
            kind = VALUE if isinstance(value, str) else STRUCTURE
            return [(where, kind, f"must be one of {', '.join(map(str, schema['enum']))}, not {_show(value)}")]
        return []
    expected = schema.get("type")
    if expected and not _type_ok(value, expected):
        named = " or ".join(expected) if isinstance(expected, list) else expected
        return [(where, STRUCTURE, f"must be {'an' if named[0] in 'aeiou' else 'a'} {named}")]
    if isinstance(value, dict):
        return _object_problems(value, schema, path)
    if isinstance(value, list):
        return _array_problems(value, schema, path)
    if isinstance(value, str):
        return _string_problems(value, schema, where)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return [(where, VALUE, f"must be at least {schema['minimum']}")]
        if "maximum" in schema and value > schema["maximum"]:
            return [(where, VALUE, f"must be at most {schema['maximum']}")]
    return []


def _object_problems(value: dict, schema: dict, path: str) -> list:
    problems = []
    properties = schema.get("properties", {})
    for key in schema.get("required", []):
        if key not in value:
            problems.append((f"{path}.{key}".lstrip("."), STRUCTURE, "is required"))
    for key, item in value.items():
        child = f"{path}.{key[:40]}".lstrip(".")
        if key in properties:
            problems += schema_problems(item, properties[key], child)
        elif schema.get("additionalProperties") is False:
            allowed = ", ".join(properties)
            problems.append((child, STRUCTURE, f"unknown key (allowed: {allowed})"))
    return problems


def _array_problems(value: list, schema: dict, path: str) -> list:
    where = path or "(design)"
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        # Structural: the items are not looked at, so nothing may rely on their shape.
        return [(where, STRUCTURE, f"at most {schema['maxItems']} items")]
    problems = []
    if "minItems" in schema and len(value) < schema["minItems"]:
        problems.append((where, VALUE, f"at least {schema['minItems']} item(s)"))
    if schema.get("uniqueItems"):
        seen = []
        for item in value:
            if item in seen:
                problems.append((where, VALUE, f"{_show(item)} appears more than once"))
                break
            seen.append(item)
    if "items" in schema:
        for index, item in enumerate(value):
            problems += schema_problems(item, schema["items"], f"{path}[{index}]")
    return problems


def _string_problems(value: str, schema: dict, where: str) -> list:
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return [(where, VALUE, f"at most {schema['maxLength']} characters")]
    if "minLength" in schema and len(value) < schema["minLength"]:
        return [(where, VALUE, f"at least {schema['minLength']} character(s)")]
    if "pattern" in schema and not _anchored(schema["pattern"]).fullmatch(value):
        return [(where, VALUE, f"{_show(value)} does not match {schema['pattern']}")]
    return []
