"""Local authorities (the tenants), the areas within them, postcodes and population."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.text import slugify


class LocalAuthority(models.Model):
    """A council with adult social care duties, keyed by its ONS code (e.g. E06000021)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    region = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(blank=True)
    safeguarding_phone = models.CharField(max_length=40, blank=True)

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


class Area(models.Model):
    """A ward, locality or home-care zone inside a council, with a centroid."""

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

    class Meta:
        ordering = ["local_authority", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "kind", "name"], name="unique_area_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Postcode(models.Model):
    """A postcode from the ONS Postcode Directory, so places resolve offline."""

    postcode = models.CharField(max_length=8, unique=True)  # normalised "ST4 1AA"
    outward = models.CharField(max_length=4, db_index=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority_code = models.CharField(max_length=9, db_index=True)
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
