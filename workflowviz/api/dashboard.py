"""What the dashboard needs besides runs: bursts of orders, and the status of many runs at once."""

import uuid

from django.core.exceptions import ValidationError
from django.http import JsonResponse

from orders.bursts import BOTH, MAX_BURST_CHUNK, burst_place
from workflowviz.engine.design import MAX_LATENCY_MS
from workflowviz.engine.models import Pattern
from workflowviz.engine.selectors import run_failure_reasons, run_statuses
from workflowviz.roles import VIEWER
from workflowviz.values import is_whole

from .auth import api_view, error_response, invalid_response
from .body import json_fields, json_object
from .idempotency import idempotency_key_ref, idempotent
from .orders import order_fields

BURST_FIELDS = {"count", "customer_email", "sku", "quantity", "pattern"}
OPTIONAL_BURST_FIELDS = {"region", "offset", "latency_ms", "workflow", "policy"}
BURST_PATTERNS = [*Pattern.values, BOTH]
MAX_OFFSET = 1_000_000
MAX_STATUS_IDS = 1000
MAX_STATUS_BODY_BYTES = 64 * 1024  # 1,000 quoted run ids are about 40 KB


def _burst_errors(data: dict) -> dict[str, str]:
    """Problems with the fields only a burst has; order_place checks the order's own fields."""
    errors = {}
    if not is_whole(data["count"], 1, MAX_BURST_CHUNK):
        errors["count"] = f"Must be a whole number from 1 to {MAX_BURST_CHUNK}; send bigger bursts in chunks."
    if data["pattern"] not in BURST_PATTERNS:
        errors["pattern"] = f"Must be one of: {', '.join(BURST_PATTERNS)}."
    if "offset" in data and not is_whole(data["offset"], 0, MAX_OFFSET):
        errors["offset"] = f"Must be a whole number from 0 to {MAX_OFFSET}."
    latency = data.get("latency_ms")
    if latency is not None and not (
        isinstance(latency, list)
        and len(latency) == 2
        and all(is_whole(value, 0, MAX_LATENCY_MS) for value in latency)
        and latency[0] <= latency[1]
    ):
        errors["latency_ms"] = f"Must be null or [low, high], whole milliseconds, 0 <= low <= high <= {MAX_LATENCY_MS}."
    return errors


@api_view(["POST"])
@idempotent(resumable=True)
def orders_burst(request):
    """Place up to MAX_BURST_CHUNK orders in one request; the browser sends a big burst in chunks.

    With an Idempotency-Key, each order gets a reference made of the user, the key and its index, so the
    chunk run again after a crash in the middle places only the orders that were missing.
    """
    data, problem = json_fields(request, BURST_FIELDS, OPTIONAL_BURST_FIELDS)
    if problem:
        return problem
    errors = _burst_errors(data)
    if errors:
        return error_response(422, errors)
    try:
        result = burst_place(
            count=data["count"],
            pattern=data["pattern"],
            offset=data.get("offset", 0),
            latency_ms=data.get("latency_ms"),
            client_ref_prefix=idempotency_key_ref(request),
            **order_fields(data),
        )
    except ValidationError as error:
        return invalid_response(error)
    body = {
        "count": len(result.placed),
        "placed": [
            {"order_id": order.pk, "run_id": str(order.run_id), "pattern": order.pattern} for order in result.placed
        ],
    }
    if result.stopped:
        body["stopped"] = result.stopped
    return JsonResponse(body, status=201)


@api_view(["POST"], write_role=VIEWER)
def runs_statuses(request):
    """The status of up to MAX_STATUS_IDS runs (a burst's progress); a POST because the ids are many."""
    data, problem = json_object(request, limit=MAX_STATUS_BODY_BYTES)
    if problem:
        return problem
    unknown = sorted(data.keys() - {"run_ids"})
    if unknown or "run_ids" not in data:
        errors = {name: "Unknown field." for name in unknown}
        if "run_ids" not in data:
            errors["run_ids"] = "This field is required."
        return error_response(400, errors)
    run_ids = data["run_ids"]
    if not isinstance(run_ids, list) or len(run_ids) > MAX_STATUS_IDS:
        return error_response(422, {"run_ids": f"Must be a list of at most {MAX_STATUS_IDS} run ids."})
    for index, run_id in enumerate(run_ids):
        try:
            if not isinstance(run_id, str):
                raise ValueError
            uuid.UUID(run_id)
        except ValueError:
            return error_response(422, {"run_ids": f"Item {index} is not a run id."})
    statuses = run_statuses(run_ids)
    counts: dict[str, int] = {}
    for status in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    # Why the runs that did not succeed ended so, from their records (the burst summary shows it).
    reasons = run_failure_reasons(run_ids) if counts.keys() - {"running", "compensating", "succeeded"} else {}
    return JsonResponse({"statuses": statuses, "counts": counts, "reasons": reasons})
