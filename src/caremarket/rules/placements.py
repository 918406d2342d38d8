"""Care home placements: which vacancy report to believe, and which care homes a placement
request goes to. Kept apart from Django so it can be tested alone.

- **Freshest vacancies win.** A care home's vacancies come from two places: the NHS Capacity
  Tracker export the council imports (dated by day) and the home's own update in its portal or
  by API (dated to the second). The report with the latest day wins; on the same day the
  home's own update wins, because it is typed by the people who know and the Tracker's export
  says only the day. The page shows which source won and when it was reported.
- **Stale reports say nothing.** A report more than 14 days old (the directory's rule) or
  dated in the future counts as "not known": a home is not sent a request on an old figure.
- **Matching.** A care home is sent a placement request when all of these hold, and the
  broker reads a plain reason for each: it has a vacancy of the kind of bed asked for in a
  fresh report; it is in the area asked for (a request for a locality takes its wards; a
  request for the whole council takes every home in it); it is not under a placement stop
  (full or partial); its latest CQC rating is not below the council's minimum (a home not yet
  rated passes, and says so); it offers every specialist need asked for (a dementia or
  learning disability bed offers that need); and, where the
  council places through care-home contracts, it holds one (a council without any places on
  spot terms with every home, and the reason says so).
- **Ranking.** Eligible homes first, then contract (guaranteed before framework before spot),
  CQC rating (Outstanding first), vacancies of the kind asked for (most first), then name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from caremarket.rules.sourcing import (
    CONTRACT_ORDER,
    CONTRACT_WORDS,
    ContractKind,
    SourcingRuleError,
    rating_rank,
    rating_reason,
    stop_reason,
)

__all__ = [
    "BED_KIND_WORDS",
    "VACANCY_FRESH_DAYS",
    "CareHome",
    "HomeMatch",
    "PlacementRequest",
    "VacancyReport",
    "freshest",
    "match_care_homes",
    "usable",
]

#: A vacancy report older than this says nothing about vacancies today (as in the directory).
VACANCY_FRESH_DAYS = 14

#: The Capacity Tracker's kinds of bed, in its order, with the words people read.
BED_KIND_WORDS: dict[str, str] = {
    "general_residential": "Residential",
    "general_nursing": "Nursing",
    "dementia_residential": "Dementia residential",
    "dementia_nursing": "Dementia nursing",
    "ld_residential": "Learning disability residential",
    "ld_nursing": "Learning disability nursing",
    "mh_residential": "Mental health residential",
    "mh_nursing": "Mental health nursing",
    "young_physically_disabled": "Younger adults with a physical disability",
    "transitional_care": "Transitional care",
    "community_care": "Community care",
}

#: A bed of these kinds is itself specialist care: a home reporting one offers that need.
BED_KIND_NEEDS: dict[str, str] = {
    "dementia_residential": "dementia",
    "dementia_nursing": "dementia",
    "ld_residential": "learning_disability",
    "ld_nursing": "learning_disability",
}


@dataclass(frozen=True)
class VacancyReport:
    """Vacancies by kind of bed from one source. `at` is the time reported; a source that
    gives only a day (the Capacity Tracker) has `timed` False and `at` at midnight."""

    source: str
    at: datetime
    counts: Mapping[str, int]
    timed: bool = True
    #: Made up for the demo (pages say so).
    invented: bool = False

    @property
    def day(self) -> date:
        return self.at.date()

    def count(self, kind: str) -> int:
        return self.counts.get(kind) or 0

    @property
    def total(self) -> int:
        return sum(v or 0 for v in self.counts.values())


def freshest(reports: Iterable[VacancyReport | None]) -> VacancyReport | None:
    """The report to believe: the latest day; on the same day, a timed (own) update over a
    day-only (Tracker) one; then the latest time."""
    known = [r for r in reports if r is not None]
    if not known:
        return None
    return max(known, key=lambda r: (r.day, r.timed, r.at))


def usable(report: VacancyReport | None, today: date) -> bool:
    """True when the report is from the last 14 days and not from the future."""
    if report is None:
        return False
    age = today - report.day
    return timedelta(0) <= age <= timedelta(days=VACANCY_FRESH_DAYS)


@dataclass(frozen=True)
class PlacementRequest:
    """What the broker asks for. `area_ids` empty means anywhere in the council; otherwise the
    area asked for and the wards in it."""

    bed_kind: str
    area_ids: frozenset[int]
    area_name: str
    needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CareHome:
    """A care home as the matching sees it. `area_ids` are its ward and the locality that ward
    is in (empty when the register does not place it). `contract` None with `contracts_used`
    True means the council uses care-home contracts and this home holds none."""

    location_id: int
    name: str
    area_ids: frozenset[int]
    vacancies: VacancyReport | None
    specialisms: frozenset[str] = frozenset()
    stop: str | None = None
    rating: str = ""
    contract: ContractKind | None = None
    contracts_used: bool = False
    source_words: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HomeMatch:
    candidate: CareHome
    eligible: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _vacancy_reason(request: PlacementRequest, home: CareHome, today: date) -> tuple[bool, str]:
    kind = BED_KIND_WORDS.get(request.bed_kind, request.bed_kind).lower()
    report = home.vacancies
    if report is None:
        return False, "No vacancies reported"
    source = home.source_words.get(report.source, report.source)
    when = f"{source}, {report.day:%-d %B %Y}"
    if not usable(report, today):
        return False, f"Vacancies last reported more than {VACANCY_FRESH_DAYS} days ago ({when})"
    count = report.count(request.bed_kind)
    if count <= 0:
        return False, f"No {kind} vacancies ({when})"
    return True, f"{count} {kind} {'vacancy' if count == 1 else 'vacancies'} ({when})"


def _check(
    request: PlacementRequest,
    home: CareHome,
    today: date,
    need_words: Mapping[str, str],
    minimum: str,
) -> tuple[bool, list[str]]:
    ok, reason = _vacancy_reason(request, home, today)
    reasons = [reason]
    if not request.area_ids:
        reasons.append("Any area in the council was asked for")
    elif home.area_ids & request.area_ids:
        reasons.append(f"In {request.area_name}")
    else:
        ok = False
        reasons.append(f"Not in {request.area_name}")
    if home.stop:
        ok = False
        reasons.append(stop_reason(home.stop))
    rating_ok, reason = rating_reason(home.rating, minimum)
    ok = ok and rating_ok
    reasons.append(reason)
    offers = home.specialisms | {BED_KIND_NEEDS.get(request.bed_kind, "")}
    missing = sorted(need_words.get(n, n) for n in request.needs - offers)
    if missing:
        ok = False
        reasons.append(f"Does not offer: {', '.join(missing)}")
    elif request.needs:
        reasons.append(f"Offers: {', '.join(sorted(need_words.get(n, n) for n in request.needs))}")
    if home.contract is not None:
        reasons.append(f"Holds a care home {CONTRACT_WORDS[home.contract]}")
    elif home.contracts_used:
        ok = False
        reasons.append("Holds no care home contract with the council")
    else:
        reasons.append("The council has no care home contracts, so places on spot terms")
    return ok, reasons


def match_care_homes(
    request: PlacementRequest,
    homes: Iterable[CareHome],
    today: date,
    need_words: Mapping[str, str] | None = None,
    minimum_rating: str = "Requires improvement",
) -> list[HomeMatch]:
    """Every care home with whether it is sent the request and why, best first."""
    if request.bed_kind not in BED_KIND_WORDS:
        raise SourcingRuleError("Choose a kind of bed the Capacity Tracker counts")
    rating_rank(minimum_rating, check=True)
    words = need_words or {}
    results = []
    for home in homes:
        ok, reasons = _check(request, home, today, words, minimum_rating)
        results.append(HomeMatch(home, ok, tuple(reasons)))

    def key(m: HomeMatch) -> tuple[int, int, int, int, str, int]:
        home = m.candidate
        contract = CONTRACT_ORDER.index(home.contract) if home.contract else len(CONTRACT_ORDER)
        free = home.vacancies.count(request.bed_kind) if home.vacancies else 0
        return (
            0 if m.eligible else 1,
            contract,
            rating_rank(home.rating),
            -free,
            home.name,
            home.location_id,
        )

    return sorted(results, key=key)
