"""The shop's own endpoints: the catalogue, and placing an order (which starts its run)."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse

from orders.selectors import product_list
from orders.services import DEFAULT_DESIGN, order_place

from .auth import api_view, invalid_response
from .body import json_fields
from .idempotency import idempotent

ORDER_FIELDS = {"customer_email", "sku", "quantity", "pattern"}
OPTIONAL_ORDER_FIELDS = {"region", "workflow", "policy"}


def order_fields(data: dict) -> dict:
    """The keyword arguments of `order_place` from a request's JSON (the order, the burst, the comparison)."""
    return {
        "sku": data["sku"],
        "quantity": data["quantity"],
        "customer_email": data["customer_email"],
        "region": data.get("region", "north"),
        "design": data.get("workflow", DEFAULT_DESIGN),
        "policy_overrides": data.get("policy"),
    }


@api_view(["GET"])
def products(request):
    return JsonResponse({"results": product_list()})


@api_view(["POST"])
@idempotent
def orders(request):
    data, problem = json_fields(request, ORDER_FIELDS, OPTIONAL_ORDER_FIELDS)
    if problem:
        return problem
    try:
        order = order_place(pattern=data["pattern"], **order_fields(data))
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
