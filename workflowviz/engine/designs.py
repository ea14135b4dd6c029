"""Workflow designs: named graphs of steps. The built-in ones are defined here as data."""

DEFAULT_POLICY = {
    "max_attempts": 3,
    "backoff_seconds": 1.0,
    "timeout_seconds": 30,
    "latency_ms": [0, 0],
    "failure_probability": 0.0,
}

ORDER_FULFILMENT = {
    "slug": "order-fulfilment",
    "name": "Order fulfilment",
    "version": 1,
    "description": "Confirm the order to the buyer, ask the seller to prepare the shipment, assign a "
    "delivery partner once it is prepared, and tell the buyer it has shipped.",
    "steps": [
        {
            "id": "confirm_order",
            "action": "notifications.send_order_confirmation",
            "after": [],
            "policy": {"latency_ms": [50, 250]},
        },
        {
            "id": "prepare_shipment",
            "action": "sellers.prepare_shipment",
            "after": [],
            "policy": {"latency_ms": [100, 400]},
        },
        {
            "id": "assign_partner",
            "action": "logistics.assign_delivery_partner",
            "after": ["prepare_shipment"],
            "policy": {"latency_ms": [100, 300]},
        },
        {
            "id": "notify_shipped",
            "action": "notifications.send_shipped_email",
            "after": ["assign_partner"],
            "policy": {"latency_ms": [50, 150]},
        },
    ],
}

BUILTIN_DESIGNS = {design["slug"]: design for design in [ORDER_FULFILMENT]}
DEFAULT_DESIGN = ORDER_FULFILMENT["slug"]


class UnknownDesign(Exception):
    pass


def design_get(slug: str) -> dict:
    try:
        return BUILTIN_DESIGNS[slug]
    except KeyError:
        raise UnknownDesign(slug) from None


def design_graph(design: dict, *, latency_ms: list[int] | None = None) -> dict:
    """The run's copy of a design: each step with its service and its full policy."""
    steps = []
    for step in design["steps"]:
        policy = {**DEFAULT_POLICY, **step.get("policy", {})}
        if latency_ms is not None:
            policy["latency_ms"] = list(latency_ms)
        steps.append(
            {
                "id": step["id"],
                "action": step["action"],
                "service": step["action"].split(".", 1)[0],
                "after": list(step.get("after", [])),
                "policy": policy,
            }
        )
    return {"steps": steps}


def graph_step(graph: dict, step_id: str) -> dict:
    return next(step for step in graph["steps"] if step["id"] == step_id)
