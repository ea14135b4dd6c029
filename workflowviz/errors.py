"""What a refused or failed request gets, DEBUG or not: JSON under /api/, a page of the site otherwise.

Django's own handlers (wired in workflowviz/urls.py and CSRF_FAILURE_VIEW) would answer an API client
with HTML; with DJANGO_DEBUG=1 Django still shows its debug pages instead of these.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

API_PREFIX = "/api/"


def _answer(request, status: int, reason: str, *, template: str, page_request=None) -> HttpResponse:
    """JSON `{"errors": {"request": reason}}` for the API, else `template` with the reason.

    `page_request` renders with the request's context (the signed-in user's navigation); None renders
    without it, for when the request or the database may be what failed."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"errors": {"request": reason}}, status=status)
    context = {"status": status, "reason": reason}
    return HttpResponse(loader.get_template(template).render(context, page_request), status=status)


def bad_request(request, exception=None):
    """400: a spoofed Host header, a malformed request; 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if isinstance(exception, RequestDataTooBig):
        return _answer(request, 413, "The request body is too large.", template="400.html")
    return _answer(request, 400, "The server could not understand this request.", template="400.html")


@requires_csrf_token
def permission_denied(request, exception=None):
    # Our own PermissionDenied messages name the role a page needs (workflowviz/roles.py).
    reason = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else "Not allowed."
    return _answer(request, 403, reason, template="403.html", page_request=request)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _answer(request, 404, "There is nothing at this address.", template="404.html", page_request=request)


def server_error(request):
    return _answer(request, 500, "Something went wrong on the server; it has been logged.", template="500.html")


@requires_csrf_token
def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid token, mostly from a page left open too long."""
    message = "The form's security token is missing or out of date: reload the page and try again."
    return _answer(request, 403, message, template="403.html", page_request=request)
