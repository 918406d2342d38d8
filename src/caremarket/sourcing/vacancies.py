"""Care homes' vacancies: the home's own updates (portal or API) and the Capacity Tracker's
imports, the freshest of them believed (`caremarket.rules.placements.freshest`).

`record_vacancies` is the one place a vacancy update is recorded: the provider's portal form
and the API both call it, so the checks and the audit log are the same whichever way it came.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.market.models import BED_TYPES, CapacitySnapshot, Location
from caremarket.rules.placements import BED_KIND_WORDS, VacancyReport, freshest
from caremarket.sourcing.models import VacancyUpdate

CAPACITY_TRACKER = "capacity_tracker"
#: Words for where a vacancy figure came from.
SOURCE_WORDS: dict[str, str] = {
    **{k: str(v) for k, v in VacancyUpdate.Source.choices},
    CAPACITY_TRACKER: "NHS Capacity Tracker",
}
#: More vacancies of one kind than any care home in England has beds is a typing slip.
MAX_VACANCIES = 999


class VacancyError(ValueError):
    """Vacancies that cannot be recorded; the message says what to change."""


def check_counts(counts: Mapping[str, object]) -> dict[str, int]:
    """Vacancies by kind of bed as whole numbers from 0 to 999; every kind must be known."""
    unknown = sorted(str(k) for k in counts if k not in BED_KIND_WORDS)
    if unknown:
        raise VacancyError(
            f"Unknown kind of bed: {', '.join(unknown)[:200]}. "
            f"The kinds are {', '.join(BED_KIND_WORDS)}"
        )
    if not counts:
        raise VacancyError("Give the vacancies for at least one kind of bed")
    clean: dict[str, int] = {}
    for kind, value in counts.items():
        words = BED_KIND_WORDS[kind]
        if isinstance(value, bool) or not isinstance(value, int):
            raise VacancyError(f"{words} vacancies must be a whole number")
        if not 0 <= value <= MAX_VACANCIES:
            raise VacancyError(f"{words} vacancies must be from 0 to {MAX_VACANCIES}")
        clean[kind] = value
    return clean


def record_vacancies(
    location: Location,
    counts: Mapping[str, object],
    *,
    source: str,
    user: User | None = None,
    http: HttpRequest | None = None,
    at: datetime | None = None,
    invented: bool = False,
) -> VacancyUpdate:
    """Record a care home's own vacancy update, checked and audited.

    Raises `VacancyError` (nothing written) for a location that is not a care home, an unknown
    source or kind of bed, or a count that is not a whole number from 0 to 999.
    """
    if source not in VacancyUpdate.Source.values:
        raise VacancyError(f"Unknown source of vacancies: {source[:40]}")
    if not location.care_home:
        raise VacancyError(f"{location.name} is not a care home")
    clean = check_counts(counts)
    with transaction.atomic():
        update = VacancyUpdate.objects.create(
            location=location,
            counts=clean,
            source=source,
            reported_at=at or timezone.now(),
            reported_by=user,
            invented=invented,
        )
        record(
            "sourcing: vacancies updated",
            request=http,
            user=user,
            local_authority=location.local_authority,
            obj=update,
            detail=f"{sum(clean.values())} vacancies, {SOURCE_WORDS[source].lower()}",
        )
    return update


@dataclass(frozen=True)
class Vacancies:
    """The vacancies believed for one home, with where they came from."""

    report: VacancyReport

    @property
    def source(self) -> str:
        return SOURCE_WORDS.get(self.report.source, self.report.source)

    @property
    def rows(self) -> list[tuple[str, int]]:
        """(words, count) for each kind reported, in the Tracker's order."""
        return [
            (words, self.report.count(kind))
            for kind, words in BED_KIND_WORDS.items()
            if kind in self.report.counts
        ]


def own_report(update: VacancyUpdate) -> VacancyReport:
    return VacancyReport(
        source=update.source,
        at=timezone.localtime(update.reported_at),
        counts=update.counts,
        invented=update.invented,
    )


def tracker_report(snapshot: CapacitySnapshot) -> VacancyReport:
    counts = {
        b: getattr(snapshot, f"vacancies_{b}")
        for b in BED_TYPES
        if getattr(snapshot, f"vacancies_{b}") is not None
    }
    at = timezone.make_aware(datetime.combine(snapshot.date, time()))
    return VacancyReport(source=CAPACITY_TRACKER, at=at, counts=counts, timed=False)


def current(locations: Iterable[Location]) -> dict[int, VacancyReport | None]:
    """The freshest vacancy report for each location (None when neither source has one)."""
    ids = [loc.pk for loc in locations]
    newest_update = VacancyUpdate.objects.filter(location_id=OuterRef("location_id")).order_by(
        "-reported_at", "-id"
    )
    own = {
        u.location_id: own_report(u)
        for u in VacancyUpdate.objects.filter(
            location_id__in=ids, pk=Subquery(newest_update.values("pk")[:1])
        )
    }
    newest_day = CapacitySnapshot.objects.filter(location_id=OuterRef("location_id")).order_by(
        "-date"
    )
    tracker = {
        s.location_id: tracker_report(s)
        for s in CapacitySnapshot.objects.filter(
            location_id__in=ids, date=Subquery(newest_day.values("date")[:1])
        )
    }
    return {pk: freshest((own.get(pk), tracker.get(pk))) for pk in ids}
