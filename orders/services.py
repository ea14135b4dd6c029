"""Orders' business logic: placing an order and following its run to the end."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from workflowviz.contracts import OrderPlaced
from workflowviz.engine.designs import UnknownDesign
from workflowviz.engine.models import Pattern, Run, RunStatus
from workflowviz.engine.runs import BadOverrides, run_create

from .models import Order, OrderStatus, Product, Region
from .signals import order_placed

MAX_QUANTITY = 1000
# The design an order runs unless another is named: the shop's reference workflow.
DEFAULT_DESIGN = "order-fulfilment"


def _storable_text(value) -> bool:
    """A string the database can store: JSON may carry NULs and lone surrogates, which it cannot."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def order_validate(*, sku, quantity, customer_email, pattern, region) -> dict[str, str]:
    """Every problem with an order's fields, by field name (empty when the order can be placed)."""
    errors = {}
    if not isinstance(sku, str) or not sku:
        errors["sku"] = "Required: the SKU of a product in the catalogue."
    elif not _storable_text(sku) or not Product.objects.filter(sku=sku).exists():
        errors["sku"] = f"No product has SKU '{sku[:40]}'."
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        errors["quantity"] = "Must be a whole number."
    elif not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = f"Must be between 1 and {MAX_QUANTITY}."
    try:
        if not _storable_text(customer_email) or len(customer_email) > 254:
            raise ValidationError("bad")
        validate_email(customer_email)
    except ValidationError:
        errors["customer_email"] = "Must be a valid email address."
    if pattern not in Pattern.values:
        errors["pattern"] = f"Must be one of: {', '.join(Pattern.values)}."
    if region not in Region.values:
        errors["region"] = f"Must be one of: {', '.join(Region.values)}."
    return errors


def order_place(
    *,
    sku: str,
    quantity: int,
    customer_email: str,
    pattern: str,
    region: str = Region.NORTH,
    design: str = DEFAULT_DESIGN,
    latency_ms: list[int] | None = None,
    policy_overrides: dict | None = None,
    client_ref: str | None = None,
) -> Order:
    """Take stock, write the order and its run, and announce it; all in one transaction.

    With a `client_ref` (Order.client_ref), an order placed before with that reference is returned as it is:
    nothing is placed or taken from stock again. Raises ValidationError with a message per field when the
    order cannot be placed.
    """
    if client_ref is not None:
        existing = Order.objects.filter(client_ref=client_ref).first()
        if existing:
            return existing
    try:
        return _order_place(
            sku=sku,
            quantity=quantity,
            customer_email=customer_email,
            pattern=pattern,
            region=region,
            design=design,
            latency_ms=latency_ms,
            policy_overrides=policy_overrides,
            client_ref=client_ref,
        )
    except IntegrityError:
        # Another request placed this reference since we looked: its transaction won, ours (stock
        # included) was rolled back.
        existing = client_ref and Order.objects.filter(client_ref=client_ref).first()
        if not existing:
            raise
        return existing


def _order_place(
    *, sku, quantity, customer_email, pattern, region, design, latency_ms, policy_overrides, client_ref, rerun_of=None
) -> Order:
    errors = order_validate(sku=sku, quantity=quantity, customer_email=customer_email, pattern=pattern, region=region)
    if not _storable_text(design):
        errors["workflow"] = "Must be the name of a workflow design."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(sku=sku)
        if product.stock < quantity:
            raise ValidationError({"quantity": f"Only {product.stock} of {sku} left in stock."})
        product.stock -= quantity
        product.save(update_fields=["stock"])
        total = (product.price * quantity).quantize(Decimal("0.01"))
        order = Order.objects.create(
            product=product,
            quantity=quantity,
            customer_email=customer_email,
            region=region,
            total=total,
            pattern=pattern,
            client_ref=client_ref,
        )
        try:
            run = run_create(
                pattern=pattern,
                design_slug=design,
                order_id=order.pk,
                latency_ms=latency_ms,
                policy_overrides=policy_overrides,
                trigger=OrderPlaced.name(),
                rerun_of=rerun_of,
            )
        except UnknownDesign:
            raise ValidationError(
                {"workflow": f"No workflow design '{str(design)[:80]}' that starts when an order is placed."}
            ) from None
        except BadOverrides as bad:
            raise ValidationError({f"policy.{path}": problem for path, problem in bad.problems.items()}) from None
        order.run_id = run.id
        order.save(update_fields=["run_id"])
        event = OrderPlaced(
            order_id=order.pk,
            customer_email=customer_email,
            sku=sku,
            product_name=product.name,
            quantity=quantity,
            total=str(total),
            seller_code=product.seller_code,
            region=region,
        )
        order_placed.send(sender=Order, order=order, run=run, event=event)
    return order


def order_place_again(*, run: Run) -> Order:
    """A new order with the same content as the order `run` fulfilled (product, quantity, buyer, region),
    run by the same design version and graph, its run linked to `run`; stock is taken again.
    Raises ValidationError when it cannot be placed (the order is gone, not enough stock left)."""
    order = Order.objects.select_related("product").filter(pk=run.order_id).first()
    if order is None:
        raise ValidationError(
            {"run_id": f"Its order #{run.order_id} no longer exists: there is nothing to place again."}
        )
    return _order_place(
        sku=order.product.sku,
        quantity=order.quantity,
        customer_email=order.customer_email,
        pattern=run.pattern,
        region=order.region,
        design=run.design_slug,
        latency_ms=None,
        policy_overrides=None,
        client_ref=None,
        rerun_of=run,
    )


ORDER_STATUS_FOR_RUN = {
    RunStatus.SUCCEEDED: OrderStatus.FULFILLED,
    RunStatus.FAILED: OrderStatus.FAILED,
    RunStatus.COMPENSATED: OrderStatus.CANCELLED,
}


def order_follow_run(*, order_id: int, run_status: str) -> None:
    status = ORDER_STATUS_FOR_RUN.get(run_status)
    if status:
        Order.objects.filter(pk=order_id).update(status=status)
