"""The quality register's rules, kept apart from Django so they can be tested alone.

- **Audit rating.** Each standard an officer assessed gets a score on the rating scale
  (Poor 1, Requires improvement 2, Good 3, Excellent 4). A standard's weight is its own weight
  times its domain's weight. The overall score is the weighted mean of the assessed standards
  (a standard marked "not assessed" counts for nothing, in the sum or in the weights); the
  overall rating is the first band of the thresholds whose minimum the score reaches. Then the
  caps apply: a standard rated Poor holds the overall rating to "Requires improvement" at best,
  so a home cannot be "Good" while failing one standard outright. Scale, thresholds and caps
  are data (`RatingScheme`), so a council may set its own (its quality staff set the bands'
  lowest averages and the caps on the settings page: `parse_minimum`, `scheme_with`); the
  default is PAMMS-like.
  Arithmetic is exact (fractions), so a score exactly on a threshold reaches it.
- **Concern due times.** A concern is due a number of *clock hours* after it was logged: 24
  for high risk and 72 otherwise by default, configurable per council. Clock hours are elapsed
  time, so they are counted in UTC and shown in UK time (Europe/London): 24 hours from
  09:00 on the Saturday before the clocks go back is 08:00 on the Sunday.
- **Deadlines in days.** A provider has 14 days from a draft report being shared to send
  factual-accuracy comments; an action plan is due 14 days after the audit is published; a
  re-audit is due six months after publication (the same day of the month, or the month's
  last day when it has fewer days).
- **Risk.** A location is red, amber or green from plain facts (placement stop, overdue
  concerns, latest ratings, overdue actions, compliance gaps), with a reason for each, which
  is the plain risk summary staff read.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from zoneinfo import ZoneInfo

__all__ = [
    "ACTION_PLAN_DAYS",
    "CQC_RATINGS",
    "DEFAULT_SCHEME",
    "DEFAULT_STANDARDS",
    "EXCELLENT",
    "GOOD",
    "MAX_CONCERN_HOURS",
    "POOR",
    "PROVIDER_COMMENT_DAYS",
    "REAUDIT_MONTHS",
    "REQUIRES_IMPROVEMENT",
    "UK",
    "ConcernHours",
    "QualityRuleError",
    "Rag",
    "RatingResult",
    "RatingScheme",
    "RiskFacts",
    "SchemeError",
    "StandardScore",
    "action_plan_due",
    "add_months",
    "comments_due",
    "concern_due",
    "is_cqc_downgrade",
    "overall_rating",
    "parse_minimum",
    "reaudit_due",
    "risk",
    "scheme_from_data",
    "scheme_to_data",
    "scheme_with",
]

UK = ZoneInfo("Europe/London")
PROVIDER_COMMENT_DAYS = 14
ACTION_PLAN_DAYS = 14
REAUDIT_MONTHS = 6
#: No council needs a concern clock longer than this; a bigger number is a typing slip.
MAX_CONCERN_HOURS = 24 * 28


class QualityRuleError(ValueError):
    """Input the rules cannot work with, said in words a member of staff can act on."""


class SchemeError(QualityRuleError):
    """A rating scheme a member of staff set that cannot work: `rating` is the rating whose
    band minimum (`part` "minimum") or cap (`part` "cap") is wrong, so a form can say where."""

    def __init__(self, message: str, rating: str, part: str) -> None:
        super().__init__(message)
        self.rating, self.part = rating, part


# --- Audit rating ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingScheme:
    """How standard scores become an overall rating.

    `scale`: rating → score, best first. `thresholds`: (minimum weighted mean, rating), best
    first; the last minimum should be the scale's lowest score so every score has a band.
    `caps`: (if any standard is rated this, the overall is at best that).
    """

    scale: tuple[tuple[str, int], ...]
    thresholds: tuple[tuple[Fraction, str], ...]
    caps: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        names = [name for name, _ in self.scale]
        if not names or len(set(names)) != len(names):
            raise QualityRuleError("The rating scale needs at least one rating, each named once")
        for _, rating in self.thresholds:
            if rating not in names:
                raise QualityRuleError(f"The threshold rating “{rating}” is not on the scale")
        for worst, best in self.caps:
            if worst not in names or best not in names:
                raise QualityRuleError("Each cap must name two ratings on the scale")
        minimums = [minimum for minimum, _ in self.thresholds]
        if not minimums or minimums != sorted(minimums, reverse=True):
            raise QualityRuleError("Thresholds must be listed best first, highest minimum first")
        if minimums[-1] > min(score for _, score in self.scale):
            raise QualityRuleError("The lowest threshold must be no higher than the lowest score")

    @property
    def ratings(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.scale)

    def score_of(self, rating: str) -> int:
        return dict(self.scale)[rating]

    def rank(self, rating: str) -> int:
        """0 for the best rating, 1 for the next, and so on."""
        return self.ratings.index(rating)

    def band(self, score: Fraction) -> str:
        for minimum, rating in self.thresholds:
            if score >= minimum:
                return rating
        return self.thresholds[-1][1]  # unreachable: __post_init__ checks the lowest minimum


EXCELLENT = "Excellent"
GOOD = "Good"
REQUIRES_IMPROVEMENT = "Requires improvement"
POOR = "Poor"

DEFAULT_SCHEME = RatingScheme(
    scale=((EXCELLENT, 4), (GOOD, 3), (REQUIRES_IMPROVEMENT, 2), (POOR, 1)),
    thresholds=(
        (Fraction(7, 2), EXCELLENT),
        (Fraction(5, 2), GOOD),
        (Fraction(3, 2), REQUIRES_IMPROVEMENT),
        (Fraction(1), POOR),
    ),
    caps=((POOR, REQUIRES_IMPROVEMENT),),
)

#: The PAMMS-like default: five domains (weight) and their sixteen standards (weight).
DEFAULT_STANDARDS: tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...] = (
    (
        "Involvement and information",
        1,
        (
            ("Person-centred care and involvement", 1),
            ("Consent to care and treatment", 1),
            ("Information and communication", 1),
        ),
    ),
    (
        "Personalised care and support",
        1,
        (
            ("Care planning and review", 1),
            ("Meeting nutritional and hydration needs", 1),
            ("Health and wellbeing, working with others", 1),
            ("Activities and social inclusion", 1),
        ),
    ),
    (
        "Safeguarding and safety",
        2,
        (
            ("Safeguarding people from abuse and improper treatment", 1),
            ("Safe management of medicines", 1),
            ("Infection prevention and control", 1),
            ("Safety of premises and equipment", 1),
        ),
    ),
    (
        "Suitability of staffing",
        1,
        (
            ("Recruitment and staffing levels", 1),
            ("Staff training, supervision and support", 1),
        ),
    ),
    (
        "Quality of management",
        1,
        (
            ("Governance and quality assurance", 1),
            ("Complaints and feedback", 1),
            ("Records and data security", 1),
        ),
    ),
)


@dataclass(frozen=True)
class StandardScore:
    """One standard's result: `rating` None means not assessed on this visit."""

    standard: str
    rating: str | None
    weight: int = 1
    domain_weight: int = 1


@dataclass(frozen=True)
class RatingResult:
    rating: str
    score: Fraction
    uncapped: str
    capped_by: str | None
    assessed: int

    @property
    def score_text(self) -> str:
        """The weighted mean to two decimal places, as people read it ("2.75")."""
        hundredths = round(self.score * 100)
        return f"{hundredths // 100}.{hundredths % 100:02d}"


def overall_rating(
    scores: Iterable[StandardScore], scheme: RatingScheme = DEFAULT_SCHEME
) -> RatingResult:
    """The overall rating of an audit from its standard scores (rule in the module docstring)."""
    total = Fraction(0)
    weights = 0
    assessed: list[str] = []
    for item in scores:
        if item.weight < 0 or item.domain_weight < 0:
            raise QualityRuleError(f"The weight of “{item.standard}” must be 0 or more")
        if item.rating is None:
            continue
        if item.rating not in scheme.ratings:
            raise QualityRuleError(
                f"“{item.rating}” is not a rating for “{item.standard}”: use "
                + ", ".join(scheme.ratings)
            )
        weight = item.weight * item.domain_weight
        total += weight * scheme.score_of(item.rating)
        weights += weight
        assessed.append(item.rating)
    if not assessed:
        raise QualityRuleError("Rate at least one standard before the overall rating is worked out")
    if weights == 0:
        raise QualityRuleError("The standards rated all have a weight of 0: give one a weight")
    score = total / weights
    uncapped = scheme.band(score)
    rating, capped_by = uncapped, None
    for worst, best in scheme.caps:
        if worst in assessed and scheme.rank(rating) < scheme.rank(best):
            rating, capped_by = best, worst
    return RatingResult(rating, score, uncapped, capped_by, len(assessed))


# --- Concern clocks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConcernHours:
    """Clock hours to deal with a concern, by risk; a council may set its own."""

    high: int = 24
    other: int = 72

    def __post_init__(self) -> None:
        for name, hours in (("high-risk", self.high), ("other", self.other)):
            if not 1 <= hours <= MAX_CONCERN_HOURS:
                raise QualityRuleError(
                    f"Hours for {name} concerns must be between 1 and {MAX_CONCERN_HOURS}"
                )

    def for_risk(self, high_risk: bool) -> int:
        return self.high if high_risk else self.other


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise QualityRuleError(f"The {what} must say which time zone it is in")
    return moment


def concern_due(logged: datetime, high_risk: bool, hours: ConcernHours | None = None) -> datetime:
    """When a concern logged at `logged` must be dealt with, in UK time (elapsed clock hours)."""
    hours = hours or ConcernHours()
    start = _aware(logged, "time the concern was logged").astimezone(UTC)
    return (start + timedelta(hours=hours.for_risk(high_risk))).astimezone(UK)


# --- Deadlines in days -------------------------------------------------------------------------


def comments_due(shared: date) -> date:
    """The last day a provider may send comments on a draft report shared on `shared`."""
    return shared + timedelta(days=PROVIDER_COMMENT_DAYS)


def action_plan_due(published: date) -> date:
    """The day an action plan for an audit published on `published` is due."""
    return published + timedelta(days=ACTION_PLAN_DAYS)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def reaudit_due(published: date) -> date:
    return add_months(published, REAUDIT_MONTHS)


# --- CQC ratings and risk ----------------------------------------------------------------------

#: CQC's overall ratings, best first.
CQC_RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")


def is_cqc_downgrade(previous: str, new: str) -> bool:
    """True when `new` is a worse CQC rating than `previous` (unknown words are not rated)."""
    ranks = {rating.lower(): i for i, rating in enumerate(CQC_RATINGS)}
    before, after = ranks.get(previous.strip().lower()), ranks.get(new.strip().lower())
    return before is not None and after is not None and after > before


class Rag(StrEnum):
    RED = "Red"
    AMBER = "Amber"
    GREEN = "Green"


@dataclass(frozen=True)
class RiskFacts:
    """What the register knows about one location, for its red/amber/green."""

    placement_stop: str = ""  # "" none, else "full" or "partial"
    enquiry_open: bool = False  # a Large-Scale Enquiry
    overdue_concerns: int = 0
    #: Open concerns not yet overdue (an overdue one is counted once, as overdue), and how
    #: many of those are high risk.
    open_concerns: int = 0
    open_high_risk_concerns: int = 0
    audit_rating: str = ""
    cqc_rating: str = ""
    cqc_downgraded: bool = False
    open_notice: str = ""  # the latest open notice's kind in words ("Notice of breach")
    actions_overdue: int = 0
    compliance_gaps: Sequence[str] = field(default_factory=tuple)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def risk(facts: RiskFacts) -> tuple[Rag, list[str]]:
    """Red, amber or green, and the reasons in plain words (the most serious first)."""
    red: list[str] = []
    amber: list[str] = []
    if facts.placement_stop == "full":
        red.append("Placement stop: no new placements")
    elif facts.placement_stop:
        red.append("Partial placement stop")
    if facts.enquiry_open:
        red.append("Large-Scale Enquiry open")
    if facts.overdue_concerns:
        red.append(_count(facts.overdue_concerns, "concern overdue", "concerns overdue"))
    if facts.audit_rating == POOR:
        red.append("Council audit rated Poor")
    if facts.cqc_rating.lower() == "inadequate":
        red.append("CQC rated Inadequate")
    if facts.open_notice:
        amber.append(f"{facts.open_notice} open")
    if facts.open_high_risk_concerns:
        amber.append(
            _count(
                facts.open_high_risk_concerns, "high-risk concern open", "high-risk concerns open"
            )
        )
    other_open = facts.open_concerns - facts.open_high_risk_concerns
    if other_open > 0:
        amber.append(_count(other_open, "concern open", "concerns open"))
    if facts.audit_rating == REQUIRES_IMPROVEMENT:
        amber.append("Council audit rated Requires improvement")
    if facts.cqc_rating.lower() == "requires improvement":
        amber.append("CQC rated Requires improvement")
    if facts.cqc_downgraded:
        amber.append("CQC rating went down")
    if facts.actions_overdue:
        amber.append(_count(facts.actions_overdue, "action overdue", "actions overdue"))
    amber.extend(facts.compliance_gaps)
    if red:
        return Rag.RED, red + amber
    if amber:
        return Rag.AMBER, amber
    return Rag.GREEN, ["No concerns, stops or gaps on record"]


def scheme_from_data(data: Mapping[str, object]) -> RatingScheme:
    """A scheme from stored data: {"scale": [[name, score]…], "thresholds": [["3.5", name]…],
    "caps": [[worst, best]…]}; bad data is a QualityRuleError naming what is wrong."""
    try:
        scale = tuple((str(n), int(s)) for n, s in data["scale"])  # type: ignore[attr-defined]
        thresholds = tuple(
            (Fraction(str(m)), str(n))
            for m, n in data["thresholds"]  # type: ignore[attr-defined]
        )
        caps = tuple((str(w), str(b)) for w, b in data.get("caps", ()))  # type: ignore[attr-defined]
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
        raise QualityRuleError(
            "The rating scheme needs a scale of ratings and scores and thresholds"
        ) from error
    return RatingScheme(scale, thresholds, caps)


#: A band's minimum as staff type it: a number with at most two decimal places ("2.5").
_MINIMUM = re.compile(r"[+-]?\d+(\.\d{1,2})?")


def parse_minimum(text: str, rating: str, scheme: RatingScheme) -> Fraction:
    """The lowest average score that reaches `rating`, from what a member of staff typed. It
    must be a number with at most two decimal places, above the scale's lowest score (the
    lowest rating takes everything below) and no higher than its highest score."""
    lowest = min(score for _, score in scheme.scale)
    highest = max(score for _, score in scheme.scale)
    cleaned = text.strip()
    if not cleaned:
        raise SchemeError(f"Enter the lowest average score for {rating}", rating, "minimum")
    if not _MINIMUM.fullmatch(cleaned):
        raise SchemeError(
            f"The lowest average score for {rating} must be a number with at most two decimal "
            "places, like 2.5",
            rating,
            "minimum",
        )
    value = Fraction(cleaned)
    if not lowest < value <= highest:
        raise SchemeError(
            f"The lowest average score for {rating} must be more than {lowest} "
            f"and no more than {highest}",
            rating,
            "minimum",
        )
    return value


def scheme_with(
    scheme: RatingScheme, minimums: Sequence[Fraction], caps: Mapping[str, str]
) -> RatingScheme:
    """`scheme` with one band per rating on its scale: `minimums` are the lowest averages of
    every rating but the last, best first (the last takes everything from the lowest score);
    `caps` maps a rating to the best overall rating an audit with any standard rated so may
    get ("" for none). A cap must be no better than the rating that sets it allows
    (a standard rated Poor may hold the overall to Requires improvement, not raise it) and
    better than the best rating (capping at the best rating caps nothing)."""
    ratings = scheme.ratings
    if len(minimums) != len(ratings) - 1:
        raise QualityRuleError("Give a lowest average score for every rating but the last")
    for (better, higher), (worse, lower) in pairwise(zip(ratings, minimums, strict=False)):
        if higher <= lower:
            raise SchemeError(
                f"The lowest average score for {better} must be higher than for {worse}",
                better,
                "minimum",
            )
    lowest = min(score for _, score in scheme.scale)
    thresholds = (*zip(minimums, ratings, strict=False), (Fraction(lowest), ratings[-1]))
    kept = []
    for worst, best in caps.items():
        if worst not in ratings or (best and best not in ratings):
            raise QualityRuleError("Each cap must name two ratings on the scale")
        if not best:
            continue
        if scheme.rank(best) > scheme.rank(worst):
            raise SchemeError(
                f"A standard rated {worst} cannot hold the overall rating to {best}, "
                f"which is worse than {worst}",
                worst,
                "cap",
            )
        if scheme.rank(best) == 0:
            raise SchemeError(
                f"Capping at {best}, the best rating, changes nothing: choose no cap",
                worst,
                "cap",
            )
        kept.append((worst, best))
    kept.sort(key=lambda cap: scheme.rank(cap[0]))
    return RatingScheme(scheme.scale, tuple(thresholds), tuple(kept))


def scheme_to_data(scheme: RatingScheme) -> dict[str, object]:
    return {
        "scale": [[n, s] for n, s in scheme.scale],
        "thresholds": [[str(m), n] for m, n in scheme.thresholds],
        "caps": [[w, b] for w, b in scheme.caps],
    }
