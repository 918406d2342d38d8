"""The quality register: what a council's quality assurance team knows about each location it
commissions or watches.

- `QualitySettings`: the council's concern clocks and audit rating scheme (rules.quality has the
  defaults); `Domain` and `Standard`: the council's audit standards and weights, as data.
- `ProviderRecord`: the council's own facts about a location (named officer, contracts held,
  compliance flags, business continuity plan). The register facts (name, CQC rating) stay on
  `market.Location`; `CqcRating` keeps every rating the register imports have seen.
- `Concern`: logged by staff, due in clock hours by risk, dealt with by someone, ending in a
  safeguarding referral (recorded, not run here), a notice of concern, or closed with an
  outcome. What happened and who raised it are personal data: encrypted (`details`).
- `Notice`: the escalation steps (notice of concern, rectification plan, breach, termination);
  `PlacementStop`: full or partial, with reason, start, review date and who lifted it.
- `Audit` with `AuditScore`s per standard: draft → shared with the provider (14 days for
  comments) → published; "Requires improvement" or "Poor" opens an `ActionPlan` of `Action`s.
- `Exit`: a provider leaving the market or a service closing, with the people affected.

Every record belongs to one council; a provider sees a location's records only through the
organisations its account edits (`quality.access`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from caremarket.assessments.crypto import EncryptedJSONField
from caremarket.market.models import Location
from caremarket.places.models import LocalAuthority
from caremarket.rules import quality as rules
from caremarket.rules.quality import MAX_CONCERN_HOURS

User = settings.AUTH_USER_MODEL


class QualitySettings(models.Model):
    """One council's clocks and rating scheme; a council without a row uses the defaults."""

    local_authority = models.OneToOneField(
        LocalAuthority, on_delete=models.CASCADE, related_name="quality_settings"
    )
    high_risk_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(MAX_CONCERN_HOURS)]
    )
    other_hours = models.PositiveSmallIntegerField(
        default=72, validators=[MinValueValidator(1), MaxValueValidator(MAX_CONCERN_HOURS)]
    )
    rating_scheme = models.JSONField(
        default=dict,
        blank=True,
        help_text='Empty for the default. Otherwise {"scale": [["Good", 3], …], '
        '"thresholds": [["2.5", "Good"], …], "caps": [["Poor", "Requires improvement"]]}.',
    )
    #: What happened and who raised it are erased this long after a concern is closed
    #: (`caremarket quality purge`); the rest of the record (dates, risk, outcome) stays.
    concern_retention_days = models.PositiveIntegerField(
        default=6 * 365, validators=[MinValueValidator(30), MaxValueValidator(100 * 365)]
    )

    class Meta:
        verbose_name_plural = "quality settings"

    def __str__(self) -> str:
        return f"Quality settings for {self.local_authority}"

    def clean(self) -> None:
        try:
            self.hours  # noqa: B018 - checks the clocks
            self.scheme  # noqa: B018 - checks the rating scheme
        except rules.QualityRuleError as error:
            raise ValidationError(str(error)) from error

    @classmethod
    def for_council(cls, council: LocalAuthority) -> QualitySettings:
        found = cls.objects.filter(local_authority=council).first()
        return found or cls(local_authority=council)

    @property
    def hours(self) -> rules.ConcernHours:
        return rules.ConcernHours(high=self.high_risk_hours, other=self.other_hours)

    @property
    def scheme(self) -> rules.RatingScheme:
        return (
            rules.scheme_from_data(self.rating_scheme)
            if self.rating_scheme
            else rules.DEFAULT_SCHEME
        )


class Domain(models.Model):
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="quality_domains"
    )
    name = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["local_authority", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "name"], name="unique_quality_domain"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Standard(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="standards")
    name = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["domain__position", "position"]

    def __str__(self) -> str:
        return self.name


def standards_for(council: LocalAuthority) -> list[Standard]:
    """The council's audit standards, creating the shipped default set the first time."""
    if not Domain.objects.filter(local_authority=council).exists():
        for position, (name, weight, standards) in enumerate(rules.DEFAULT_STANDARDS):
            domain = Domain.objects.create(
                local_authority=council, name=name, weight=weight, position=position
            )
            Standard.objects.bulk_create(
                Standard(domain=domain, name=s, weight=w, position=i)
                for i, (s, w) in enumerate(standards)
            )
    return list(Standard.objects.filter(domain__local_authority=council).select_related("domain"))


class ProviderRecord(models.Model):
    """The council's own facts about one location."""

    class Dspt(models.TextChoices):
        UNKNOWN = "", "Not known"
        EXCEEDED = "exceeded", "Standards exceeded"
        MET = "met", "Standards met"
        NOT_MET = "not_met", "Standards not met"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="provider_records"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="quality_records")
    officer = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contracts = models.TextField(blank=True, help_text="One contract or framework per line.")
    dspt = models.CharField(
        "Data Security and Protection Toolkit", max_length=10, blank=True, choices=Dspt.choices
    )
    asc_wds_complete = models.BooleanField(
        "Adult Social Care Workforce Data Set complete", default=False
    )
    capacity_tracker_complete = models.BooleanField("Capacity Tracker up to date", default=False)
    bcp_on_file = models.BooleanField("Business continuity plan on file", default=False)
    bcp_review_date = models.DateField(
        "Business continuity plan review date", null=True, blank=True
    )
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "location"], name="unique_provider_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.location.name} ({self.local_authority})"

    @property
    def contract_list(self) -> list[str]:
        return [line.strip() for line in self.contracts.splitlines() if line.strip()]

    def compliance_gaps(self, today: date) -> list[str]:
        gaps = []
        if self.dspt == self.Dspt.NOT_MET:
            gaps.append("Data Security and Protection Toolkit standards not met")
        if not self.asc_wds_complete:
            gaps.append("Workforce data set not complete")
        if not self.capacity_tracker_complete:
            gaps.append("Capacity Tracker not up to date")
        if not self.bcp_on_file:
            gaps.append("No business continuity plan on file")
        elif self.bcp_review_date is not None and self.bcp_review_date < today:
            gaps.append("Business continuity plan review overdue")
        return gaps


class CqcRating(models.Model):
    """A CQC overall rating a register import saw for a location (its rating history)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="cqc_ratings")
    rating = models.CharField(max_length=40)
    rating_date = models.DateField(null=True, blank=True)
    previous_rating = models.CharField(max_length=40, blank=True)
    downgrade = models.BooleanField(default=False)
    seen_at = models.DateTimeField(default=timezone.now)
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Councils whose quality team has been emailed about this downgrade
    #: (`caremarket quality downgrades`), so each is told once.
    councils_told = models.ManyToManyField(LocalAuthority, blank=True, related_name="+")
    #: Made up for the demo (whose 2016 register sample has no ratings), never by an import;
    #: imports compare new ratings with the ones they saw, not with these.
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["location", "-seen_at", "-id"]

    def __str__(self) -> str:
        return f"{self.location.name}: {self.rating}"


class Concern(models.Model):
    class Source(models.TextChoices):
        WHISTLEBLOWER = "whistleblower", "Whistleblower"
        FAMILY = "family", "Family or friend"
        PERSON = "person", "Person receiving care"
        PRACTITIONER = "practitioner", "Social care practitioner"
        HOSPITAL = "hospital", "Hospital or health professional"
        CQC = "cqc", "Care Quality Commission"
        SAFEGUARDING = "safeguarding", "Safeguarding team"
        PROVIDER = "provider", "The provider itself"
        OTHER = "other", "Someone else"

    class Risk(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Outcome(models.TextChoices):
        OPEN = "", "Open"
        SAFEGUARDING = "safeguarding", "Safeguarding referral made"
        NOTICE = "notice", "Notice of concern issued"
        CLOSED = "closed", "Closed with an outcome"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="concerns"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="concerns")
    source = models.CharField(max_length=20, choices=Source.choices)
    risk = models.CharField(max_length=10, choices=Risk.choices)
    logged_at = models.DateTimeField()
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(db_index=True)
    dealt_with_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: {"what": what happened, "raised_by": who raised it, "outcome": what was done}.
    details = EncryptedJSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_with_provider = models.BooleanField(default=False)
    #: When the quality team was emailed that it is overdue (once per concern).
    overdue_emailed_at = models.DateTimeField(null=True, blank=True)
    #: When `details` were erased at the end of the council's retention period.
    details_erased_at = models.DateTimeField(null=True, blank=True)
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["local_authority", "closed_at"])]

    def __str__(self) -> str:
        return f"Concern {self.pk} about {self.location.name}"

    @property
    def reference(self) -> str:
        return f"QC-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_open and self.due_at < (now or timezone.now())

    def set_due(self, hours: rules.ConcernHours) -> None:
        self.due_at = rules.concern_due(self.logged_at, self.risk == self.Risk.HIGH, hours)


class Notice(models.Model):
    """One step of escalation, issued to the provider (who sees it)."""

    class Kind(models.TextChoices):
        CONCERN = "concern", "Notice of concern"
        RECTIFICATION = "rectification", "Rectification plan"
        BREACH = "breach", "Notice of breach"
        TERMINATION = "termination", "Termination"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="quality_notices"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    concern = models.ForeignKey(
        Concern, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    issued_on = models.DateField()
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    respond_by = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_note = models.TextField(blank=True)
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.location.name}"


class PlacementStopQuerySet(models.QuerySet["PlacementStop"]):
    def in_force(self) -> PlacementStopQuerySet:
        return self.filter(lifted_on__isnull=True)


class PlacementStop(models.Model):
    class Scope(models.TextChoices):
        FULL = "full", "Full: no new placements"
        PARTIAL = "partial", "Partial"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="placement_stops"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="placement_stops")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    partial_detail = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    started_on = models.DateField()
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    review_on = models.DateField()
    lifted_on = models.DateField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_note = models.TextField(blank=True)
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    objects = PlacementStopQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"Placement stop at {self.location.name}"

    @property
    def describe(self) -> str:
        if self.scope == self.Scope.FULL:
            return "Full placement stop: no new placements"
        return (
            f"Partial placement stop: {self.partial_detail}"
            if self.partial_detail
            else ("Partial placement stop")
        )


class Audit(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SHARED = "shared", "Draft shared with the provider"
        PUBLISHED = "published", "Published"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="quality_audits"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="audits")
    officer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    visit_date = models.DateField()
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    shared_on = models.DateField(null=True, blank=True)
    comments_due = models.DateField(null=True, blank=True)
    provider_comments = models.TextField(blank=True)
    comments_on = models.DateField(null=True, blank=True)
    comments_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_on = models.DateField(null=True, blank=True)
    rating = models.CharField(max_length=40, blank=True)
    score = models.CharField(max_length=10, blank=True)
    reaudit_due = models.DateField(null=True, blank=True)
    #: Other councils on the instance that may read this published audit (seed 004: the
    #: provider is audited once, and every council commissioning it can rely on that).
    shared_with = models.ManyToManyField(
        LocalAuthority, blank=True, related_name="audits_shared_with"
    )
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["-visit_date", "-id"]

    def __str__(self) -> str:
        return f"Audit of {self.location.name} on {self.visit_date}"

    def result(self, scheme: rules.RatingScheme) -> rules.RatingResult:
        return rules.overall_rating(
            (
                rules.StandardScore(
                    s.standard.name, s.rating or None, s.standard.weight, s.standard.domain.weight
                )
                for s in self.scores.select_related("standard__domain")
            ),
            scheme,
        )


class AuditScore(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="scores")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=40, blank=True)  # blank: not assessed
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["standard__domain__position", "standard__position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "standard"], name="unique_audit_standard")
        ]

    def __str__(self) -> str:
        return f"{self.standard.name}: {self.rating or 'not assessed'}"


class ActionPlan(models.Model):
    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="action_plan")
    due_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Action plan for {self.audit}"

    def is_overdue(self, today: date) -> bool:
        return self.submitted_on is None and self.due_on < today


class Action(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    score = models.ForeignKey(AuditScore, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField()
    owner = models.CharField(max_length=200)
    by_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["score__standard__domain__position", "score__standard__position", "id"]

    def __str__(self) -> str:
        return self.action[:60]


class Enquiry(models.Model):
    """A Large-Scale Enquiry: a safeguarding enquiry into a whole service, with its meetings,
    actions and closure. Notes are about the service, never named people."""

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="quality_enquiries"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="enquiries")
    reason = models.TextField()
    opened_on = models.DateField()
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(blank=True)
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return f"Large-Scale Enquiry at {self.location.name}"


class EnquiryMeeting(models.Model):
    class Kind(models.TextChoices):
        STRATEGY = "strategy", "Strategy meeting"
        REVIEW = "review", "Review meeting"
        CLOSING = "closing", "Closing meeting"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    held_on = models.DateField()
    notes = models.TextField()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on}"


class EnquiryAction(models.Model):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.action[:60]


class Exit(models.Model):
    class Kind(models.TextChoices):
        PLANNED = "planned", "Planned exit"
        UNPLANNED = "unplanned", "Unplanned closure or failure"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="provider_exits"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="exits")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    exit_on = models.DateField()
    people_affected = models.PositiveIntegerField()
    moved_to = models.TextField(
        help_text="Where people moved, as services (no names): e.g. 6 to other homes in the city."
    )
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["-exit_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.location.name}"


def exits_in_last_year(council: LocalAuthority, today: date) -> models.QuerySet[Exit]:
    return Exit.objects.filter(local_authority=council, exit_on__gt=today - timedelta(days=365))


class EvidenceFile(models.Model):
    """A file an officer keeps as evidence for one standard of an audit. Stored under the var
    directory's media folder (never static) by a random name; `name` is the sanitised name it
    was uploaded with. The council's quality team's, unless an officer shares it with the
    provider (`shared_with_provider`, off until chosen, each change audited), who may then
    download it once the audit is shared with them; never other councils or the public."""

    score = models.ForeignKey(AuditScore, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=120)
    stored = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    shared_with_provider = models.BooleanField(default=False)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
