"""API authentication: a session (with CSRF on writes) or an `Authorization: Bearer <token>` header."""

import uuid
from functools import wraps

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from workflowviz.roles import OPERATOR, VIEWER, has_role
from workflowviz.signin.throttle import client_address, sign_in_failed, sign_in_refusal

from .tokens import token_user


def error_response(status: int, errors: dict[str, str]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def found_or_404(queryset, pk, name: str):
    """(the row whose uuid is `pk`, None) or (None, a 404 saying the id is malformed or unknown)."""
    try:
        uuid.UUID(str(pk))
    except ValueError:
        return None, error_response(404, {name: f"Not a {name.removesuffix('_id')} id."})
    row = queryset.filter(pk=pk).first()
    if row is None:
        return None, error_response(404, {name: f"No such {name.removesuffix('_id')}."})
    return row, None


def invalid_response(error: ValidationError) -> JsonResponse:
    """A 422 with a service function's reasons, field by field."""
    return error_response(422, {field: " ".join(messages) for field, messages in error.message_dict.items()})


def _csrf_failure(request):
    # Session-authenticated writes need the CSRF token, exactly as a form would.
    check = CsrfViewMiddleware(lambda req: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def throttled_response(refusal) -> JsonResponse:
    """429 with the reason and Retry-After: the address (or account) made too many failed sign-ins."""
    response = error_response(429, {"authorization": refusal.reason})
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _bearer_user(request, raw_token: str):
    """(the token's user, None) or (None, 401 for an unknown token, 429 while the address is throttled)."""
    address = client_address(request)
    refusal = sign_in_refusal(address=address)
    if refusal:
        return None, throttled_response(refusal)
    user = token_user(raw_token)
    if user is None:
        # An unknown token is a failed sign-in from this address: guessing tokens is throttled too.
        sign_in_failed(address=address)
        return None, error_response(401, {"authorization": "Unknown or revoked token."})
    return user, None


def api_view(methods: list[str], *, read_role: str = VIEWER, write_role: str = OPERATOR):
    """Authenticate the caller, check the role (`read_role` for GET, `write_role` for writes) and
    allow only `methods`; every error is JSON."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            header = request.headers.get("Authorization", "")
            if header.startswith("Bearer "):
                user, problem = _bearer_user(request, header[len("Bearer ") :].strip())
                if problem:
                    return problem
                request.user = user
            elif request.user.is_authenticated:
                if request.method not in ("GET", "HEAD", "OPTIONS") and _csrf_failure(request):
                    return error_response(403, {"csrf": "CSRF token missing or incorrect."})
            else:
                return error_response(401, {"authorization": "Log in or send 'Authorization: Bearer <token>'."})
            if request.method not in methods:
                response = error_response(405, {"method": f"Use {' or '.join(methods)}."})
                response["Allow"] = ", ".join(methods)
                return response
            role = read_role if request.method in ("GET", "HEAD", "OPTIONS") else write_role
            if not has_role(request.user, role):
                return error_response(403, {"role": f"This needs the {role} role."})
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
