"""Services over HTTP: every service with its queue's health; declaring services and actions without code.

GET    /api/services                          every service (coded and declared), its queue, its links
POST   /api/services                          declare a service (designer)
GET    /api/services/{name}                   its declaration (a coded one: what its code registers)
PUT    /api/services/{name}                   replace a declared service's declaration (designer)
DELETE /api/services/{name}                   delete it, unless a design in use needs it (designer)
POST   /api/services/{name}/actions           add an action (designer)
GET|PUT|DELETE /api/services/{name}/actions/{action}
GET    /api/vocabulary                        the engine's words and the service list, for the browser
"""

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from redis.exceptions import RedisError

from workflowviz.designer import catalogue
from workflowviz.designer.selectors import action_json
from workflowviz.engine.registry import actions_all, coded_service_names, service_get, services_all, triggers_all
from workflowviz.engine.vocabulary import vocabulary_json
from workflowviz.modelled import services as declared
from workflowviz.roles import DESIGNER

from .auth import api_view, error_response
from .body import json_object
from .health import service_health, service_json

MAX_DECLARATION_BYTES = 128 * 1024


def _declaration_error(error) -> JsonResponse:
    if isinstance(error, declared.DeclarationInvalid):
        return error_response(422, error.problems)
    if isinstance(error, catalogue.InUse):
        return error_response(409, error.problems)
    if isinstance(error, declared.ServiceExists):
        return error_response(409, {"name": f"A service '{error}' exists; PUT /api/services/{error} changes it."})
    return error_response(404, {"service": f"No declared service '{str(error)[:40]}'."})


DECLARATION_ERRORS = (declared.DeclarationInvalid, catalogue.InUse, declared.ServiceExists, declared.UnknownService)


def _coded_json(name: str) -> dict:
    """What a coded service's code registers, in the shape of a declaration (read-only)."""
    service = service_get(name)
    actions = [action_json(action) for action in actions_all() if action.service == name]
    events = [{"name": e.name, "fields": list(e.fields)} for e in triggers_all() if e.service == name]
    return {**service_json(service), "name": name, "coded": True, "events": events, "actions": actions}


@api_view(["GET", "POST"], write_role=DESIGNER)
def services(request):
    if request.method == "POST":
        data, problem = json_object(request, limit=MAX_DECLARATION_BYTES, strict=True)
        if problem:
            return problem
        try:
            service = catalogue.service_declare(data, user=request.user)
        except DECLARATION_ERRORS as error:
            return _declaration_error(error)
        return JsonResponse(declared.declaration_json(service), status=201)
    try:
        health = service_health()
    except RedisError as error:
        return error_response(503, {"redis": f"Redis does not answer: {type(error).__name__}."})
    return JsonResponse({"services": health, "checked_at": timezone.now().isoformat()})


@api_view(["GET", "PUT", "DELETE"], write_role=DESIGNER)
def service_detail(request, name):
    if name in coded_service_names():
        if request.method != "GET":
            return error_response(409, {"service": f"{name} is a coded service: its code declares it."})
        return JsonResponse(_coded_json(name))
    try:
        if request.method == "GET":
            return JsonResponse(declared.declaration_json(declared.service_get(name)))
        if request.method == "DELETE":
            catalogue.service_delete(name)
            return HttpResponse(status=204)
        data, problem = json_object(request, limit=MAX_DECLARATION_BYTES, strict=True)
        if problem:
            return problem
        service = catalogue.service_update(name, data, user=request.user)
    except DECLARATION_ERRORS as error:
        return _declaration_error(error)
    return JsonResponse(declared.declaration_json(service))


@api_view(["POST"], write_role=DESIGNER)
def service_actions(request, name):
    data, problem = json_object(request, limit=MAX_DECLARATION_BYTES, strict=True)
    if problem:
        return problem
    try:
        catalogue.action_set(name, data)
        return JsonResponse(declared.declaration_json(declared.service_get(name)), status=201)
    except DECLARATION_ERRORS as error:
        return _declaration_error(error)


@api_view(["GET", "PUT", "DELETE"], write_role=DESIGNER)
def service_action(request, name, action):
    try:
        service = declared.service_get(name)
        if request.method == "GET":
            found = service.actions.filter(name=action).first()
            if found is None:
                return error_response(404, {"action": f"{name} has no action '{action[:64]}'."})
            return JsonResponse({"name": found.name, **found.definition})
        if request.method == "DELETE":
            catalogue.action_delete(name, action)
            return HttpResponse(status=204)
        data, problem = json_object(request, limit=MAX_DECLARATION_BYTES, strict=True)
        if problem:
            return problem
        catalogue.action_set(name, data, action_name=action)
    except DECLARATION_ERRORS as error:
        return _declaration_error(error)
    return JsonResponse(declared.declaration_json(declared.service_get(name)))


@api_view(["GET"])
def vocabulary(request):
    return JsonResponse({**vocabulary_json(), "services": [service_json(service) for service in services_all()]})
