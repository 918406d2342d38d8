"""Sourcing care: which providers a care request goes to, in what order, at what price, and how
long sourcing took. Kept apart from Django so it can be tested alone.

- **Eligibility.** A provider is sent a request only when all of these hold, and the broker
  reads a plain reason for each one that fails: it provides the kind of service asked for; it
  covers the area (a provider covering a locality covers its wards; one covering no named
  areas covers the whole council); it is not under a placement stop (a full or partial stop
  both count: a broker does not place with a location the quality team has stopped); its
  latest CQC rating is not below the council's minimum (default: not "Inadequate"; a location
  not yet rated passes, and says so); it has spare hours a week at least equal to the hours
  asked for (unknown capacity passes, and says so); and it offers every specialist need asked
  for (dementia, double-handed, …).
- **Ranking.** Eligible providers first, then by contract (guaranteed minimum hours before
  framework before spot: the council has already paid for the first), then by CQC rating
  (Outstanding first), then by spare hours (most first), then by name, so the order is stable.
- **Price.** A weekly cost from a call pattern and the contract's rates by call length: four
  30-minute calls a day for 7 days at £14.26 a call is 28 × £14.26 = £399.28 a week. Money is
  exact (Decimal), rounded to the penny half up only at the end.
- **Time to source.** Calendar days from the referral date to the day the council accepted a
  provider's offer (the issue's "referral to accepted offer": the broker's work ends there,
  while the package's start date is the provider's and the person's). Weekends, bank holidays
  and month ends count like any other day: a referral on Friday 31 May accepted on Monday
  3 June took 3 days. Figures group requests by any key (the month the offer was accepted in,
  the service, the area), each with the count, median, mean and 90th percentile (nearest rank:
  the smallest number of days within which at least 9 in 10 were sourced).
- **Commissioned hours.** A package's history is a list of versions, each in force from a day
  (its start, each change of hours); an end is a version of 0 hours from the day after the last
  day of care. The hours in force on a day are the latest version from that day or before (0
  before the start). Commissioned hours a week are the sum over packages, by any key (provider,
  zone, funding). The council's share of the market is its commissioned hours over the whole
  market's hours a week, where the market's size is known.
- **Uplifts.** A contract's published rates rise by its yearly uplifts: each uplift applies from
  its date to the rate as it then stood (so they compound), rounded half up to the penny at
  each step, as councils publish each year's rates.
- **Unsourced.** A request still open is flagged once it has waited more than N calendar days
  since its referral.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from caremarket.rules.quality import CQC_RATINGS

__all__ = [
    "CONTRACT_ORDER",
    "RATING_ORDER",
    "CallPattern",
    "Candidate",
    "CareRequest",
    "ContractKind",
    "Figures",
    "Match",
    "MonthFigures",
    "SourcingRuleError",
    "Uplift",
    "Version",
    "commissioned_hours",
    "days_to_source",
    "figures",
    "figures_by",
    "hours_in_force",
    "market_share",
    "match",
    "rating_rank",
    "rating_reason",
    "stop_reason",
    "time_to_source_by",
    "time_to_source_by_month",
    "unsourced",
    "uplifted",
    "weekly_cost",
]


class SourcingRuleError(ValueError):
    """Input the rules cannot work with; the message is for people to read."""


class ContractKind(StrEnum):
    GUARANTEED_HOURS = "guaranteed_hours"
    BLOCK = "block"
    FRAMEWORK = "framework"
    DYNAMIC_PURCHASING = "dynamic_purchasing"
    SPOT = "spot"


#: Contract kinds in the order a broker goes to them; a provider without a contract comes last.
#: Paid-for capacity (guaranteed hours, block) comes before agreements priced per call.
CONTRACT_ORDER: tuple[ContractKind, ...] = (
    ContractKind.GUARANTEED_HOURS,
    ContractKind.BLOCK,
    ContractKind.FRAMEWORK,
    ContractKind.DYNAMIC_PURCHASING,
    ContractKind.SPOT,
)
CONTRACT_WORDS = {
    ContractKind.GUARANTEED_HOURS: "guaranteed minimum hours contract",
    ContractKind.BLOCK: "block contract",
    ContractKind.FRAMEWORK: "framework agreement",
    ContractKind.DYNAMIC_PURCHASING: "place on the dynamic purchasing system",
    ContractKind.SPOT: "spot contract",
}

#: CQC ratings, best first (the quality rules' list: one place for them).
RATING_ORDER: tuple[str, ...] = CQC_RATINGS


@dataclass(frozen=True)
class CareRequest:
    """What the broker asks for. `area_ids` are the ward and the locality it is in."""

    service_kind: str
    area_ids: frozenset[int]
    area_name: str
    hours_per_week: Decimal
    needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """A provider location as the matching sees it.

    `area_ids` empty means it covers the whole council. `spare_hours` None means not known.
    `stop` is the placement stop's description when one is in force.
    """

    location_id: int
    name: str
    service_kinds: frozenset[str]
    area_ids: frozenset[int]
    spare_hours: Decimal | None
    specialisms: frozenset[str] = frozenset()
    stop: str | None = None
    rating: str = ""
    contract: ContractKind | None = None


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    eligible: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)


_RANK = {rating: i for i, rating in enumerate(RATING_ORDER)}
_CONTRACT_RANK = {kind: i for i, kind in enumerate(CONTRACT_ORDER)}


def rating_rank(rating: str, *, check: bool = False) -> int:
    """A rating's place, best first; not rated comes last. `check` refuses an unknown rating."""
    if check and rating not in _RANK:
        raise SourcingRuleError(f"The minimum rating must be one of {', '.join(RATING_ORDER)}")
    return _RANK.get(rating, len(RATING_ORDER))


@functools.lru_cache(maxsize=64)
def rating_reason(rating: str, minimum: str) -> tuple[bool, str]:
    """Whether a CQC rating meets the council's minimum, and the words for it."""
    if not rating:
        return True, "Not yet rated by CQC"
    if rating_rank(rating) > rating_rank(minimum):
        return False, f"Rated {rating} by CQC, below the council's minimum of {minimum}"
    return True, f"Rated {rating} by CQC"


def stop_reason(stop: str) -> str:
    return f"Under a placement stop ({stop[0].lower()}{stop[1:]})"


@dataclass(frozen=True)
class _Asked:
    """A request's words, worked out once for all the candidates it is matched against."""

    provides: str
    lacks: str
    covers: str
    uncovered: str
    hours: str
    offers: str


def _asked(request: CareRequest, service_words: Mapping[str, str]) -> _Asked:
    kind = service_words.get(request.service_kind, request.service_kind)
    needs = ", ".join(sorted(service_words.get(n, n) for n in request.needs))
    return _Asked(
        provides=f"Provides {kind}",
        lacks=f"Does not provide {kind}",
        covers=f"Covers {request.area_name}",
        uncovered=f"Does not cover {request.area_name}",
        hours=_hours(request.hours_per_week),
        offers=f"Offers: {needs}" if needs else "",
    )


def _check(
    request: CareRequest,
    c: Candidate,
    asked: _Asked,
    missing_words: Callable[[frozenset[str]], str],
    minimum: str,
) -> tuple[bool, list[str]]:
    ok = request.service_kind in c.service_kinds
    reasons = [asked.provides if ok else asked.lacks]
    if not c.area_ids:
        reasons.append("Covers the whole council")
    elif c.area_ids & request.area_ids:
        reasons.append(asked.covers)
    else:
        ok = False
        reasons.append(asked.uncovered)
    if c.stop:
        ok = False
        reasons.append(stop_reason(c.stop))
    rating_ok, reason = rating_reason(c.rating, minimum)
    ok = ok and rating_ok
    reasons.append(reason)
    if c.spare_hours is None:
        reasons.append("Spare capacity not known")
    elif c.spare_hours >= request.hours_per_week:
        reasons.append(f"Has {_hours(c.spare_hours)} spare a week, {asked.hours} asked for")
    else:
        ok = False
        reasons.append(f"Has only {_hours(c.spare_hours)} spare a week, {asked.hours} asked for")
    missing = request.needs - c.specialisms
    if missing:
        ok = False
        reasons.append(missing_words(missing))
    elif asked.offers:
        reasons.append(asked.offers)
    if c.contract is not None:
        reasons.append(f"Holds a {CONTRACT_WORDS[c.contract]}")
    else:
        reasons.append("Holds no contract with the council")
    return ok, reasons


@functools.lru_cache(maxsize=4096)
def _hours(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return f"{text} hour" if value == 1 else f"{text} hours"


def _eligible(request: CareRequest, c: Candidate, minimum: int) -> bool:
    """The same conditions as `_check`, without the words (for matching in bulk)."""
    return (
        request.service_kind in c.service_kinds
        and (not c.area_ids or bool(c.area_ids & request.area_ids))
        and not c.stop
        and (not c.rating or rating_rank(c.rating) <= minimum)
        and (c.spare_hours is None or c.spare_hours >= request.hours_per_week)
        and request.needs <= c.specialisms
    )


def match(
    request: CareRequest,
    candidates: Iterable[Candidate],
    service_words: Mapping[str, str] | None = None,
    minimum_rating: str = "Requires improvement",
    *,
    reasons: bool = True,
) -> list[Match]:
    """Every candidate with whether it is eligible and why, best first.

    `service_words` gives the words for service kinds and needs in the reasons ("home care",
    "two carers at each call"); a key without words is shown as it is. The request's own
    words are worked out once, not once per candidate (matching 1,000 requests against 500
    providers builds half a million reasons). `reasons=False` leaves the reasons out, for
    work that needs only who is eligible.
    """
    rating_rank(minimum_rating, check=True)
    if request.hours_per_week <= 0:
        raise SourcingRuleError("Hours a week must be more than 0")
    words = service_words or {}
    asked = _asked(request, words)

    @functools.cache
    def missing_words(missing: frozenset[str]) -> str:
        return f"Does not offer: {', '.join(sorted(words.get(n, n) for n in missing))}"

    keyed = []
    last = len(CONTRACT_ORDER)
    minimum = rating_rank(minimum_rating)
    for c in candidates:
        if reasons:
            ok, words_given = _check(request, c, asked, missing_words, minimum_rating)
        else:
            ok, words_given = _eligible(request, c, minimum), []
        contract = _CONTRACT_RANK[c.contract] if c.contract else last
        spare = -c.spare_hours if c.spare_hours is not None else Decimal(0)
        key = (0 if ok else 1, contract, rating_rank(c.rating), spare, c.name, c.location_id)
        keyed.append((key, Match(c, ok, tuple(words_given))))
    keyed.sort(key=lambda pair: pair[0])
    return [m for _, m in keyed]


@dataclass(frozen=True)
class CallPattern:
    """Calls a day, minutes each, days a week: "4 calls a day, 30 minutes, 7 days"."""

    calls_per_day: int
    minutes: int
    days_per_week: int

    def __post_init__(self) -> None:
        if not 1 <= self.calls_per_day <= 8:
            raise SourcingRuleError("Calls a day must be between 1 and 8")
        if not 1 <= self.days_per_week <= 7:
            raise SourcingRuleError("Days a week must be between 1 and 7")
        if not 15 <= self.minutes <= 720:
            raise SourcingRuleError("A call must last between 15 minutes and 12 hours")

    @property
    def calls_per_week(self) -> int:
        return self.calls_per_day * self.days_per_week

    @property
    def hours_per_week(self) -> Decimal:
        minutes = Fraction(self.calls_per_week * self.minutes, 60)
        return (Decimal(minutes.numerator) / Decimal(minutes.denominator)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )

    def describe(self) -> str:
        calls = "1 call" if self.calls_per_day == 1 else f"{self.calls_per_day} calls"
        days = "1 day" if self.days_per_week == 1 else f"{self.days_per_week} days"
        return f"{calls} a day, {self.minutes} minutes each, {days} a week"


def weekly_cost(pattern: CallPattern, rates: Mapping[int, Decimal]) -> Decimal:
    """The week's cost at the rate for the call's length.

    A call length with no published rate is charged pro rata from the hourly (60-minute) rate;
    with neither, the rules refuse rather than guess.
    """
    if pattern.minutes in rates:
        per_call = rates[pattern.minutes]
    elif 60 in rates:
        per_call = rates[60] * Decimal(pattern.minutes) / Decimal(60)
    else:
        raise SourcingRuleError(
            f"The contract has no rate for {pattern.minutes}-minute calls and no hourly rate"
        )
    return (per_call * pattern.calls_per_week).quantize(Decimal("0.01"), ROUND_HALF_UP)


def days_to_source(referral: date, sourced: date) -> int:
    """Calendar days from referral to sourced; the same day is 0."""
    if sourced < referral:
        raise SourcingRuleError(
            f"Sourced on {sourced:%d %B %Y}, before the referral on {referral:%d %B %Y}"
        )
    return (sourced - referral).days


@dataclass(frozen=True)
class Figures:
    """Days to source for a group of requests."""

    count: int
    median: Fraction
    mean: Fraction
    p90: int


@dataclass(frozen=True)
class MonthFigures(Figures):
    year: int = 0
    month: int = 0


def _median(values: Sequence[int]) -> Fraction:
    n = len(values)
    mid = n // 2
    return Fraction(values[mid]) if n % 2 else Fraction(values[mid - 1] + values[mid], 2)


def figures(days: Sequence[int]) -> Figures:
    """Count, median, mean and 90th percentile (nearest rank) of days; at least one value."""
    if not days:
        raise SourcingRuleError("No requests to measure")
    ordered = sorted(days)
    rank = math.ceil(Fraction(9, 10) * len(ordered))
    return Figures(
        count=len(ordered),
        median=_median(ordered),
        mean=Fraction(sum(ordered), len(ordered)),
        p90=ordered[rank - 1],
    )


K = TypeVar("K", bound=Hashable)


def figures_by(items: Iterable[tuple[K, int]]) -> dict[K, Figures]:
    """(key, days) pairs → figures per key, in the order keys first appear; days already
    counted (and checked) once, so one list of requests can be grouped several ways."""
    groups: dict[K, list[int]] = defaultdict(list)
    for key, days in items:
        groups[key].append(days)
    return {key: figures(days) for key, days in groups.items()}


def time_to_source_by(items: Iterable[tuple[K, date, date]]) -> dict[K, Figures]:
    """(key, referral, accepted) triples → figures per key, in the order keys first appear."""
    return figures_by(
        (key, days_to_source(referral, accepted)) for key, referral, accepted in items
    )


def time_to_source_by_month(pairs: Iterable[tuple[date, date]]) -> list[MonthFigures]:
    """(referral, accepted) pairs → figures per month accepted, oldest month first."""
    by_month = time_to_source_by(
        ((accepted.year, accepted.month), referral, accepted) for referral, accepted in pairs
    )
    return [
        MonthFigures(f.count, f.median, f.mean, f.p90, year=year, month=month)
        for (year, month), f in sorted(by_month.items())
    ]


def unsourced(items: Iterable[tuple[K, date]], today: date, days: int) -> list[tuple[K, int]]:
    """(key, referral) of open requests → those waiting more than `days` calendar days, with
    the days each has waited, longest first (ties in the order given)."""
    if days < 0:
        raise SourcingRuleError("The number of days must be 0 or more")
    waited = [(key, (today - referral).days) for key, referral in items]
    return sorted((w for w in waited if w[1] > days), key=lambda w: -w[1])


@dataclass(frozen=True)
class Version:
    """A package's hours a week from a day on (0 once it has ended)."""

    starts_on: date
    hours_per_week: Decimal


def hours_in_force(versions: Iterable[Version], on: date) -> Decimal:
    """The hours of the latest version starting on or before `on`; 0 before the first. Two
    versions from the same day: the later in the list wins (a change made after another)."""
    hours = Decimal(0)
    latest: date | None = None
    for v in versions:
        if v.starts_on <= on and (latest is None or v.starts_on >= latest):
            latest, hours = v.starts_on, v.hours_per_week
    return hours


def commissioned_hours(
    packages: Iterable[tuple[K, Iterable[Version]]], on: date
) -> dict[K, Decimal]:
    """Hours a week in force on `on` summed by key; keys with no hours that day are left out."""
    totals: dict[K, Decimal] = defaultdict(Decimal)
    for key, versions in packages:
        hours = hours_in_force(versions, on)
        if hours < 0:
            raise SourcingRuleError("Hours a week cannot be less than 0")
        if hours:
            totals[key] += hours
    return dict(totals)


def market_share(commissioned: Decimal, market: Decimal) -> Decimal:
    """The council's share of the market as a percentage to one decimal place (half up)."""
    if market <= 0:
        raise SourcingRuleError("The market's hours a week must be more than 0")
    if commissioned < 0:
        raise SourcingRuleError("Commissioned hours a week cannot be less than 0")
    return (Decimal(100) * commissioned / market).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Uplift:
    """A yearly uplift: the rates rise by `percent` from `applies_from`."""

    applies_from: date
    percent: Decimal


#: An uplift outside this range is a typing error, not a council's decision.
UPLIFT_RANGE = (Decimal(-50), Decimal(100))


def uplifted(rate: Decimal, uplifts: Iterable[Uplift], on: date) -> Decimal:
    """The rate in force on `on`: every uplift from that day or before, oldest first, each on
    the rate the one before left, rounded half up to the penny after each."""
    if rate < 0:
        raise SourcingRuleError("A rate cannot be less than £0")
    current = rate
    for u in sorted(uplifts, key=lambda u: u.applies_from):
        if not UPLIFT_RANGE[0] <= u.percent <= UPLIFT_RANGE[1]:
            raise SourcingRuleError("An uplift must be between -50% and 100%")
        if u.applies_from <= on:
            current = (current * (Decimal(100) + u.percent) / Decimal(100)).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
    return current
