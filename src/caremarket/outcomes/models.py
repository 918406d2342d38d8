"""Client Level Data as a council submitted it, pseudonymised, with the import it came from.

Only the columns DHSC's ASCOF method reads are kept. NHS numbers and local person ids (and the
cared-for people's ids on carers' rows) are stored only as keyed hashes (`pseudonym`), dates of
birth only as year and month, and postcodes not at all.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

#: Shortest retention that still lets a year be measured: 12 months before it (2B and 2C look
#: back a year), the year, and 3 months after it (2A's sequels).
MIN_RETENTION_MONTHS = 27


class OutcomesSettings(models.Model):
    """One council's choices for its Client Level Data; a council without a row uses defaults."""

    local_authority = models.OneToOneField(
        "places.LocalAuthority", on_delete=models.CASCADE, related_name="outcomes_settings"
    )
    #: `caremarket outcomes purge` deletes submissions whose period ended longer ago than this.
    cld_retention_months = models.PositiveSmallIntegerField(
        default=48,
        validators=[MinValueValidator(MIN_RETENTION_MONTHS), MaxValueValidator(1200)],
        help_text="Client Level Data is deleted this many months after its reporting period "
        f"ends (at least {MIN_RETENTION_MONTHS}, so a year can still be measured).",
    )
    #: The council's own deadline for answering a complaint, in working days (England's bank
    #: holidays excluded; see `rules.working_days`).
    complaint_deadline_working_days = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Complaints are to be answered within this many working days of receipt.",
    )

    class Meta:
        verbose_name_plural = "outcomes settings"

    def __str__(self) -> str:
        return f"Outcomes settings for {self.local_authority}"


class CldSubmission(models.Model):
    """One submission: the rows of one import that state the same reporting period."""

    local_authority = models.ForeignKey(
        "places.LocalAuthority", on_delete=models.CASCADE, related_name="cld_submissions"
    )
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.PROTECT, related_name="cld_submissions"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["imported_at", "period_end", "period_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["import_run", "period_start", "period_end"],
                name="unique_cld_submission_period",
            )
        ]

    def __str__(self) -> str:
        return f"CLD {self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"


class CldEvent(models.Model):
    """One row of a CLD file (one event of one person)."""

    submission = models.ForeignKey(CldSubmission, on_delete=models.CASCADE, related_name="events")
    source_row = models.PositiveIntegerField()
    la_code = models.CharField(max_length=9)
    nhs_pseudonym = models.CharField(max_length=64, blank=True)
    local_pseudonym = models.CharField(max_length=64, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=200, blank=True)
    client_type = models.CharField(max_length=200, blank=True)
    primary_support_reason = models.CharField(max_length=200, blank=True)
    accommodation_status = models.CharField(max_length=200, blank=True)
    event_type = models.CharField(max_length=200, blank=True)
    event_start = models.DateField(null=True, blank=True)
    event_end = models.DateField(null=True, blank=True)
    event_outcome = models.CharField(max_length=200, blank=True)
    request_route = models.CharField(max_length=200, blank=True)
    assessment_type = models.CharField(max_length=200, blank=True)
    service_type = models.CharField(max_length=200, blank=True)
    service_component = models.CharField(max_length=200, blank=True)
    delivery_mechanism = models.CharField(max_length=200, blank=True)
    linked_pseudonyms = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["submission", "source_row"])]

    def __str__(self) -> str:
        return f"{self.event_type or 'event'} on line {self.source_row}"


class Target(models.Model):
    """A council's target for one figure (a measure, its breakdown row) in one period.

    ASCOF targets name the measure as ``ascof_2a`` and the row by its label on the ASCOF page
    ("All ages"). Set and changed on the staff targets page; every change is in the audit log.
    """

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        EXACT = "exact", "Hit exactly"

    local_authority = models.ForeignKey(
        "places.LocalAuthority", on_delete=models.CASCADE, related_name="targets"
    )
    measure = models.CharField(max_length=80)
    dimension = models.CharField(max_length=120, default="all")
    category = models.CharField(max_length=200, default="Total")
    period = models.CharField(max_length=20)
    value = models.FloatField()
    direction = models.CharField(max_length=10, choices=Direction.choices)
    #: How far on the wrong side still counts as near, in the measure's own units.
    tolerance = models.FloatField(default=0)
    #: Where the target comes from ("Local Account 2020-21, section 8"), or why it was set.
    source = models.CharField(max_length=300, blank=True)
    set_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["local_authority", "measure", "dimension", "category", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "measure", "dimension", "category", "period"],
                name="unique_target",
            )
        ]

    def __str__(self) -> str:
        return f"Target for {self.measure} {self.category} {self.period}: {self.value:g}"


class SafeguardingFigure(models.Model):
    """One count of a council's yearly safeguarding return or DoLS figures (see
    `rules.safeguarding` for the measures, breakdowns and categories)."""

    local_authority = models.ForeignKey(
        "places.LocalAuthority", on_delete=models.CASCADE, related_name="safeguarding_figures"
    )
    year = models.CharField(max_length=7)  # 2020/21
    measure = models.CharField(max_length=30)
    breakdown = models.CharField(max_length=20)
    category = models.CharField(max_length=40)
    value = models.PositiveIntegerField()
    source = models.TextField()
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()

    class Meta:
        ordering = ["local_authority", "year", "measure", "breakdown", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "year", "measure", "breakdown", "category"],
                name="unique_safeguarding_figure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.breakdown}={self.category} {self.year}: {self.value}"

    def where(self) -> str:
        return f"{self.import_run.file_name} line {self.source_row}"


class Feedback(models.Model):
    """One compliment, complaint or comment in the council's log. No personal data: no names,
    addresses or details of what happened, only what the yearly summary counts."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        COMPLIMENT = "compliment", "Compliment"
        COMMENT = "comment", "Comment"

    class Upheld(models.TextChoices):
        FULLY = "fully", "Upheld"
        PARTLY = "partly", "Partly upheld"
        NOT = "not", "Not upheld"

    local_authority = models.ForeignKey(
        "places.LocalAuthority", on_delete=models.CASCADE, related_name="feedback"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    #: The council's own case reference, if it has one (never a name).
    reference = models.CharField(max_length=40, blank=True)
    received = models.DateField()
    service_area = models.CharField(max_length=100)
    upheld = models.CharField(max_length=10, choices=Upheld.choices, blank=True)
    responded = models.DateField(null=True, blank=True)
    #: Entries made up for the demonstration, labelled so on every page.
    invented = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["local_authority", "-received", "-id"]
        indexes = [models.Index(fields=["local_authority", "received"])]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} received {self.received:%d %b %Y}"
