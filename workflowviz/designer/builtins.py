"""The built-in workflow designs, as data. `services.ensure_builtin_designs()` stores them as versions."""

ORDER_PLACED = "OrderPlaced"
LOGIN_REQUESTED = "LoginRequested"

ORDER_FULFILMENT = {
    "slug": "order-fulfilment",
    "name": "Order fulfilment",
    "description": "Confirm the order to the buyer, ask the seller to prepare the shipment, assign a "
    "delivery partner once it is prepared, and tell the buyer it has shipped.",
    "trigger": ORDER_PLACED,
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

ORDER_FULFILMENT_REWARDS = {
    "slug": "order-fulfilment-rewards",
    "name": "Order fulfilment with rewards",
    "description": "Order fulfilment, plus the Rewards service crediting loyalty points as soon as the order "
    "is placed. Rewards subscribes to OrderPlaced; Orders does not know it exists.",
    "trigger": ORDER_PLACED,
    "steps": [
        *ORDER_FULFILMENT["steps"],
        {
            "id": "award_points",
            "action": "rewards.award_order_points",
            "after": [],
            "policy": {"latency_ms": [30, 120]},
        },
    ],
}

RECOMMENDATIONS = {
    "slug": "recommendations-enrichment",
    "name": "Recommendations enrichment",
    "description": "Three services work in parallel (Sellers suggests products, Logistics estimates the "
    "delivery, Rewards quotes the points); Notifications waits for all three and sends one email.",
    "trigger": ORDER_PLACED,
    "steps": [
        {
            "id": "seller_suggestions",
            "action": "sellers.suggest_products",
            "after": [],
            "policy": {"latency_ms": [50, 200]},
        },
        {
            "id": "delivery_estimate",
            "action": "logistics.estimate_delivery",
            "after": [],
            "policy": {"latency_ms": [50, 300]},
        },
        {
            "id": "points_quote",
            "action": "rewards.quote_points",
            "after": [],
            "policy": {"latency_ms": [20, 100]},
        },
        {
            "id": "send_recommendations",
            "action": "notifications.send_recommendations",
            "after": ["seller_suggestions", "delivery_estimate", "points_quote"],
            "policy": {"latency_ms": [50, 150]},
        },
    ],
}

LOGIN_OTP = {
    "slug": "login-otp",
    "name": "Login with a one-time code",
    "description": "Email a one-time code, then verify the code the user enters. The verifying step waits "
    "for the user through its retry policy (a code entered wakes it at once); after 10 checks, or once the "
    "code expires, the login fails.",
    "trigger": LOGIN_REQUESTED,
    "steps": [
        {
            "id": "send_code",
            "action": "notifications.send_login_code",
            "after": [],
            "policy": {"latency_ms": [20, 80], "max_attempts": 3},
        },
        {
            "id": "verify_code",
            "action": "notifications.verify_login_code",
            "after": ["send_code"],
            "policy": {"max_attempts": 10, "backoff_seconds": 2.0, "timeout_seconds": 300},
        },
    ],
}

BUILTIN_DESIGNS = {
    design["slug"]: design for design in [ORDER_FULFILMENT, ORDER_FULFILMENT_REWARDS, RECOMMENDATIONS, LOGIN_OTP]
}
