"""Fault switches over HTTP: take a service down and up, deliver its next messages twice."""

import redis
from django.conf import settings
from django.http import JsonResponse

from workflowviz.engine.faults import deliver_twice_set, faults_summary, service_down_set
from workflowviz.engine.registry import service_names

from .auth import api_view, error_response
from .body import json_object

MAX_DELIVER_TWICE = 10_000


def _redis():
    return redis.Redis.from_url(settings.REDIS_URL)


@api_view(["GET", "POST"])
def faults(request):
    connection = _redis()
    if request.method == "GET":
        return JsonResponse({"services": faults_summary(connection)})
    data, problem = json_object(request)
    if problem:
        return problem
    errors = {}
    service = data.get("service")
    if service not in service_names():
        errors["service"] = f"Must be one of: {', '.join(service_names())}."
    down, twice = data.get("down"), data.get("deliver_twice")
    if down is not None and not isinstance(down, bool):
        errors["down"] = "Must be true or false."
    if twice is not None and (
        isinstance(twice, bool) or not isinstance(twice, int) or not 0 <= twice <= MAX_DELIVER_TWICE
    ):
        errors["deliver_twice"] = f"Must be a whole number from 0 to {MAX_DELIVER_TWICE}."
    unknown = set(data) - {"service", "down", "deliver_twice"}
    errors.update({str(name)[:40]: "Unknown field." for name in unknown})
    if down is None and twice is None and "service" not in errors:
        errors["down"] = "Send 'down' and/or 'deliver_twice'."
    if errors:
        return error_response(400 if unknown else 422, errors)
    if down is not None:
        service_down_set(connection, service=service, down=down)
    if twice is not None:
        deliver_twice_set(connection, service=service, count=twice)
    return JsonResponse({"services": faults_summary(connection)})
