"""Consistency checks on published figures: what a careful analyst would query, nothing else.

Every check is judged **at the printed precision**. A figure printed as ``60.0`` may be anything
from 59.95 to 60.05; a whole number is exact only when it counts recorded things (complaints,
people supported) and is otherwise rounded to its last digit (projections, modelled demand); a
table whose every value is a multiple of 1,000 was rounded to thousands (£k). Two statements
disagree only when no true values within those limits could make both right, so a table built
consistently and then rounded never raises a finding.

The rules:

- **total**: a stated total is not the sum of its rows (additive breakdowns only); in a
  breakdown where one case can fall in several categories, a category larger than the total;
- **rate**: a percentage, average or rate that disagrees with its own numerator and
  denominator (``<stem>_numerator`` and ``<stem>_denominator`` rows, the vacancy rate's posts,
  or a weekly average beside its yearly figure);
- **change**: a stated change ("up 25%", "increase by 1,868") that disagrees with the two
  figures it compares (the change row's ``base_period`` names the earlier one);
- **subset**: a part larger than the whole it belongs to (substantiated enquiries above
  enquiries);
- **age-bands**: bands that partly overlap or leave a gap inside a breakdown (bands nested in
  one another, such as 65+ and 85+, are neither);
- **conflict**: one figure published with two values that differ even at the coarser precision.

Pure Python, no Django: the needs app turns its rows into `Figure` and findings into pages.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise, product

from caremarket.rules.measures import (
    category_label,
    dimension_label,
    is_additive,
    is_counted,
    measure,
    measure_label,
)

TOTAL = "Total"

RULE_TITLES = {
    "total": "Stated total does not add up",
    "rate": "Stated rate or average does not match its own figures",
    "change": "Stated change does not match the figures it compares",
    "subset": "Part larger than its whole",
    "age-bands": "Age bands overlap or leave a gap",
    "conflict": "One figure published with two values",
}

#: (part measure, whole measures): the part can never exceed the first whole stated beside it
#: (substantiated enquiries are judged against the enquiries concluded where a return gives
#: them, else against the enquiries started).
SUBSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("safeguarding_enquiries", ("safeguarding_concerns",)),
    (
        "safeguarding_enquiries_substantiated",
        ("safeguarding_enquiries_concluded", "safeguarding_enquiries"),
    ),
    ("safeguarding_enquiries_substantiated_fully", ("safeguarding_enquiries_substantiated",)),
    ("safeguarding_enquiries_substantiated_partly", ("safeguarding_enquiries_substantiated",)),
    ("msp_expressed", ("msp_asked",)),
    ("msp_achieved_fully", ("msp_expressed",)),
    ("msp_achieved_partly", ("msp_expressed",)),
    ("complaints_upheld", ("complaints",)),
    ("dols_completions", ("dols_referrals",)),
    ("direct_payment_recipients_employing_staff", ("direct_payment_recipients",)),
    ("healthy_life_expectancy_years", ("life_expectancy_years",)),
)

#: Rates published beside figures that are measures in their own right:
#: rate → (numerator measure, the measures summed for the denominator).
RATES = {
    "workforce_vacancy_rate_pct": (
        "workforce_vacancies",
        ("workforce_filled_posts", "workforce_vacancies"),
    ),
}

#: Weekly averages published beside the year's figure: weekly measure → yearly measure.
WEEKLY = {
    "care_packages_per_week": "care_packages",
    "home_care_hours_per_week": "home_care_hours",
}
#: A year has 52 weeks by the usual convention and 52.18 by the calendar: either is right.
WEEKS_IN_YEAR = (52.0, 365.25 / 7)

#: Changes whose measure does not end in _change or _change_pct: change measure → measure.
CHANGES = {"specialist_housing_additional_demand": "specialist_housing_demand"}

AGE_BAND = re.compile(r"^(?:(\d{1,3})(?:-(\d{1,3})|(\+))|under_(\d{1,3}))$")
EPSILON = 1e-9


@dataclass(frozen=True)
class Figure:
    """One published figure, as the checks see it."""

    council: str
    period: str
    measure: str
    dimension: str
    category: str
    value: float
    unit: str
    source: str
    #: Where the figure came from (file and line), for people tracing it.
    where: str = ""
    #: Decimal places as printed ("60.0" is 1).
    decimals: int = 0
    #: For a change: the period it is measured from.
    base_period: str = ""

    @property
    def is_total(self) -> bool:
        return self.category.split("|")[-1] == TOTAL

    @property
    def identity(self) -> str:
        return "|".join(
            (self.council, self.period, self.measure, self.dimension, self.category, self.source)
        )


@dataclass(frozen=True)
class Finding:
    rule: str
    council: str
    measure: str
    period: str
    #: What is wrong, in words, with the figures and the arithmetic.
    message: str
    figures: tuple[Figure, ...]

    @property
    def title(self) -> str:
        return RULE_TITLES[self.rule]

    @property
    def key(self) -> str:
        """Stable across re-imports of the same figures: council, measure, period, rule and the
        figures (what they are, where published and their values), never database ids."""
        parts = sorted(f"{f.identity}={f.value!r}" for f in self.figures)
        text = "\n".join([self.rule, self.council, self.measure, self.period, *parts])
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(cite(f.source) for f in self.figures))

    @property
    def rows(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.where for f in self.figures if f.where))

    def __str__(self) -> str:
        where = f" ({'; '.join(self.rows)})" if self.rows else ""
        return f"{self.title}: {self.message} Source: {'; '.join(self.sources)}.{where}"


# Words ----------------------------------------------------------------------------------------


def cite(source: str) -> str:
    """The documents and sections a source names, without the bracketed notes that follow."""
    parts = []
    for part in source.split(" ; also "):
        text = re.sub(r"\s*\((?:[^()]|\([^()]*\))*\)\s*$", "", part.strip())
        parts.append(text or part.strip())
    return "; also ".join(dict.fromkeys(parts))


MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def period_words(period: str) -> str:
    """ "2024-05-31" → "31 May 2024"; years and financial years as they are."""
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", period)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return period
    return f"{int(match.group(3))} {MONTHS[int(match.group(2)) - 1]} {match.group(1)}"


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless it starts an acronym ("CQC rating")."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def words(code: str) -> str:
    """A category (or compound category) in the catalogue's words, in running text
    ("financial_or_material_abuse" → "financial or material abuse", "copd" → "COPD")."""
    return _lower_first(category_label(code))


def describe(f: Figure) -> str:
    """ "Safeguarding concerns by type of abuse (financial or material abuse), 2020/21"."""
    name = measure_label(f.measure)
    if f.dimension == "all":
        return f"{name}, {period_words(f.period)}"
    return (
        f"{name} by {_lower_first(dimension_label(f.dimension))} ({words(f.category)}), "
        f"{period_words(f.period)}"
    )


def number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{max(decimals, 0)}f}"
    if text.lstrip("-").strip("0.,") == "":
        return text.lstrip("-")
    return text.replace("-", "−")


def amount(value: float, unit: str, decimals: int = 0) -> str:
    """A value in its unit's words: £83,054,000, 22.7%, 4,307."""
    text = number(value, decimals)
    if unit == "pct":
        return f"{text}%"
    if unit == "gbp":
        return f"−£{text[1:]}" if text.startswith("−") else f"£{text}"
    return text


def shown(f: Figure) -> str:
    return amount(f.value, f.unit, printed_decimals(f))


# Precision ------------------------------------------------------------------------------------


def printed_decimals(f: Figure) -> int:
    """Decimals as printed, or as the float shows them for figures made in code (at most 6)."""
    text = f"{f.value:.6f}".rstrip("0").rstrip(".")
    visible = len(text.split(".")[1]) if "." in text else 0
    return max(f.decimals, visible)


def trailing_unit(value: float) -> float:
    """The power of ten a whole number is a multiple of, keeping two significant digits:
    249,000 → 1,000; 2,370 → 10; 1,000 → 100 (one digit is not taken as a rounding)."""
    if not float(value).is_integer() or value == 0:
        return 1.0
    whole, unit = abs(int(value)), 1
    while whole % (unit * 10) == 0 and unit * 10 * 10 <= whole:
        unit *= 10
    return float(unit)


TableKey = tuple[str, str, str]


def divides(value: float) -> int:
    """The largest power of ten (up to a million) that a whole number is a multiple of."""
    whole, unit = abs(int(value)), 1
    while unit < 1_000_000 and whole % (unit * 10) == 0:
        unit *= 10
    return unit


def table_units(figures: Iterable[Figure]) -> dict[TableKey, float]:
    """The rounding unit each table (council, measure, breakdown) evidently uses: the largest
    power of ten that every one of its whole values is a multiple of (all in £000s means
    rounded to £1,000), when it holds two or more different values and the largest has at least
    two significant digits at that unit (10, 20 and 40 are counts, not tens)."""
    values: dict[TableKey, set[float]] = defaultdict(set)
    for f in figures:
        if printed_decimals(f) == 0 and f.value != 0:
            values[(f.council, f.measure, f.dimension)].add(abs(f.value))
    units: dict[TableKey, float] = {}
    for key, found in values.items():
        unit = min(divides(v) for v in found) if len(found) >= 2 else 1
        units[key] = float(unit) if max(found) >= 10 * unit else 1.0
    return units


class Precision:
    """How far each figure's true value may lie from its printed one (the rounding unit)."""

    def __init__(self, figures: Sequence[Figure]) -> None:
        self.units = table_units(figures)

    def unit(self, f: Figure) -> float:
        decimals = printed_decimals(f)
        if decimals:
            return 10.0**-decimals
        table = self.units.get((f.council, f.measure, f.dimension), 1.0)
        if table > 1:
            return table
        return 0.0 if is_counted(f.measure, f.unit) else 1.0

    def bounds(self, f: Figure) -> tuple[float, float]:
        half = self.unit(f) / 2
        return f.value - half, f.value + half

    def about(self, figures: Iterable[Figure]) -> str:
        """How the checked figures were treated, in words, for the findings."""
        units = [self.unit(f) for f in figures]
        if all(u == 0 for u in units):
            return "whole counts, so no rounding is allowed"
        coarse = max(units)
        if coarse >= 10:
            return f"allowing for rounding to the nearest {number(coarse)}"
        return "allowing for rounding in the last printed digit"


def overlaps(low: float, high: float, stated: tuple[float, float]) -> bool:
    return low <= stated[1] + EPSILON and stated[0] <= high + EPSILON


def _interval_sum(bounds: Iterable[tuple[float, float]]) -> tuple[float, float]:
    pairs = list(bounds)
    return sum(p[0] for p in pairs), sum(p[1] for p in pairs)


def _ratio_range(
    numerator: tuple[float, float], denominator: tuple[float, float], scale: float
) -> tuple[float, float] | None:
    """The range of scale × n ÷ d over both intervals, or None when d may be zero or n < 0."""
    if denominator[0] <= 0 or numerator[0] < 0:
        return None
    return scale * numerator[0] / denominator[1], scale * numerator[1] / denominator[0]


def scale_of(unit: str) -> float:
    return {"pct": 100.0, "per_1000_75plus": 1000.0, "per_100k": 100_000.0}.get(unit, 1.0)


# Rules ----------------------------------------------------------------------------------------


def _finding(rule: str, subject: Figure, message: str, figures: Iterable[Figure]) -> Finding:
    return Finding(rule, subject.council, subject.measure, subject.period, message, tuple(figures))


def total_findings(figures: Sequence[Figure], precision: Precision) -> Iterator[Finding]:
    groups: dict[tuple[str, ...], list[Figure]] = defaultdict(list)
    for f in figures:
        dims = f.dimension.split("|")
        if f.dimension == "all" or dims[-1] in ("bound", "area"):
            continue
        prefix = "|".join(f.category.split("|")[:-1])
        groups[(f.council, f.period, f.measure, f.dimension, prefix, f.unit)].append(f)
    for (_, _, name, dimension, prefix, unit), rows in groups.items():
        totals = [f for f in rows if f.is_total]
        parts = [f for f in rows if not f.is_total]
        if not totals or not parts:
            continue
        within = f" for {words(prefix)}" if prefix else ""
        for total in totals:
            if is_additive(name, unit, dimension):
                low, high = _interval_sum(precision.bounds(p) for p in parts)
                if overlaps(low, high, precision.bounds(total)):
                    continue
                summed = sum(p.value for p in parts)
                decimals = max(printed_decimals(f) for f in rows)
                yield _finding(
                    "total",
                    total,
                    f"{measure_label(name)} by {_lower_first(dimension_label(dimension))}{within}, "
                    f"{period_words(total.period)}: "
                    f"the stated total is {shown(total)} but its {len(parts)} rows sum to "
                    f"{amount(summed, unit, decimals)}, a difference of "
                    f"{amount(total.value - summed, unit, decimals)} "
                    f"({precision.about([total, *parts])}).{_extra_digit(total, parts, precision)}",
                    [total, *parts],
                )
            elif unit in ("people", "count") and measure(name).overlapping:
                # One case may be in several categories: only no category above the total.
                for part in parts:
                    if precision.bounds(part)[0] > precision.bounds(total)[1] + EPSILON:
                        yield _finding(
                            "total",
                            part,
                            f"{describe(part)} is {shown(part)}, more than the total of "
                            f"{shown(total)} (the categories may overlap, "
                            f"{measure(name).note}, but none can exceed the total).",
                            [part, total],
                        )


def _extra_digit(total: Figure, parts: list[Figure], precision: Precision) -> str:
    """A likely misprint, in words: the fewest rows (one or two) that, with one zero fewer,
    would make the rows add up (Stoke printed £4,032,000 as "£4,032,0000")."""
    tens = [p for p in parts if p.value and float(p.value).is_integer() and p.value % 10 == 0]
    for size in (1, 2):
        for suspects in combinations(tens, size):
            low, high = _interval_sum(
                (b[0] - p.value * 0.9, b[1] - p.value * 0.9)
                for p, b in ((p, precision.bounds(p)) for p in suspects)
            )
            rest = _interval_sum(precision.bounds(p) for p in parts if p not in suspects)
            if overlaps(low + rest[0], high + rest[1], precision.bounds(total)):
                named = " and ".join(
                    f"{words(p.category)} {shown(p)} (perhaps {amount(p.value / 10, p.unit)})"
                    for p in suspects
                )
                rows = "these rows were" if size > 1 else "this row was"
                return f" The rows would add up if {rows} printed with one zero too many: {named}."
    return ""


def _key(f: Figure) -> tuple[str, str, str, str]:
    return (f.council, f.period, f.dimension, f.category)


def rate_findings(figures: Sequence[Figure], precision: Precision) -> Iterator[Finding]:
    index: dict[tuple[str, str, str, str, str], list[Figure]] = defaultdict(list)
    for f in figures:
        index[(f.measure, *_key(f))].append(f)

    def one(name: str, f: Figure) -> Figure | None:
        found = index.get((name, *_key(f)))
        return found[0] if found else None

    for f in figures:
        if f.measure.endswith(("_numerator", "_denominator")):
            continue
        stem = f.measure.removesuffix("_pct")
        numerator_name, denominator_names = RATES.get(
            f.measure, (f"{stem}_numerator", (f"{stem}_denominator",))
        )
        numerator = one(numerator_name, f)
        denominators = [one(n, f) for n in denominator_names]
        if numerator is not None and all(d is not None for d in denominators):
            parts = [d for d in denominators if d is not None]
            yield from _check_ratio(f, numerator, parts, precision, scale_of(f.unit))
        yearly_name = WEEKLY.get(f.measure)
        yearly = one(yearly_name, f) if yearly_name else None
        if yearly is not None:
            yield from _check_weekly(f, yearly, precision)


def _check_ratio(
    stated: Figure,
    numerator: Figure,
    denominators: list[Figure],
    precision: Precision,
    scale: float,
) -> Iterator[Finding]:
    total = sum(d.value for d in denominators)
    window = _ratio_range(
        precision.bounds(numerator),
        _interval_sum(precision.bounds(d) for d in denominators),
        scale,
    )
    if window is None or total == 0 or overlaps(*window, precision.bounds(stated)):
        return
    computed = scale * numerator.value / total
    below = " + ".join(number(d.value, printed_decimals(d)) for d in denominators)
    below = f"({below})" if len(denominators) > 1 else below
    times = {100.0: "100 × ", 1000.0: "1,000 × ", 100_000.0: "100,000 × "}.get(scale, "")
    decimals = printed_decimals(stated)
    yield _finding(
        "rate",
        stated,
        f"{describe(stated)}: {shown(stated)} is stated, but {times}"
        f"{number(numerator.value, printed_decimals(numerator))} ÷ {below} = "
        f"{amount(computed, stated.unit, decimals + 2)}, which would be printed as "
        f"{amount(computed, stated.unit, decimals)} "
        f"({precision.about([numerator, *denominators])}).",
        [stated, numerator, *denominators],
    )


def _check_weekly(weekly: Figure, yearly: Figure, precision: Precision) -> Iterator[Finding]:
    low, high = precision.bounds(yearly)
    window = (low / WEEKS_IN_YEAR[1], high / WEEKS_IN_YEAR[0])
    if low < 0 or overlaps(*window, precision.bounds(weekly)):
        return
    decimals = printed_decimals(weekly)
    yield _finding(
        "rate",
        weekly,
        f"{describe(weekly)}: {shown(weekly)} a week is stated, but the year's "
        f"{shown(yearly)} ÷ 52 weeks = {number(yearly.value / 52, max(decimals, 1))} a week "
        f"(between {number(window[0], decimals)} and {number(window[1], decimals)} for a year "
        f"of 52 to 52.18 weeks).",
        [weekly, yearly],
    )


def _base_measure(name: str) -> str | None:
    if name in CHANGES:
        return CHANGES[name]
    for suffix in ("_change_pct", "_change"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return None


def change_findings(figures: Sequence[Figure], precision: Precision) -> Iterator[Finding]:
    by_measure: dict[tuple[str, str, str], list[Figure]] = defaultdict(list)
    for f in figures:
        by_measure[(f.council, f.measure, f.period)].append(f)

    def values(name: str, change: Figure, period: str) -> list[Figure]:
        rows = by_measure.get((change.council, name, period), [])
        same = [r for r in rows if (r.dimension, r.category) == (change.dimension, change.category)]
        if same or (change.dimension, change.category) != ("all", TOTAL):
            return same
        # An un-split change may compare totals stated under a breakdown (age_band/Total).
        return [r for r in rows if r.category.split("|")[-1] == TOTAL and "|" not in r.dimension]

    for change in figures:
        base = _base_measure(change.measure)
        if base is None or not change.base_period:
            continue
        starts = values(base, change, change.base_period)
        ends = values(base, change, change.period)
        if not starts or not ends:
            continue
        relative = change.unit == "pct"
        pairs = sorted(
            product(starts, ends),
            key=lambda p: (p[0].source != change.source, p[1].source != change.source),
        )
        if any(_change_agrees(change, a, b, precision, relative) for a, b in pairs):
            continue
        start, end = pairs[0]
        if relative:
            computed = 100 * (end.value - start.value) / start.value
            arithmetic = (
                f"100 × ({shown(end)} − {shown(start)}) ÷ {shown(start)} = "
                f"{number(computed, printed_decimals(change) + 2)}%"
            )
        else:
            computed = end.value - start.value
            arithmetic = f"{shown(end)} − {shown(start)} = {number(computed)}"
        yield _finding(
            "change",
            change,
            f"{describe(change)}: a change of {shown(change)} since "
            f"{period_words(change.base_period)} is "
            f"stated, but {arithmetic} ({precision.about([start, end])}).",
            [change, start, end],
        )


def _change_agrees(
    change: Figure, start: Figure, end: Figure, precision: Precision, relative: bool
) -> bool:
    a_low, a_high = precision.bounds(start)
    b_low, b_high = precision.bounds(end)
    if relative:
        window = _ratio_range((b_low, b_high), (a_low, a_high), 100.0)
        if window is None:
            return True  # a change from zero (or less) has no percentage to check
        low, high = window[0] - 100, window[1] - 100
    else:
        low, high = b_low - a_high, b_high - a_low
    return overlaps(low, high, precision.bounds(change))


def subset_findings(figures: Sequence[Figure], precision: Precision) -> Iterator[Finding]:
    index: dict[tuple[str, ...], list[Figure]] = defaultdict(list)
    for f in figures:
        index[(f.measure, *_key(f))].append(f)
    for part_name, whole_names in SUBSETS:
        for (name, *key), rows in list(index.items()):
            if name != part_name:
                continue
            whole_name = next((w for w in whole_names if (w, *key) in index), "")
            for part in rows:
                for whole in index.get((whole_name, *key), []):
                    if precision.bounds(part)[0] > precision.bounds(whole)[1] + EPSILON:
                        yield _finding(
                            "subset",
                            part,
                            f"{describe(part)} is {shown(part)}, more than "
                            f"{_lower_first(measure_label(whole_name))} ({shown(whole)}), "
                            "which it is part of.",
                            [part, whole],
                        )


Band = tuple[int, float]  # first age, last age (inf for "85+")


def _band(text: str) -> Band | None:
    match = AGE_BAND.match(text)
    if not match:
        return None
    if match.group(4):
        return (0, int(match.group(4)) - 1)
    start = int(match.group(1))
    return (start, math.inf) if match.group(3) else (start, int(match.group(2)))


def _show_band(band: Band) -> str:
    if band[0] == 0 and band[1] != math.inf:
        return f"under {int(band[1]) + 1}"
    return f"{band[0]}+" if band[1] == math.inf else f"{band[0]}-{int(band[1])}"


def _contains(outer: Band, inner: Band) -> bool:
    return outer != inner and outer[0] <= inner[0] and inner[1] <= outer[1]


def _band_problems(bands: list[Band]) -> Iterator[str]:
    """Partial overlaps anywhere; gaps between neighbouring bands at each level of nesting
    (the top-level bands, and the bands directly inside one band that holds two or more)."""
    for i, a in enumerate(bands):
        for b in bands[i + 1 :]:
            first, second = sorted((a, b))
            partial = second[0] <= first[1] and not (
                _contains(first, second) or _contains(second, first)
            )
            if partial:
                yield f"age bands {_show_band(first)} and {_show_band(second)} overlap"
    parents: list[Band | None] = [None, *bands]
    for parent in parents:
        children = [
            b
            for b in bands
            if (parent is None or _contains(parent, b))
            and not any(_contains(o, b) and (parent is None or _contains(parent, o)) for o in bands)
        ]
        for first, second in pairwise(sorted(children)):
            if first[1] + 1 < second[0]:
                yield (
                    f"ages {int(first[1]) + 1}–{second[0] - 1} are missing between bands "
                    f"{_show_band(first)} and {_show_band(second)}"
                )


def band_findings(figures: Sequence[Figure], precision: Precision) -> Iterator[Finding]:
    groups: dict[tuple[str, ...], dict[Band, Figure]] = defaultdict(dict)
    for f in figures:
        dims = f.dimension.split("|")
        if "age_band" not in dims:
            continue
        position = dims.index("age_band")
        parts = f.category.split("|")
        band = _band(parts[position])
        if band is None:
            continue
        others = "|".join(p for i, p in enumerate(parts) if i != position)
        key = (f.council, f.period, f.measure, f.dimension, others, f.source)
        groups[key].setdefault(band, f)
    for (_, period, name, _, others, _), bands in groups.items():
        if len(bands) < 2:
            continue
        problems = list(dict.fromkeys(_band_problems(list(bands))))
        if problems:
            first = next(iter(bands.values()))
            within = f" ({words(others)})" if others else ""
            yield _finding(
                "age-bands",
                first,
                f"{measure_label(name)}{within}, {period_words(period)}: {'; '.join(problems)}.",
                bands.values(),
            )


def conflict_findings(figures: Sequence[Figure], precision: Precision) -> Iterator[Finding]:
    """The same figure published with values that differ even at the coarser precision
    (249,008 beside 249,000 agrees; 2,359 beside 2,370 does not)."""
    groups: dict[tuple[str, ...], list[Figure]] = defaultdict(list)
    for f in figures:
        groups[(f.measure, *_key(f))].append(f)
    for rows in groups.values():
        if len({f.value for f in rows}) < 2:
            continue

        def bounds(f: Figure) -> tuple[float, float]:
            own = trailing_unit(f.value) if printed_decimals(f) == 0 else 0.0
            half = max(precision.unit(f), own) / 2
            return f.value - half, f.value + half

        if all(overlaps(*bounds(a), bounds(b)) for a, b in product(rows, rows)):
            continue
        values = " and ".join(shown(f) for f in rows)
        yield _finding(
            "conflict",
            rows[0],
            f"{describe(rows[0])} is published as {values}, which differ even at the "
            "coarser precision.",
            rows,
        )


RULES: tuple[Callable[[Sequence[Figure], Precision], Iterator[Finding]], ...] = (
    total_findings,
    rate_findings,
    change_findings,
    subset_findings,
    band_findings,
    conflict_findings,
)


def run_checks(figures: Sequence[Figure]) -> list[Finding]:
    """Every finding on these figures, each once, in rule order."""
    precision = Precision(figures)
    findings: dict[str, Finding] = {}
    for rule in RULES:
        for finding in rule(figures, precision):
            findings.setdefault(finding.key, finding)
    return list(findings.values())
