from django.db import models


class EmailKind(models.TextChoices):
    ORDER_CONFIRMATION = "order_confirmation"
    SHIPPED = "shipped"


class Email(models.Model):
    """One email sent to a buyer; at most one of each kind per order."""

    kind = models.CharField(max_length=32, choices=EmailKind.choices)
    order_id = models.PositiveBigIntegerField(db_index=True)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order_id", "kind"], name="one_email_of_a_kind_per_order")]
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} to {self.to} (order {self.order_id})"
