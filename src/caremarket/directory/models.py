"""One directory of care and community support, shaped like Open Referral UK.

An `Organization` runs `Service`s; a service is offered at `ServiceLocation`s (ORUK's
service_at_location, each with its own location id) with `Schedule`s of opening times or
sessions, and is filed under `TaxonomyTerm`s of the needs taxonomy (see `taxonomy.py`).

CQC-registered locations are listed through `Service.cqc_location`: the register import owns
the name, address, coordinates, rating and registration (read from `market.Location` when the
listing is shown, so a refreshed register is the listing), while the description, categories,
who it is for, cost and contact words belong to the council and its providers and no import
changes them.

Providers and community organisations never edit a live listing: they propose a
`ListingChange`, which a council officer approves or rejects. Every listing carries a review
date; a listing past it is lapsed (flagged in search and to staff). The public reports wrong
information as an `InformationReport`.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from caremarket.places.models import LocalAuthority

#: How long a listing stays current after its last review before it lapses.
REVIEW_INTERVAL = timedelta(days=365)
#: A review is "due soon" this many days before its date (the staff and provider pages).
REVIEW_DUE_SOON = timedelta(days=28)
#: The one set of words for where a listing's review stands, with its GOV.UK tag colour.
REVIEW_STATUSES: dict[str, tuple[str, str]] = {
    "not_reviewed": ("Not reviewed yet", "govuk-tag--grey"),
    "overdue": ("Review overdue", "govuk-tag--red"),
    "due_soon": ("Review due soon", "govuk-tag--yellow"),
    "reviewed": ("Reviewed", "govuk-tag--green"),
}


class TaxonomyTerm(models.Model):
    """A need category ("help at home"): stable code, plain label, the words residents use."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    synonyms = models.JSONField(default=list, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """Who runs services: a CQC provider, a charity, a community group, a micro-provider."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    url = models.URLField(max_length=300, blank=True)
    charity_number = models.CharField(max_length=20, blank=True)
    cqc_provider = models.OneToOneField(
        "market.Provider",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organization",
    )
    #: The council whose directory keeps it; empty for national register organisations.
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="directory_organizations",
    )
    #: Provider accounts that may propose changes to this organisation's listings.
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="directory_organizations"
    )
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet["Service"]):
    def listed(self) -> ServiceQuerySet:
        """What residents see: active services, and CQC ones still on the register."""
        return self.filter(status=Service.Status.ACTIVE).exclude(cqc_location__deregistered=True)

    def for_council(self, council: LocalAuthority) -> ServiceQuerySet:
        return self.filter(local_authority=council)

    def lapsed(self, today: date | None = None) -> ServiceQuerySet:
        return self.filter(review_due__lt=today or timezone.localdate())

    def matching(self, categories: list[str], council: LocalAuthority | None) -> ServiceQuerySet:
        """Listed services in any of these need categories, the council's own first.

        The self-assessments call this to turn the needs a person described into services.
        """
        services = self.listed().filter(categories__code__in=categories)
        if council is not None:
            services = services.filter(
                models.Q(local_authority=council) | models.Q(local_authority__isnull=True)
            )
        return services.distinct().order_by("name")


class Service(models.Model):
    """One listing: what is offered, for whom, how to get it, what it costs, who to contact."""

    class Kind(models.TextChoices):
        CARE_HOME_NURSING = "care_home_nursing", "Care home with nursing"
        CARE_HOME = "care_home", "Care home without nursing"
        HOME_CARE = "home_care", "Home care agency"
        SUPPORTED_LIVING = "supported_living", "Supported living"
        EXTRA_CARE = "extra_care", "Extra care housing"
        SHARED_LIVES = "shared_lives", "Shared lives"
        MICRO_PROVIDER = "micro_provider", "Micro-provider"
        DAY_OPPORTUNITY = "day_opportunity", "Day opportunity"
        COMMUNITY_GROUP = "community_group", "Community or voluntary group"
        CARERS_SUPPORT = "carers_support", "Carers' support"
        ADVOCACY = "advocacy", "Advocacy"
        EQUIPMENT = "equipment", "Equipment and adaptations"
        TELECARE = "telecare", "Telecare"
        TRANSPORT = "transport", "Transport"
        ADVICE = "advice", "Information, advice and benefits"
        OTHER_CQC = "other_cqc", "Other CQC-registered service"
        OTHER = "other", "Other support"

    class Status(models.TextChoices):
        # The Open Referral UK service statuses.
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Closed"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    class Access(models.TextChoices):
        SELF_REFERRAL = "self_referral", "Contact them yourself"
        REFERRAL = "referral", "Needs a referral"
        ASSESSMENT = "assessment", "Needs a care assessment"

    class Cost(models.TextChoices):
        FREE = "free", "Free"
        CHARGE = "charge", "There is a charge"
        COUNCIL_FUNDED = "council_funded", "Can be funded by the council"
        DIRECT_PAYMENT = "direct_payment", "Direct payments accepted"

    class ClientGroup(models.TextChoices):
        OLDER_PEOPLE = "older_people", "Older people"
        DEMENTIA = "dementia", "People living with dementia"
        LEARNING_DISABILITY = "learning_disability", "People with a learning disability"
        AUTISM = "autism", "Autistic people"
        PHYSICAL_DISABILITY = "physical_disability", "People with a physical disability"
        MENTAL_HEALTH = "mental_health", "People with mental health needs"
        SENSORY = "sensory", "People with sight or hearing loss"
        CARERS = "carers", "Carers"
        SUBSTANCE_MISUSE = "substance_misuse", "People who misuse drugs or alcohol"
        YOUNGER_ADULTS = "younger_adults", "Younger adults"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services"
    )
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="directory_services",
    )
    cqc_location = models.OneToOneField(
        "market.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_service",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    categories = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    client_groups = models.JSONField(default=list, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    areas_served = models.CharField(max_length=500, blank=True)
    access = models.CharField(max_length=20, choices=Access.choices, default=Access.SELF_REFERRAL)
    how_to_access = models.TextField(blank=True)
    costs = models.JSONField(default=list, blank=True)
    cost_detail = models.TextField(blank=True)
    accessibility = models.TextField(blank=True)
    languages = models.JSONField(default=list, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    url = models.URLField(max_length=300, blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True, db_index=True)
    review_reminder_sent = models.DateField(null=True, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The id a council's previous directory gave it (an ORUK feed's service id), for re-imports.
    source_id = models.CharField(max_length=200, blank=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True, db_index=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["local_authority", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:service", kwargs={"pk": self.pk})

    def mark_reviewed(self, on: date | None = None) -> None:
        """Start a new review period (an approved edit or an officer's check counts)."""
        self.last_reviewed = on or timezone.localdate()
        self.review_due = self.last_reviewed + REVIEW_INTERVAL
        self.review_reminder_sent = None

    @property
    def is_lapsed(self) -> bool:
        return self.review_due is not None and self.review_due < timezone.localdate()

    def review_status(self, today: date | None = None) -> str:
        """Where the review stands (a key of `REVIEW_STATUSES`): a listing with no review
        date has not been reviewed, whatever else it has."""
        today = today or timezone.localdate()
        if self.review_due is None:
            return "not_reviewed"
        if self.review_due < today:
            return "overdue"
        if self.review_due <= today + REVIEW_DUE_SOON:
            return "due_soon"
        if self.last_reviewed is None:
            return "not_reviewed"  # listed with a first review date, not yet reviewed
        return "reviewed"

    @property
    def is_registered(self) -> bool:
        return self.cqc_location_id is not None


class ServiceLocation(models.Model):
    """Where a service is offered (ORUK service_at_location with its location).

    `id` is the service_at_location id and `location_id` the location's, so one building
    published twice in a feed keeps two stable ids. Coordinates come from the CQC register or
    the postcode table; a service with no location (a helpline) is found by area served.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=300, blank=True)
    address = models.CharField(max_length=500, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    accessibility = models.TextField(blank=True)

    class Meta:
        ordering = ["service", "name"]
        indexes = [
            # A radius search reads the places of the services the index found from here alone.
            models.Index(
                fields=["service", "latitude", "longitude", "id"], name="directory_location_point"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.address or str(self.service)


class Schedule(models.Model):
    """A regular opening time or session: weekday and hours, with a note for "first Tuesday"."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(
        ServiceLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["weekday", "opens_at"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at}–{self.closes_at}"


class ListingChange(models.Model):
    """A proposed listing (new or edited), waiting for a council officer's decision.

    `proposed` holds the listing's editable fields as submitted; `original` the same fields
    as they were when the change was proposed, so the officer sees a side-by-side diff even
    if the listing moved on. Approving applies `proposed` to the service.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="listing_changes"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="listing_changes"
    )
    proposed = models.JSONField()
    original = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.proposed.get('name', 'listing')} ({self.get_state_display()})"


class InformationReport(models.Model):
    """A member of the public says a listing is wrong. The reporter's email is optional and
    shown only to the council's directory staff."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reports")
    problem = models.TextField()
    reporter_email = models.EmailField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Report on {self.service}"
