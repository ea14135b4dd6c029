"""Message contracts: the only thing the service apps share.

Commands are imperative ("do this"), events are past tense ("this happened"). Each is a small,
dependency-free dataclass; messages travel as the JSON of its fields.
"""

from dataclasses import MISSING, asdict, dataclass, fields


class NoRoomYet(Exception):
    """A service has no room for the work now (every delivery partner is full) but will have later: the
    engine waits and asks again, within the step's policy, instead of failing the step."""


class Message:
    """Base for every contract: a name, and conversion to and from plain JSON data."""

    @classmethod
    def name(cls) -> str:
        return cls.__name__

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def required_field_names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING]

    @classmethod
    def from_data(cls, data: dict):
        """Build the message from a run's data, taking only the fields this contract names (a field
        with a default may be absent)."""
        return cls(**{name: data[name] for name in cls.field_names() if name in data})

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


# The seller's decision: is the order in stock (reserve it) or short (backorder)?
@dataclass(frozen=True)
class ReserveStock(Message):
    order_id: int
    seller_code: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class StockReserved(Message):
    order_id: int
    stock_reservation_id: int


@dataclass(frozen=True)
class StockShort(Message):
    """The seller has fewer than ordered: the order waits for a delivery from the seller's supplier."""

    order_id: int
    short_by: int


@dataclass(frozen=True)
class ReleaseStock(Message):
    order_id: int


@dataclass(frozen=True)
class StockReleased(Message):
    order_id: int
    stock_reservation_id: int | None


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


# --- Compensation: undoing a step after the run failed for good ---------------------------------
@dataclass(frozen=True)
class OrderCancelled(Message):
    """Choreography's failure event: the failing service tells everyone; whoever acted undoes it."""

    order_id: int
    failed_step: str
    reason: str


@dataclass(frozen=True)
class SendOrderCancellation(Message):
    order_id: int
    customer_email: str


@dataclass(frozen=True)
class SendBackorderNotice(Message):
    order_id: int
    customer_email: str
    product_name: str
    short_by: int


@dataclass(frozen=True)
class BackorderNoticeSent(Message):
    order_id: int
    backorder_email_id: int


@dataclass(frozen=True)
class OrderCancellationSent(Message):
    order_id: int
    cancellation_email_id: int


@dataclass(frozen=True)
class CancelShipmentPreparation(Message):
    order_id: int


@dataclass(frozen=True)
class ShipmentPreparationCancelled(Message):
    order_id: int
    seller_task_id: int | None


@dataclass(frozen=True)
class CancelShipment(Message):
    order_id: int


@dataclass(frozen=True)
class ShipmentCancelled(Message):
    order_id: int
    shipment_id: int | None


# --- Recommendations enrichment: several services add to one email (fan-out, fan-in) ------------
@dataclass(frozen=True)
class SuggestProducts(Message):
    order_id: int
    seller_code: str
    sku: str


@dataclass(frozen=True)
class ProductsSuggested(Message):
    order_id: int
    suggested_skus: list[str]


@dataclass(frozen=True)
class EstimateDelivery(Message):
    order_id: int
    region: str


@dataclass(frozen=True)
class DeliveryEstimated(Message):
    order_id: int
    delivery_days: int


@dataclass(frozen=True)
class SendRecommendations(Message):
    order_id: int
    customer_email: str
    product_name: str
    suggested_skus: list[str]
    delivery_days: int
    points_quote: int


@dataclass(frozen=True)
class RecommendationsSent(Message):
    order_id: int
    recommendations_email_id: int


# --- Rewards: a subscriber that joined later, unknown to Orders ---------------------------------
@dataclass(frozen=True)
class AwardOrderPoints(Message):
    order_id: int
    customer_email: str
    total: str


@dataclass(frozen=True)
class PointsAwarded(Message):
    order_id: int
    points_entry_id: int


@dataclass(frozen=True)
class QuotePoints(Message):
    order_id: int
    customer_email: str
    total: str


@dataclass(frozen=True)
class PointsQuoted(Message):
    order_id: int
    points_quote: int
    points_balance: int


# --- Login with a one-time code ------------------------------------------------------------------
@dataclass(frozen=True)
class LoginRequested(Message):
    """The trigger of the login-otp design: someone asked to sign in with a code sent by email."""

    login_id: str
    email: str


@dataclass(frozen=True)
class SendLoginCode(Message):
    login_id: str
    email: str


@dataclass(frozen=True)
class LoginCodeSent(Message):
    login_id: str
    login_code_id: int
    expires_at: str


@dataclass(frozen=True)
class VerifyLoginCode(Message):
    """Check the code the user entered; it reaches the waiting check in its message (empty until then)."""

    login_id: str
    entered_code: str = ""


@dataclass(frozen=True)
class LoginCodeVerified(Message):
    login_id: str
    login_code_id: int
