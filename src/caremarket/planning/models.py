"""Named sufficiency scenarios a council's commissioners save, run and compare."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from caremarket.places.models import LocalAuthority


class Scenario(models.Model):
    """A set of demand models and supply figures for a council, run by the sufficiency engine.

    `demand_models` holds the engine's model list exactly as `caremarket calc sufficiency`
    takes it, so a scenario can be exported, run from the command line and re-imported.
    """

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="scenarios"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    years = models.JSONField(default=list)
    demand_models = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["local_authority", "name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="unique_scenario_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.local_authority})"

    def get_absolute_url(self) -> str:
        return reverse(
            "planning:scenario", kwargs={"council": self.local_authority.slug, "pk": self.pk}
        )
