"""Council figures in one tidy table, each row traced to the import (file and line) it came from.

People supported, requests, expenditure, fee rates, workforce, survey results and the rest share
one shape (`local_authority, period, measure, dimension, category, value, unit, source`), so they
live in one table with a controlled measure vocabulary (examples/figures/README.md) rather than a
table per measure: the checks, the MPS sections and the importer all work on that one shape.
"""

from __future__ import annotations

from django.db import models

from caremarket.places.models import LocalAuthority

TOTAL = "Total"


class PrevalenceRate(models.Model):
    """The share of people in an age band (and sex) with a condition, from a named study.

    `rate` is a proportion (0.012 = 1.2%), as POPPI/PANSI and CFAS II publish it. An open band
    (90+) has `age_to` NULL; NULLs are distinct in unique constraints on both databases, so the
    open band gets its own conditional constraint.
    """

    class Sex(models.TextChoices):
        ALL = "all", "All persons"
        MALE = "male", "Male"
        FEMALE = "female", "Female"

    measure = models.CharField(max_length=80, db_index=True)
    age_from = models.PositiveSmallIntegerField()
    age_to = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=6, choices=Sex.choices, default=Sex.ALL)
    rate = models.FloatField()
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=300)
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()

    class Meta:
        ordering = ["measure", "source", "sex", "age_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "age_from", "age_to", "sex", "source"],
                condition=models.Q(age_to__isnull=False),
                name="unique_prevalence_band",
            ),
            models.UniqueConstraint(
                fields=["measure", "age_from", "sex", "source"],
                condition=models.Q(age_to__isnull=True),
                name="unique_prevalence_open_band",
            ),
        ]

    def __str__(self) -> str:
        band = f"{self.age_from}+" if self.age_to is None else f"{self.age_from}-{self.age_to}"
        return f"{self.measure} {band} {self.sex}: {self.rate:g}"


class CouncilFigureQuerySet(models.QuerySet["CouncilFigure"]):
    def for_council(self, council: LocalAuthority) -> CouncilFigureQuerySet:
        return self.filter(local_authority=council)

    def measure(self, *names: str) -> CouncilFigureQuerySet:
        return self.filter(measure__in=names)


class CouncilFigure(models.Model):
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="figures"
    )
    period = models.CharField(max_length=20)  # 2023/24, 2023 or 2024-03-31
    measure = models.CharField(max_length=80, db_index=True)
    dimension = models.CharField(max_length=120)
    category = models.CharField(max_length=200)
    value = models.FloatField()
    #: Decimal places as printed ("60.0" → 1): a float forgets them; the checks need them.
    decimals = models.PositiveSmallIntegerField(default=0)
    #: For a change ("up 25% since May 2023"): the period it is measured from; else blank.
    base_period = models.CharField(max_length=20, blank=True, default="")
    unit = models.CharField(max_length=30)
    source = models.TextField()
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()

    objects = CouncilFigureQuerySet.as_manager()

    class Meta:
        ordering = ["local_authority", "measure", "dimension", "period", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "period", "measure", "dimension", "category", "source"],
                name="unique_council_figure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.dimension}={self.category} {self.period}: {self.value:g}"

    @property
    def is_total(self) -> bool:
        return self.category.split("|")[-1] == TOTAL

    def where(self) -> str:
        """Where the figure came from: file and line, for findings and tables."""
        return f"{self.import_run.file_name} line {self.source_row}"


class ExplainedFinding(models.Model):
    """Council staff's explanation of a check finding ("the ILS itself notes the age groups do
    not sum to the census total"), with who gave it and when.

    It is keyed on the finding's stable key (rule, council, measure, period and the figures
    with their values; never row ids), so it stays explained when the same figures are
    imported again and no longer applies once any of them changes.
    """

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="explained_findings"
    )
    key = models.CharField(max_length=64)
    rule = models.CharField(max_length=20)
    measure = models.CharField(max_length=80)
    period = models.CharField(max_length=20)
    #: The finding's words when it was explained, kept for the record.
    finding = models.TextField()
    explanation = models.TextField()
    explained_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    explained_by_name = models.CharField(max_length=150)
    explained_at = models.DateTimeField()

    class Meta:
        ordering = ["local_authority", "-explained_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "key"], name="unique_explained_finding"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.measure} {self.period}: explained"
