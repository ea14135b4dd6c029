from django.db import models


class EmailKind(models.TextChoices):
    ORDER_CONFIRMATION = "order_confirmation"
    SHIPPED = "shipped"
    CANCELLATION = "cancellation"
    RECOMMENDATIONS = "recommendations"
    LOGIN_CODE = "login_code"
    BACKORDER = "backorder"


class Email(models.Model):
    """One email sent to a buyer; at most one of each kind per order."""

    kind = models.CharField(max_length=32, choices=EmailKind.choices)
    # Empty for emails that belong to no order (a sign-in code).
    order_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
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


class LoginCode(models.Model):
    """A one-time sign-in code: only its keyed digest is kept; the code itself travels by email only."""

    login_id = models.CharField(max_length=36, unique=True, help_text="The login attempt (its run's id).")
    email = models.EmailField()
    code_digest = models.CharField(max_length=64)
    entered_digest = models.CharField(max_length=64, blank=True, help_text="Digest of the code the user typed.")
    entered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"login code for {self.email} ({'verified' if self.verified_at else 'pending'})"
