"""workflowviz itself: N orders placed as fast as this process can, until every run reached a final status."""

import inspect
import itertools
import time

from workflowviz.stats import percentiles

SKUS = ["TENT-2P", "BOOT-42", "LAMP-01", "BOOK-DDD", "BOOK-EIP", "MUG-BLUE", "RUG-WOOL"]
REGIONS = ["north", "south", "east", "west"]
# A burst queues commands for longer than the design's 30 s step timeout on a small machine; the
# coordinator would then time them out and retry or compensate, and the bench would measure that
# instead of the hot path. The bench's orders get an hour (when order_place accepts overrides).
POLICY_OVERRIDES = {"*": {"timeout_seconds": 3600}}


def policy_overrides() -> dict:
    from orders.services import order_place

    return (
        {"policy_overrides": POLICY_OVERRIDES}
        if "policy_overrides" in inspect.signature(order_place).parameters
        else {}
    )


def data_prepare() -> None:
    """Enough delivery capacity and stock for every order the bench places (its own database only)."""
    from logistics.models import DeliveryPartner
    from orders.models import Product

    DeliveryPartner.objects.update(capacity=10**7, active=True)
    Product.objects.update(stock=10**8)


def shipments_close() -> None:
    """Deliver every open shipment, so that each phase starts with the same load on the partners."""
    from logistics.models import Shipment

    Shipment.objects.exclude(status="delivered").update(status="delivered")


def orders_place(count: int, pattern, *, rate: float | None = None, start_index: int = 0) -> list[str]:
    """Place `count` orders in this process with zero simulated latency; at `rate` per second if given.

    `pattern` is one pattern or a list of them, used in turn.
    """
    from orders.services import order_place

    skus, regions = itertools.cycle(SKUS), itertools.cycle(REGIONS)
    patterns = itertools.cycle([pattern] if isinstance(pattern, str) else pattern)
    extra = policy_overrides()
    run_ids = []
    began = time.monotonic()
    for index in range(count):
        if rate:
            pause = began + index / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        order = order_place(
            sku=next(skus),
            quantity=1,
            customer_email=f"bench{start_index + index}@example.com",
            pattern=next(patterns),
            region=next(regions),
            latency_ms=[0, 0],
            **extra,
        )
        run_ids.append(str(order.run_id))
    return run_ids


def runs_wait(run_ids: list[str], *, timeout: float) -> None:
    from workflowviz.engine.models import FINAL_RUN_STATUSES, Run

    deadline = time.monotonic() + timeout
    want = len(run_ids)
    while True:
        done = Run.objects.filter(pk__in=run_ids, status__in=FINAL_RUN_STATUSES).count()
        if done >= want:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {done} of {want} runs reached a final status within {timeout:.0f}s")
        time.sleep(0.05)


def runs_measure(run_ids: list[str], started: float) -> dict:
    """Throughput from `started` (wall clock) to the last run's finished_at, and what the runs wrote."""
    from django.db.models import Count, Max, Sum

    from workflowviz.engine.models import EventRecord, OutboxMessage, Run, StepState

    runs = Run.objects.filter(pk__in=run_ids)
    last = runs.aggregate(last=Max("finished_at"))["last"].timestamp()
    elapsed = max(1e-6, last - started)
    statuses = dict(runs.values_list("status").annotate(n=Count("id")))
    durations = [(f - c).total_seconds() * 1000 for c, f in runs.values_list("created_at", "finished_at")]
    steps = StepState.objects.filter(run_id__in=run_ids, status="succeeded").count()
    messages = OutboxMessage.objects.filter(run_id__in=run_ids)
    deliveries = messages.count()
    resends = messages.aggregate(n=Sum("resends"))["n"] or 0
    records = EventRecord.objects.filter(run_id__in=run_ids).count()
    return {
        "orders": len(run_ids),
        "statuses": statuses,
        "elapsed_s": round(elapsed, 3),
        "orders_per_s": round(len(run_ids) / elapsed, 1),
        "steps": steps,
        "steps_per_s": round(steps / elapsed, 1),
        "messages": deliveries,
        "messages_per_s": round(deliveries / elapsed, 1),
        "event_records": records,
        "reconciler_resends": resends,
        "run_ms": percentiles(durations),
    }


def workflow_run(count: int, pattern: str, *, timeout: float | None = None) -> dict:
    """Place `count` orders in `pattern` and measure until the last one finished."""
    shipments_close()
    started = time.time()
    run_ids = orders_place(count, pattern)
    placed = time.time()
    runs_wait(run_ids, timeout=timeout or 60 + count * 0.5)
    result = runs_measure(run_ids, started)
    result["pattern"] = pattern
    result["place_s"] = round(placed - started, 3)
    return result
