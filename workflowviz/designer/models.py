"""Designs as data: a design and its versions. A version is immutable once a run used it."""

from django.conf import settings
from django.db import models


class Design(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120, help_text="The latest version's name.")
    builtin = models.BooleanField(default=False, help_text="Shipped with workflowviz (kept up to date by code).")
    # Who created it (a copy belongs to whoever copied); a built-in has none. Only an admin may publish
    # a new version of a built-in: everyone else copies it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="designs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.slug


class VersionOrigin(models.TextChoices):
    BUILTIN = "builtin"
    EDITOR = "editor"
    API = "api"


class DesignVersion(models.Model):
    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField(help_text="name, description, trigger and steps, as the JSON format has them.")
    origin = models.CharField(max_length=16, choices=VersionOrigin.choices, default=VersionOrigin.API)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used = models.BooleanField(default=False, help_text="A run used it: it can no longer change.")
    first_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["design", "number"], name="one_version_number_per_design")]
        ordering = ["design", "-number"]

    def __str__(self):
        return f"{self.design.slug} v{self.number}"
