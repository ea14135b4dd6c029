"""Declaring, changing and deleting services and their actions; each service gets its own records table.

These only keep the declarations. Whether a change is allowed (no design in use may break) is decided
one layer up (`workflowviz.designer.catalogue`), which knows the designs.
"""

from django.db import transaction
from django.utils import timezone

from workflowviz.engine.registry import coded_service_names, events_all

from .declarations import Problems, action_problems, service_problems
from .models import DeclaredAction, DeclaredService
from .sources import sources_forget
from .tables import records_table_ensure

DEFAULT_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]
ACTION_FIELDS = (
    "description",
    "inputs",
    "outcomes",
    "choice",
    "latency_ms",
    "latency_distribution",
    "failure_probability",
    "compensation",
    "idempotency",
)


class DeclarationInvalid(Exception):
    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{where}: {message}" for where, message in problems.items()))
        self.problems = problems


class ServiceExists(Exception):
    pass


class UnknownService(Exception):
    pass


def service_get(name: str) -> DeclaredService:
    service = DeclaredService.objects.filter(name=name, deleted_at__isnull=True).first()
    if service is None:
        raise UnknownService(name)
    return service


def action_definition(action: dict) -> dict:
    """What is stored of an action: its fields in a fixed order, without its name."""
    return {key: action[key] for key in ACTION_FIELDS if key in action}


def declaration_json(service: DeclaredService) -> dict:
    """A service as the API answers it and a design file carries it (what `service_create` takes)."""
    return {
        "name": service.name,
        "label": service.label,
        "colour": service.colour,
        "description": service.description,
        "events": service.events,
        "actions": [{"name": action.name, **action.definition} for action in service.actions.order_by("name")],
    }


def declaration_shape(declaration: dict) -> tuple:
    """What two declarations of one service must agree on: its events and its actions (not its label)."""
    actions = sorted(
        (action.get("name"), repr(sorted(action_definition(action).items())))
        for action in declaration.get("actions") or []
    )
    return tuple(actions), tuple(sorted(repr(event) for event in declaration.get("events") or []))


def declaration_same(current: dict, wanted: dict) -> bool:
    looks = all(current.get(key) == wanted[key] for key in ("label", "colour", "description") if key in wanted)
    return looks and declaration_shape(current) == declaration_shape(wanted)


def taken_events(*, besides: str = "") -> dict[str, str]:
    """Event name → the service that has it (coded or declared), leaving out `besides`."""
    return {event.name: event.service for event in events_all() if event.service != besides}


def check(data, *, besides: str = "") -> None:
    problems = service_problems(
        data, taken_events=taken_events(besides=besides), coded_services=set(coded_service_names())
    )
    if problems:
        raise DeclarationInvalid(problems)


def _save_actions(service: DeclaredService, actions: list[dict]) -> None:
    keep = {action["name"] for action in actions}
    service.actions.exclude(name__in=keep).delete()
    for action in actions:
        DeclaredAction.objects.update_or_create(
            service=service, name=action["name"], defaults={"definition": action_definition(action)}
        )


def service_create(data, *, user=None) -> DeclaredService:
    """Declare a service (and its actions). Raises DeclarationInvalid or ServiceExists."""
    check(data)
    with transaction.atomic():
        if DeclaredService.objects.filter(name=data["name"]).exists():
            if DeclaredService.objects.filter(name=data["name"], deleted_at__isnull=True).exists():
                raise ServiceExists(data["name"])
            DeclaredService.objects.filter(name=data["name"]).delete()  # declared again after a delete
        count = DeclaredService.objects.count()
        service = DeclaredService.objects.create(
            name=data["name"],
            label=data.get("label") or data["name"].replace("_", " ").capitalize(),
            colour=data.get("colour") or DEFAULT_COLOURS[count % len(DEFAULT_COLOURS)],
            description=data.get("description") or "",
            events=data.get("events") or [],
            created_by=user if user is not None and user.is_authenticated else None,
        )
        _save_actions(service, data.get("actions") or [])
        records_table_ensure(service.name)
    sources_forget()
    return service


def service_replace(name: str, data, *, user=None) -> DeclaredService:
    """Replace a service's declaration (its name stays). Raises UnknownService or DeclarationInvalid."""
    service = service_get(name)
    if isinstance(data, dict) and data.get("name", name) != name:
        raise DeclarationInvalid({"name": f"the body names '{str(data['name'])[:40]}', not '{name}'"})
    data = {**data, "name": name} if isinstance(data, dict) else data
    check(data, besides=name)
    with transaction.atomic():
        service.label = data.get("label") or service.label
        service.colour = data.get("colour") or service.colour
        service.description = data.get("description") or ""
        service.events = data.get("events") or []
        service.save()
        _save_actions(service, data.get("actions") or [])
    sources_forget()
    return service


def action_put(name: str, action, *, action_name: str | None = None) -> DeclaredAction:
    """Add an action to a service, or replace one (`action_name`). Raises DeclarationInvalid."""
    service = service_get(name)
    problems = Problems()
    action_problems(problems, action, "")
    if problems:
        raise DeclarationInvalid(problems)
    if action_name is not None and action["name"] != action_name:
        raise DeclarationInvalid({"name": f"the body names '{action['name']}', not '{action_name}'"})
    declaration = declaration_json(service)
    others = [a for a in declaration["actions"] if a["name"] != action["name"]]
    check({**declaration, "actions": [*others, action]}, besides=name)
    stored, _ = DeclaredAction.objects.update_or_create(
        service=service, name=action["name"], defaults={"definition": action_definition(action)}
    )
    sources_forget()
    return stored


def action_remove(name: str, action_name: str) -> None:
    service = service_get(name)
    declaration = declaration_json(service)
    check({**declaration, "actions": [a for a in declaration["actions"] if a["name"] != action_name]}, besides=name)
    service.actions.filter(name=action_name).delete()
    sources_forget()


def service_remove(name: str) -> None:
    """Delete a service: no queue or worker any more; its records table stays with its records."""
    service = service_get(name)
    DeclaredService.objects.filter(pk=service.pk).update(deleted_at=timezone.now())
    sources_forget()
