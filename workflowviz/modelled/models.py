"""Services and actions declared in the browser, without code. Each declared service also gets a table
of its own for the records its actions keep (see tables.py)."""

from django.conf import settings
from django.db import models


class DeclaredService(models.Model):
    name = models.CharField(max_length=40, unique=True, help_text="Also its queue's name and its lane.")
    label = models.CharField(max_length=60)
    colour = models.CharField(max_length=7, help_text="#rrggbb")
    description = models.TextField(blank=True)
    events = models.JSONField(
        default=list, blank=True, help_text="Events it publishes that can start runs: [{name, fields}]."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="Deleted: no queue or worker any more; its records table is kept."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DeclaredAction(models.Model):
    service = models.ForeignKey(DeclaredService, on_delete=models.CASCADE, related_name="actions")
    name = models.CharField(max_length=80)
    definition = models.JSONField(
        help_text="inputs, outcomes, how an outcome is picked, latency, failure, compensation, idempotency."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="one_action_name_per_service")]
        ordering = ["service", "name"]

    def __str__(self):
        return self.key

    @property
    def key(self) -> str:
        return f"{self.service.name}.{self.name}"
