"""Demo data for every service. The project level may know all services; the services never know each other."""

from decimal import Decimal

from logistics.models import DeliveryPartner
from orders.models import Product
from sellers.models import Seller, StockLevel

SELLERS = [
    ("acme", "Acme Outfitters", "orders@acme.example"),
    ("brightbooks", "Bright Books", "shop@brightbooks.example"),
    ("nordic", "Nordic Home", "hello@nordichome.example"),
]
PRODUCTS = [
    ("TENT-2P", "Two-person tent", "189.00", "acme"),
    ("BOOT-42", "Hiking boots (42)", "129.50", "acme"),
    ("LAMP-01", "Head lamp", "24.90", "acme"),
    ("BOOK-DDD", "Domain-Driven Design", "54.00", "brightbooks"),
    ("BOOK-EIP", "Enterprise Integration Patterns", "49.00", "brightbooks"),
    ("MUG-BLUE", "Blue stoneware mug", "14.00", "nordic"),
    ("RUG-WOOL", "Wool rug 160x230", "340.00", "nordic"),
]
# name, region, capacity (open shipments at once), delivery time in seconds (then the room is free again):
# short enough that a burst waits for room seconds at a time, not minutes.
PARTNERS = [
    ("Northwind Couriers", "north", 500, 20.0),
    ("Polar Express", "north", 200, 10.0),
    ("Southern Cross Freight", "south", 400, 20.0),
    ("Sunline Delivery", "south", 150, 10.0),
    ("Eastbound Logistics", "east", 300, 15.0),
    ("Westway Parcel", "west", 300, 15.0),
    ("Sunset Vans", "west", 100, 10.0),
]
DEMO_STOCK = 1_000_000
# What each seller has on hand for the stock check (order-fulfilment-stock): plenty, except a few
# rugs, so that the seller's "short" decision shows after a handful of orders.
SELLER_STOCK = {"RUG-WOOL": 3}
SELLER_STOCK_DEFAULT = 10_000


def demo_seed() -> dict[str, int]:
    for code, name, email in SELLERS:
        Seller.objects.update_or_create(code=code, defaults={"name": name, "email": email})
    for sku, name, price, seller in PRODUCTS:
        Product.objects.get_or_create(
            sku=sku, defaults={"name": name, "price": Decimal(price), "stock": DEMO_STOCK, "seller_code": seller}
        )
    for sku, _, _, seller in PRODUCTS:
        StockLevel.objects.get_or_create(
            seller=Seller.objects.get(code=seller),
            sku=sku,
            defaults={"on_hand": SELLER_STOCK.get(sku, SELLER_STOCK_DEFAULT)},
        )
    for name, region, capacity, delivery_seconds in PARTNERS:
        DeliveryPartner.objects.get_or_create(
            name=name, defaults={"region": region, "capacity": capacity, "delivery_seconds": delivery_seconds}
        )
    return {"sellers": len(SELLERS), "products": len(PRODUCTS), "delivery partners": len(PARTNERS)}
