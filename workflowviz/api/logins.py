"""Signing in with a one-time code over HTTP (the login-otp design, from the user's side)."""

from django.http import JsonResponse

from workflowviz.engine.designs import UnknownDesign
from workflowviz.engine.models import Pattern
from workflowviz.signin import services as logins
from workflowviz.signin.selectors import login_state
from workflowviz.signin.throttle import client_address, sign_in_refusal
from workflowviz.values import digits

from .auth import api_view, error_response, throttled_response
from .body import json_object

MAX_LOGIN_BODY_BYTES = 4 * 1024


@api_view(["POST"])
def login_start(request):
    data, problem = json_object(request, limit=MAX_LOGIN_BODY_BYTES, strict=True)
    if problem:
        return problem
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
    return JsonResponse(login_state(str(run.id)), status=201)


@api_view(["GET"])
def login_detail(request, login_id):
    try:
        return JsonResponse(login_state(login_id))
    except logins.LoginProblem as problem:
        return error_response(problem.status, {"login_id": str(problem)})


@api_view(["POST"])
def login_code(request, login_id):
    # Entering a code is a sign-in too: an address locked out of the password forms may not guess codes.
    refusal = sign_in_refusal(address=client_address(request))
    if refusal:
        return throttled_response(refusal)
    data, problem = json_object(request, limit=MAX_LOGIN_BODY_BYTES, strict=True)
    if problem:
        return problem
    if set(data) != {"code"}:
        return error_response(400, {"body": 'Send {"code": "<the code from the email>"}.'})
    code = data["code"]
    if not isinstance(code, str) or len(code) > 12 or not digits(code.strip(), max_digits=12):
        return error_response(422, {"code": "The code is the digits from the email."})
    try:
        logins.login_code_submit(login_id=login_id, code=code)
    except logins.LoginProblem as problem:
        return error_response(problem.status, {"login_id": str(problem)})
    return JsonResponse(login_state(login_id), status=202)
