from django.db import models


class Seller(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    email = models.EmailField()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class StockLevel(models.Model):
    """What the seller has on hand of one product, and what orders reserved of it."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="stock")
    sku = models.CharField(max_length=32)
    on_hand = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "sku"], name="one_stock_level_per_product")]
        ordering = ["seller", "sku"]

    def __str__(self):
        return f"{self.seller.code} {self.sku}: {self.on_hand}"


class StockReservation(models.Model):
    """Units of one order set aside by the seller; released when the order is undone."""

    order_id = models.PositiveBigIntegerField(unique=True)
    level = models.ForeignKey(StockLevel, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField()
    released = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"order {self.order_id}: {self.quantity} x {self.level.sku}{' (released)' if self.released else ''}"


class TaskStatus(models.TextChoices):
    REQUESTED = "requested"
    PREPARING = "preparing"
    READY = "ready"
    CANCELLED = "cancelled"


class SellerTask(models.Model):
    """The seller's to-do: prepare the shipment of one order."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="tasks")
    order_id = models.PositiveBigIntegerField(unique=True)
    sku = models.CharField(max_length=32)
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.REQUESTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Prepare order {self.order_id} ({self.status})"
