"""Sourcing care: the council's contracts, the requests its brokers post, providers' offers and
the packages and care home placements that come of them; care homes' own vacancy updates; and
extra care nominations.

A request holds the person's name and address for the council's own staff; providers see an
anonymised summary (service, area, hours, calls, start, needs) until their offer is accepted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.db import models

from caremarket.accounts.models import User
from caremarket.market.models import Location, Scheme
from caremarket.places.models import Area, LocalAuthority
from caremarket.rules import extracare as extra_rules
from caremarket.rules import sourcing as rules
from caremarket.rules.placements import BED_KIND_WORDS

Key = TypeVar("Key", int, str)


class ServiceKind(models.TextChoices):
    HOME_CARE = "home_care", "Home care"
    SITTING = "sitting", "Sitting service"
    DAY_CARE = "day_care", "Day care"
    RESPITE = "respite", "Respite at home"
    CARE_HOME = "care_home", "Care home placement"


#: The kinds of service a home-care request (calls at home) can be for.
HOME_SERVICE_KINDS = [c for c in ServiceKind.choices if c[0] != ServiceKind.CARE_HOME]
BED_KINDS = list(BED_KIND_WORDS.items())


class Need(models.TextChoices):
    DEMENTIA = "dementia", "Dementia"
    DOUBLE_HANDED = "double_handed", "Two carers at each call"
    BARIATRIC = "bariatric", "Bariatric"
    END_OF_LIFE = "end_of_life", "End of life care"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"


NEED_WORDS = dict(Need.choices)


class Contract(models.Model):
    """A contract or framework the council buys care through, with its rates by call length."""

    class Kind(models.TextChoices):
        GUARANTEED_HOURS = rules.ContractKind.GUARANTEED_HOURS.value, "Guaranteed minimum hours"
        BLOCK = rules.ContractKind.BLOCK.value, "Block contract"
        FRAMEWORK = rules.ContractKind.FRAMEWORK.value, "Framework agreement"
        DYNAMIC_PURCHASING = (
            rules.ContractKind.DYNAMIC_PURCHASING.value,
            "Dynamic purchasing system",
        )
        SPOT = rules.ContractKind.SPOT.value, "Spot contract"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="contracts"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    service_kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    #: Price per call by call length in minutes, as text pounds: {"60": "23.76", "30": "14.26"}.
    rates = models.JSONField(default=dict, blank=True)
    #: Price per week by care home band, as text pounds: {"Residential": "650.00"}.
    care_home_rates = models.JSONField(default=dict, blank=True)
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def uplift_rules(self) -> list[rules.Uplift]:
        return [rules.Uplift(u.applies_from, u.percent) for u in self.uplifts.all()]

    def _priced(self, table: dict[Key, Decimal], on: date | None) -> dict[Key, Decimal]:
        if on is None:
            return table
        ups = self.uplift_rules()
        return {key: rules.uplifted(price, ups, on) for key, price in table.items()}

    def rate_table(self, on: date | None = None) -> dict[int, Decimal]:
        """Price per call by call length; with `on`, after the uplifts in force that day."""
        return self._priced({int(m): Decimal(str(p)) for m, p in self.rates.items()}, on)

    def band_table(self, on: date | None = None) -> dict[str, Decimal]:
        """Price per week by care home band; with `on`, after the uplifts in force that day."""
        return self._priced({b: Decimal(str(p)) for b, p in self.care_home_rates.items()}, on)


class ClientGroup(models.TextChoices):
    OLDER_PEOPLE = "older_people", "Older people"
    LEARNING_DISABILITY = "learning_disability", "People with a learning disability"
    PHYSICAL_DISABILITY = "physical_disability", "People with a physical disability"
    MENTAL_HEALTH = "mental_health", "People with mental health needs"
    ALL_ADULTS = "all_adults", "All adults"


class Lot(models.Model):
    """A part of a contract: one service, for one client group, in a zone of wards or
    localities (none: the whole council)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lots")
    name = models.CharField(max_length=200)
    service_kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    client_group = models.CharField(max_length=30, choices=ClientGroup.choices)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="+", help_text="None means the whole council."
    )

    class Meta:
        ordering = ["contract", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="lot_name_once_per_contract")
        ]

    def __str__(self) -> str:
        return f"{self.contract.name}: {self.name}"


class Uplift(models.Model):
    """A yearly uplift of a contract's published rates, from a day on."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="uplifts")
    applies_from = models.DateField()
    percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["contract", "applies_from"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "applies_from"], name="one_uplift_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.percent_text} from {self.applies_from:%d %B %Y}"

    @property
    def percent_text(self) -> str:
        """ "4.5%", "10%", "-2%": no trailing zeros, never an exponent."""
        return f"{Decimal(self.percent).normalize():f}%"


class Holding(models.Model):
    """A provider location's place on a contract: the areas it covers and its spare hours."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="holdings")
    #: The lot held, where the contract has lots; its service and zone then apply.
    lot = models.ForeignKey(
        Lot, on_delete=models.SET_NULL, null=True, blank=True, related_name="holdings"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    areas = models.ManyToManyField(
        Area, blank=True, related_name="+", help_text="None means the whole council."
    )
    spare_hours = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, help_text="Hours a week."
    )
    specialisms = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "location"], name="one_holding_per_lot")
        ]

    def __str__(self) -> str:
        return f"{self.location.name} on {self.contract.name}"


class CareRequest(models.Model):
    """A broker's request for care. Name and address never leave the council before acceptance."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for offers"
        SOURCED = "sourced", "Sourced"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class WithdrawnBecause(models.TextChoices):
        NEEDS_CHANGED = "needs_changed", "The person's needs changed"
        NOT_NEEDED = "not_needed", "Care is no longer needed"
        ARRANGED_OTHERWISE = "arranged_otherwise", "Care was arranged another way"
        POSTED_IN_ERROR = "posted_in_error", "Posted in error"

    class Funding(models.TextChoices):
        COUNCIL = "council", "Council"
        HEALTH = "health", "NHS continuing healthcare"
        JOINT = "joint", "Joint council and NHS"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="care_requests"
    )
    service_kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    #: Calls at home; None for a care home placement.
    calls_per_day = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    hours_per_week = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    #: The kind of bed, for a care home placement (the Capacity Tracker's kinds).
    bed_kind = models.CharField(max_length=30, choices=BED_KINDS, blank=True)
    referred_on = models.DateField()
    start_on = models.DateField()
    needs = models.JSONField(default=list, blank=True)
    funding = models.CharField(max_length=10, choices=Funding.choices)
    summary = models.TextField(
        blank=True, help_text="What providers read. No names, addresses or dates of birth."
    )
    person_name = models.CharField(max_length=200)
    person_address = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    their_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="The council's own case reference, from its case management system. "
        "Never shown to providers.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_because = models.CharField(
        max_length=20, choices=WithdrawnBecause.choices, blank=True
    )
    #: When the brokers were told it was still unsourced (`caremarket sourcing unsourced`).
    unsourced_emailed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"CR-{self.pk:06d}"

    @property
    def is_placement(self) -> bool:
        return self.service_kind == ServiceKind.CARE_HOME

    @property
    def pattern(self) -> rules.CallPattern | None:
        if self.calls_per_day is None or self.minutes is None or self.days_per_week is None:
            return None
        return rules.CallPattern(self.calls_per_day, self.minutes, self.days_per_week)

    @property
    def needs_words(self) -> list[str]:
        return [NEED_WORDS.get(n, n) for n in self.needs]


class SentTo(models.Model):
    """A provider location the request was sent to, because the matching found it eligible."""

    request = models.ForeignKey(CareRequest, on_delete=models.CASCADE, related_name="sent")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "location"], name="sent_once_per_location")
        ]

    def __str__(self) -> str:
        return f"{self.request} sent to {self.location.name}"


class Offer(models.Model):
    class Status(models.TextChoices):
        MADE = "made", "Waiting for the council"
        ACCEPTED = "accepted", "Accepted"
        NOT_CHOSEN = "not_chosen", "Not chosen"
        WITHDRAWN = "withdrawn", "Request withdrawn"

    request = models.ForeignKey(CareRequest, on_delete=models.CASCADE, related_name="offers")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    start_on = models.DateField()
    weekly_price = models.DecimalField(max_digits=9, decimal_places=2)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.MADE)
    made_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["weekly_price", "start_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "location"], name="one_offer_per_location")
        ]

    def __str__(self) -> str:
        return f"Offer from {self.location.name} on {self.request}"


class Package(models.Model):
    """The care bought: an accepted offer."""

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="packages"
    )
    request = models.OneToOneField(CareRequest, on_delete=models.PROTECT, related_name="package")
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="package")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    hours_per_week = models.DecimalField(max_digits=6, decimal_places=2)
    weekly_cost = models.DecimalField(max_digits=9, decimal_places=2)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["-start_on", "-id"]

    def __str__(self) -> str:
        return f"Package {self.request} with {self.location.name}"

    @property
    def reference(self) -> str:
        return f"PK-{self.pk:06d}"


class HistoryEntry(models.Model):
    """One entry in the history of care bought (a package's or a placement's): its start, each
    change, and its end. The bought row holds what is in force now; these say what was when.
    Written only through `caremarket.sourcing.packages`."""

    class Kind(models.TextChoices):
        START = "start", "Started"
        CHANGE = "change", "Changed"
        END = "end", "Ended"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    #: The first day of the care as changed; for an end, the last day of care.
    effective_on = models.DateField()
    weekly_cost = models.DecimalField(max_digits=9, decimal_places=2)
    reason = models.CharField(max_length=500, blank=True)
    made_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on:%d %B %Y}"  # type: ignore[attr-defined]


class PackageChange(HistoryEntry):
    """A package's start, each change of hours, calls or cost, and its end."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="changes")
    calls_per_day = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    hours_per_week = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["package", "effective_on", "id"]

    @property
    def pattern(self) -> rules.CallPattern | None:
        if self.calls_per_day and self.minutes and self.days_per_week:
            return rules.CallPattern(self.calls_per_day, self.minutes, self.days_per_week)
        return None


class EmailKind(models.TextChoices):
    """The emails a provider account gets about requests, each of which it may turn off."""

    NEW_REQUEST = "new_request", "A new request is sent to your services"
    ACCEPTED = "accepted", "Your offer is accepted"
    NOT_CHOSEN = "not_chosen", "Your offer is not chosen"
    WITHDRAWN = "withdrawn", "A request you were sent is withdrawn"


class EmailSettings(models.Model):
    """A provider account's choice of sourcing emails: the kinds it has turned off."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="sourcing_emails")
    turned_off = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"Sourcing emails for {self.user}"


class Placement(models.Model):
    """A care home place bought: an accepted offer on a placement request."""

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="placements"
    )
    request = models.OneToOneField(CareRequest, on_delete=models.PROTECT, related_name="placement")
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="placement")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    bed_kind = models.CharField(max_length=30, choices=BED_KINDS)
    weekly_cost = models.DecimalField(max_digits=9, decimal_places=2)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["-start_on", "-id"]

    def __str__(self) -> str:
        return f"Placement {self.request} at {self.location.name}"

    @property
    def reference(self) -> str:
        return f"The placement at {self.location.name}"


class PlacementChange(HistoryEntry):
    """A placement's start, each change of weekly cost or kind of bed, and its end."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="changes")
    #: Blank for an end.
    bed_kind = models.CharField(max_length=30, choices=BED_KINDS, blank=True)

    class Meta:
        ordering = ["placement", "effective_on", "id"]


class VacancyUpdate(models.Model):
    """A care home's own report of its vacancies by kind of bed (portal or API).

    Recorded only through `caremarket.sourcing.vacancies.record_vacancies`. The Capacity
    Tracker's imports stay in `market.CapacitySnapshot`; the freshest of the two is shown.
    """

    class Source(models.TextChoices):
        PORTAL = "portal", "The home's own update"
        API = "api", "The home's own update, by API"

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="vacancy_updates")
    #: Vacancies by kind of bed: {"general_residential": 2, "dementia_nursing": 0}.
    counts = models.JSONField(default=dict)
    source = models.CharField(max_length=10, choices=Source.choices)
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["location", "-reported_at"])]

    def __str__(self) -> str:
        return f"Vacancies at {self.location.name}, {self.reported_at:%d %B %Y %H:%M}"


class ExtraCareTerms(models.Model):
    """The council's nomination terms with an extra care scheme it declared (market.Scheme):
    how many flats it may nominate to, and how many stand empty now."""

    scheme = models.OneToOneField(Scheme, on_delete=models.CASCADE, related_name="terms")
    nomination_rights = models.PositiveIntegerField(
        help_text="Flats the council may nominate people to."
    )
    voids = models.PositiveIntegerField(default=0, help_text="Flats empty now.")
    voids_on = models.DateField(help_text="When the empty flats were counted.")
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    def __str__(self) -> str:
        return f"Nomination terms at {self.scheme.name}"


class ExtraCareReferral(models.Model):
    """A person's way into an extra care scheme: a council expression of interest, a housing
    directorate referral or a privately funded one, through to a flat or withdrawal."""

    class Route(models.TextChoices):
        COUNCIL = extra_rules.Route.COUNCIL.value, "Expression of interest to the council"
        HOUSING = extra_rules.Route.HOUSING.value, "Referral from the housing directorate"
        PRIVATE = extra_rules.Route.PRIVATE.value, "Privately funded referral"

    class Stage(models.TextChoices):
        PANEL = extra_rules.Stage.PANEL.value, "Waiting for the panel"
        NOT_ACCEPTED = extra_rules.Stage.NOT_ACCEPTED.value, "Not eligible or not suitable"
        WAITING = extra_rules.Stage.WAITING.value, "Waiting for a flat"
        NOMINATED = extra_rules.Stage.NOMINATED.value, "Nominated to a flat"
        PLACED = extra_rules.Stage.PLACED.value, "Moved in"
        WITHDRAWN = extra_rules.Stage.WITHDRAWN.value, "Withdrawn"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="extra_care_referrals"
    )
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=10, choices=Route.choices)
    stage = models.CharField(max_length=15, choices=Stage.choices)
    person_name = models.CharField(max_length=200)
    received_on = models.DateField()
    note = models.TextField(blank=True)
    panel_on = models.DateField(null=True, blank=True)
    eligible = models.BooleanField(null=True, blank=True)
    suitable = models.BooleanField(null=True, blank=True)
    panel_reason = models.TextField(blank=True)
    nominated_on = models.DateField(null=True, blank=True)
    flat = models.CharField(max_length=50, blank=True)
    placed_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    invented = models.BooleanField(default=False, help_text="Made up for the demo.")

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["local_authority", "stage"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"EC-{self.pk:06d}"
