"""The workflow designs API: list, read, create, validate, version, diff, export; and signing in with a code."""

from django.http import HttpResponse, JsonResponse

from workflowviz.designer import carried
from workflowviz.designer.models import VersionOrigin
from workflowviz.designer.preview import design_diff, flow_preview, mermaid
from workflowviz.designer.schema import DESIGN_SCHEMA, MAX_DESIGN_BYTES, STRUCTURE
from workflowviz.designer.selectors import action_catalogue, design_list, version_get, version_list, version_summary
from workflowviz.designer.services import (
    BuiltinProtected,
    DesignExists,
    DesignInvalid,
    VersionUsed,
    design_copy,
    design_create,
    design_export,
    design_json,
    design_owner,
    design_version_create,
    design_version_update,
)
from workflowviz.designer.validation import ERROR, WARNING, Problem, design_problems
from workflowviz.engine.designs import UnknownDesign
from workflowviz.roles import DESIGNER, VIEWER
from workflowviz.values import digits

from .auth import api_view, error_response
from .body import json_fields, json_read


def _body(request):
    """The design in the body (parsed strictly: what is stored is what came), or an error response; JSON
    that is not an object is left to the design's schema, which names it."""
    return json_read(request, limit=MAX_DESIGN_BYTES, strict=True)


def problems_response(problems: list[Problem]) -> JsonResponse:
    """400 when the JSON has the wrong shape, 422 when its values or graph are wrong; each problem named."""
    errors = [p for p in problems if p.severity == ERROR]
    status = 400 if any(p.kind == STRUCTURE for p in errors) else 422
    named: dict[str, str] = {}
    for problem in errors:
        message = problem.message.removeprefix(f"{problem.where}: ")  # the key says where already
        named[problem.where] = f"{named[problem.where]} {message}" if problem.where in named else message
    return JsonResponse({"errors": named, "problems": [p.to_json() for p in problems]}, status=status)


def _version_number(text: str | None):
    if text is None:
        return None, None
    if not digits(text, max_digits=6):
        return None, error_response(400, {"version": "Must be a whole number >= 1."})
    return int(text), None


def _with_info(version) -> dict:
    """A version's design JSON with its owner and `version_info`."""
    return {**design_json(version), **design_owner(version.design), "version_info": version_summary(version)}


def _saved(version, status: int = 201) -> JsonResponse:
    return JsonResponse(_with_info(version), status=status)


def _protected(slug: str, refused: BuiltinProtected) -> JsonResponse:
    """403: a designer may not change a built-in design; the answer says how to get their own copy."""
    return error_response(403, {"design": f"{refused} POST /api/workflows/{slug}/copy makes a copy that is yours."})


@api_view(["GET", "POST"], write_role=DESIGNER)
def workflows(request):
    if request.method == "GET":
        trigger = request.GET.get("trigger") or None
        return JsonResponse({"results": design_list(trigger=trigger)})
    design, problem = _body(request)
    if problem:
        return problem
    try:
        version = design_create(design=design, user=request.user, origin=_origin(request))
    except DesignInvalid as invalid:
        return problems_response(invalid.problems)
    except DesignExists:
        return error_response(
            409, {"slug": f"A design '{design['slug']}' exists; POST /api/workflows/{design['slug']}/versions."}
        )
    return _saved(version)


def _origin(request) -> str:
    return VersionOrigin.EDITOR if request.headers.get("X-Workflowviz-Editor") else VersionOrigin.API


def workflow_schema(request):
    """The published JSON Schema of a design (public: it holds nothing but the format)."""
    if request.method not in ("GET", "HEAD"):
        return error_response(405, {"method": "Use GET."})
    response = JsonResponse(DESIGN_SCHEMA, json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/schema+json"
    return response


@api_view(["POST"], write_role=VIEWER)
def workflow_validate(request):
    """Every problem of a design (not saved), with its message flow preview and Mermaid text when readable."""
    design, problem = _body(request)
    if problem:
        return problem
    known = carried.catalogue(design)
    actions = known["actions"]
    problems = design_problems(design, **known) + carried.problems(design)
    readable = not any(p.kind == STRUCTURE for p in problems)
    return JsonResponse(
        {
            "valid": not any(p.severity == ERROR for p in problems),
            "errors": [p.to_json() for p in problems if p.severity == ERROR],
            "warnings": [p.to_json() for p in problems if p.severity == WARNING],
            "preview": flow_preview(design, actions) if readable else None,
            "mermaid": mermaid(design) if readable else None,
        }
    )


def _version_asked(request, slug):
    """(the version ?version= names, or the latest; None) or (None, a 400/404 answer)."""
    number, problem = _version_number(request.GET.get("version"))
    if problem:
        return None, problem
    try:
        return version_get(slug=slug, number=number), None
    except UnknownDesign:
        return None, error_response(404, {"slug": "No such design or version."})


@api_view(["GET"])
def workflow_detail(request, slug):
    version, problem = _version_asked(request, slug)
    return problem or JsonResponse(design_export(version))


@api_view(["GET", "POST"], write_role=DESIGNER)
def workflow_versions(request, slug):
    if request.method == "GET":
        try:
            return JsonResponse({"slug": slug, "results": version_list(slug=slug)})
        except UnknownDesign:
            return error_response(404, {"slug": "No such design."})
    design, problem = _body(request)
    if problem:
        return problem
    try:
        version = design_version_create(slug=slug, design=design, user=request.user, origin=_origin(request))
    except BuiltinProtected as refused:
        return _protected(slug, refused)
    except UnknownDesign:
        return error_response(404, {"slug": "No such design; POST /api/workflows creates one."})
    except DesignInvalid as invalid:
        return problems_response(invalid.problems)
    return _saved(version)


@api_view(["GET", "PUT"], write_role=DESIGNER)
def workflow_version(request, slug, number):
    if request.method == "GET":
        try:
            version = version_get(slug=slug, number=number)
        except UnknownDesign:
            return error_response(404, {"version": "No such design or version."})
        return JsonResponse(_with_info(version))
    design, problem = _body(request)
    if problem:
        return problem
    try:
        version = design_version_update(slug=slug, number=number, design=design, user=request.user)
    except BuiltinProtected as refused:
        return _protected(slug, refused)
    except UnknownDesign:
        return error_response(404, {"version": "No such design or version."})
    except VersionUsed as used:
        return error_response(409, {"version": str(used)})
    except DesignInvalid as invalid:
        return problems_response(invalid.problems)
    return _saved(version, status=200)


@api_view(["POST"], write_role=DESIGNER)
def workflow_copy(request, slug):
    """A new design owned by the caller with the steps of `slug` (its latest version, or `version`); the body
    may name the copy's `slug` and `name` (by default "<slug>-copy", "<name> (copy)")."""
    data, problem = json_fields(request, set(), {"slug", "name", "version"})
    if problem:
        return problem
    number = data.get("version")
    if number is not None and (isinstance(number, bool) or not isinstance(number, int) or not 1 <= number < 10**6):
        return error_response(400, {"version": "Must be a whole number >= 1."})
    try:
        version = design_copy(
            slug=slug,
            user=request.user,
            new_slug=data.get("slug"),
            name=data.get("name"),
            version=number,
            origin=_origin(request),
        )
    except UnknownDesign:
        return error_response(404, {"slug": "No such design or version."})
    except DesignInvalid as invalid:
        return problems_response(invalid.problems)
    except DesignExists as exists:
        return error_response(409, {"slug": f"A design '{str(exists)[:64]}' exists; choose another slug."})
    return _saved(version)


@api_view(["GET"])
def workflow_diff(request, slug):
    """What changed between two versions (`from`, `to`; by default the latest and the one before)."""
    to_number, problem = _version_number(request.GET.get("to"))
    from_number, problem_from = _version_number(request.GET.get("from"))
    if problem or problem_from:
        return problem or problem_from
    try:
        new = version_get(slug=slug, number=to_number)
        old = version_get(slug=slug, number=from_number if from_number is not None else max(1, new.number - 1))
    except UnknownDesign:
        return error_response(404, {"version": "No such design or version."})
    return JsonResponse(
        {"slug": slug, "from": old.number, "to": new.number, **design_diff(old.definition, new.definition)}
    )


@api_view(["GET"])
def workflow_mermaid(request, slug):
    version, problem = _version_asked(request, slug)
    if problem:
        return problem
    return HttpResponse(mermaid(design_json(version), version.number), content_type="text/plain; charset=utf-8")


@api_view(["GET"])
def actions(request):
    return JsonResponse(action_catalogue())
