"""Declared services and designs over them, for tests: unique names, since a service's records table
outlives a test's database flush."""

import itertools
import uuid

from workflowviz.designer.services import design_create
from workflowviz.modelled.services import service_create

_serial = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_serial)}{uuid.uuid4().hex[:4]}"


def outcome(event: str, *fields, weight=None, when=None, **values) -> dict:
    data = {"event": event, "fields": [{"name": name} for name in fields]}
    data["fields"] += [{"name": name, "value": value} for name, value in values.items()]
    if weight is not None:
        data["weight"] = weight
    if when is not None:
        data["when"] = when
    return data


def action(name: str, *outcomes, inputs=(), **settings) -> dict:
    return {"name": name, "inputs": list(inputs), "outcomes": list(outcomes), **settings}


def declare(name: str, *actions, events=(), **fields) -> str:
    """Declare a service; its (unique) name."""
    service = service_create({"name": name, "events": list(events), "actions": list(actions), **fields})
    return service.name


def event(name: str, **fields) -> dict:
    return {"name": name, "fields": [{"name": field, "type": kind} for field, kind in fields.items()]}


def design_save(slug: str, trigger: str, *steps, **fields) -> str:
    design_create(design={"slug": slug, "name": slug, "trigger": trigger, "steps": list(steps), **fields})
    return slug


def step(step_id: str, action_key: str = "", *after, end=None, **fields) -> dict:
    data = {"id": step_id, "after": list(after), **fields}
    if end is not None:
        data["end"] = end
    else:
        data["action"] = action_key
    return data
