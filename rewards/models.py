from django.db import models


class RewardAccount(models.Model):
    """A buyer's loyalty account, known by email: Rewards keeps its own view of customers."""

    customer_email = models.EmailField(unique=True)
    points_balance = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer_email"]

    def __str__(self):
        return f"{self.customer_email} ({self.points_balance} points)"


class EntryReason(models.TextChoices):
    ORDER_PLACED = "order_placed"


class PointsEntry(models.Model):
    """Points credited to an account; at most one entry per order and reason."""

    account = models.ForeignKey(RewardAccount, on_delete=models.PROTECT, related_name="entries")
    order_id = models.PositiveBigIntegerField(db_index=True)
    reason = models.CharField(max_length=32, choices=EntryReason.choices, default=EntryReason.ORDER_PLACED)
    points = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order_id", "reason"], name="one_points_entry_per_order")]
        ordering = ["-created_at"]
        verbose_name_plural = "points entries"

    def __str__(self):
        return f"+{self.points} for order {self.order_id}"
