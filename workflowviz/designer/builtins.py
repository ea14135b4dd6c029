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


# --- The shop with a decision: the seller says whether the order is in stock ---------------------
ORDER_FULFILMENT_STOCK = {
    "slug": "order-fulfilment-stock",
    "name": "Order fulfilment with a stock check",
    "description": "The seller decides: with the units in stock it sets them aside and the shipment goes "
    "ahead; short, the order is backordered and the buyer told. Orders does not make that decision.",
    "trigger": ORDER_PLACED,
    "steps": [
        {"id": "confirm_order", "action": "notifications.send_order_confirmation", "after": [],
         "policy": {"latency_ms": [50, 250]}},
        {"id": "reserve_stock", "action": "sellers.reserve_stock", "after": [], "policy": {"latency_ms": [50, 200]}},
        {"id": "prepare_shipment", "action": "sellers.prepare_shipment", "after": ["reserve_stock:StockReserved"],
         "policy": {"latency_ms": [100, 400]}},
        {"id": "assign_partner", "action": "logistics.assign_delivery_partner", "after": ["prepare_shipment"],
         "policy": {"latency_ms": [100, 300]}},
        {"id": "notify_shipped", "action": "notifications.send_shipped_email", "after": ["assign_partner"],
         "policy": {"latency_ms": [50, 150]}},
        {"id": "shipped", "end": "shipped", "after": ["notify_shipped"]},
        {"id": "backorder_notice", "action": "notifications.send_backorder_notice",
         "after": ["reserve_stock:StockShort"], "policy": {"latency_ms": [50, 150]}},
        {"id": "backordered", "end": "backordered", "after": ["backorder_notice"]},
    ],
}  # fmt: skip

FRAUD_SCORE = "min(99, round(amount / 100) + (40 if card_age_days < 30 else 0))"

# --- Beyond the shop: services declared as data (no code), kept up to date like the designs --------
TRIPS = {
    "name": "trips",
    "label": "Trips",
    "colour": "#0f766e",
    "description": "Takes trip requests from travellers and confirms the booked trip.",
    "events": [
        {
            "name": "TripRequested",
            "fields": [
                {"name": "trip_id", "type": "string"},
                {"name": "traveller_email", "type": "string"},
                {"name": "destination", "type": "string"},
                {"name": "nights", "type": "integer"},
                {"name": "car_class", "type": "string"},
            ],
        }
    ],
    "actions": [
        {
            "name": "confirm_trip",
            "description": "Tell the traveller the trip is booked.",
            "inputs": ["trip_id", "traveller_email", "flight_ref", "hotel_ref", "car_ref"],
            "outcomes": [{"event": "TripConfirmed", "fields": [{"name": "trip_id"}, {"name": "confirmation_ref"}]}],
            "latency_ms": [20, 80],
        }
    ],
}


def _booking(service, label, colour, book, booked, undo, undone, ref, price, inputs):
    return {
        "name": service,
        "label": label,
        "colour": colour,
        "description": f"Books and cancels {label.lower()} for trips.",
        "actions": [
            {
                "name": book,
                "inputs": inputs,
                "outcomes": [
                    {
                        "event": booked,
                        "fields": [{"name": "trip_id"}, {"name": ref}, {"name": f"{service}_price", "value": price}],
                    }
                ],
                "latency_ms": [100, 400],
                "latency_distribution": "normal",
                "compensation": undo,
                "idempotency": {"key": ["trip_id"]},
            },
            {
                "name": undo,
                "description": f"Undo the {book.replace('_', ' ')} (saga).",
                "inputs": ["trip_id", ref],
                "outcomes": [{"event": undone, "fields": [{"name": "trip_id"}]}],
                "latency_ms": [50, 150],
            },
        ],
    }


FLIGHTS = _booking("flights", "Flights", "#1d4ed8", "book_flight", "FlightBooked", "cancel_flight", "FlightCancelled",
                   "flight_ref", '149 if destination == "Lisbon" else 249', ["trip_id", "destination"])  # fmt: skip
HOTELS = _booking("hotels", "Hotels", "#b45309", "book_hotel", "HotelBooked", "cancel_hotel", "HotelCancelled",
                  "hotel_ref", "nights * 90", ["trip_id", "destination", "nights"])  # fmt: skip
CARS = {
    "name": "cars",
    "label": "Cars",
    "colour": "#7c3aed",
    "description": "Rents cars for trips, while it has one of the class asked for.",
    "actions": [
        {
            "name": "rent_car",
            "description": "Every van is always out: a trip asking for one gets no car.",
            "inputs": ["trip_id", "car_class"],
            "choice": "rule",
            "outcomes": [
                {"event": "NoCarAvailable", "fields": [{"name": "trip_id"}],
                 "when": 'car_class == "van"'},
                {"event": "CarRented", "fields": [{"name": "trip_id"}, {"name": "car_ref"}]},
            ],
            "latency_ms": [100, 300],
            "compensation": "return_car",
        },
        {
            "name": "return_car",
            "inputs": ["trip_id", "car_ref"],
            "outcomes": [{"event": "CarReturned", "fields": [{"name": "trip_id"}]}],
            "latency_ms": [50, 100],
        },
    ],
}  # fmt: skip
TRAVEL_BOOKING = {
    "slug": "travel-booking",
    "name": "Travel booking (saga)",
    "description": "Book a flight and a hotel at once, then a car. No car of that class: the trip fails and "
    "the flight and the hotel are cancelled again (the saga's compensations).",
    "trigger": "TripRequested",
    "failure_event": "TripCancelled",
    "steps": [
        {"id": "flight", "action": "flights.book_flight", "after": []},
        {"id": "hotel", "action": "hotels.book_hotel", "after": []},
        {"id": "car", "action": "cars.rent_car", "after": ["flight", "hotel"]},
        {"id": "confirm", "action": "trips.confirm_trip", "after": ["car:CarRented"]},
        {"id": "booked", "end": "booked", "after": ["confirm"]},
        {"id": "no_car", "end": "no car: trip cancelled", "fails": True, "after": ["car:NoCarAvailable"]},
    ],
}

PAYMENTS = {
    "name": "payments",
    "label": "Payments",
    "colour": "#be123c",
    "description": "Scores each payment for fraud and decides: approve, send to a person, or reject.",
    "events": [
        {
            "name": "PaymentSubmitted",
            "fields": [
                {"name": "payment_id", "type": "string"},
                {"name": "amount", "type": "number"},
                {"name": "country", "type": "string"},
                {"name": "card_age_days", "type": "integer"},
            ],
        }
    ],
    "actions": [
        {
            "name": "score_fraud",
            "description": "A fraud score from the amount, the country and the card's age; the rules decide.",
            "inputs": ["payment_id", "amount", "country", "card_age_days"],
            "choice": "rule",
            "outcomes": [
                {"event": "PaymentRejected", "when": "amount > 5000 or card_age_days < 2",
                 "fields": [{"name": "payment_id"}, {"name": "fraud_score", "value": FRAUD_SCORE}]},
                {"event": "PaymentNeedsReview", "when": 'amount > 1000 or country not in ("GB", "FR", "DE")',
                 "fields": [{"name": "payment_id"}, {"name": "fraud_score", "value": FRAUD_SCORE}]},
                {"event": "PaymentApproved",
                 "fields": [{"name": "payment_id"}, {"name": "fraud_score", "value": FRAUD_SCORE}]},
            ],
            "latency_ms": [20, 120],
        },
        {
            "name": "capture",
            "inputs": ["payment_id", "amount"],
            "outcomes": [{"event": "PaymentCaptured", "fields": [{"name": "payment_id"}, {"name": "capture_ref"}]}],
            "latency_ms": [50, 200],
            "compensation": "refund",
            "idempotency": {"key": ["payment_id"]},
        },
        {
            "name": "refund",
            "inputs": ["payment_id", "capture_ref"],
            "outcomes": [{"event": "PaymentRefunded", "fields": [{"name": "payment_id"}]}],
            "latency_ms": [50, 200],
        },
        {
            "name": "record_in_ledger",
            "description": "Book the captured payment; when this fails for good, the capture is refunded.",
            "inputs": ["payment_id", "capture_ref", "amount"],
            "outcomes": [{"event": "PaymentBooked", "fields": [{"name": "payment_id"}, {"name": "ledger_ref"}]}],
            "latency_ms": [20, 100],
        },
    ],
}  # fmt: skip
RISK = {
    "name": "risk",
    "label": "Risk desk",
    "colour": "#4d7c0f",
    "description": "People who look at the payments the rules could not decide.",
    "actions": [
        {
            "name": "open_review",
            "inputs": ["payment_id", "fraud_score"],
            "outcomes": [{"event": "ReviewOpened", "fields": [{"name": "payment_id"}, {"name": "review_ref"}]}],
            "latency_ms": [50, 150],
        }
    ],
}
PAYMENT_FRAUD = {
    "slug": "payment-fraud-check",
    "name": "Payment with a fraud score",
    "description": "Payments scores the payment and decides: approved payments are captured and booked (a "
    "booking that fails for good refunds the capture); doubtful ones go to the risk desk; the rest are refused.",
    "trigger": "PaymentSubmitted",
    "steps": [
        {"id": "score", "action": "payments.score_fraud", "after": []},
        {"id": "capture", "action": "payments.capture", "after": ["score:PaymentApproved"]},
        {"id": "ledger", "action": "payments.record_in_ledger", "after": ["capture"]},
        {"id": "approved", "end": "approved", "after": ["ledger"]},
        {"id": "review", "action": "risk.open_review", "after": ["score:PaymentNeedsReview"]},
        {"id": "in_review", "end": "in manual review", "after": ["review"]},
        {"id": "rejected", "end": "rejected", "after": ["score:PaymentRejected"]},
    ],
}

BUILTIN_SERVICES = [TRIPS, FLIGHTS, HOTELS, CARS, PAYMENTS, RISK]
BUILTIN_DESIGNS = {
    design["slug"]: design
    for design in [
        ORDER_FULFILMENT,
        ORDER_FULFILMENT_REWARDS,
        RECOMMENDATIONS,
        LOGIN_OTP,
        ORDER_FULFILMENT_STOCK,
        TRAVEL_BOOKING,
        PAYMENT_FRAUD,
    ]
}
