"""A burst of orders, each placed through `order_place` in its own transaction (the dashboard's bursts and
the compare page's pairs)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from orders.models import Order
from orders.services import DEFAULT_DESIGN, order_place
from workflowviz.engine.models import Pattern

BOTH = "both"
MAX_BURST_CHUNK = 100


@dataclass
class BurstResult:
    placed: list[Order] = field(default_factory=list)
    stopped: dict[str, str] = field(default_factory=dict)


def burst_patterns(pattern: str, count: int, *, offset: int = 0) -> list[str]:
    """The pattern of each order of a burst; "both" alternates, starting from `offset`."""
    if pattern != BOTH:
        return [pattern] * count
    both = [Pattern.ORCHESTRATION.value, Pattern.CHOREOGRAPHY.value]
    return [both[(offset + index) % 2] for index in range(count)]


def burst_place(
    *,
    count: int,
    pattern: str,
    sku: str,
    quantity: int,
    customer_email: str,
    region: str,
    offset: int = 0,
    latency_ms: list[int] | None = None,
    design: str = DEFAULT_DESIGN,
    policy_overrides: dict | None = None,
    client_ref_prefix: str | None = None,
) -> BurstResult:
    """Place `count` orders, one transaction each; stop at the first order that cannot be placed.

    `design` and `policy_overrides` go to every order as they are (order_place checks them).
    With a `client_ref_prefix`, order i is given the reference f"{prefix}:{offset + i}": the same burst
    placed again (after a crash in the middle) reports the orders placed the first time and places the rest.
    Raises ValidationError when not even the first order can be placed (nothing was placed).
    """
    result = BurstResult()
    for index, each in enumerate(burst_patterns(pattern, count, offset=offset)):
        try:
            order = order_place(
                sku=sku,
                quantity=quantity,
                customer_email=customer_email,
                pattern=each,
                region=region,
                latency_ms=latency_ms,
                design=design,
                policy_overrides=policy_overrides,
                client_ref=f"{client_ref_prefix}:{offset + index}" if client_ref_prefix else None,
            )
        except ValidationError as error:
            if not result.placed:
                raise
            result.stopped = {name: " ".join(messages) for name, messages in error.message_dict.items()}
            break
        result.placed.append(order)
    return result
