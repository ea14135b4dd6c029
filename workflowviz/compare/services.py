"""Starting a comparison: the same order (or input), N times per pattern, in pairs under the same faults."""

from types import SimpleNamespace

import redis
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from redis.exceptions import RedisError

from orders.bursts import BOTH, burst_place
from orders.models import Product
from orders.services import DEFAULT_DESIGN
from workflowviz.engine.designs import UnknownDesign
from workflowviz.engine.faults import faults_summary
from workflowviz.engine.models import Pattern
from workflowviz.engine.runs import BadInput, BadOverrides, run_start
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


def _runs_start(*, workflow: str, data, count: int, policy: dict | None) -> tuple[list, dict]:
    """`count` runs per pattern of any design with the same input, in pairs like the orders below."""
    if not is_whole(count, 1, MAX_PER_PATTERN):
        raise ValidationError({"count": f"Must be a whole number from 1 to {MAX_PER_PATTERN} (runs per pattern)."})
    started = []
    for index in range(count):
        pair = [Pattern.ORCHESTRATION, Pattern.CHOREOGRAPHY][:: 1 if index % 2 == 0 else -1]
        for pattern in pair:
            try:
                run = run_start(workflow=workflow, pattern=pattern, data=data, policy_overrides=policy or None)
            except BadInput as bad:
                raise ValidationError(bad.problems) from None
            except BadOverrides as bad:
                raise ValidationError({f"policy.{k}": v for k, v in bad.problems.items()}) from None
            except UnknownDesign as error:
                raise ValidationError({"workflow": f"No runnable design '{workflow[:64]}': {error}"}) from None
            started.append((index, SimpleNamespace(run_id=run.id, pattern=pattern)))
    return started, {}


def _orders_place(*, sku, quantity, customer_email, region, workflow, count, policy) -> tuple[list, dict]:
    """Place `count` identical orders per pattern, in pairs (one of each, the first of a pair alternating).
    If a later order cannot be placed (stock taken meanwhile), what was placed stays, with why."""
    _check(sku=sku, quantity=quantity, count=count, policy=policy)
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
    return placed, stopped


def comparison_start(
    *,
    count: int,
    workflow: str = DEFAULT_DESIGN,
    policy: dict | None = None,
    input: dict | None = None,
    sku: str = "",
    quantity: int | None = None,
    customer_email: str = "",
    region: str = "north",
    created_by=None,
) -> Comparison:
    """Run the same order (or, for a design not started by an order, the same `input`) `count` times per
    pattern, in pairs, so that both patterns meet the same queues and faults; record the faults in force.

    Raises ValidationError (by field) when not even the first run can start.
    """
    faults = faults_in_force()
    if input is not None:
        placed, stopped = _runs_start(workflow=workflow, data=input, count=count, policy=policy)
        sku, quantity, customer_email, region = "", None, "", ""
    else:
        placed, stopped = _orders_place(
            sku=sku, quantity=quantity, customer_email=customer_email, region=region, workflow=workflow,
            count=count, policy=policy,
        )  # fmt: skip
    with transaction.atomic():
        comparison = Comparison.objects.create(
            created_by=created_by if created_by is not None and created_by.is_authenticated else None,
            sku=sku,
            quantity=quantity,
            customer_email=customer_email,
            region=region,
            input=input,
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
