"""Saving designs as versions, reading the version a run uses, and keeping the built-in designs stored."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from workflowviz.engine.designs import UnknownDesign
from workflowviz.modelled.services import (
    DeclarationInvalid,
    UnknownService,
    declaration_json,
    declaration_same,
    service_create,
    service_replace,
)
from workflowviz.modelled.services import service_get as declared_service_get

from . import carried
from .builtins import BUILTIN_DESIGNS, BUILTIN_SERVICES, ORDER_PLACED
from .models import Design, DesignVersion, VersionOrigin
from .validation import Problem, design_problems, errors_only

logger = logging.getLogger("workflowviz.designer")


class DesignInvalid(Exception):
    """The design has errors; `problems` lists every one (and the warnings)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.where}: {p.message}" for p in errors_only(problems)))
        self.problems = problems


class DesignExists(Exception):
    pass


class BuiltinProtected(Exception):
    """Only an admin may publish a version of a built-in design (every default order runs it): others copy it."""


class VersionUsed(Exception):
    """A run used this version: it can no longer change; save a new version instead."""


class DesignNotRunnable(UnknownDesign):
    pass


# Versions that were used and found valid: they never change again, and neither does the registry
# within one process, so they need no second check.
_runnable_versions: set[tuple] = set()


def _step_definition(step: dict) -> dict:
    stored = {"id": step["id"]}
    if "end" in step and not step.get("action"):
        stored["end"] = step["end"]
        if step.get("fails"):
            stored["fails"] = True
    else:
        stored["action"] = step["action"]
    stored["after"] = list(step.get("after", []))
    for key in ("join", "max_visits"):
        if key in step:
            stored[key] = step[key]
    if "end" not in stored:
        stored["policy"] = dict(step.get("policy", {}))
    return stored


def definition_of(design: dict) -> dict:
    """What a version stores: the design without its slug and version number, in a fixed shape."""
    definition = {
        "name": design["name"],
        "description": design.get("description", ""),
        "trigger": design.get("trigger", ORDER_PLACED),
    }
    for key in ("failure_event", "coordinator"):
        if design.get(key):
            definition[key] = design[key]
    definition["steps"] = [_step_definition(step) for step in design["steps"]]
    return definition


def design_json(version: DesignVersion) -> dict:
    """A version in the JSON format that import takes (GET /api/workflows/{slug} answers this)."""
    return {"slug": version.design.slug, "version": version.number, **version.definition}


def design_check(design) -> list[Problem]:
    """The design's problems (the services it carries counted in); raises DesignInvalid when there is any error."""
    problems = design_problems(design, **carried.catalogue(design)) + carried.problems(design)
    if errors_only(problems):
        raise DesignInvalid(problems)
    return problems


def design_export(version: DesignVersion) -> dict:
    """A version as a design file: its JSON and the declared services it uses, so it runs elsewhere too."""
    design = {**design_json(version), **design_owner(version.design)}
    services = carried.services_used(design)
    return {**design, "services": services} if services else design


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def _builtin_guard(slug: str, user) -> None:
    """Raise BuiltinProtected when `slug` is a built-in design and `user` is not an admin (a superuser)."""
    if user is not None and user.is_superuser:
        return
    if Design.objects.filter(slug=slug, builtin=True).exists():
        raise BuiltinProtected(
            f"'{slug}' is a built-in design: only an admin can publish a new version of it. "
            "Copy it and change your copy."
        )


def design_owner(design: Design) -> dict:
    """Who a design belongs to, as the API shows it: a user name, or None for a built-in."""
    return {"owner": design.owner.get_username() if design.owner_id else None, "builtin": design.builtin}


def _version_add(design: Design, definition: dict, *, user, origin: str) -> DesignVersion:
    last = design.versions.aggregate(last=Max("number"))["last"] or 0
    version = DesignVersion.objects.create(
        design=design,
        number=last + 1,
        definition=definition,
        origin=origin,
        created_by=_user_or_none(user),
    )
    Design.objects.filter(pk=design.pk).update(name=definition["name"], updated_at=timezone.now())
    return version


def design_create(*, design: dict, user=None, origin: str = VersionOrigin.API) -> DesignVersion:
    """A new design from its JSON, as version 1, declaring the services it carries that are missing.
    Raises DesignInvalid or DesignExists; nothing is saved then."""
    design_check(design)
    try:
        with transaction.atomic():
            if Design.objects.filter(slug=design["slug"]).exists():
                raise DesignExists(design["slug"])
            carried.declare_missing(design, user=user)
            stored = Design.objects.create(slug=design["slug"], name=design["name"], owner=_user_or_none(user))
            return _version_add(stored, definition_of(design), user=user, origin=origin)
    except IntegrityError:
        raise DesignExists(design["slug"]) from None


def _with_slug(slug: str, design) -> dict:
    """The design as saved under `slug`: a body may omit the slug, but may not name another one."""
    if isinstance(design, dict) and design.get("slug", slug) != slug:
        raise DesignInvalid(
            [Problem("slug_mismatch", f"the body names '{str(design['slug'])[:64]}', not '{slug}'", path="slug")]
        )
    return {**design, "slug": slug} if isinstance(design, dict) else design


def design_version_create(*, slug: str, design: dict, user=None, origin: str = VersionOrigin.API) -> DesignVersion:
    """Save the design as a new version of `slug`. Raises UnknownDesign, BuiltinProtected or DesignInvalid."""
    _builtin_guard(slug, user)  # first: whatever the body says, a built-in is not theirs to change
    design = _with_slug(slug, design)
    design_check(design)
    with transaction.atomic():
        stored = Design.objects.select_for_update().filter(slug=slug).first()
        if stored is None:
            raise UnknownDesign(slug)
        carried.declare_missing(design, user=user)
        return _version_add(stored, definition_of(design), user=user, origin=origin)


def design_version_update(*, slug: str, number: int, design: dict, user=None) -> DesignVersion:
    """Change a version in place, which only a version no run used allows. Raises VersionUsed or BuiltinProtected."""
    _builtin_guard(slug, user)
    design = _with_slug(slug, design)
    design_check(design)
    definition = definition_of(design)
    with transaction.atomic():
        carried.declare_missing(design, user=user)
        version = DesignVersion.objects.select_related("design").filter(design__slug=slug, number=number).first()
        if version is None:
            raise UnknownDesign(f"{slug} v{number}")
        # Conditional: a run marking the version used at the same moment wins, and this fails.
        if not DesignVersion.objects.filter(pk=version.pk, used=False).update(definition=definition):
            raise VersionUsed(f"{slug} v{number} was used by a run; save a new version instead")
        if not version.design.versions.filter(number__gt=number).exists():
            Design.objects.filter(pk=version.design_id).update(name=definition["name"], updated_at=timezone.now())
        version.refresh_from_db()
    return version


def _copy_names(slug: str, name: str) -> tuple[str, str]:
    """The first free "<slug>-copy", "<slug>-copy-2"…, with the name "<name> (copy)", "<name> (copy 2)"…"""
    taken = set(Design.objects.filter(slug__startswith=slug[:50]).values_list("slug", flat=True))
    for n in range(1, len(taken) + 2):
        suffix, label = ("-copy", " (copy)") if n == 1 else (f"-copy-{n}", f" (copy {n})")
        candidate = slug[: 64 - len(suffix)] + suffix
        if candidate not in taken:
            return candidate, name[: 120 - len(label)] + label
    raise DesignExists(slug)  # unreachable: one of len(taken) + 1 candidates is free


def design_copy(
    *,
    slug: str,
    user,
    new_slug: str | None = None,
    name: str | None = None,
    version: int | None = None,
    origin: str = VersionOrigin.API,
) -> DesignVersion:
    """A new design, owned by `user`, with the steps of `slug` (its latest version, or `version`): how a
    designer changes a built-in. Without `new_slug`/`name`, "<slug>-copy" and "<name> (copy)" (or the next
    free number). Raises UnknownDesign, DesignExists or DesignInvalid."""
    source = _version_lookup(slug, version)
    free_slug, free_name = _copy_names(slug, source.definition["name"])
    copy = {**source.definition, "slug": new_slug or free_slug, "name": name or free_name}
    return design_create(design=copy, user=user, origin=origin)


def _version_lookup(slug: str, number: int | None) -> DesignVersion:
    versions = DesignVersion.objects.select_related("design").filter(design__slug=slug)
    version = (versions.filter(number=number) if number is not None else versions.order_by("-number")).first()
    if version is None and slug in BUILTIN_DESIGNS and not Design.objects.filter(slug=slug).exists():
        ensure_builtin_designs()  # a database migrated before the built-ins existed
        return _version_lookup(slug, number)
    if version is None:
        raise UnknownDesign(slug if number is None else f"{slug} v{number}")
    return version


def design_version_get(slug: str, *, version: int | None = None, trigger: str | None = None, use: bool = False) -> dict:
    """A version as a design dict with its number; `use=True` (a new run) marks it used. See designs.design_get."""
    if not isinstance(slug, str) or not slug:
        raise UnknownDesign(str(slug)[:80])
    stored = _version_lookup(slug, version)
    starts_with = stored.definition.get("trigger", ORDER_PLACED)
    if trigger is not None and starts_with != trigger:
        raise DesignNotRunnable(f"{slug} starts with {starts_with}, not {trigger}")
    if use:
        if not stored.used:
            DesignVersion.objects.filter(pk=stored.pk, used=False).update(used=True, first_used_at=timezone.now())
            stored.refresh_from_db(fields=["definition", "used"])  # as it was when it became immutable
        identity = (stored.pk, stored.created_at)
        if identity not in _runnable_versions:
            errors = errors_only(design_problems(design_json(stored)))
            if errors:
                raise DesignNotRunnable(f"{slug} v{stored.number}: {errors[0].where}: {errors[0].message}")
            _runnable_versions.add(identity)
    return design_json(stored)


def ensure_builtin_services() -> None:
    """Declare the built-in declared services (travel, payments), and again one whose code changed. One that
    cannot be (a user took its event's name first) is left out with a warning: its designs will not run."""
    for declaration in BUILTIN_SERVICES:
        try:
            current = declaration_json(declared_service_get(declaration["name"]))
        except UnknownService:
            current = None
        try:
            if current is None:
                service_create(declaration)
            elif not declaration_same(current, declaration):
                service_replace(declaration["name"], declaration)
        except DeclarationInvalid as invalid:
            logger.warning("built-in service %s not declared: %s", declaration["name"], invalid)


def ensure_builtin_designs() -> list[DesignVersion]:
    """Store each built-in design, and a new version of one whose code changed. Running it again changes nothing."""
    ensure_builtin_services()
    created = []
    for slug, builtin in BUILTIN_DESIGNS.items():
        definition = definition_of(builtin)
        with transaction.atomic():
            stored, _ = Design.objects.get_or_create(slug=slug, defaults={"name": builtin["name"], "builtin": True})
            stored = Design.objects.select_for_update().get(pk=stored.pk)
            latest = stored.versions.filter(origin=VersionOrigin.BUILTIN).order_by("-number").first()
            if latest is None or latest.definition != definition:
                created.append(_version_add(stored, definition, user=None, origin=VersionOrigin.BUILTIN))
    return created
