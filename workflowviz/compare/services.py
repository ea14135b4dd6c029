"""Starting a comparison: the same order, N times per pattern, placed in pairs under the same faults."""

import redis
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from redis.exceptions import RedisError

from orders.bursts import BOTH, burst_place
from orders.models import Product
from orders.services import DEFAULT_DESIGN
from workflowviz.engine.faults import faults_summary
from workflowviz.values import is_whole

from .models import Comparison, ComparisonRun

MAX_PER_PATTERN = 100


def faults_in_force() -> list[dict] | None:
    """The fault switches that are on now (a service down, deliveries doubled); None if Redis does not answer."""
    connection = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        return [fault for fault in faults_summary(connection) if fault["down"] or fault["deliver_twice"]]
    except RedisError:
        return None
    finally:
        connection.close()


def _check(*, sku, quantity, count, policy) -> None:
    """What order_place does not check: the count, the policy's type, and stock for every order at once."""
    errors = {}
    if not is_whole(count, 1, MAX_PER_PATTERN):
        errors["count"] = f"Must be a whole number from 1 to {MAX_PER_PATTERN} (orders per pattern)."
    if policy is not None and not isinstance(policy, dict):
        errors["policy"] = 'Must be null or an object: {"*" or a step id: {setting: value}}.'
    if not errors and isinstance(sku, str) and is_whole(quantity, 1, 10**9):
        stock = Product.objects.filter(sku=sku).values_list("stock", flat=True).first()
        needed = quantity * count * 2
        if stock is not None and stock < needed:
            errors["quantity"] = f"Only {stock} of {sku} left in stock; {count} orders per pattern need {needed}."
    if errors:
        raise ValidationError(errors)


def comparison_start(
    *,
    sku: str,
    quantity: int,
    customer_email: str,
    count: int,
    region: str = "north",
    workflow: str = DEFAULT_DESIGN,
    policy: dict | None = None,
    created_by=None,
) -> Comparison:
    """Place `count` identical orders per pattern, in pairs (one of each, the first of a pair alternating),
    so that both patterns meet the same queues and faults; record the faults in force.

    Raises ValidationError (by field) when not even the first order can be placed; if a later order
    cannot be (stock taken meanwhile), the comparison keeps what was placed and says why in `stopped`.
    """
    _check(sku=sku, quantity=quantity, count=count, policy=policy)
    faults = faults_in_force()
    placed: list[tuple[int, object]] = []
    stopped: dict[str, str] = {}
    for index in range(count):
        try:
            result = burst_place(
                count=2,
                pattern=BOTH,
                offset=index % 2,
                sku=sku,
                quantity=quantity,
                customer_email=customer_email,
                region=region,
                design=workflow,
                policy_overrides=policy or None,
            )
        except ValidationError as error:
            if not placed:
                raise
            stopped = {name: " ".join(messages) for name, messages in error.message_dict.items()}
            break
        placed += [(index, order) for order in result.placed]
        if result.stopped:
            stopped = result.stopped
            break
    with transaction.atomic():
        comparison = Comparison.objects.create(
            created_by=created_by if created_by is not None and created_by.is_authenticated else None,
            sku=sku,
            quantity=quantity,
            customer_email=customer_email,
            region=region,
            workflow=workflow,
            policy=policy or None,
            count=count,
            faults=faults,
            stopped=stopped,
        )
        ComparisonRun.objects.bulk_create(
            ComparisonRun(comparison=comparison, run_id=order.run_id, pattern=order.pattern, index=index)
            for index, order in placed
        )
    return comparison
