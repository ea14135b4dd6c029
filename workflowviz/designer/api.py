"""The workflow designs API: list, read, create, validate, version, diff, export; and signing in with a code."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse

from workflowviz.api.auth import api_view, error_response
from workflowviz.engine.designs import UnknownDesign
from workflowviz.engine.models import Pattern
from workflowviz.engine.registry import actions_all
from workflowviz.roles import DESIGNER, VIEWER

from . import logins
from .models import VersionOrigin
from .preview import design_diff, flow_preview, mermaid
from .schema import DESIGN_SCHEMA, MAX_DESIGN_BYTES, STRUCTURE, BadJson, json_parse
from .selectors import action_catalogue, design_list, version_get, version_list, version_summary
from .services import (
    DesignExists,
    DesignInvalid,
    VersionUsed,
    design_create,
    design_json,
    design_version_create,
    design_version_update,
)
from .validation import ERROR, WARNING, Problem, design_problems

MAX_LOGIN_BODY_BYTES = 4 * 1024


def _body(request, limit: int = MAX_DESIGN_BYTES):
    """(parsed JSON, None) or (None, an error response): 413 too large, 400 not JSON we accept."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None, error_response(413, {"body": f"At most {limit} bytes."})
    try:
        raw = request.body
    except RequestDataTooBig:
        return None, error_response(413, {"body": f"At most {limit} bytes."})
    if len(raw) > limit:
        return None, error_response(413, {"body": f"At most {limit} bytes."})
    if not raw.strip():
        return None, error_response(400, {"body": "Empty: send a JSON object."})
    try:
        return json_parse(raw), None
    except BadJson as error:
        return None, error_response(400, {"body": f"Not a JSON document we accept: {error}"})


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
    if not (text.isascii() and text.isdigit() and 1 <= len(text) <= 6):
        return None, error_response(400, {"version": "Must be a whole number >= 1."})
    return int(text), None


def _saved(version, status: int = 201) -> JsonResponse:
    body = design_json(version)
    return JsonResponse({**body, "version_info": version_summary(version)}, status=status)


def _actions_by_key() -> dict:
    return {action.key: action for action in actions_all()}


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
    actions = _actions_by_key()
    problems = design_problems(design, actions)
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


@api_view(["GET"])
def workflow_detail(request, slug):
    number, problem = _version_number(request.GET.get("version"))
    if problem:
        return problem
    try:
        version = version_get(slug=slug, number=number)
    except UnknownDesign:
        return error_response(404, {"slug": "No such design or version."})
    return JsonResponse(design_json(version))


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
        return JsonResponse({**design_json(version), "version_info": version_summary(version)})
    design, problem = _body(request)
    if problem:
        return problem
    try:
        version = design_version_update(slug=slug, number=number, design=design, user=request.user)
    except UnknownDesign:
        return error_response(404, {"version": "No such design or version."})
    except VersionUsed as used:
        return error_response(409, {"version": str(used)})
    except DesignInvalid as invalid:
        return problems_response(invalid.problems)
    return _saved(version, status=200)


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
    number, problem = _version_number(request.GET.get("version"))
    if problem:
        return problem
    try:
        version = version_get(slug=slug, number=number)
    except UnknownDesign:
        return error_response(404, {"slug": "No such design or version."})
    return HttpResponse(mermaid(design_json(version), version.number), content_type="text/plain; charset=utf-8")


@api_view(["GET"])
def actions(request):
    return JsonResponse(action_catalogue())


# --- Signing in with a one-time code (the login-otp design) --------------------------------------
@api_view(["POST"])
def login_start(request):
    data, problem = _body(request, MAX_LOGIN_BODY_BYTES)
    if problem:
        return problem
    if not isinstance(data, dict):
        return error_response(400, {"body": "Send a JSON object."})
    unknown = sorted(data.keys() - {"email", "pattern"})
    if unknown:
        return error_response(400, {name[:40]: "Unknown field." for name in unknown})
    email, pattern = data.get("email"), data.get("pattern", Pattern.ORCHESTRATION)
    errors = {}
    if not isinstance(email, str) or not 3 <= len(email) <= 254 or "@" not in email:
        errors["email"] = "Must be an email address."
    if pattern not in Pattern.values:
        errors["pattern"] = f"Must be one of: {', '.join(Pattern.values)}."
    if errors:
        return error_response(422, errors)
    try:
        run = logins.login_start(email=email, pattern=pattern)
    except UnknownDesign as error:
        return error_response(422, {"workflow": f"The login design cannot run: {error}"})
    return JsonResponse(logins.login_state(str(run.id)), status=201)


@api_view(["GET"])
def login_detail(request, login_id):
    try:
        return JsonResponse(logins.login_state(login_id))
    except logins.LoginProblem as problem:
        return error_response(problem.status, {"login_id": str(problem)})


@api_view(["POST"])
def login_code(request, login_id):
    data, problem = _body(request, MAX_LOGIN_BODY_BYTES)
    if problem:
        return problem
    if not isinstance(data, dict) or set(data) != {"code"}:
        return error_response(400, {"body": 'Send {"code": "<the code from the email>"}.'})
    code = data["code"]
    if not isinstance(code, str) or not (code.strip().isascii() and code.strip().isdigit()) or len(code) > 12:
        return error_response(422, {"code": "The code is the digits from the email."})
    try:
        logins.login_code_submit(login_id=login_id, code=code)
    except logins.LoginProblem as problem:
        return error_response(problem.status, {"login_id": str(problem)})
    return JsonResponse(logins.login_state(login_id), status=202)
