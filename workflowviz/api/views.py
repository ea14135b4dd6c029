"""The HTTP API. Views parse and validate input, call one service function, and shape JSON."""

import json
import uuid

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse

from orders.selectors import product_list
from orders.services import order_place
from workflowviz.engine.designs import DEFAULT_DESIGN
from workflowviz.engine.models import Pattern, Run, RunStatus
from workflowviz.engine.selectors import run_detail_json, run_summary_json

from .auth import api_view, error_response
from .openapi import openapi_schema

MAX_BODY_BYTES = 16 * 1024
ORDER_FIELDS = {"customer_email", "sku", "quantity", "pattern"}
OPTIONAL_ORDER_FIELDS = {"region", "workflow", "policy"}


def json_body(request) -> tuple[dict | None, JsonResponse | None]:
    too_large = error_response(413, {"body": f"At most {MAX_BODY_BYTES} bytes."})
    # Refuse by the declared length before reading: over DATA_UPLOAD_MAX_MEMORY_SIZE, reading the
    # body raises RequestDataTooBig, which Django answers with a bare 400 page.
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None, too_large
    try:
        body = request.body
    except RequestDataTooBig:
        return None, too_large
    if len(body) > MAX_BODY_BYTES:
        return None, too_large
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        return None, error_response(400, {"body": f"Malformed JSON: {error}"})
    except RecursionError:
        return None, error_response(400, {"body": "Malformed JSON: nested too deeply."})
    if not isinstance(data, dict):
        return None, error_response(400, {"body": "Send a JSON object."})
    return data, None


def json_fields(request, required: set, optional: set) -> tuple[dict | None, JsonResponse | None]:
    """The JSON object of the request with every required field and no unknown one; else a 400."""
    data, problem = json_body(request)
    if problem:
        return None, problem
    errors = {name: "This field is required." for name in sorted(required - data.keys())}
    errors.update({str(name)[:40]: "Unknown field." for name in sorted(data.keys() - required - optional)})
    if errors:
        return None, error_response(400, errors)
    return data, None


def invalid_response(error: ValidationError) -> JsonResponse:
    """A 422 with the service function's reasons, field by field."""
    return error_response(422, {field: " ".join(messages) for field, messages in error.message_dict.items()})


@api_view(["GET"])
def products(request):
    return JsonResponse({"results": product_list()})


@api_view(["POST"])
def orders(request):
    data, problem = json_fields(request, ORDER_FIELDS, OPTIONAL_ORDER_FIELDS)
    if problem:
        return problem
    try:
        order = order_place(
            sku=data["sku"],
            quantity=data["quantity"],
            customer_email=data["customer_email"],
            pattern=data["pattern"],
            region=data.get("region", "north"),
            design=data.get("workflow", DEFAULT_DESIGN),
            policy_overrides=data.get("policy"),
        )
    except ValidationError as error:
        return invalid_response(error)
    return JsonResponse(
        {
            "order_id": order.pk,
            "run_id": str(order.run_id),
            "status": order.status,
            "pattern": order.pattern,
            "run_url": f"/api/runs/{order.run_id}",
        },
        status=201,
    )


def _whole_number(text: str, *, max_digits: int = 9) -> bool:
    # ASCII digits only: str.isdigit() also accepts "²" (which int() refuses) and other scripts' digits.
    return text.isascii() and text.isdigit() and len(text) <= max_digits


@api_view(["GET"])
def run_detail(request, run_id):
    try:
        uuid.UUID(str(run_id))
    except ValueError:
        return error_response(404, {"run_id": "Not a run id."})
    run = Run.objects.filter(pk=run_id).first()
    if run is None:
        return error_response(404, {"run_id": "No such run."})
    after_seq = request.GET.get("after_seq", "0")
    if not _whole_number(after_seq):
        return error_response(400, {"after_seq": "Must be a whole number >= 0."})
    return JsonResponse(run_detail_json(run, after_seq=int(after_seq)))


@api_view(["GET"])
def run_list(request):
    runs = Run.objects.all()
    errors = {}
    status = request.GET.get("status")
    if status:
        if status in RunStatus.values:
            runs = runs.filter(status=status)
        else:
            errors["status"] = f"Must be one of: {', '.join(RunStatus.values)}."
    pattern = request.GET.get("pattern")
    if pattern:
        if pattern in Pattern.values:
            runs = runs.filter(pattern=pattern)
        else:
            errors["pattern"] = f"Must be one of: {', '.join(Pattern.values)}."
    page_size, page_number = request.GET.get("page_size", "50"), request.GET.get("page", "1")
    if not _whole_number(page_size) or not 1 <= int(page_size) <= 500:
        errors["page_size"] = "Must be a whole number from 1 to 500."
    if not _whole_number(page_number, max_digits=100) or int(page_number) < 1:
        errors["page"] = "Must be a whole number from 1."
    if errors:
        return error_response(400, errors)
    paginator = Paginator(runs, int(page_size))
    try:
        page = paginator.page(int(page_number))
    except EmptyPage:
        return error_response(404, {"page": f"There are {paginator.num_pages} page(s)."})
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "results": [run_summary_json(run) for run in page.object_list],
        }
    )


def openapi(request):
    """Public, like the design JSON Schema: it documents formats and holds no data."""
    return JsonResponse(openapi_schema())
