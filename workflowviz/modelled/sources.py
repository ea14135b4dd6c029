"""What the engine's registry learns from the declarations: services, actions and events.

Read from the database at most once a second per process (and at once after a change made here), so a
service declared in one process is known everywhere within a second or two.
"""

import time

from django.db import DatabaseError

from workflowviz.engine.registry import Action, EventInfo, ServiceInfo

from .executor import action_of
from .models import DeclaredAction, DeclaredService

FRESH_SECONDS = 1.0
_cache: dict = {"at": -1e9, "services": [], "actions": [], "events": []}


def sources_forget() -> None:
    _cache["at"] = -1e9


def _load() -> None:
    if time.monotonic() - _cache["at"] < FRESH_SECONDS:
        return
    try:
        services = list(DeclaredService.objects.filter(deleted_at__isnull=True))
        actions = list(
            DeclaredAction.objects.filter(service__deleted_at__isnull=True).select_related("service").order_by("id")
        )
    except DatabaseError:
        return  # tables not migrated yet: nothing is declared
    _cache["services"] = [
        ServiceInfo(
            name=service.name,
            label=service.label,
            colour=service.colour,
            modelled=True,
            description=service.description,
            records_url=f"/admin/modelled/declaredservice/{service.pk}/records/",  # DeclaredServiceAdmin.records_view
        )
        for service in services
    ]
    _cache["actions"] = [action_of(row.service.name, row.name, row.definition) for row in actions]
    _cache["events"] = [
        EventInfo(
            name=event["name"],
            fields=tuple(field["name"] for field in event.get("fields", [])),
            service=service.name,
            types={field["name"]: field.get("type", "string") for field in event.get("fields", [])},
        )
        for service in services
        for event in service.events or []
    ]
    _cache["at"] = time.monotonic()


def services_declared() -> list[ServiceInfo]:
    _load()
    return _cache["services"]


def actions_declared() -> list[Action]:
    _load()
    return _cache["actions"]


def events_declared() -> list[EventInfo]:
    _load()
    return _cache["events"]


def action_from_declaration(key: str, declaration: dict) -> Action:
    """A declared action from the definition a run froze (not from today's declaration)."""
    definition = {k: v for k, v in declaration.items() if k not in ("service", "name")}
    return action_of(declaration["service"], declaration["name"], definition)
