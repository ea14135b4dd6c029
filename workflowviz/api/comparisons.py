"""The comparisons API: start one (operator), read one or the recent ones (viewer)."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse

from orders.services import DEFAULT_DESIGN
from workflowviz.compare.models import Comparison
from workflowviz.compare.selectors import comparison_detail_json, comparison_list
from workflowviz.compare.services import comparison_start
from workflowviz.values import digits

from .auth import api_view, error_response, found_or_404, invalid_response
from .body import json_fields, json_object
from .idempotency import idempotent

# The same order N times per pattern, or (with "input") any design's run with the same input.
REQUIRED = {"sku", "quantity", "customer_email", "count"}
OPTIONAL = {"region", "workflow", "policy"}
REQUIRED_WITH_INPUT = {"workflow", "input", "count"}
MAX_LIST = 100
MAX_START_BYTES = 32 * 1024


def _start(request):
    data, problem = json_object(request, limit=MAX_START_BYTES)
    if problem:
        return problem
    with_input = "input" in data
    data, problem = json_fields(
        request,
        REQUIRED_WITH_INPUT if with_input else REQUIRED,
        {"policy"} if with_input else OPTIONAL,
        limit=MAX_START_BYTES,
    )
    if problem:
        return problem
    if with_input and not isinstance(data["workflow"], str):
        return error_response(422, {"workflow": "Must be the slug of a workflow design."})
    order = {} if with_input else {
        "sku": data["sku"], "quantity": data["quantity"], "customer_email": data["customer_email"],
        "region": data.get("region", "north"),
    }  # fmt: skip
    try:
        comparison = comparison_start(
            count=data["count"],
            workflow=data.get("workflow", DEFAULT_DESIGN),
            policy=data.get("policy"),
            input=data["input"] if with_input else None,
            created_by=request.user,
            **order,
        )
    except ValidationError as error:
        return invalid_response(error)
    return JsonResponse(comparison_detail_json(comparison), status=201)


@api_view(["GET", "POST"])
@idempotent
def comparisons(request):
    if request.method == "POST":
        return _start(request)
    limit = request.GET.get("limit", "20")
    if not (digits(limit, max_digits=3) and 1 <= int(limit) <= MAX_LIST):
        return error_response(400, {"limit": f"Must be a whole number from 1 to {MAX_LIST}."})
    return JsonResponse({"results": comparison_list(limit=int(limit))})


@api_view(["GET"])
def comparison_detail(request, comparison_id):
    comparison, problem = found_or_404(Comparison.objects.select_related("created_by"), comparison_id, "comparison_id")
    return problem or JsonResponse(comparison_detail_json(comparison))
