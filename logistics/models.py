from django.core.validators import MinValueValidator
from django.db import models


class DeliveryPartner(models.Model):
    name = models.CharField(max_length=120, unique=True)
    region = models.CharField(max_length=16, db_index=True)
    capacity = models.PositiveIntegerField(help_text="How many open shipments the partner can carry at once.")
    delivery_seconds = models.FloatField(
        default=20.0,
        validators=[MinValueValidator(0.0)],
        help_text="Simulated time from assignment to delivery; a delivered shipment frees its capacity.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["region", "name"]

    def __str__(self):
        return f"{self.name} ({self.region})"


class ShipmentStatus(models.TextChoices):
    ASSIGNED = "assigned"
    PICKED_UP = "picked_up"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


OPEN_SHIPMENT_STATUSES = [ShipmentStatus.ASSIGNED, ShipmentStatus.PICKED_UP]


class Shipment(models.Model):
    order_id = models.PositiveBigIntegerField(unique=True)
    partner = models.ForeignKey(DeliveryPartner, on_delete=models.PROTECT, related_name="shipments")
    region = models.CharField(max_length=16)
    quantity = models.PositiveIntegerField()
    tracking_number = models.CharField(max_length=24, unique=True)
    status = models.CharField(max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.ASSIGNED)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True, help_text="Assigned + the partner's delivery time.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.tracking_number} (order {self.order_id})"
