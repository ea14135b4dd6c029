"""Runs with event records of known times and contents, written straight to the database."""

from datetime import UTC, datetime, timedelta

from workflowviz.engine.models import EventRecord, Run, StepState

T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
GRAPH = {
    "trigger": "OrderPlaced",
    "steps": [
        {"id": "confirm_order", "service": "notifications", "after": []},
        {"id": "prepare_shipment", "service": "sellers", "after": []},
        {"id": "assign_partner", "service": "logistics", "after": ["prepare_shipment"]},
        {"id": "notify_shipped", "service": "notifications", "after": ["assign_partner"]},
    ],
}


def at(ms: float) -> datetime:
    return T0 + timedelta(milliseconds=ms)


def sent(ms, service, step, kind, to):
    return (ms, service, "message.sent", step, {"kind": kind, "to": to, "body": {"big": "x" * 50}})


def run_build(pattern: str, status: str, records: list[tuple], steps: dict[str, str], *, finished_ms=None) -> Run:
    """A run created at T0; `records` are (ms after T0, service, kind, step_id, payload); `steps` step → status."""
    run = Run.objects.create(pattern=pattern, design_slug="order-fulfilment", graph=GRAPH, status=status)
    Run.objects.filter(pk=run.pk).update(
        created_at=T0, finished_at=at(finished_ms) if finished_ms is not None else None
    )
    EventRecord.objects.bulk_create(
        EventRecord(run=run, seq=seq, service=service, kind=kind, step_id=step, payload=payload or {}, at=at(ms))
        for seq, (ms, service, kind, step, payload) in enumerate(records, start=1)
    )
    services = {step["id"]: step["service"] for step in GRAPH["steps"]}
    StepState.objects.bulk_create(
        StepState(run=run, step_id=step, service=services[step], action=f"{services[step]}.x", status=state)
        for step, state in steps.items()
    )
    run.refresh_from_db()
    return run


def orchestration_succeeded(finished_ms=400) -> Run:
    """Sellers took its command after 250 ms; Logistics failed once and was retried; one duplicate."""
    return run_build(
        "orchestration",
        "succeeded",
        [
            (0, "orders", "run.started", "", {}),
            sent(0, "orders", "confirm_order", "command", "notifications"),
            (0, "notifications", "step.queued", "confirm_order", {}),
            sent(0, "orders", "prepare_shipment", "command", "sellers"),
            (0, "sellers", "step.queued", "prepare_shipment", {}),
            (10, "notifications", "message.received", "confirm_order", {}),
            (10, "notifications", "step.started", "confirm_order", {}),
            (20, "notifications", "step.succeeded", "confirm_order", {}),
            sent(20, "notifications", "confirm_order", "reply", "orders"),
            (250, "sellers", "message.received", "prepare_shipment", {}),
            (250, "sellers", "step.started", "prepare_shipment", {}),
            (260, "sellers", "step.succeeded", "prepare_shipment", {}),
            sent(260, "sellers", "prepare_shipment", "reply", "orders"),
            sent(270, "orders", "assign_partner", "command", "logistics"),
            (270, "logistics", "step.queued", "assign_partner", {}),
            (280, "logistics", "message.received", "assign_partner", {}),
            (285, "logistics", "step.retried", "assign_partner", {"attempt": 1}),
            sent(285, "logistics", "assign_partner", "command", "logistics"),  # the resend: not Orders naming it
            (300, "logistics", "step.succeeded", "assign_partner", {}),
            sent(300, "logistics", "assign_partner", "reply", "orders"),
            sent(320, "orders", "notify_shipped", "command", "notifications"),
            (330, "notifications", "step.succeeded", "notify_shipped", {}),
            sent(330, "notifications", "notify_shipped", "reply", "orders"),
            (350, "notifications", "message.duplicate", "confirm_order", {}),
            (finished_ms, "orders", "run.succeeded", "", {}),
        ],
        {s: "succeeded" for s in ("confirm_order", "prepare_shipment", "assign_partner", "notify_shipped")},
        finished_ms=finished_ms,
    )


def orchestration_held() -> Run:
    """Sellers is off: the confirmation went out, the coordinator waits for prepare_shipment."""
    return run_build(
        "orchestration",
        "running",
        [
            (0, "orders", "run.started", "", {}),
            sent(0, "orders", "confirm_order", "command", "notifications"),
            (0, "notifications", "step.queued", "confirm_order", {}),
            sent(0, "orders", "prepare_shipment", "command", "sellers"),
            (0, "sellers", "step.queued", "prepare_shipment", {}),
            (10, "notifications", "step.started", "confirm_order", {}),
            (20, "notifications", "step.succeeded", "confirm_order", {}),
            sent(20, "notifications", "confirm_order", "reply", "orders"),
        ],
        {
            "confirm_order": "succeeded",
            "prepare_shipment": "queued",
            "assign_partner": "pending",
            "notify_shipped": "pending",
        },
    )


def choreography_held() -> Run:
    """Sellers is off: OrderPlaced reached both subscribers, Notifications confirmed, Sellers' event waits."""
    return run_build(
        "choreography",
        "running",
        [
            (0, "orders", "run.started", "", {}),
            (
                0,
                "orders",
                "event.published",
                "",
                {"type": "OrderPlaced", "subscribers": ["confirm_order", "prepare_shipment"]},
            ),
            sent(0, "bus", "confirm_order", "event", "notifications"),
            (0, "notifications", "step.queued", "confirm_order", {}),
            sent(0, "bus", "prepare_shipment", "event", "sellers"),
            (0, "sellers", "step.queued", "prepare_shipment", {}),
            (15, "notifications", "message.received", "confirm_order", {}),
            (15, "notifications", "step.started", "confirm_order", {}),
            (25, "notifications", "step.succeeded", "confirm_order", {}),
            (
                25,
                "notifications",
                "event.published",
                "confirm_order",
                {"type": "OrderConfirmationSent", "subscribers": []},
            ),
        ],
        {
            "confirm_order": "succeeded",
            "prepare_shipment": "queued",
            "assign_partner": "pending",
            "notify_shipped": "pending",
        },
    )
