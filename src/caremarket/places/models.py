"""Local authorities (the tenants), the areas within them, postcodes and population."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.text import slugify


class LocalAuthorityQuerySet(models.QuerySet["LocalAuthority"]):
    def for_code(self, code: str) -> LocalAuthority | None:
        """The council with this ONS code, or one it was known by (Barnsley's 2025 code)."""
        code = code.strip().upper()
        if not code or " " in code:
            return None
        for council in self.filter(
            models.Q(code=code) | models.Q(other_codes__contains=code)
        ).order_by("pk"):
            if code in council.all_codes:  # whole codes only, not part of one
                return council
        return None

    def by_code(self) -> dict[str, LocalAuthority]:
        """Every council by each of its codes (its own and the ones it was known by)."""
        found: dict[str, LocalAuthority] = {}
        for council in self.all():
            for code in council.all_codes:
                found.setdefault(code, council)
        return found


class LocalAuthority(models.Model):
    """A council with adult social care duties, keyed by its ONS code (e.g. E06000021).

    The 153 English councils with adult social services responsibilities are loaded on every
    `migrate` (`places/councils.py`, limited by `CAREMARKET_COUNCILS`); a site admin may add
    others. `other_codes` holds codes ONS gave the same council later (or earlier), so files of
    either vintage find it.
    """

    class Kind(models.TextChoices):
        UNITARY = "unitary", "Unitary authority"
        METROPOLITAN = "metropolitan district", "Metropolitan district"
        LONDON = "London borough", "London borough"
        COUNTY = "county", "County council"

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    region = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, blank=True)
    other_codes = models.CharField(
        max_length=100,
        blank=True,
        help_text="Other ONS codes for this council (after a boundary change), space-separated.",
    )
    contact_email = models.EmailField(blank=True)
    safeguarding_phone = models.CharField(max_length=40, blank=True)

    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("front:council", kwargs={"council": self.slug})

    @property
    def all_codes(self) -> list[str]:
        return [self.code, *self.other_codes.split()]


class Area(models.Model):
    """A ward, locality or home-care zone inside a council, with a centroid.

    Wards come from `caremarket import wards` (keyed by their ONS code); a locality is a group
    of wards (`caremarket import localities`), each ward pointing at it as `parent`. The
    centroid is the mean position of the area's postcodes, kept up to date by those imports
    and by `caremarket import codepoint-open`.
    """

    class Kind(models.TextChoices):
        WARD = "ward", "Ward"
        LOCALITY = "locality", "Locality"
        ZONE = "zone", "Home-care zone"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="areas"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=200)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    #: The locality a ward belongs to.
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="parts"
    )
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["local_authority", "kind", "name"]
        indexes = [models.Index(fields=["code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "kind", "name"], name="unique_area_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Postcode(models.Model):
    """A postcode from OS Code-Point Open or the ONS Postcode Directory, so places resolve
    offline.

    `local_authority_code` is the council with adult social care duties (the county in a
    two-tier area, else the district); `district_code` the district, `ward_code` the
    electoral ward, all as the file gives them.
    """

    postcode = models.CharField(max_length=8, unique=True)  # normalised "ST4 1AA"
    outward = models.CharField(max_length=4, db_index=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority_code = models.CharField(max_length=9, db_index=True)
    district_code = models.CharField(max_length=9, blank=True)
    ward_code = models.CharField(max_length=9, blank=True, db_index=True)
    #: Code-Point Open's positional quality: 10 within a building … 60 approximate.
    positional_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    terminated = models.BooleanField(default=False)
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.postcode


class PopulationQuerySet(models.QuerySet["PopulationFigure"]):
    def for_council(self, local_authority: LocalAuthority) -> PopulationQuerySet:
        return self.filter(local_authority=local_authority, area__isnull=True)

    def cohort_totals(self, age_from: int) -> dict[int, float]:
        """People aged `age_from` and over, by year, summed from rows wholly inside the cohort.

        The all-ages row (0+) and bands that start below `age_from` are left out, so a
        council's single years and its "90 and over" band add up without double counting.
        """
        rows = (
            self.filter(sex=PopulationFigure.Sex.ALL, age_from__gte=age_from)
            .values("year")
            .annotate(total=models.Sum("value"))
            .order_by("year")
        )
        return {row["year"]: row["total"] for row in rows}


class PopulationFigure(models.Model):
    """People by place, year, age (single year or band) and sex, with the import it came from."""

    class Kind(models.TextChoices):
        ESTIMATE = "estimate", "Estimate"
        PROJECTION = "projection", "Projection"
        CENSUS = "census", "Census"

    class Sex(models.TextChoices):
        ALL = "all", "All persons"
        MALE = "male", "Male"
        FEMALE = "female", "Female"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="population"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, blank=True)
    year = models.PositiveSmallIntegerField()
    age_from = models.PositiveSmallIntegerField()  # 0 with age_to NULL = all ages
    age_to = models.PositiveSmallIntegerField(null=True, blank=True)  # null = open-ended
    sex = models.CharField(max_length=6, choices=Sex.choices, default=Sex.ALL)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.FloatField()
    source = models.CharField(max_length=300)
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_row = models.PositiveIntegerField(null=True, blank=True)

    objects = PopulationQuerySet.as_manager()

    class Meta:
        ordering = ["local_authority", "year", "age_from"]
        indexes = [models.Index(fields=["local_authority", "year"])]
        # NULLs are distinct in unique constraints on both databases, so the open-ended band
        # (age_to NULL) and council-wide rows (area NULL) get conditional constraints.
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "year", "age_from", "age_to", "sex", "kind"],
                condition=models.Q(area__isnull=True, age_to__isnull=False),
                name="unique_council_population_band",
            ),
            models.UniqueConstraint(
                fields=["local_authority", "year", "age_from", "sex", "kind"],
                condition=models.Q(area__isnull=True, age_to__isnull=True),
                name="unique_council_population_open_band",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_authority} {self.year} {self.age_label}: {self.value:,.0f}"

    @property
    def age_label(self) -> str:
        if self.age_to is None:
            if self.age_from == 0:
                return "all ages"
            return f"{self.age_from}+"
        if self.age_to == self.age_from:
            return str(self.age_from)
        return f"{self.age_from}–{self.age_to}"
