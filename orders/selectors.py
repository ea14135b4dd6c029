from workflowviz.contracts import OrderPlaced
from workflowviz.engine.designs import UnknownDesign, design_get

from .models import Order, Product
from .services import DEFAULT_DESIGN


def product_list() -> list[dict]:
    return [
        {"sku": p.sku, "name": p.name, "price": str(p.price), "stock": p.stock, "seller_code": p.seller_code}
        for p in Product.objects.order_by("sku")
    ]


def default_design() -> dict | None:
    """The design an order placed without naming one runs: its key, name and version, read the way
    `order_place` reads it (the latest version of DEFAULT_DESIGN). None when there is no such design."""
    try:
        design = design_get(DEFAULT_DESIGN, trigger=OrderPlaced.name())
    except UnknownDesign:
        return None
    return {"slug": DEFAULT_DESIGN, "name": design["name"], "version": design["version"]}


def orders_business_state(refs: list) -> dict[str, dict]:
    """The order status of each run that fulfils an order (the runs explorer's business state)."""
    runs_by_order = {ref.order_id: ref.run_id for ref in refs if ref.order_id}
    statuses = Order.objects.filter(pk__in=list(runs_by_order)).values_list("pk", "status")
    return {runs_by_order[order_id]: {"order_status": status} for order_id, status in statuses}
