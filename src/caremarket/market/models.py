"""Supply: the CQC register (providers, locations), capacity snapshots, the provision the
register does not hold, and what the council will commission next.

Fee rates, workforce and expenditure figures share the tidy council-figure shape, so they are
`needs.CouncilFigure` rows with measures from the controlled vocabulary (`fee_rate_gbp_*`,
`workforce_*`, `expenditure_gbp`; see examples/figures/README.md), not tables of their own.

Register rows are national public data: a location is stored even when its council is not on
this instance (`local_authority` is then empty and `local_authority_name` says which it is), so
regional and national views can read across and a council joining later needs no re-import.
Councils are matched by the register's name for them (or an ONS code where a file gives one).
A location missing from a later full HSCA register is kept, marked `deregistered` with the date.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from caremarket.places.models import LocalAuthority


class Provider(models.Model):
    """A CQC-registered provider (the legal entity running one or more locations)."""

    cqc_provider_id = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=300)
    companies_house_number = models.CharField(max_length=20, blank=True)
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


#: The HSCA service type that makes a care home a nursing home (CQC's own wording).
NURSING_SERVICE_TYPE = "Care home service with nursing"


@dataclass(frozen=True)
class BedTotals:
    """Registered care home beds in one council, split the way commissioners count them.

    A home registered for both nursing and personal care counts as nursing (its beds can take
    nursing placements), as CQC's own bed counts do. `import_run_ids` are the register imports
    the beds came from, so a figure built on them can cite its source.
    """

    nursing: int
    residential: int
    nursing_homes: int
    residential_homes: int
    homes_without_beds: int
    import_run_ids: tuple[int, ...]

    @property
    def total(self) -> int:
        return self.nursing + self.residential

    @property
    def homes(self) -> int:
        return self.nursing_homes + self.residential_homes


class LocationQuerySet(models.QuerySet["Location"]):
    def for_council(self, council: LocalAuthority) -> LocationQuerySet:
        """The council's locations still on the register (deregistered ones are history)."""
        return self.filter(local_authority=council, deregistered=False)

    def active(self) -> LocationQuerySet:
        return self.filter(deregistered=False)

    def care_homes(self) -> LocationQuerySet:
        return self.filter(care_home=True)

    def bed_totals(self, council: LocalAuthority, band: str | None = None) -> BedTotals:
        """Registered beds in the council's active, non-dormant care homes, nursing vs not.

        `band` keeps only homes registered for that service user band (e.g. "Older People");
        CQC does not split a home's beds by band, so a home for several bands counts in full.
        Counted in Python: service types are a JSON list, and list containment is not portable
        across SQLite and PostgreSQL; a council has at most a few hundred homes.
        """
        nursing = residential = nursing_homes = residential_homes = without = 0
        runs: set[int] = set()
        rows = (
            self.for_council(council)
            .filter(care_home=True, dormant=False)
            .values_list("beds", "service_types", "service_user_bands", "import_run_id")
        )
        wanted = band.lower() if band else None
        for beds, service_types, bands, run_id in rows:
            if wanted and wanted not in {str(b).lower() for b in bands or []}:
                continue
            if beds is None:
                without += 1
                continue
            runs.add(run_id)
            if NURSING_SERVICE_TYPE.lower() in {str(t).lower() for t in service_types or []}:
                nursing += beds
                nursing_homes += 1
            else:
                residential += beds
                residential_homes += 1
        return BedTotals(
            nursing, residential, nursing_homes, residential_homes, without, tuple(sorted(runs))
        )


class Location(models.Model):
    """A CQC-registered location: a care home, a home-care office, a supported living service.

    Each CQC file sets only the fields it carries (the monthly directory has no beds or
    coordinates), so importing one never blanks what another brought. `description_override`
    belongs to the council and no import touches it.
    """

    cqc_location_id = models.CharField(max_length=20, unique=True)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="locations"
    )
    name = models.CharField(max_length=300)
    also_known_as = models.CharField(max_length=300, blank=True)
    address = models.CharField(max_length=500, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="locations",
    )
    local_authority_name = models.CharField(max_length=200, blank=True)
    region = models.CharField(max_length=100, blank=True)
    area = models.ForeignKey(
        "places.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    care_home = models.BooleanField(default=False)
    beds = models.PositiveIntegerField(null=True, blank=True)
    service_types = models.JSONField(default=list, blank=True)
    service_user_bands = models.JSONField(default=list, blank=True)
    specialisms = models.JSONField(default=list, blank=True)
    regulated_activities = models.JSONField(default=list, blank=True)
    inspection_category = models.CharField(max_length=200, blank=True)
    latest_rating = models.CharField(max_length=40, blank=True)
    latest_rating_date = models.DateField(null=True, blank=True)
    latest_check_date = models.DateField(null=True, blank=True)
    registration_date = models.DateField(null=True, blank=True)
    dormant = models.BooleanField(default=False)
    deregistered = models.BooleanField(default=False)
    deregistered_date = models.DateField(null=True, blank=True)
    description_override = models.TextField(
        blank=True, help_text="The council's own description; CQC re-imports never change it."
    )
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["local_authority", "care_home"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.cqc_location_id})"


#: The eleven NHS Capacity Tracker care-home bed types, as field-name stems.
BED_TYPES = (
    "general_residential",
    "general_nursing",
    "dementia_residential",
    "dementia_nursing",
    "ld_residential",
    "ld_nursing",
    "mh_residential",
    "mh_nursing",
    "young_physically_disabled",
    "transitional_care",
    "community_care",
)


class CapacitySnapshot(models.Model):
    """What a care home (or home-care service) told the Capacity Tracker on one day.

    Keyed by CQC location id and date; `location` links to the register when the location is
    known, so a snapshot imported before the register is not lost.
    """

    cqc_location_id = models.CharField(max_length=20)
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshots"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="capacity_snapshots"
    )
    date = models.DateField()
    total_beds = models.PositiveIntegerField(null=True, blank=True)
    used_beds = models.PositiveIntegerField(null=True, blank=True)
    vacancies_general_residential = models.PositiveIntegerField(null=True, blank=True)
    vacancies_general_nursing = models.PositiveIntegerField(null=True, blank=True)
    vacancies_dementia_residential = models.PositiveIntegerField(null=True, blank=True)
    vacancies_dementia_nursing = models.PositiveIntegerField(null=True, blank=True)
    vacancies_ld_residential = models.PositiveIntegerField(null=True, blank=True)
    vacancies_ld_nursing = models.PositiveIntegerField(null=True, blank=True)
    vacancies_mh_residential = models.PositiveIntegerField(null=True, blank=True)
    vacancies_mh_nursing = models.PositiveIntegerField(null=True, blank=True)
    vacancies_young_physically_disabled = models.PositiveIntegerField(null=True, blank=True)
    vacancies_transitional_care = models.PositiveIntegerField(null=True, blank=True)
    vacancies_community_care = models.PositiveIntegerField(null=True, blank=True)
    accepting_admissions = models.BooleanField(null=True, blank=True)
    admission_status = models.CharField(max_length=100, blank=True)
    staff_employed = models.PositiveIntegerField(null=True, blank=True)
    staff_absent = models.PositiveIntegerField(null=True, blank=True)
    home_care_hours = models.FloatField(null=True, blank=True)
    people_served = models.PositiveIntegerField(null=True, blank=True)
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField()

    class Meta:
        ordering = ["-date", "cqc_location_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cqc_location_id", "date"], name="unique_capacity_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cqc_location_id} {self.date}"

    @property
    def occupancy(self) -> float | None:
        """Used ÷ total beds (the Capacity Tracker's definition), or None when unknown."""
        if not self.total_beds or self.used_beds is None:
            return None
        return self.used_beds / self.total_beds

    @property
    def vacancies(self) -> int:
        return sum(getattr(self, f"vacancies_{b}") or 0 for b in BED_TYPES)


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
