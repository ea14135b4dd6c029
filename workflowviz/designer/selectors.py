"""Reads of designs, versions and the action registry for the API and the editor."""

from django.db.models import Count, OuterRef, Subquery

from workflowviz.engine.design import DEFAULT_POLICY, JOINS, MAX_VISITS, POLICY_LIMITS
from workflowviz.engine.designs import UnknownDesign
from workflowviz.engine.models import Run
from workflowviz.engine.registry import Action, actions_all, services_all, triggers_all
from workflowviz.engine.simulation import LATENCY_DISTRIBUTIONS

from .builtins import ORDER_PLACED
from .models import Design, DesignVersion
from .schema import MAX_STEPS
from .services import design_owner


def design_list(*, trigger: str | None = None) -> list[dict]:
    """Every design with its latest version's summary, by slug."""
    latest_pk = DesignVersion.objects.filter(design=OuterRef("pk")).order_by("-number").values("pk")[:1]
    designs = list(
        Design.objects.select_related("owner").annotate(latest_pk=Subquery(latest_pk), version_count=Count("versions"))
    )
    latest = DesignVersion.objects.in_bulk([design.latest_pk for design in designs if design.latest_pk])
    results = []
    for design in designs:
        version = latest.get(design.latest_pk)
        if version is None:
            continue
        definition = version.definition
        if trigger and definition.get("trigger", ORDER_PLACED) != trigger:
            continue
        results.append(
            {
                "slug": design.slug,
                "name": design.name,
                "description": definition.get("description", ""),
                "trigger": definition.get("trigger", ORDER_PLACED),
                **design_owner(design),
                "latest_version": version.number,
                "versions": design.version_count,
                "steps": len(definition["steps"]),
                "updated_at": version.created_at.isoformat(),
                "url": f"/api/workflows/{design.slug}",
            }
        )
    return results


def version_summary(version: DesignVersion) -> dict:
    return {
        "number": version.number,
        "origin": version.origin,
        "created_at": version.created_at.isoformat(),
        "created_by": version.created_by.get_username() if version.created_by else None,
        "used": version.used,
        "first_used_at": version.first_used_at.isoformat() if version.first_used_at else None,
        "url": f"/api/workflows/{version.design.slug}/versions/{version.number}",
    }


def version_list(*, slug: str) -> list[dict]:
    """A design's versions, newest first, with how many runs used each. Raises UnknownDesign."""
    design = Design.objects.filter(slug=slug).first()
    if design is None:
        raise UnknownDesign(slug)
    runs = dict(
        Run.objects.filter(design_slug=slug)
        .values("design_version")
        .annotate(n=Count("id"))
        .values_list("design_version", "n")
    )
    versions = design.versions.select_related("design", "created_by").order_by("-number")
    return [{**version_summary(v), "runs": runs.get(v.number, 0)} for v in versions]


def version_get(*, slug: str, number: int | None = None) -> DesignVersion:
    """One version (the latest when `number` is None). Raises UnknownDesign."""
    versions = DesignVersion.objects.select_related("design__owner", "created_by").filter(design__slug=slug)
    version = (versions.filter(number=number) if number is not None else versions.order_by("-number")).first()
    if version is None:
        raise UnknownDesign(slug if number is None else f"{slug} v{number}")
    return version


def action_json(action: Action) -> dict:
    first = action.outcomes[0]
    return {
        "key": action.key,
        "service": action.service,
        "name": action.name,
        "description": action.description,
        "modelled": action.modelled,
        "inputs": list(action.inputs),
        "outcomes": [{"event": outcome.event, "fields": list(outcome.fields)} for outcome in action.outcomes],
        "decides": action.decides,
        # The command and the first outcome, as earlier clients read them.
        "command": {"name": action.command_name, "fields": [*action.inputs, *action.optional_inputs]},
        "event": {"name": first.event, "fields": list(first.fields)},
        "compensation": action.compensation,
    }


def action_catalogue() -> dict:
    """What the editor's palette offers: every service and action, the events that can start a run,
    the default policy and the limits."""
    return {
        "services": [
            {"name": s.name, "label": s.label, "colour": s.colour, "modelled": s.modelled} for s in services_all()
        ],
        "actions": [action_json(action) for action in actions_all()],
        "triggers": [
            {"name": event.name, "service": event.service, "fields": list(event.fields), "types": event.types}
            for event in triggers_all()
        ],
        "policy_defaults": {**DEFAULT_POLICY, "compensation": None},
        "limits": {
            "steps": MAX_STEPS,
            "max_visits": MAX_VISITS,
            "policy": {key: [low, high] for key, (_, low, high) in POLICY_LIMITS.items()},
        },
        "joins": list(JOINS),
        "latency_distributions": list(LATENCY_DISTRIBUTIONS),
    }
