"""Self-assessments in progress or done, referrals to a council, and the council's settings.

Answers and referral details are special-category personal data: they live only in
`EncryptedJSONField`s (Fernet, key from the environment) and are deleted when the council's
retention period ends (`caremarket assessments purge`).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from caremarket.assessments.crypto import EncryptedJSONField
from caremarket.places.models import LocalAuthority

#: No 0/O, 1/I/L, so a reference read out on the phone or copied from paper survives.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 10


def new_reference() -> str:
    """A random, unguessable reference (31^10 ≈ 8 × 10^14 possibilities)."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(text: str) -> str:
    """What a person typed, as a reference: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


POLICY_FLAGS = (
    "disregard_night_care_element",
    "night_care_element_includes_pip",
    "dre_without_disability_benefits",
)
POLICY_OPTIONAL_MONEY = (
    "maximum_weekly_charge_at_home",
    "upper_capital_limit_at_home",
    "lower_capital_limit_at_home",
)
#: Policy amounts that always have a value (their default is the statutory one).
POLICY_AMOUNTS = ("percentage_of_available_income_at_home", "minimum_weekly_charge_at_home")
#: Every field of the council's charging policy (`rules.charging.ChargingPolicy`).
POLICY_FIELDS = (*POLICY_FLAGS, *POLICY_AMOUNTS, *POLICY_OPTIONAL_MONEY)


class FrontDoorSettings(models.Model):
    """A council's choices for its front door: how long it keeps what residents send, and its
    discretionary charging policy for the financial self-assessment."""

    local_authority = models.OneToOneField(
        LocalAuthority, on_delete=models.CASCADE, related_name="front_door"
    )
    assessment_retention_days = models.PositiveIntegerField(
        default=30,
        help_text="Self-assessments not sent to the council are deleted after this many days.",
    )
    referral_retention_days = models.PositiveIntegerField(
        default=365,
        help_text=(
            "Referrals that were signposted or closed are deleted this many days after that "
            "decision. Referrals passed to a team move into the case record and are deleted "
            "here after the same period."
        ),
    )
    out_of_hours_phone = models.CharField(max_length=40, blank=True)

    # The council's discretionary charging choices (`rules.charging.ChargingPolicy`); the
    # defaults are the statutory minimum, so a council that chooses nothing charges by the
    # regulations alone.
    disregard_night_care_element = models.BooleanField(
        default=False,
        help_text=(
            "Ignore the difference between the higher and lower rates of Attendance Allowance "
            "and DLA care when the council provides no care at night."
        ),
    )
    night_care_element_includes_pip = models.BooleanField(
        default=False,
        help_text="Treat the enhanced rate of PIP daily living the same way.",
    )
    dre_without_disability_benefits = models.BooleanField(
        default=False,
        help_text=(
            "Allow disability-related expenses even when no disability benefit counts as income."
        ),
    )
    percentage_of_available_income_at_home = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(100),
        help_text="Charge this share of the income left after the allowances (100 charges all).",
    )
    maximum_weekly_charge_at_home = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Never charge more than this a week for care at home. Leave empty for no cap.",
    )
    minimum_weekly_charge_at_home = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal(0),
        help_text="Do not collect a weekly charge below this amount.",
    )
    upper_capital_limit_at_home = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="A higher upper capital limit for care at home; empty: the statutory one.",
    )
    lower_capital_limit_at_home = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="A higher lower capital limit for care at home; empty: the statutory one.",
    )

    class Meta:
        verbose_name_plural = "front door settings"

    def __str__(self) -> str:
        return f"Front door settings for {self.local_authority}"

    def charging_policy(self) -> dict[str, object]:
        """The council's choices as the charging rules' `policy` object: only what differs
        from the field's default (the statutory minimum), money as strings so no float
        rounding creeps in."""
        policy: dict[str, object] = {}
        for name in POLICY_FIELDS:
            value = getattr(self, name)
            if value != self._meta.get_field(name).get_default():
                policy[name] = value if isinstance(value, bool) else str(value)
        return policy

    @classmethod
    def for_council(cls, council: LocalAuthority | None) -> FrontDoorSettings:
        """The council's settings, or the defaults (unsaved) when it has chosen none."""
        if council is None:
            return cls()
        found = cls.objects.filter(local_authority=council).first()
        return found or cls(local_authority=council)


class Journey(models.TextChoices):
    NEEDS = "needs", "Needs self-assessment"
    CARER = "carer", "Carer's self-assessment"
    FINANCE = "finance", "Financial self-assessment"


#: How long an emailed carry-on link works (once); the email says so.
RETURN_LINK_DAYS = 7


class Assessment(models.Model):
    """One person's answers to one self-assessment, held server-side and encrypted."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        REFERRED = "referred", "Sent to the council"

    reference = models.CharField(max_length=REFERENCE_LENGTH, unique=True, default=new_reference)
    journey = models.CharField(max_length=10, choices=Journey.choices)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    answers = EncryptedJSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The one emailed carry-on link that still works (its random id, inside the signed token);
    # blank once it has been used. Each new email replaces it.
    return_link_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.get_journey_display()} {self.reference}"

    def retention_ends(self) -> Any:
        days = FrontDoorSettings.for_council(self.local_authority).assessment_retention_days
        return self.updated_at + timedelta(days=days)


class Referral(models.Model):
    """A request for help that reaches one council's front door, triaged by its practitioners."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", "Resident asking for help"
        CARER = "carer", "Carer's assessment request"
        PROFESSIONAL = "professional", "Professional referral"

    class Source(models.TextChoices):
        NEEDS = "needs", "Needs self-assessment"
        CARER = "carer", "Carer's self-assessment"
        ASK = "ask", "Ask for help form"
        PROFESSIONAL = "professional", "Professional referral form"

    class Status(models.TextChoices):
        NEW = "new", "New"
        SCREENED = "screened", "Screened"
        PASSED = "passed", "Passed to team"
        SIGNPOSTED = "signposted", "Signposted"
        CLOSED = "closed", "Closed"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        SOON = "soon", "Within a few days"
        URGENT = "urgent", "Urgent – today"

    class CloseReason(models.TextChoices):
        NO_LONGER_NEEDED = "no_longer_needed", "Help no longer needed"
        DUPLICATE = "duplicate", "Duplicate of another referral"
        NO_CONTACT = "no_contact", "Could not make contact"
        DECLINED = "declined", "Person declined support"
        OTHER_SERVICE = "other_service", "Another service is responsible"
        OTHER = "other", "Other (see note)"

    #: Where each status may go next.
    NEXT = {
        Status.NEW: (Status.SCREENED, Status.SIGNPOSTED, Status.CLOSED),
        Status.SCREENED: (Status.PASSED, Status.SIGNPOSTED, Status.CLOSED),
        Status.PASSED: (Status.CLOSED,),
        Status.SIGNPOSTED: (Status.CLOSED,),
        Status.CLOSED: (),
    }

    reference = models.CharField(max_length=REFERENCE_LENGTH, unique=True, default=new_reference)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="referrals"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    consent = models.BooleanField(
        help_text="The person agreed to the referral and to the council contacting them."
    )
    details = EncryptedJSONField(default=dict)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    deletion_requested_at = models.DateTimeField(null=True, blank=True)
    #: The worker at the council who has it now (a practitioner or council admin there).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_referrals",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["local_authority", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"Referral {self.reference}"

    def allowed_next(self) -> tuple[str, ...]:
        return tuple(self.NEXT[self.Status(self.status)])

    def move_to(self, status: str, close_reason: str = "") -> None:
        """Change status with its timestamps; callers check `allowed_next` first."""
        now = timezone.now()
        self.status = status
        if status == self.Status.SCREENED:
            self.screened_at = now
        elif status in (self.Status.PASSED, self.Status.SIGNPOSTED, self.Status.CLOSED):
            self.decided_at = now
            if self.screened_at is None:
                self.screened_at = now
        if status == self.Status.CLOSED:
            self.close_reason = close_reason


class ReferralEvent(models.Model):
    """One triage step: who moved a referral, from what to what, when, and their note."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = EncryptedJSONField(default=dict, blank=True)
    #: Set on an assignment step (the status then stays as it was).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral} {self.from_status} → {self.to_status}"


class ChargingFigureOverrideQuerySet(models.QuerySet["ChargingFigureOverride"]):
    def for_rules(self, council: LocalAuthority | None) -> dict[str, list[tuple[Any, ...]]]:
        """`overrides` for `rules.charging.estimate`: national rows, then the council's.

        A council's row for the same figure and date replaces the national one.
        """
        rows = self.filter(local_authority__isnull=True)
        if council is not None:
            rows = rows | self.filter(local_authority=council)
        merged: dict[tuple[str, Any], tuple[Any, ...]] = {}
        for row in rows.order_by(models.F("local_authority").asc(nulls_first=True), "from_date"):
            merged[(row.name, row.from_date)] = (row.from_date, row.amount, row.cite)
        out: dict[str, list[tuple[Any, ...]]] = {}
        for (name, _), value in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            out.setdefault(name, []).append(value)
        return out


class ChargingFigureOverride(models.Model):
    """A charging figure entered by an admin (e.g. a new April's MIG), used without a release."""

    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="charging_figures",
        help_text="Empty means every council (national figures such as a new year's MIG).",
    )
    name = models.CharField(max_length=120)
    from_date = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    cite = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChargingFigureOverrideQuerySet.as_manager()

    class Meta:
        ordering = ["name", "from_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "name", "from_date"],
                condition=models.Q(local_authority__isnull=False),
                name="unique_council_charging_figure",
            ),
            models.UniqueConstraint(
                fields=["name", "from_date"],
                condition=models.Q(local_authority__isnull=True),
                name="unique_national_charging_figure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} from {self.from_date}: {self.amount}"

    @property
    def label(self) -> str:
        """The figure in words ("Lower capital limit"), or its name if no longer shipped."""
        from caremarket.rules.figures_store import load_figures

        figure = load_figures().get(self.name)
        return figure.label if figure is not None else self.name
