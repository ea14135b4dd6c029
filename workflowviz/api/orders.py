"""The shop's own endpoints: the catalogue, and placing an order (which starts its run)."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse

from orders.selectors import product_list
from orders.services import DEFAULT_DESIGN, order_place

from .auth import api_view, invalid_response
from .body import json_fields

ORDER_FIELDS = {"customer_email", "sku", "quantity", "pattern"}
OPTIONAL_ORDER_FIELDS = {"region", "workflow", "policy"}


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
