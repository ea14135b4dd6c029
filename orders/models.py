from django.db import models


class Region(models.TextChoices):
    NORTH = "north"
    SOUTH = "south"
    EAST = "east"
    WEST = "west"


class Product(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)
    # Sellers are known to Orders only by their code; the Sellers service owns the seller records.
    seller_code = models.CharField(max_length=32)

    class Meta:
        ordering = ["sku"]

    def __str__(self):
        return f"{self.sku} {self.name}"


# A burst chunk's reference is short ("u<user>:k<Idempotency-Key row>:<index>"); room for other clients' own.
CLIENT_REF_MAX_LENGTH = 100


class OrderStatus(models.TextChoices):
    PLACED = "placed"
    FULFILLED = "fulfilled"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Order(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveIntegerField()
    customer_email = models.EmailField()
    region = models.CharField(max_length=16, choices=Region.choices, default=Region.NORTH)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED, db_index=True)
    pattern = models.CharField(max_length=16)
    run_id = models.UUIDField(null=True, blank=True, db_index=True, help_text="The run that fulfils this order.")
    client_ref = models.CharField(
        max_length=CLIENT_REF_MAX_LENGTH,
        null=True,
        blank=True,
        unique=True,
        help_text="A client's reference for this order: the same reference never places a second order.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Order {self.pk} ({self.status})"
