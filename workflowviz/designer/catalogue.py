"""Declared services and actions, from the designer's side: a change may not break a design in use.

A design is in use through its latest version: the one new runs take. Deleting a service or an action
that such a design needs is refused, naming the designs; a change that would make one invalid (an
outcome its edges follow removed, an input it cannot provide added) is refused with the design's
problems. Runs that already started never change: each froze the definitions it runs with.
"""

from django.db import transaction

from workflowviz.engine.models import Run, RunStatus
from workflowviz.modelled import services as declared
from workflowviz.modelled.sources import sources_forget

from .builtins import BUILTIN_SERVICES
from .models import Design
from .services import design_json
from .validation import design_problems, errors_only


class InUse(Exception):
    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{where}: {message}" for where, message in problems.items()))
        self.problems = problems


def _latest_designs() -> list[dict]:
    designs = []
    for design in Design.objects.prefetch_related("versions"):
        version = max(design.versions.all(), key=lambda v: v.number, default=None)
        if version is not None:
            designs.append(design_json(version))
    return designs


def designs_using(service: str, *, action: str | None = None) -> list[str]:
    """The designs whose latest version runs an action of `service` (or that one action), or starts with
    one of its events."""
    events = set()
    if action is None:
        events = {event["name"] for event in declared.service_get(service).events}
    using = []
    for design in _latest_designs():
        keys = {step.get("action", "") for step in design["steps"]}
        keys |= {(step.get("policy") or {}).get("compensation", "") for step in design["steps"]}
        wanted = {f"{service}.{action}"} if action else {key for key in keys if key.startswith(f"{service}.")}
        if keys & wanted or design.get("trigger") in events:
            using.append(design["slug"])
    return using


def _runs_running(service: str) -> int:
    return (
        Run.objects.filter(status__in=[RunStatus.RUNNING, RunStatus.COMPENSATING], steps__service=service)
        .distinct()
        .count()
    )


def _designs_broken(service: str) -> dict[str, str]:
    """The designs of `service` that the change just made (uncommitted) leaves invalid, with why."""
    broken = {}
    for design in _latest_designs():
        uses = any(step.get("action", "").startswith(f"{service}.") for step in design["steps"])
        if not uses:
            continue
        errors = errors_only(design_problems(design))
        if errors:
            broken[f"design:{design['slug']}"] = "; ".join(f"{p.where}: {p.message}" for p in errors[:3])
    return broken


def _changed(service: str, change) -> object:
    """Apply a change to the declarations; undo it if a design in use would no longer be valid."""
    with transaction.atomic():
        result = change()
        broken = _designs_broken(service)
        if broken:
            transaction.set_rollback(True)
    sources_forget()
    if broken:
        raise InUse(broken)
    return result


def _builtin_names_taken(data) -> dict[str, str]:
    """A user may not take the name of a built-in declared service or of one of its events."""
    if not isinstance(data, dict):
        return {}
    problems = {}
    if isinstance(data.get("name"), str) and data["name"] in {service["name"] for service in BUILTIN_SERVICES}:
        problems["name"] = f"'{data['name']}' is a built-in example's service; choose another name"
    events = {event["name"] for service in BUILTIN_SERVICES for event in service.get("events", [])}
    events |= {o["event"] for service in BUILTIN_SERVICES for a in service["actions"] for o in a["outcomes"]}
    declared_events = data.get("events") if isinstance(data.get("events"), list) else []
    for index, event in enumerate(declared_events):
        if isinstance(event, dict) and isinstance(event.get("name"), str) and event["name"] in events:
            problems[f"events[{index}].name"] = f"'{event['name']}' is an event of a built-in example"
    return problems


def service_declare(data, *, user=None):
    taken = _builtin_names_taken(data)
    if taken:
        raise declared.DeclarationInvalid(taken)
    return declared.service_create(data, user=user)


def service_update(name: str, data, *, user=None):
    return _changed(name, lambda: declared.service_replace(name, data, user=user))


def action_set(name: str, action, *, action_name: str | None = None):
    return _changed(name, lambda: declared.action_put(name, action, action_name=action_name))


def action_delete(name: str, action_name: str) -> None:
    declared.service_get(name)
    using = designs_using(name, action=action_name)
    if using:
        raise InUse({"action": f"{name}.{action_name} is used by design(s) {', '.join(using)}; change them first"})
    declared.action_remove(name, action_name)


def service_delete(name: str) -> None:
    declared.service_get(name)
    problems = {}
    using = designs_using(name)
    if using:
        problems["service"] = f"{name} is used by design(s) {', '.join(using)}; change or delete them first"
    running = _runs_running(name)
    if running:
        problems["runs"] = f"{running} run(s) using {name} have not finished yet"
    if problems:
        raise InUse(problems)
    declared.service_remove(name)
