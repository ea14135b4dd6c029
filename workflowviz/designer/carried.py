"""The declared services a design file carries, so that a design exported here runs on another installation.

Export adds the declarations of the declared services a design uses. Import declares those this
installation lacks; one it has must be declared the same way (same events and actions), or the import
is refused naming the difference. Checking a design counts the carried services in before they exist.
"""

from workflowviz.engine.registry import EventInfo, actions_all, coded_catalogue, coded_service_names, events_all
from workflowviz.modelled.declarations import service_problems
from workflowviz.modelled.executor import action_of
from workflowviz.modelled.models import DeclaredService
from workflowviz.modelled.services import (
    action_definition,
    declaration_json,
    declaration_shape,
    service_create,
    taken_events,
)

from .validation import Problem


def _list(value) -> list:
    """A list from untrusted JSON, or an empty one (what is malformed, `problems` names)."""
    return value if isinstance(value, list) else []


def _carried(design) -> list:
    services = _list(design.get("services") if isinstance(design, dict) else None)
    return [service for service in services if isinstance(service, dict)]


def _declared() -> dict[str, DeclaredService]:
    return {service.name: service for service in DeclaredService.objects.filter(deleted_at__isnull=True)}


def problems(design) -> list[Problem]:
    """Carried services that are malformed, clash with a coded one, or differ from the one declared here."""
    found = []
    declared = _declared()
    coded = set(coded_service_names())
    for index, declaration in enumerate(_carried(design)):
        name = declaration.get("name")
        where = f"services[{index}]"
        if isinstance(name, str) and name in declared:
            if declaration_shape(declaration_json(declared[name])) != declaration_shape(declaration):
                message = f"a service '{name}' is declared here with other events or actions; rename one of them"
                found.append(Problem("service_differs", message, path=where))
            continue
        taken = taken_events(besides=str(name))
        for path, message in service_problems(declaration, taken_events=taken, coded_services=coded).items():
            found.append(Problem("bad_service", f"{where}.{path}: {message}", path=f"{where}.{path}"))
    return found


def catalogue(design, *, declared: bool = True) -> dict:
    """The actions and events to check a design against: today's (or, `declared=False`, only what code
    declares), plus those of the services it carries."""
    coded_actions, coded_events = coded_catalogue()
    actions = {action.key: action for action in (actions_all() if declared else coded_actions)}
    events = {event.name: event for event in (events_all() if declared else coded_events)}
    for declaration in _carried(design):
        name = declaration.get("name")
        if not isinstance(name, str):
            continue
        for action in _list(declaration.get("actions")):
            try:
                carried = action_of(name, action["name"], action_definition(action))
            except (KeyError, TypeError, AttributeError, ValueError):
                continue  # malformed: `problems` names it
            actions.setdefault(carried.key, carried)
            for outcome in carried.outcomes:
                events.setdefault(outcome.event, EventInfo(outcome.event, outcome.fields, name))
        for event in _list(declaration.get("events")):
            if isinstance(event, dict) and isinstance(event.get("name"), str):
                specs = [
                    f for f in _list(event.get("fields")) if isinstance(f, dict) and isinstance(f.get("name"), str)
                ]
                types = {f["name"]: f.get("type", "string") for f in specs}
                events.setdefault(event["name"], EventInfo(event["name"], tuple(types), name, types))
    return {"actions": actions, "events": events}


def declare_missing(design, *, user=None) -> None:
    """Declare the carried services this installation lacks (inside the caller's transaction)."""
    declared = _declared()
    for declaration in _carried(design):
        if isinstance(declaration.get("name"), str) and declaration["name"] not in declared:
            service_create(declaration, user=user)


def services_used(design: dict) -> list[dict]:
    """The declarations of the declared services a design's steps or trigger use."""
    declared = _declared()
    names = {step.get("action", "").split(".", 1)[0] for step in design["steps"]}
    names |= {s.name for s in declared.values() if any(e.get("name") == design.get("trigger") for e in s.events)}
    return [declaration_json(declared[name]) for name in sorted(names) if name in declared]
