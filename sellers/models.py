from django.db import models


class Seller(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    email = models.EmailField()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


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
