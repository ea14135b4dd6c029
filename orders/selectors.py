from workflowviz.contracts import OrderPlaced
from workflowviz.engine.designs import UnknownDesign, design_get

from .models import Product
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
