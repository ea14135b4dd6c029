"""Message contracts: the only thing the service apps share.

Commands are imperative ("do this"), events are past tense ("this happened"). Each is a small,
dependency-free dataclass; messages travel as the JSON of its fields.
"""

from dataclasses import asdict, dataclass, fields

SERVICES = ("orders", "notifications", "sellers", "logistics")


class Message:
    """Base for every contract: a name, and conversion to and from plain JSON data."""

    @classmethod
    def name(cls) -> str:
        return cls.__name__

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def from_data(cls, data: dict):
        """Build the message from a run's data, taking only the fields this contract names."""
        return cls(**{name: data[name] for name in cls.field_names()})

    def to_data(self) -> dict:
        return asdict(self)


# --- Orders ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OrderPlaced(Message):
    order_id: int
    customer_email: str
    sku: str
    product_name: str
    quantity: int
    total: str
    seller_code: str
    region: str


# --- Notifications --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SendOrderConfirmation(Message):
    order_id: int
    customer_email: str
    product_name: str
    quantity: int
    total: str


@dataclass(frozen=True)
class OrderConfirmationSent(Message):
    order_id: int
    confirmation_email_id: int


@dataclass(frozen=True)
class SendShippedEmail(Message):
    order_id: int
    customer_email: str
    partner_name: str
    tracking_number: str


@dataclass(frozen=True)
class ShippedEmailSent(Message):
    order_id: int
    shipped_email_id: int


# --- Sellers --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PrepareShipment(Message):
    order_id: int
    seller_code: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class ShipmentPreparationRequested(Message):
    order_id: int
    seller_task_id: int


# --- Logistics ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AssignDeliveryPartner(Message):
    order_id: int
    region: str
    quantity: int


@dataclass(frozen=True)
class DeliveryPartnerAssigned(Message):
    order_id: int
    shipment_id: int
    partner_name: str
    tracking_number: str
