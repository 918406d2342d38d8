"""Supply the CQC register does not hold, and what the council will commission next."""

from __future__ import annotations

from django.db import models

from caremarket.places.models import LocalAuthority


class Scheme(models.Model):
    """Non-CQC provision a council declares: extra care and supported living schemes, shared
    lives, day opportunities, micro-providers and community groups."""

    class Kind(models.TextChoices):
        EXTRA_CARE = "extra_care", "Extra care housing"
        SUPPORTED_LIVING = "supported_living", "Supported living"
        SHARED_LIVES = "shared_lives", "Shared lives"
        DAY_OPPORTUNITY = "day_opportunity", "Day opportunity"
        MICRO_PROVIDER = "micro_provider", "Micro-provider"
        COMMUNITY_GROUP = "community_group", "Community group"
        SHELTERED_HOUSING = "sheltered_housing", "Sheltered housing"
        OTHER = "other", "Other"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="schemes"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    area = models.CharField(max_length=200, blank=True)
    units = models.PositiveIntegerField(null=True, blank=True)
    tenure = models.CharField(max_length=60, blank=True)
    operator = models.CharField(max_length=200, blank=True)
    source = models.TextField()
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()

    class Meta:
        ordering = ["local_authority", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "kind", "name"], name="unique_scheme_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class CommissioningContract(models.Model):
    """A line of the commissioning pipeline: what is re-tendered, when, and roughly for how much."""

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="pipeline"
    )
    contract = models.CharField(max_length=300)
    service = models.CharField(max_length=200)
    current_end_date = models.DateField(null=True, blank=True)
    recommissioning_date = models.DateField(null=True, blank=True)
    estimated_value_gbp = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=200, blank=True)
    source = models.TextField()
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()

    class Meta:
        ordering = ["local_authority", "recommissioning_date", "contract"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "contract"], name="unique_pipeline_contract"
            )
        ]

    def __str__(self) -> str:
        return self.contract
