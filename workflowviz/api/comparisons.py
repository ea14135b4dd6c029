"""The comparisons API: start one (operator), read one or the recent ones (viewer)."""

import uuid

from django.core.exceptions import ValidationError
from django.http import JsonResponse

from orders.services import DEFAULT_DESIGN
from workflowviz.compare.models import Comparison
from workflowviz.compare.selectors import comparison_detail_json, comparison_list
from workflowviz.compare.services import comparison_start
from workflowviz.values import digits

from .auth import api_view, error_response, invalid_response
from .body import json_fields

REQUIRED = {"sku", "quantity", "customer_email", "count"}
OPTIONAL = {"region", "workflow", "policy"}
MAX_LIST = 100


def _start(request):
    data, problem = json_fields(request, REQUIRED, OPTIONAL)
    if problem:
        return problem
    try:
        comparison = comparison_start(
            sku=data["sku"],
            quantity=data["quantity"],
            customer_email=data["customer_email"],
            count=data["count"],
            region=data.get("region", "north"),
            workflow=data.get("workflow", DEFAULT_DESIGN),
            policy=data.get("policy"),
            created_by=request.user,
        )
    except ValidationError as error:
        return invalid_response(error)
    return JsonResponse(comparison_detail_json(comparison), status=201)


@api_view(["GET", "POST"])
def comparisons(request):
    if request.method == "POST":
        return _start(request)
    limit = request.GET.get("limit", "20")
    if not (digits(limit, max_digits=3) and 1 <= int(limit) <= MAX_LIST):
        return error_response(400, {"limit": f"Must be a whole number from 1 to {MAX_LIST}."})
    return JsonResponse({"results": comparison_list(limit=int(limit))})


@api_view(["GET"])
def comparison_detail(request, comparison_id):
    try:
        uuid.UUID(str(comparison_id))
    except ValueError:
        return error_response(404, {"comparison_id": "Not a comparison id."})
    comparison = Comparison.objects.select_related("created_by").filter(pk=comparison_id).first()
    if comparison is None:
        return error_response(404, {"comparison_id": "No such comparison."})
    return JsonResponse(comparison_detail_json(comparison))
