"""A comparison: the same order (or the same input) run N times through each pattern, under the same faults."""

import uuid

from django.conf import settings
from django.db import models

from workflowviz.engine.models import Pattern, Run


class Comparison(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # An order (designs started by OrderPlaced) …
    sku = models.CharField(max_length=64, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    customer_email = models.EmailField(max_length=254, blank=True)
    region = models.CharField(max_length=16, blank=True)
    # … or the trigger's input (any other design).
    input = models.JSONField(
        null=True, blank=True, help_text="The trigger's input, for designs not started by an order."
    )
    workflow = models.SlugField(max_length=80)
    policy = models.JSONField(null=True, blank=True, help_text="Step policy overrides given to every order.")
    count = models.PositiveSmallIntegerField(help_text="Orders per pattern.")
    faults = models.JSONField(
        null=True,
        blank=True,
        help_text="The fault switches on when it started: [{service, down, deliver_twice}]; null if unknown.",
    )
    stopped = models.JSONField(default=dict, blank=True, help_text="Why fewer orders were placed, by field.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.workflow} ×{self.count} per pattern ({self.created_at:%Y-%m-%d %H:%M})"


class ComparisonRun(models.Model):
    """One run of a comparison: the `index`-th order of its pattern (same index, same conditions)."""

    comparison = models.ForeignKey(Comparison, on_delete=models.CASCADE, related_name="runs")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+")
    pattern = models.CharField(max_length=16, choices=Pattern.choices)
    index = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["index", "pattern"]
        constraints = [
            models.UniqueConstraint(fields=["comparison", "pattern", "index"], name="one_run_per_pattern_and_index")
        ]

    def __str__(self):
        return f"{self.pattern} #{self.index + 1}"
