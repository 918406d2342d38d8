"""Demand, supply and gap for adult social care services by year: the sufficiency engine.

Three models turn population and activity into demand for a service:

- ratio: a rate per 1,000 people of an age cohort (optionally by tenure) × that population
  (Housing LIN "More Choice, Greater Voice", SHOP@);
- prevalence: rates by age band (and sex) × population in the same bands, optionally × a
  service-use ratio (the POPPI/PANSI method);
- trend: ordinary least squares over people supported, projected to each year; with a cohort
  the fit is to people per head of that cohort (people ÷ its population in each history year)
  and the projected rate is × the cohort's population in the target year. Straight lines
  only; a projection may go below zero unless the model gives a `floor` (applied to people).

Gap = demand − supply (positive = shortfall). Pure stdlib, so the numbers can be read, tested
and reused without Django; `calculate` is the JSON contract behind `caremarket calc sufficiency`
and `POST /api/v1/calc/sufficiency`.

Input: `years`, `population` rows (`year`, `age_from`, `age_to` or null for "and over", `sex`
"all"/"male"/"female" defaulting to "all", `value`) and `models`, each with a unique `service`,
a `method` and an optional `supply` (a number, or by tenure for a split ratio model; a single
number on a split model goes on its total row). A ratio model takes `cohort` and `per_1000`, or
`preset` + `preset_rate` naming one rate of a ratio preset (`"preset": "mcgv2008",
"preset_rate": "extra_care"`), whose cohort it then uses. A prevalence model takes `rates`
(bands) or `preset` (`"cfas2_dementia"`), and `service_use_ratio`. A trend model takes `history`
(`{"2022": 120, ...}`), and optionally `cohort` and `floor`. Presets: the shipped ones
(`load_presets`), the caller's (`presets=`, may override) and the request's own `presets`
object (new names only). `label`, `note`, `source` and `unit` may be added anywhere.

Output: `{"years": [...], "rows": [...], "inputs": {...}}`. Rows come in model order, then
year order, then tenures with `total` last; each row has service, tenure (None unless split),
year, demand, supply and gap (None without supply), and nothing else, so a row is a plain dict
of numbers and strings. `inputs` says, per service, what made its rows: the fixed parts (method,
cohort, rate, bands, fitted slope and intercept, preset and its citation) and `by_year`, lists
aligned with `years` of what changes by year (the cohort's population and the population row
indices used, band populations, projections). `row_inputs(result, row)` puts one row's together.
Inputs share parts with each other (a preset's citation and bands, population row indices);
treat results as read-only.

Speed: a region is 150 councils × 40 models × 25 years, 180,000 rows. The population is
checked a field at a time across all rows (row by row only when something is wrong, to say
what) and indexed once per call; each population row's series over the years is looked up
once, and each cohort's population is added up once for all years, not per model and year.
A model then works on whole columns (one list of people per cohort), checks a column's
finiteness with one sum, and looks for what went wrong year by year only when something did.
Each row is a copy of its model's row with the year's figures put in; rows hold no
containers, so the garbage collector never scans them.

Population is never estimated. A cohort's population is the sum of the rows wholly inside its
ages; those rows must cover the ages exactly, with no gap and no overlap, and a row that
straddles the cohort's edge is an error. For sex "all" the "all" rows are used if any of them
touch the cohort's ages; otherwise male and female rows are added (both must be there). For
sex "male" or "female" only those rows are used. Rows wholly outside the cohort are ignored.

Bad input raises SufficiencyInputError listing every problem, each led by its JSON path.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import functools
import io
import itertools
import math
import operator
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from math import isfinite
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeAlias, cast

__all__ = [
    "OPEN",
    "Band",
    "Cohort",
    "CohortError",
    "PopulationRow",
    "Preset",
    "SufficiencyInputError",
    "calculate",
    "cohort_population",
    "load_presets",
    "ols_fit",
    "preset_from_data",
    "prevalence_demand",
    "ratio_demand",
    "reach_of",
    "row_inputs",
    "trend_projection",
]

PRESETS_DIR = Path(__file__).with_name("presets")
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_AGE = 150
SEXES = ("all", "male", "female")
_SEX_SET = frozenset(SEXES)
OPEN = MAX_AGE + 1  # age_to of an open-ended ("and over") population row
_EXACT_INT = 2**53  # larger whole numbers are checked the slow way (float() may overflow)
METHODS = ("ratio", "prevalence", "trend")
TOTAL = "total"

# Free-text fields anyone may add to an object (a UI's label, a note); they are ignored.
_ANNOTATIONS = frozenset({"label", "note", "source", "unit"})
_TOP_LEVEL_FIELDS = frozenset({"years", "population", "models", "presets"})
_POPULATION_FIELDS = frozenset({"year", "age_from", "age_to", "sex", "value"})
_COHORT_FIELDS = frozenset({"age_from", "age_to", "sex"})
_BAND_FIELDS = frozenset({"age_from", "age_to", "sex", "rate"})
_MODEL_COMMON = frozenset({"service", "method", "supply"})
_METHOD_FIELDS = {
    "ratio": frozenset({"cohort", "per_1000", "preset", "preset_rate"}),
    "prevalence": frozenset({"rates", "preset", "service_use_ratio"}),
    "trend": frozenset({"history", "cohort", "floor"}),
}
_ALL_MODEL_FIELDS = _MODEL_COMMON.union(*_METHOD_FIELDS.values())
_MODEL_FIELDS = {method: _MODEL_COMMON | fields for method, fields in _METHOD_FIELDS.items()}
_PRESET_COMMON = frozenset({"kind", "label", "citation", "url", "licence"})
_PRESET_FIELDS = {
    "ratio": frozenset({"cohort", "per_1000"}),
    "prevalence": frozenset({"rates", "rates_csv", "rate_column"}),
}
_ALL_PRESET_FIELDS = _PRESET_COMMON.union(*_PRESET_FIELDS.values())

RatioRate: TypeAlias = float | Mapping[str, float]
# One population row of a year and sex: (age_from, age_to, row index, value), where age_to
# is OPEN (MAX_AGE + 1) for "and over" and value is None if it was bad. A plain tuple in this
# order because a council has thousands of rows: they sort and bisect without key functions.
PopulationRow: TypeAlias = tuple[int, int, int, float | None]
# A cohort's population and the indices of the rows summed. Tuples, because one lookup is
# shared by every result row that used it, so no reader may change it for the others.
_Found: TypeAlias = tuple[float, tuple[int, ...]]
_BandsFound: TypeAlias = tuple[tuple[float, ...], tuple[tuple[int, ...], ...]]
Row: TypeAlias = dict[str, Any]
# What made one model's rows: fixed parts, and `by_year` lists aligned with the output's years.
Inputs: TypeAlias = dict[str, Any]
# A model's rows and inputs, or None when the model had a problem (reported in ctx.out).
_Made: TypeAlias = tuple[list[Row], Inputs] | None


class SufficiencyInputError(ValueError):
    """Bad input: every problem found, one line each, each starting with its JSON path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class CohortError(ValueError):
    """Why a cohort's population cannot be summed without guessing.

    `missing` means no row touched the cohort's ages (so another sex split may be tried);
    `quiet` means the cause was already reported against the population row itself.
    """

    def __init__(self, reason: str, *, missing: bool = False, quiet: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing
        self.quiet = quiet


@dataclass(frozen=True, slots=True)
class Cohort:
    """The people a rate applies to: ages `age_from`..`age_to` (None = and over) of a sex."""

    age_from: int
    age_to: int | None = None
    sex: str = "all"

    def as_data(self) -> dict[str, Any]:
        return {"age_from": self.age_from, "age_to": self.age_to, "sex": self.sex}


@dataclass(frozen=True, slots=True)
class Band:
    """A prevalence rate (a proportion, 0.012 = 1.2%) for an age band and sex."""

    age_from: int
    age_to: int | None
    sex: str
    rate: float

    def as_data(self) -> dict[str, Any]:
        return {
            "age_from": self.age_from,
            "age_to": self.age_to,
            "sex": self.sex,
            "rate": self.rate,
        }


@dataclass(frozen=True)
class Preset:
    """Named, cited rates: per 1,000 of a cohort (ratio) or by age band (prevalence)."""

    name: str
    kind: Literal["ratio", "prevalence"]
    label: str
    citation: str
    url: str = ""
    licence: str = ""
    cohort: Cohort | None = None
    per_1000: Mapping[str, RatioRate] = field(default_factory=dict)
    bands: tuple[Band, ...] = ()

    def as_data(self) -> dict[str, Any]:
        """The preset in the data shape `preset_from_data` reads (and a council may write)."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "label": self.label,
            "citation": self.citation,
            "url": self.url,
            "licence": self.licence,
        }
        if self.kind == "ratio":
            data["cohort"] = self.cohort.as_data() if self.cohort else None
            data["per_1000"] = {
                name: dict(rate) if isinstance(rate, Mapping) else rate
                for name, rate in self.per_1000.items()
            }
        else:
            data["rates"] = [band.as_data() for band in self.bands]
        return data

    def source(self, rate: str | None = None) -> dict[str, Any]:
        """What a result row shows about the preset that made it."""
        return {
            "name": self.name,
            "rate": rate,
            "label": self.label,
            "citation": self.citation,
            "url": self.url,
        }


# --- the arithmetic: small pure functions -------------------------------------------------


def ratio_demand(per_1000: float, population: float) -> float:
    """Need from a rate per 1,000 people (multiplied first, so whole numbers stay exact)."""
    return per_1000 * population / 1000


def prevalence_demand(
    bands: Iterable[tuple[float, float]], service_use_ratio: float | None = None
) -> float:
    """Σ rate × population over (rate, population) bands, × the service-use ratio if given."""
    people = sum(itertools.starmap(operator.mul, bands), 0.0)
    return people if service_use_ratio is None else people * service_use_ratio


def ols_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Ordinary least squares y = intercept + slope·x; returns (slope, intercept).

    The sums are centred on the means: Σx² − n·x̄² over years near 2000 would cancel away
    most of the digits that matter.
    """
    n = len(xs)
    if n != len(ys) or n < 2:
        raise ValueError("ols_fit needs at least 2 points and as many ys as xs")
    x_mean = sum(xs) / n
    y_mean = sum(ys) / n
    sxx = 0.0
    sxy = 0.0
    for x, y in zip(xs, ys, strict=True):
        dx = x - x_mean
        sxx += dx * dx
        sxy += dx * (y - y_mean)
    if sxx == 0:
        raise ValueError("ols_fit needs at least 2 different x values")
    slope = sxy / sxx
    return slope, y_mean - slope * x_mean


def trend_projection(
    slope: float,
    intercept: float,
    year: int,
    population: float | None = None,
    floor: float | None = None,
) -> float:
    """The fitted line at `year`, × the cohort's population if the fit was per head, floored."""
    value = intercept + slope * year
    if population is not None:
        value *= population
    if floor is not None and value < floor:
        return float(floor)
    return value


def _ages(age_from: int, age_to: int | None) -> str:
    if age_to is None:
        return f"{age_from}+"
    return f"{age_from}-{age_to}"


def reach_of(rows: Sequence[PopulationRow]) -> list[int]:
    """The highest age reached by each prefix of sorted rows, for cohort_population."""
    return list(itertools.accumulate((row[1] for row in rows), max))


def _shown(age_from: int, end: int) -> str:
    return _ages(age_from, None if end == OPEN else end)


def cohort_population(
    rows: Sequence[PopulationRow],
    age_from: int,
    age_to: int | None,
    *,
    year: int | None = None,
    reach: Sequence[int] | None = None,
) -> tuple[float, tuple[int, ...]]:
    """Sum the rows (one year and sex, sorted) wholly inside the cohort's ages.

    Returns the total and the indices of the rows used. Raises CohortError when that would
    mean guessing: a row straddling the cohort's edge, overlapping rows (people counted
    twice), ages with no row, or no row at all (`missing`). `reach` (from `reach_of`, kept
    with the rows) makes this a binary search plus the rows inside, not a scan of them all.
    """
    when = "" if year is None else f" for year {year}"
    last = OPEN if age_to is None else age_to
    if reach is None:
        reach = reach_of(rows)
    start = bisect.bisect_left(rows, (age_from,))
    if start and reach[start - 1] >= age_from:
        for low, high, index, _ in rows[:start]:
            if high >= age_from:
                raise CohortError(
                    f"population[{index}] (ages {_shown(low, high)}) straddles the edge of ages "
                    f"{_ages(age_from, age_to)}{when}; give rows that fit inside it"
                )
    inside: list[PopulationRow] = []
    for k in range(start, len(rows)):
        row = rows[k]
        if row[0] > last:
            break
        if row[1] > last:
            raise CohortError(
                f"population[{row[2]}] (ages {_shown(row[0], row[1])}) straddles the edge of "
                f"ages {_ages(age_from, age_to)}{when}; give rows that fit inside it"
            )
        inside.append(row)
    if not inside:
        raise CohortError(f"no population{when}", missing=True)
    total = 0.0
    used: list[int] = []
    expected = age_from
    previous: PopulationRow | None = None
    for row in inside:
        low, high, index, value = row
        if previous is not None and low <= previous[1]:
            raise CohortError(
                f"population[{previous[2]}] (ages {_shown(previous[0], previous[1])}) and "
                f"population[{index}] (ages {_shown(low, high)}) overlap{when}, so people "
                f"would be counted twice"
            )
        if low > expected:
            raise CohortError(f"population{when} has no row for ages {_ages(expected, low - 1)}")
        if value is None:
            raise CohortError(f"population[{index}] has no valid value", quiet=True)
        total += value
        used.append(index)
        expected = high + 1
        previous = row
    if expected <= last:
        raise CohortError(f"population{when} has no row for ages {_ages(expected, age_to)}")
    return total, tuple(used)


# --- reading JSON-like values -------------------------------------------------------------


def _show(value: Any) -> str:
    """A user's value, safe to put in a message (no huge numbers, no long text)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 64 else "a very large number"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:40] + "…"
        return '"' + text.replace('"', '\\"') + '"'
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return "a value of type " + type(value).__name__


def _key(key: Any) -> str:
    """An object key for a JSON path."""
    if isinstance(key, str) and 0 < len(key) <= 40 and key.isprintable():
        return key
    return _show(key)


def _join(path: str, key: Any) -> str:
    return f"{path}.{_key(key)}" if path else _key(key)


def _unknown(
    obj: Mapping[Any, Any],
    allowed: frozenset[str],
    path: str,
    out: list[str],
    elsewhere: frozenset[str] = frozenset(),
    what: str = "",
) -> None:
    """Report fields that are not expected, so a typo is not silently ignored."""
    if allowed.issuperset(obj):
        return
    for key in obj:
        if key in allowed or key in _ANNOTATIONS:
            continue
        if key in elsewhere:
            out.append(f"{_join(path, key)}: not used by {what}")
        else:
            expected = ", ".join(sorted(allowed))
            out.append(f"{_join(path, key)}: unknown field (expected: {expected})")


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple)


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _year(value: Any) -> int | None:
    year = _whole(value)
    return year if year is not None and MIN_YEAR <= year <= MAX_YEAR else None


_YEAR_RULE = f"must be a year (a whole number from {MIN_YEAR} to {MAX_YEAR})"
_AGE_RULE = f"must be a whole number of years from 0 to {MAX_AGE}"


def _age(value: Any) -> int | None:
    age = _whole(value)
    return age if age is not None and 0 <= age <= MAX_AGE else None


def _number(
    value: Any, path: str, out: list[str], *, upper: float | None = None, upper_note: str = ""
) -> float | None:
    """A finite number that is not negative; text, booleans, NaN and ∞ are refused."""
    if type(value) is float or (type(value) is int and -_EXACT_INT <= value <= _EXACT_INT):
        number = float(value)  # the usual case
    elif isinstance(value, bool) or not isinstance(value, int | float):
        out.append(f"{path}: must be a number")
        return None
    else:
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
    if not isfinite(number):
        out.append(f"{path}: must be a finite number")
        return None
    if number < 0:
        out.append(f"{path}: must not be negative")
        return None
    if upper is not None and number > upper:
        out.append(f"{path}: must not be more than {upper:g}{upper_note}")
        return None
    return number


def _sex(obj: Mapping[Any, Any], path: str, out: list[str]) -> str | None:
    sex = obj.get("sex", "all")
    if sex in SEXES and isinstance(sex, str):
        return sex
    out.append(f'{path}.sex: must be "all", "male" or "female"')
    return None


def _age_range(obj: Mapping[Any, Any], path: str, out: list[str]) -> tuple[int, int | None] | None:
    """age_from (required) and age_to (absent or null = and over)."""
    ok = True
    if "age_from" not in obj:
        out.append(f"{path}.age_from: is required")
        ok = False
        age_from = None
    else:
        age_from = _age(obj["age_from"])
        if age_from is None:
            out.append(f"{path}.age_from: {_AGE_RULE}")
            ok = False
    raw_to = obj.get("age_to")
    age_to = None
    if raw_to is not None:
        age_to = _age(raw_to)
        if age_to is None:
            out.append(f"{path}.age_to: {_AGE_RULE}, or null for open-ended")
            ok = False
        elif age_from is not None and age_to < age_from:
            out.append(f"{path}.age_to: must not be below age_from")
            ok = False
    if not ok or age_from is None:
        return None
    return age_from, age_to


def _cohort(value: Any, path: str, out: list[str]) -> Cohort | None:
    if not (type(value) is dict or isinstance(value, Mapping)):
        out.append(
            f'{path}: must be an object such as {{"age_from": 75}} or '
            f'{{"age_from": 18, "age_to": 64}}'
        )
        return None
    before = len(out)
    _unknown(value, _COHORT_FIELDS, path, out)
    ages = _age_range(value, path, out)
    sex = _sex(value, path, out)
    if ages is None or sex is None or len(out) > before:
        return None
    return Cohort(ages[0], ages[1], sex)


def _per_1000(value: Any, path: str, out: list[str]) -> float | dict[str, float] | None:
    """A rate per 1,000, or rates by tenure (each tenure gets a row, plus a total row)."""
    if type(value) is dict or isinstance(value, Mapping):
        if not value:
            out.append(f"{path}: must name at least one tenure")
            return None
        rates: dict[str, float] = {}
        ok = True
        for tenure, rate in value.items():
            here = _join(path, tenure)
            if not isinstance(tenure, str) or not tenure.strip():
                out.append(f"{here}: a tenure needs a name")
                ok = False
            elif tenure == TOTAL:
                out.append(f'{here}: "total" is kept for the row that adds up the tenures')
                ok = False
            number = _number(rate, here, out)
            if number is None:
                ok = False
            elif ok:
                rates[tenure] = number
        return rates if ok else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        out.append(
            f'{path}: must be a number, or numbers by tenure such as {{"market": 40, '
            f'"affordable": 93}}'
        )
        return None
    return _number(value, path, out)


_RATE_NOTE = " (a proportion: 0.012 means 1.2%)"


def _plain_band(item: Any) -> tuple[int, int | None, str, float] | None:
    """A plainly well-formed band's ages, sex and rate, or None to check it field by field."""
    if type(item) is not dict or not _BAND_FIELDS.issuperset(item):
        return None
    low, high = item.get("age_from"), item.get("age_to")
    sex, rate = item.get("sex", "all"), item.get("rate")
    if (
        type(low) is int
        and 0 <= low <= MAX_AGE
        and (high is None or (type(high) is int and low <= high <= MAX_AGE))
        and type(sex) is str
        and sex in _SEX_SET
        and (type(rate) is float or type(rate) is int)
        and 0 <= rate <= 1
    ):
        return low, high, sex, float(rate)
    return None


def _bands(value: Any, path: str, out: list[str]) -> tuple[Band, ...] | None:
    """Prevalence bands; bands that cover the same people twice are refused."""
    if not _is_list(value) or not value:
        out.append(
            f'{path}: must be a non-empty list of bands such as {{"age_from": 65, '
            f'"age_to": 69, "sex": "all", "rate": 0.015}}'
        )
        return None
    bands: list[Band] = []
    ok = True
    for j, item in enumerate(value):
        plain = _plain_band(item)
        if plain is not None:  # anything unusual gets the full check below
            bands.append(Band(*plain))
            continue
        here = f"{path}[{j}]"
        if not isinstance(item, Mapping):
            out.append(f"{here}: must be an object with age_from, age_to, sex and rate")
            ok = False
            continue
        before = len(out)
        _unknown(item, _BAND_FIELDS, here, out)
        ages = _age_range(item, here, out)
        sex = _sex(item, here, out)
        if "rate" not in item:
            out.append(f"{here}.rate: is required")
            rate = None
        else:
            rate = _number(item["rate"], f"{here}.rate", out, upper=1, upper_note=_RATE_NOTE)
        if ages is None or sex is None or rate is None or len(out) > before:
            ok = False
            continue
        bands.append(Band(ages[0], ages[1], sex, rate))
    if not ok:
        return None
    shape = tuple([(band.age_from, band.age_to, band.sex) for band in bands])
    if shape not in _SEPARATE_BANDS:
        before = len(out)
        _band_overlaps(bands, path, out)
        if len(out) == before and len(_SEPARATE_BANDS) < _SHAPES_KEPT:
            _SEPARATE_BANDS.add(shape)
    return tuple(bands)


# Band ages and sexes already found not to overlap (councils' models share them), so each
# is sorted and compared once, not per call.
_SEPARATE_BANDS: set[tuple[tuple[int, int | None, str], ...]] = set()
_SHAPES_KEPT = 4096


def _band_overlaps(bands: Sequence[Band], path: str, out: list[str]) -> None:
    """Sort once per sex (an "all" band counts for both) and compare neighbours: n log n."""
    seen: set[tuple[int, int]] = set()
    top = OPEN
    name = path.rsplit(".", 1)[-1]
    for sex in ("male", "female"):
        group = sorted(
            (band.age_from, top if band.age_to is None else band.age_to, j)
            for j, band in enumerate(bands)
            if band.sex == sex or band.sex == "all"
        )
        reach, holder = -1, -1
        for _, _, j in group:
            band = bands[j]
            if band.age_from <= reach and (holder, j) not in seen:
                seen.add((holder, j))
                other = bands[holder]
                out.append(
                    f"{path}[{j}]: overlaps {name}[{holder}] (ages "
                    f"{_ages(band.age_from, band.age_to)} and {_ages(other.age_from, other.age_to)}"
                    f"), so people would be counted twice"
                )
            end = top if band.age_to is None else band.age_to
            if end > reach:
                reach, holder = end, j


# --- presets ------------------------------------------------------------------------------


def _text(data: Mapping[Any, Any], key: str, path: str, out: list[str], required: bool) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        out.append(f"{path}.{key}: must be {'non-empty ' if required else ''}text")
        return ""
    return value


def _parse_preset(
    name: str, data: Any, path: str, out: list[str], folder: Path | None = None
) -> Preset | None:
    """Check and build a preset from data; `folder` (shipped files only) allows rates_csv."""
    if not isinstance(data, Mapping):
        out.append(f"{path}: must be an object with kind, label, citation and its rates")
        return None
    before = len(out)
    kind = data.get("kind")
    if kind not in ("ratio", "prevalence") or not isinstance(kind, str):
        out.append(f'{path}.kind: must be "ratio" or "prevalence"')
        _unknown(data, _ALL_PRESET_FIELDS, path, out)
        return None
    _unknown(
        data,
        _PRESET_COMMON | _PRESET_FIELDS[kind],
        path,
        out,
        _ALL_PRESET_FIELDS,
        f"{kind} presets",
    )
    label = _text(data, "label", path, out, required=True)
    citation = _text(data, "citation", path, out, required=True)
    url = _text(data, "url", path, out, required=False)
    licence = _text(data, "licence", path, out, required=False)
    if kind == "ratio":
        cohort = _cohort(data.get("cohort"), f"{path}.cohort", out)
        table = data.get("per_1000")
        per_1000: dict[str, RatioRate] = {}
        if not isinstance(table, Mapping) or not table:
            out.append(f"{path}.per_1000: must be an object of named rates per 1,000")
        else:
            for rate_name, value in table.items():
                here = _join(f"{path}.per_1000", rate_name)
                if not isinstance(rate_name, str) or not rate_name.strip():
                    out.append(f"{here}: a rate needs a name")
                    continue
                rate = _per_1000(value, here, out)
                if rate is not None:
                    per_1000[rate_name] = rate
        if len(out) > before or cohort is None:
            return None
        # Read-only, because shipped presets are loaded once and shared by every call.
        frozen = {k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in per_1000.items()}
        return Preset(
            name, "ratio", label, citation, url, licence, cohort, MappingProxyType(frozen)
        )
    if "rates_csv" in data:
        if folder is None:
            out.append(f"{path}.rates_csv: only shipped presets may read a file; give rates")
            return None
        if "rates" in data:
            out.append(f"{path}.rates: give either rates or rates_csv, not both")
            return None
        rows = _csv_bands(folder, data["rates_csv"], data.get("rate_column", "rate"), path, out)
        bands = None if rows is None else _bands(rows, f"{path}.rates_csv", out)
    else:
        bands = _bands(data.get("rates"), f"{path}.rates", out)
    if len(out) > before or bands is None:
        return None
    return Preset(name, "prevalence", label, citation, url, licence, bands=bands)


def _csv_bands(
    folder: Path, file_name: Any, column: Any, path: str, out: list[str]
) -> list[dict[str, Any]] | None:
    """Bands from a CSV with AgeBand (65-69, 90+), Sex and a rate column; # lines are notes."""
    if not isinstance(file_name, str) or Path(file_name).name != file_name:
        out.append(f"{path}.rates_csv: must be the name of a CSV file beside the preset")
        return None
    if not isinstance(column, str):
        out.append(f"{path}.rate_column: must be text")
        return None
    try:
        text = (folder / file_name).read_text(encoding="utf-8")
    except OSError as error:
        out.append(f"{path}.rates_csv: cannot read {file_name}: {error.strerror}")
        return None
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    rows: list[dict[str, Any]] = []
    for number, record in enumerate(csv.DictReader(io.StringIO("\n".join(lines))), start=2):
        band = (record.get("AgeBand") or "").strip()
        low, _, high = band.rstrip("+").partition("-")
        try:
            rate = float(record.get(column) or "")
            age_from = int(low)
            age_to = None if band.endswith("+") else int(high)
        except ValueError:
            out.append(f"{path}.rates_csv: {file_name} row {number}: cannot read {band!r}/{column}")
            continue
        sex = (record.get("Sex") or "").strip().lower()
        rows.append({"age_from": age_from, "age_to": age_to, "sex": sex, "rate": rate})
    return rows


def preset_from_data(name: str, data: Mapping[str, Any]) -> Preset:
    """A council's own preset, from the same data shape as the shipped TOML files."""
    out: list[str] = []
    preset = _parse_preset(name, data, f"presets.{_key(name)}", out)
    if preset is None:
        raise SufficiencyInputError(out)
    return preset


@functools.cache
def _shipped_presets() -> dict[str, Preset]:
    out: list[str] = []
    presets: dict[str, Preset] = {}
    for file in sorted(PRESETS_DIR.glob("*.toml")):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            out.append(f"presets/{file.name}: cannot read: {error}")
            continue
        preset = _parse_preset(file.stem, data, f"presets/{file.name}", out, PRESETS_DIR)
        if preset is not None:
            presets[file.stem] = preset
    if out:
        raise SufficiencyInputError(out)
    return presets


def load_presets() -> dict[str, Preset]:
    """The shipped presets (src/caremarket/rules/presets/*.toml) by name."""
    return dict(_shipped_presets())


def _presets_in_play(extra: Any, requested: Any, out: list[str]) -> dict[str, Preset]:
    """Shipped presets, then the caller's (which may override), then the request's own."""
    known = load_presets()
    if extra is not None:
        if not isinstance(extra, Mapping):
            out.append("presets: the presets argument must map names to presets")
        else:
            for name, preset in extra.items():
                path = _join("presets", name)
                if not isinstance(name, str) or not name:
                    out.append(f"{path}: a preset needs a name")
                    continue
                data = preset.as_data() if isinstance(preset, Preset) else preset
                parsed = _parse_preset(name, data, path, out)
                if parsed is not None:
                    known[name] = parsed
    if requested is not None:
        if not isinstance(requested, Mapping):
            out.append("presets: must be an object of preset name to preset")
            return known
        for name, data in requested.items():
            path = _join("presets", name)
            if not isinstance(name, str) or not name.strip():
                out.append(f"{path}: a preset needs a name")
            elif name in known:
                out.append(f"{path}: {name} is already a preset; choose another name")
            else:
                parsed = _parse_preset(name, data, path, out)
                if parsed is not None:
                    known[name] = parsed
    return known


# --- population -----------------------------------------------------------------------------

_Shape: TypeAlias = tuple[tuple[int, int | None, str], ...]
# One year's band populations for a set of prevalence bands, or the (band, error) pairs.
_BandsColumn: TypeAlias = list[_BandsFound | list[tuple[int, CohortError]]]
# A cohort as the (sex, age_from, end) rows to add up in any year of a regular population:
# one list, or a male list and a female list when "all" is made from the two.
_Plan: TypeAlias = list[list[tuple[str, int, int]]]
# A population as columns: years, sexes, age_froms, ends (age_to, or OPEN for "and over"),
# values (None where bad) and each row's index in the input.
_Ints: TypeAlias = Sequence[int]
_Columns: TypeAlias = tuple[_Ints, Sequence[str], _Ints, _Ints, Sequence[float | None], _Ints]
_NO_ROWS: _Columns = ((), (), (), (), (), ())


# Cohort plans by population layout (each sex's ages), kept across calls: a region's councils
# share one layout, so each cohort is resolved on it once. Plans are never changed once made.
_LAYOUT_PLANS: dict[tuple[tuple[str, int, int], ...], dict[Any, _Plan | None]] = {}
_LAYOUTS_KEPT = 64
# A population given a year at a time, the same ages in the same order each year: rows per
# year, each year's block number, and each (sex, age_from, end)'s place in a block.
_Blocks: TypeAlias = tuple[int, dict[int, int], dict[tuple[str, int, int], int]]


def _year_blocks(
    row_years: Sequence[int], sexes: Sequence[str], froms: Sequence[int], ends: Sequence[int]
) -> _Blocks | None:
    """The population's blocks, or None if its rows are not laid out that way (or repeat)."""
    count = len(set(row_years))
    width = len(row_years) // count if count else 0
    if not width or width * count != len(row_years):
        return None
    block_years = list(row_years[::width])
    first = list(zip(sexes[:width], froms[:width], ends[:width], strict=True))
    if (
        len(block_years) != count
        or len(set(first)) != width
        # Column by column, so that no tuple is made per row.
        or any(list(column) != list(column[:width]) * count for column in (sexes, froms, ends))
        or list(row_years)
        != list(
            itertools.chain.from_iterable(itertools.repeat(year, width) for year in block_years)
        )
    ):
        return None
    return (
        width,
        {year: b for b, year in enumerate(block_years)},
        {key: k for k, key in enumerate(first)},
    )


class _Population:
    """Population rows of one call, indexed so that each cohort is summed once.

    `column` gives a cohort's population in every requested year and `bands_column` a set
    of prevalence bands', so models only read results: a council's 40 models ask about a
    handful of cohorts, and each is worked out once, not once per model and year.

    Usually every year has rows for the same ages and sexes (a projection's bands). Then a
    cohort is resolved once, on those ages (`_plan`, kept across calls for the same ages),
    and each year's total is added up from `blocks` (rows a year at a time, in the same order
    every year: a stride through the columns) or else `exact`. Anything else goes year by
    year (`total`): rows grouped by (year, sex), sorted by age, for cohort_population. All
    ways give the same numbers and the same messages.
    """

    def __init__(self, columns: _Columns, years: Sequence[int], regular: bool = False) -> None:
        row_years, sexes, froms, ends, values, indices = columns
        self.columns = columns
        self.requested = years
        self.years = set(row_years)
        # Usually rows come a year at a time, each year's ages in the same order: then a
        # row's series over the years is a stride through the columns (`blocks`), and
        # nothing is indexed row by row.
        self.blocks = _year_blocks(row_years, sexes, froms, ends) if regular else None
        # (year, sex, age_from, end) → (value, (row index,)), the shape of a cohort's total.
        self.exact: dict[tuple[int, str, int, int], tuple[float | None, tuple[int]]] = {}
        if self.blocks is None:
            self.exact = dict(
                zip(
                    zip(row_years, sexes, froms, ends, strict=True),
                    zip(values, zip(indices), strict=True),
                    strict=True,
                )
            )
        self.repeated = self.blocks is None and len(self.exact) < len(row_years)
        # The ages of each sex, when every year has rows for exactly those (and no others):
        # as rows (age_from, end, k, 0) for cohort_population, and their reach.
        self.layouts: dict[str, tuple[list[PopulationRow], list[int]]] | None = None
        # Cohorts resolved on these ages, shared by every call with the same ages.
        self._layout_plans: dict[tuple[int, int | None, str], _Plan | None] = {}
        if regular and not self.repeated:
            if self.blocks is not None:
                bands = set(self.blocks[2])  # every year has these, and only these
            else:
                bands = set(zip(sexes, froms, ends, strict=True))
            if len(bands) * len(self.years) == len(row_years):
                ordered = sorted(bands)
                by_sex: dict[str, list[PopulationRow]] = {}
                for sex, age_from, end in ordered:
                    ages = by_sex.setdefault(sex, [])
                    ages.append((age_from, end, len(ages), 0.0))
                self.layouts = {sex: (ages, reach_of(ages)) for sex, ages in by_sex.items()}
                if len(_LAYOUT_PLANS) >= _LAYOUTS_KEPT:
                    _LAYOUT_PLANS.clear()
                self._layout_plans = _LAYOUT_PLANS.setdefault(tuple(ordered), {})
        self.tainted_years: set[int] = set()
        self.tainted_all = False
        self.reach: dict[tuple[int, str], list[int]] = {}
        self._groups: dict[tuple[int, str], list[PopulationRow]] | None = None
        self._cache: dict[tuple[int, int, int | None, str], _Found | CohortError] = {}
        self._plans: dict[tuple[int, int | None, str], _Plan | None] = {}
        # By cohort and years: True for the requested years, else the years themselves.
        self._columns: dict[
            tuple[int, int | None, str, bool | tuple[int, ...]], list[_Found | CohortError]
        ] = {}
        self._band_columns: dict[_Shape, _BandsColumn] = {}
        self._people: dict[tuple[int, int | None, str], list[float] | None] = {}
        self._band_counts: dict[_Shape, list[tuple[float, ...]] | None] = {}
        self._used: dict[tuple[int, int | None, str], list[tuple[int, ...]]] = {}
        self._bands_used: dict[_Shape, list[tuple[tuple[int, ...], ...]]] = {}
        self._series_cache: dict[
            tuple[tuple[str, int, int], bool | tuple[int, ...]], tuple[list[float], list[int]]
        ] = {}

    @property
    def groups(self) -> dict[tuple[int, str], list[PopulationRow]]:
        """Rows by (year, sex) in order of first appearance, each sorted by age; built once."""
        if self._groups is None:
            groups: dict[tuple[int, str], list[PopulationRow]] = {}
            row_years, sexes, froms, ends, values, indices = self.columns
            for key, row in zip(
                zip(row_years, sexes, strict=True),
                zip(froms, ends, indices, values, strict=True),
                strict=True,
            ):
                group = groups.get(key)
                if group is None:
                    groups[key] = [row]
                else:
                    group.append(row)
            for key, group in groups.items():
                group.sort()
                self.reach[key] = reach_of(group)
            self._groups = groups
        return self._groups

    def column(
        self, age_from: int, age_to: int | None, sex: str, years: Sequence[int] | None = None
    ) -> list[_Found | CohortError]:
        """The cohort's population and rows used (or why not) in each requested year, or in
        each of `years` (a trend's history)."""
        if years is None:
            years = self.requested
        key = (age_from, age_to, sex, years is self.requested or tuple(years))
        found: list[_Found | CohortError] | None = self._columns.get(key)
        if found is None:
            plan = self._plan(age_from, age_to, sex)
            if plan is not None and self.years.issuperset(years):
                values, used = self._add_up(plan, years)
                found = list(zip(values, used, strict=True))
                if years is self.requested:
                    self._people[age_from, age_to, sex] = values
                    self._used[age_from, age_to, sex] = used
            else:
                found = [self.total(year, age_from, age_to, sex) for year in years]
            self._columns[key] = found
        return found

    def people(self, age_from: int, age_to: int | None, sex: str) -> list[float] | None:
        """The cohort's population in each requested year, or None if any year has a problem
        (then `column` says what). Models multiply these lists without checking each cell."""
        key = (age_from, age_to, sex)
        if key not in self._people:
            plan = self._plan(age_from, age_to, sex)
            if plan is not None and self.years.issuperset(self.requested):
                # The usual case: added up straight into lists, with no cell per year.
                self._people[key], self._used[key] = self._add_up(plan, self.requested)
                return self._people[key]
            column = self.column(age_from, age_to, sex)
            if key not in self._people:
                clean = not any(isinstance(cell, CohortError) for cell in column)
                self._people[key] = [cast(_Found, c)[0] for c in column] if clean else None
        return self._people[key]

    def used(self, age_from: int, age_to: int | None, sex: str) -> list[tuple[int, ...]]:
        """The population row indices summed in each requested year (a clean cohort's)."""
        key = (age_from, age_to, sex)
        found = self._used.get(key)
        if found is None and self.people(age_from, age_to, sex) is not None:
            found = self._used.get(key)
        if found is None:
            column = self.column(age_from, age_to, sex)
            found = self._used[key] = [cast(_Found, cell)[1] for cell in column]
        return found

    def bands_used(self, shape: _Shape) -> list[tuple[tuple[int, ...], ...]]:
        """Per requested year, each band's population row indices (clean bands')."""
        found = self._bands_used.get(shape)
        if found is None:
            bands = [self.used(*band) for band in shape]
            found = self._bands_used[shape] = list(zip(*bands, strict=True))
        return found

    def band_counts(self, shape: _Shape) -> list[tuple[float, ...]] | None:
        """Each band's population in each requested year, or None if any year has a problem
        (then `bands_column` says what)."""
        if shape not in self._band_counts:
            bands = [self.people(*band) for band in shape]
            clean = all(values is not None for values in bands)
            self._band_counts[shape] = (
                list(zip(*cast(list[list[float]], bands), strict=True)) if clean else None
            )
        return self._band_counts[shape]

    def bands_column(self, shape: _Shape) -> _BandsColumn:
        """Per requested year: each band's population and rows used, or the bands' errors."""
        found = self._band_columns.get(shape)
        if found is None:
            found = []
            for per_band in zip(*[self.column(*band) for band in shape], strict=True):
                errors = [(j, e) for j, e in enumerate(per_band) if isinstance(e, CohortError)]
                if errors:
                    found.append(errors)
                else:
                    counts, used = zip(*per_band, strict=True)
                    found.append((counts, used))
            self._band_columns[shape] = found
        return found

    def total(self, year: int, age_from: int, age_to: int | None, sex: str) -> _Found | CohortError:
        """The cohort's population in one year and the rows used, or why not."""
        plan = self._plan(age_from, age_to, sex)
        if plan is not None and year in self.years:
            values, used = self._add_up(plan, [year])
            return values[0], used[0]
        return self._total(year, age_from, age_to, sex)

    def _plan(self, age_from: int, age_to: int | None, sex: str) -> _Plan | None:
        """The rows making the cohort in every year, or None to go year by year."""
        key = (age_from, age_to, sex)
        if key not in self._plans:
            self._plans[key] = None
            if self.layouts is not None:
                if key in self._layout_plans:
                    self._plans[key] = self._layout_plans[key]
                    return self._plans[key]
                # If not, the year-by-year way says what is wrong, naming the year and rows.
                with contextlib.suppress(CohortError):
                    self._plans[key] = self._layout_plan(self.layouts, age_from, age_to, sex)
                self._layout_plans[key] = self._plans[key]
        return self._plans[key]

    @staticmethod
    def _layout_plan(
        layouts: dict[str, tuple[list[PopulationRow], list[int]]],
        age_from: int,
        age_to: int | None,
        sex: str,
    ) -> _Plan | None:
        """As `_by_sex` decides, but on the ages alone; raises CohortError where it would."""

        def rows(part: str) -> list[tuple[str, int, int]]:
            ages, reach = layouts.get(part) or ([], [])
            used = cohort_population(ages, age_from, age_to, reach=reach)[1]
            return [(part, ages[k][0], ages[k][1]) for k in used]

        if sex != "all":
            return [rows(sex)]
        if "all" in layouts:
            try:
                return [rows("all")]
            except CohortError as error:
                if not error.missing:
                    raise
        return [rows("male"), rows("female")]

    def _add_up(
        self, plan: _Plan, years: Sequence[int]
    ) -> tuple[list[float], list[tuple[int, ...]]]:
        """The cohort's total in each year and the rows used, added up as `_by_sex` and
        cohort_population do (youngest row first; male, then female), a column at a time."""
        totals: list[list[float]] = []
        used: list[list[tuple[int, ...]]] = []
        for part in plan:
            rows = [self._series(row, years) for row in part]
            if len(rows) == 1:
                totals.append(rows[0][0])
                used.append(list(zip(rows[0][1])))
            else:
                totals.append(list(map(sum, zip(*[v for v, _ in rows], strict=True))))
                used.append(list(zip(*[indices for _, indices in rows], strict=True)))
        if len(totals) == 1:
            return totals[0], used[0]
        return (
            list(map(operator.add, *totals)),
            list(map(operator.add, *used)),
        )

    def _series(
        self, row: tuple[str, int, int], years: Sequence[int]
    ) -> tuple[list[float], list[int]]:
        """One population row's value and index in each of `years` (a regular population's
        rows have the same ages in every year), looked up once per call."""
        key = (row, years is self.requested or tuple(years))
        found = self._series_cache.get(key)
        if found is None and self.blocks is not None:
            width, block_of, slot = self.blocks
            k = slot[row]
            used = [block_of[year] * width + k for year in years]
            values = cast(Sequence[float], self.columns[4])  # no bad values
            found = self._series_cache[key] = (list(map(values.__getitem__, used)), used)
        elif found is None:
            exact = cast(dict[tuple[int, str, int, int], _Found], self.exact)  # no bad values
            sex, age_from, end = row
            cells = [exact[year, sex, age_from, end] for year in years]
            found = self._series_cache[key] = (
                [value for value, _ in cells],
                [indices[0] for _, indices in cells],
            )
        return found

    def _total(
        self, year: int, age_from: int, age_to: int | None, sex: str
    ) -> _Found | CohortError:
        """Year by year: the cohort's total from the rows, or why not (returned, not raised)."""
        key = (year, age_from, age_to, sex)
        found = self._cache.get(key)
        if found is None:
            try:
                found = self._by_sex(year, age_from, age_to, sex)
            except CohortError as error:
                if self.tainted_all or year in self.tainted_years:
                    error.quiet = True
                error.__traceback__ = None
                found = error
            self._cache[key] = found
        return found

    def _by_sex(self, year: int, age_from: int, age_to: int | None, sex: str) -> _Found:
        groups = self.groups
        if sex != "all":
            try:
                return self._sum(year, sex, age_from, age_to)
            except CohortError as error:
                if not error.missing:
                    raise
                raise self._missing(year, age_from, age_to, sex) from None
        everyone = groups.get((year, "all"))
        if everyone:
            try:
                return self._sum(year, "all", age_from, age_to)
            except CohortError as error:
                if not error.missing:
                    raise
        male, female = groups.get((year, "male")), groups.get((year, "female"))
        if not male and not female:
            raise self._missing(year, age_from, age_to, "all")
        parts: list[_Found] = []
        for part in ("male", "female"):
            try:
                parts.append(self._sum(year, part, age_from, age_to))
            except CohortError as error:
                if not error.missing:
                    raise
                missing = self._missing(year, age_from, age_to, part)
                raise CohortError(
                    f"{missing.reason}, so the population of all sexes cannot be made from "
                    f"male and female rows",
                    missing=True,
                ) from None
        return parts[0][0] + parts[1][0], parts[0][1] + parts[1][1]

    def _sum(self, year: int, sex: str, age_from: int, age_to: int | None) -> _Found:
        rows = self.groups.get((year, sex), [])
        reach = self.reach.get((year, sex), [])
        return cohort_population(rows, age_from, age_to, year=year, reach=reach)

    def _missing(self, year: int, age_from: int, age_to: int | None, sex: str) -> CohortError:
        """Say what is missing: the whole year, the sex split, or only these ages."""
        who = "population" if sex == "all" else f"{sex} population"
        if year not in self.years:
            reason = f"no population for year {year}"
        elif sex != "all" and (year, sex) not in self.groups:
            split = (year, "all") in self.groups
            reason = f"no {who} for year {year}" + (
                ": the population for that year is not split by sex" if split else ""
            )
        else:
            reason = f"no {who} for ages {_ages(age_from, age_to)} for year {year}"
        return CohortError(reason, missing=True)


_FIELD = {name: operator.itemgetter(name) for name in _POPULATION_FIELDS}
_ENDS: dict[Any, Any] = {None: OPEN}  # age_to → end, by dict.get(age_to, age_to)


def _read_population(value: Any, out: list[str], years: Sequence[int] = ()) -> _Population:
    """Check every row and index the good ones, once per call."""
    if value is None:
        return _Population(_NO_ROWS, years)
    if not _is_list(value):
        out.append("population: must be a list of rows")
        population = _Population(_NO_ROWS, years)
        population.tainted_all = True
        return population
    plain = _plain_columns(value)
    if plain is not None:
        population = _Population(plain, years, regular=True)
        if not population.repeated:
            return population  # else the row-by-row way reports the repeats
    tainted: set[int | None] = set()
    population = _Population(_checked_columns(value, out, tainted), years)
    population.tainted_all = None in tainted
    population.tainted_years = {year for year in tainted if year is not None}
    if population.repeated:
        # Sorted, a repeated row sits next to its first copy (lowest index first).
        for (year, sex), group in population.groups.items():
            first: dict[tuple[int, int], int] = {}
            for age_from, end, i, _ in group:
                earlier = first.setdefault((age_from, end), i)
                if earlier != i:
                    out.append(
                        f"population[{i}]: repeats population[{earlier}] (year {year}, ages "
                        f"{_shown(age_from, end)}, sex {sex})"
                    )
                    population.tainted_years.add(year)
    return population


def _plain_columns(rows: Sequence[Any]) -> _Columns | None:
    """The population as columns if every row is plainly well formed, else None.

    The usual input (thousands of good rows) is checked a field at a time across all rows,
    at C speed, instead of field by field per row. Anything unusual — a missing or extra
    field, a wrong type, a value out of range — returns None, and
    `_checked_columns` then goes row by row to say exactly what is wrong.
    """
    if not rows or set(map(type, rows)) != {dict}:
        return None
    lengths = set(map(len, rows))
    try:
        # A list per field, not a tuple per row: fewer objects for the garbage collector.
        if lengths == {5}:
            sexes = list(map(_FIELD["sex"], rows))
            if not _SEX_SET.issuperset(sexes):
                return None
        elif lengths == {4}:  # no sex given: "all"
            sexes = ["all"] * len(rows)
        else:
            return None
        row_years, froms, tos, numbers = (
            list(map(_FIELD[name], rows)) for name in ("year", "age_from", "age_to", "value")
        )
        if not (
            set(map(type, row_years)) == {int}
            and min(row_years) >= MIN_YEAR
            and max(row_years) <= MAX_YEAR
            and set(map(type, froms)) == {int}
            and min(froms) >= 0
            and max(froms) <= MAX_AGE
            and {int, type(None)}.issuperset(map(type, tos))
            # None (open-ended) and 0 dropped: neither can be above MAX_AGE.
            and max(filter(None, tos), default=0) <= MAX_AGE
            and {int, float}.issuperset(map(type, numbers))
            and all(map(math.isfinite, numbers))
        ):
            return None
        ends: list[int] = list(map(_ENDS.get, tos, tos))  # OPEN for None, else age_to itself
        values = list(map(float, numbers))
        if not all(map(operator.le, froms, ends)) or min(values) < 0:
            return None
    except (KeyError, TypeError, OverflowError):  # a field missing, a list as sex, 10**400
        return None
    return row_years, sexes, froms, ends, values, range(len(rows))


def _checked_columns(rows: Sequence[Any], out: list[str], tainted: set[int | None]) -> _Columns:
    """Row by row, with every problem reported. A row that cannot be placed taints its year
    (None: all years); one with a bad value is kept (value None), so that cohorts using it stay
    quiet instead of reporting a gap that is only the same problem again."""
    row_years: list[int] = []
    sexes: list[str] = []
    froms: list[int] = []
    ends: list[int] = []
    values: list[float | None] = []
    indices: list[int] = []
    for i, row in enumerate(rows):
        checked = _check_population_row(i, row, out, tainted)
        if checked is not None:
            year, age_from, age_to, sex, number = checked
            row_years.append(year)
            sexes.append(sex)
            froms.append(age_from)
            ends.append(OPEN if age_to is None else age_to)
            values.append(number)
            indices.append(i)
    return row_years, sexes, froms, ends, values, indices


def _check_population_row(
    i: int, row: Any, out: list[str], tainted: set[int | None]
) -> tuple[int, int, int | None, str, float | None] | None:
    """Every problem with one row; None if it cannot be placed (its year is then tainted)."""
    path = f"population[{i}]"
    if not isinstance(row, Mapping):
        out.append(f"{path}: must be an object with year, age_from, age_to, sex and value")
        tainted.add(None)
        return None
    before = len(out)
    _unknown(row, _POPULATION_FIELDS, path, out)
    year = _year(row.get("year"))
    if year is None:
        out.append(f"{path}.year: {_YEAR_RULE}")
    ages = _age_range(row, path, out)
    sex = _sex(row, path, out)
    placed = len(out) == before
    number = None
    if "value" not in row:
        out.append(f"{path}.value: is required")
    else:
        number = _number(row["value"], f"{path}.value", out)
    if not placed or ages is None or sex is None or year is None:
        tainted.add(year)
        return None
    return year, ages[0], ages[1], sex, number


# --- models ---------------------------------------------------------------------------------


@dataclass
class _Supply:
    """Supply as given (echoed in rows) and as floats (for the gap), total and by tenure."""

    raw: Any = None
    number: float | None = None
    by_tenure: dict[str, tuple[Any, float]] | None = None


def _supply(value: Any, tenures: list[str] | None, path: str, out: list[str]) -> _Supply | None:
    if value is None:
        return _Supply()
    if (type(value) is int or type(value) is float) and 0 <= value <= _EXACT_INT:
        return _Supply(value, float(value))  # the usual case, as _number would give it
    if type(value) is int or type(value) is float:  # no Mapping check
        number = _number(value, path, out)
        return None if number is None else _Supply(value, number)
    if type(value) is dict or isinstance(value, Mapping):
        if tenures is None:
            out.append(f"{path}: must be a number (this model is not split by tenure)")
            return None
        missing = [t for t in tenures if t not in value]
        extra = [_key(t) for t in value if t not in tenures]
        if missing or extra:
            parts = []
            if missing:
                parts.append("missing: " + ", ".join(missing))
            if extra:
                parts.append("not in per_1000: " + ", ".join(extra))
            out.append(f"{path}: tenures must match per_1000 ({'; '.join(parts)})")
            return None
        by_tenure: dict[str, tuple[Any, float]] = {}
        for tenure in tenures:
            number = _number(value[tenure], _join(path, tenure), out)
            if number is not None:
                by_tenure[tenure] = (value[tenure], number)
        if len(by_tenure) != len(tenures):
            return None
        raw_total = sum(raw for raw, _ in by_tenure.values())
        return _Supply(raw_total, sum(n for _, n in by_tenure.values()), by_tenure)
    if isinstance(value, bool) or not isinstance(value, int | float):
        split = " or numbers by tenure" if tenures else ""
        out.append(f"{path}: must be a number{split}")
        return None
    number = _number(value, path, out)
    return None if number is None else _Supply(value, number)


# Prevalence bands as the engine uses them: their ages and sexes, rates, and as data.
_PreparedBands: TypeAlias = tuple[_Shape, list[float], tuple[dict[str, Any], ...]]


def _prepare_bands(bands: Sequence[Band]) -> _PreparedBands:
    shape = tuple([(band.age_from, band.age_to, band.sex) for band in bands])
    return shape, [band.rate for band in bands], tuple([band.as_data() for band in bands])


def _model_bands(value: Any) -> _PreparedBands | None:
    """A model's own bands prepared straight from plainly good data whose ages and sexes are
    known not to overlap (as `_bands` and `_prepare_bands` would make them, without a Band
    object per band), or None for `_bands` to check them and say what is wrong."""
    if type(value) is not list or not value:
        return None
    shape: list[tuple[int, int | None, str]] = []
    rates: list[float] = []
    definitions: list[dict[str, Any]] = []
    for item in value:
        plain = _plain_band(item)
        if plain is None:
            return None
        low, high, sex, rate = plain
        shape.append((low, high, sex))
        rates.append(rate)
        definitions.append({"age_from": low, "age_to": high, "sex": sex, "rate": rate})
    known = tuple(shape)
    if known not in _SEPARATE_BANDS:
        return None
    return known, rates, tuple(definitions)


class _Context:
    """What every model of one calculate call shares."""

    def __init__(
        self, out: list[str], years: list[int], population: _Population, presets: dict[str, Preset]
    ) -> None:
        self.out = out
        self.years = years
        self.population = population
        self.presets = presets
        self.services: dict[str, int] = {}
        self._preset_bands: dict[str, tuple[_PreparedBands, dict[str, Any]]] = {}

    def preset_bands(self, preset: Preset) -> tuple[_PreparedBands, dict[str, Any]]:
        """A prevalence preset's bands and source, made once per call for all its models."""
        found = self._preset_bands.get(preset.name)
        if found is None:
            found = self._preset_bands[preset.name] = (
                _prepare_bands(preset.bands),
                preset.source(),
            )
        return found

    def preset(self, value: Any, kind: str, path: str) -> Preset | None:
        if not isinstance(value, str) or value not in self.presets:
            names = ", ".join(sorted(self.presets)) or "none"
            self.out.append(f"{path}: unknown preset {_show(value)} (known: {names})")
            return None
        preset = self.presets[value]
        if preset.kind != kind:
            same = ", ".join(sorted(n for n, p in self.presets.items() if p.kind == kind))
            self.out.append(
                f"{path}: {value} is a {preset.kind} preset; a {kind} model needs a {kind} "
                f"preset ({same or 'none'})"
            )
            return None
        return preset

    def cohort_problem(self, path: str, error: CohortError, service: str) -> None:
        if not error.quiet:
            self.out.append(f"{path}: {error.reason} (model {service})")

    def cohort_people(self, path: str, cohort: Cohort, service: str) -> list[float] | None:
        """The cohort's population in each requested year; or None, having reported each
        year's problem with it (the model then makes no rows)."""
        people = self.population.people(cohort.age_from, cohort.age_to, cohort.sex)
        if people is None:
            for cell in self.population.column(cohort.age_from, cohort.age_to, cohort.sex):
                if isinstance(cell, CohortError):
                    self.cohort_problem(path, cell, service)
        return people

    def too_large(self, path: str, year: int, service: str) -> None:
        self.out.append(
            f"{path}: the numbers are too large to work out year {year} (model {service})"
        )


def _rates_of(given: RatioRate) -> float | dict[str, float]:
    """A preset's rate, or a copy of its rates by tenure (the preset's own are read-only)."""
    return dict(given) if isinstance(given, Mapping) else given


def _ratio_model(i: int, model: Mapping[Any, Any], service: str, ctx: _Context) -> _Made:
    p, out = f"models[{i}]", ctx.out
    before = len(out)
    rate: float | dict[str, float] | None = None
    preset: Preset | None = None
    source: dict[str, Any] | None = None
    if "preset" in model:
        if "per_1000" in model:
            out.append(f"{p}.per_1000: give either per_1000 or a preset, not both")
        preset = ctx.preset(model["preset"], "ratio", f"{p}.preset")
        if preset is not None:
            chosen = model.get("preset_rate")
            if isinstance(chosen, str) and chosen in preset.per_1000:
                given = preset.per_1000[chosen]
                rate = given if type(given) is float else _rates_of(given)
                source = preset.source(chosen)
            else:
                names = ", ".join(preset.per_1000)
                if chosen is None:
                    out.append(f"{p}.preset_rate: is required with a ratio preset ({names})")
                else:
                    out.append(
                        f"{p}.preset_rate: {preset.name} has no rate {_show(chosen)} ({names})"
                    )
    else:
        if "preset_rate" in model:
            out.append(f"{p}.preset_rate: only used together with preset")
        if "per_1000" not in model:
            out.append(f"{p}.per_1000: is required (or give preset and preset_rate)")
        else:
            rate = _per_1000(model["per_1000"], f"{p}.per_1000", out)
    cohort: Cohort | None = None
    if "cohort" in model:
        cohort = _cohort(model["cohort"], f"{p}.cohort", out)
        wanted = preset.cohort if preset is not None else None
        if cohort is not None and wanted is not None and cohort != wanted:
            out.append(
                f"{p}.cohort: {model['preset']} rates are per 1,000 people aged "
                f"{_ages(wanted.age_from, wanted.age_to)} (sex {wanted.sex}); leave cohort out "
                f"or give those ages"
            )
    elif preset is not None:
        cohort = preset.cohort
    elif "preset" not in model:
        out.append(f"{p}.cohort: is required for a ratio model")
    tenures = list(rate) if isinstance(rate, dict) else None
    supply = _supply(model.get("supply"), tenures, f"{p}.supply", out)
    if len(out) > before or rate is None or cohort is None or supply is None:
        return None
    people = ctx.cohort_people(f"{p}.cohort", cohort, service)
    if people is None:
        return None
    if isinstance(rate, dict):
        rows = _split_ratio_rows(p, service, rate, people, supply, ctx)
    else:  # ratio_demand (rate × people / 1000), written out
        demands = [rate * n / 1000 for n in people]
        rows = _rows(p, service, None, demands, supply.raw, supply.number, ctx)
    if rows is None:
        return None
    inputs = {
        "method": "ratio",
        "cohort": cohort.as_data(),
        "per_1000": rate,
        "preset": source,
        "by_year": {
            "cohort_population": people,
            "population_rows": ctx.population.used(cohort.age_from, cohort.age_to, cohort.sex),
        },
    }
    return rows, inputs


def _split_ratio_rows(
    p: str,
    service: str,
    rates: dict[str, float],
    people: list[float],
    supply: _Supply,
    ctx: _Context,
) -> list[Row] | None:
    """Per year, a row per tenure and then the total row."""
    by_tenure = supply.by_tenure or {}
    parts = [[rate * n / 1000 for n in people] for rate in rates.values()]
    totals = [sum(each_tenure) for each_tenure in zip(*parts, strict=True)]
    # Each tenure's demand and supply lie between 0 and the finite totals, so finite total
    # rows mean every tenure row is finite too: check those first, to report them alone.
    total_rows = _rows(p, service, TOTAL, totals, supply.raw, supply.number, ctx)
    if total_rows is None:
        return None
    columns = []
    for tenure, demands in zip(rates, parts, strict=True):
        raw, number = by_tenure.get(tenure, (None, None))
        columns.append(cast(list[Row], _rows(p, service, tenure, demands, raw, number, ctx)))
    columns.append(total_rows)
    return [row for year_rows in zip(*columns, strict=True) for row in year_rows]


def _rows(
    p: str,
    service: str,
    tenure: str | None,
    demands: list[float],
    raw: Any,
    number: float | None,
    ctx: _Context,
) -> list[Row] | None:
    """A row per requested year, or None when a figure is too large to work out (reported).

    One sum checks a whole column: it is finite when every figure is (a finite column whose
    sum overflows is checked figure by figure)."""
    gaps: list[float] | None = None
    checked = demands
    if number is not None:
        gaps = checked = [demand - number for demand in demands]
    if not isfinite(sum(checked)):
        too_large = [year for year, x in zip(ctx.years, checked, strict=True) if not isfinite(x)]
        for year in too_large:
            ctx.too_large(p, year, service)
        if too_large:
            return None
    # Each row is a copy of one model-wide row with its year, demand and gap put in: copying a
    # dict of the same keys is cheaper than building it key by key (the fields, their order
    # and values are the same either way).
    row: Row = {
        "service": service,
        "tenure": tenure,
        "year": 0,
        "demand": 0.0,
        "supply": raw,
        "gap": None,
    }
    copy = row.copy
    rows: list[Row] = []
    append = rows.append
    if gaps is None:  # no supply, no gap
        for year, demand in zip(ctx.years, demands, strict=True):
            row = copy()
            row["year"] = year
            row["demand"] = demand
            append(row)
    else:
        for year, demand, gap in zip(ctx.years, demands, gaps, strict=True):
            row = copy()
            row["year"] = year
            row["demand"] = demand
            row["gap"] = gap
            append(row)
    return rows


def _prevalence_model(i: int, model: Mapping[Any, Any], service: str, ctx: _Context) -> _Made:
    p, out = f"models[{i}]", ctx.out
    before = len(out)
    prepared: _PreparedBands | None = None
    source: dict[str, Any] | None = None
    if "preset" in model:
        if "rates" in model:
            out.append(f"{p}.rates: give either rates or a preset, not both")
        preset = ctx.preset(model["preset"], "prevalence", f"{p}.preset")
        if preset is not None:
            prepared, source = ctx.preset_bands(preset)
    else:
        prepared = _model_bands(model.get("rates"))
        if prepared is None:  # something to say, or bands not seen before: the full check
            bands = _bands(model.get("rates"), f"{p}.rates", out)
            prepared = None if bands is None else _prepare_bands(bands)
    ratio = None
    if model.get("service_use_ratio") is not None:
        ratio = _number(model["service_use_ratio"], f"{p}.service_use_ratio", out)
    supply = _supply(model.get("supply"), None, f"{p}.supply", out)
    if len(out) > before or prepared is None or supply is None:
        return None
    shape, rates, definitions = prepared
    counted = ctx.population.band_counts(shape)
    if counted is None:
        for found in ctx.population.bands_column(shape):
            for j, error in found if isinstance(found, list) else ():
                where = f"{p}.preset" if source is not None else f"{p}.rates[{j}]"
                ctx.cohort_problem(where, error, service)
        return None
    mul = operator.mul
    with_condition = [sum(map(mul, rates, counts), 0.0) for counts in counted]  # prevalence_demand
    demands = with_condition if ratio is None else [n * ratio for n in with_condition]
    rows = _rows(p, service, None, demands, supply.raw, supply.number, ctx)
    if rows is None:
        return None
    inputs = {
        "method": "prevalence",
        "bands": definitions,
        "service_use_ratio": ratio,
        "preset": source,
        "by_year": {
            "band_population": counted,
            "population_rows": ctx.population.bands_used(shape),
            "people_with_condition": with_condition,
        },
    }
    return rows, inputs


_HISTORY_KEYS = {str(year): year for year in range(MIN_YEAR, MAX_YEAR + 1)}


def _history_year(key: Any) -> int | None:
    if isinstance(key, str):
        if key in _HISTORY_KEYS:
            return _HISTORY_KEYS[key]
        text = key.strip()
        return _year(int(text)) if text.isascii() and text.isdigit() and len(text) == 4 else None
    return _year(key)


def _trend_model(i: int, model: Mapping[Any, Any], service: str, ctx: _Context) -> _Made:
    p, out = f"models[{i}]", ctx.out
    before = len(out)
    history = model.get("history")
    points: dict[int, float] = {}
    if not (type(history) is dict or isinstance(history, Mapping)):
        out.append(
            f"{p}.history: must be an object of people supported by year, such as "
            f'{{"2022": 120, "2023": 131}}'
        )
    else:
        for key, value in history.items():
            year = _HISTORY_KEYS.get(key) if type(key) is str else None
            if year is None:
                year = _history_year(key)
            if (
                year is not None
                and year not in points
                and (type(value) is float or type(value) is int)
                and 0 <= value <= _EXACT_INT
            ):
                points[year] = float(value)  # the usual case, without building a path
                continue
            here = _join(f"{p}.history", key)
            if year is None:
                out.append(f"{here}: {_YEAR_RULE.replace('must be', 'key must be')}")
                continue
            if year in points:
                out.append(f"{here}: year {year} is given twice")
                continue
            number = _number(value, here, out)
            if number is not None:
                points[year] = number
        if len(history) < 2:
            out.append(f"{p}.history: needs at least 2 years")
    floor = None
    if model.get("floor") is not None:
        floor = _number(model["floor"], f"{p}.floor", out)
    cohort = None
    if model.get("cohort") is not None:
        cohort = _cohort(model["cohort"], f"{p}.cohort", out)
    supply = _supply(model.get("supply"), None, f"{p}.supply", out)
    if len(out) > before or supply is None or len(points) < 2:
        return None
    history_years = sorted(points)
    values = [points[y] for y in history_years]
    history_data = {str(y): points[y] for y in history_years}
    history_population: dict[str, float] | None = None
    if cohort is not None:
        history_population = {}
        per_head: list[float] = []
        history_column = ctx.population.column(
            cohort.age_from, cohort.age_to, cohort.sex, history_years
        )
        for year, found in zip(history_years, history_column, strict=True):
            if isinstance(found, CohortError):
                ctx.cohort_problem(f"{p}.cohort", found, service)
                continue
            if found[0] <= 0:
                out.append(
                    f"{p}.cohort: population is 0 for year {year}, so a rate per head cannot "
                    f"be worked out (model {service})"
                )
                continue
            history_population[str(year)] = found[0]
            per_head.append(points[year] / found[0])
        if len(per_head) < len(history_years):
            return None  # reported above, or quietly because a population row was bad
        values = per_head
    slope, intercept = ols_fit(history_years, values)
    if not (math.isfinite(slope) and math.isfinite(intercept)):
        out.append(f"{p}.history: the numbers are too large to fit a trend (model {service})")
        return None
    fitted_to = "people supported" if cohort is None else "people supported per head of cohort"
    projections = [intercept + slope * year for year in ctx.years]  # trend_projection
    by_year: dict[str, list[Any]] = {"projected": projections}
    demands = projections
    if cohort is not None:
        people = ctx.cohort_people(f"{p}.cohort", cohort, service)
        if people is None:
            return None
        demands = [rate * n for rate, n in zip(projections, people, strict=True)]
        by_year["cohort_population"] = people
        by_year["population_rows"] = ctx.population.used(cohort.age_from, cohort.age_to, cohort.sex)
    if floor is None:
        by_year["floored"] = [False] * len(demands)
    else:
        floors = itertools.repeat(floor)
        by_year["floored"] = list(map(operator.lt, demands, floors))
        demands = list(map(max, demands, floors))  # the demand, or the floor where below it
    rows = _rows(p, service, None, demands, supply.raw, supply.number, ctx)
    if rows is None:
        return None
    inputs = {
        "method": "trend",
        "fitted_to": fitted_to,
        "history": history_data,
        "slope": slope,
        "intercept": intercept,
        "floor": floor,
        "cohort": None if cohort is None else cohort.as_data(),
        "history_population": history_population,
        "by_year": by_year,
    }
    return rows, inputs


_MODELS = {"ratio": _ratio_model, "prevalence": _prevalence_model, "trend": _trend_model}


def _model(i: int, model: Any, ctx: _Context) -> tuple[str, list[Row], Inputs] | None:
    p, out = f"models[{i}]", ctx.out
    if not (type(model) is dict or isinstance(model, Mapping)):
        out.append(f"{p}: must be an object with service, method and the method's fields")
        return None
    before = len(out)
    service = model.get("service")
    if not isinstance(service, str) or not service.strip():
        out.append(f"{p}.service: must be a non-empty string")
        service = None
    elif service in ctx.services:
        out.append(
            f"{p}.service: {_show(service)} is already used by models[{ctx.services[service]}]"
        )
    else:
        ctx.services[service] = i
    method = model.get("method")
    if not isinstance(method, str) or method not in _MODELS:
        out.append(f'{p}.method: must be "ratio", "prevalence" or "trend"')
        _unknown(model, _ALL_MODEL_FIELDS, p, out)
        return None
    _unknown(model, _MODEL_FIELDS[method], p, out, _ALL_MODEL_FIELDS, f"{method} models")
    made = _MODELS[method](i, model, service or "", ctx)
    if made is None or len(out) > before or service is None:
        return None
    return service, *made


def _years(value: Any, out: list[str]) -> list[int]:
    if not _is_list(value) or not value:
        out.append("years: must be a non-empty list of years")
        return []
    years: list[int] = []
    seen: set[int] = set()
    ok = True
    for k, item in enumerate(value):
        year = _year(item)
        if year is None:
            out.append(f"years[{k}]: {_YEAR_RULE}")
            ok = False
        elif year in seen:
            out.append(f"years[{k}]: {year} is listed twice")
            ok = False
        else:
            seen.add(year)
            years.append(year)
    return years if ok else []


def calculate(
    payload: Mapping[str, Any] | Any, presets: Mapping[str, Preset] | None = None
) -> dict[str, Any]:
    """Demand, supply and gap for every model and year; see the module docstring.

    `presets` adds or overrides council-defined presets (Preset objects, or data in the
    shape of the shipped TOML files). Raises SufficiencyInputError listing every problem.
    """
    if not isinstance(payload, Mapping):
        raise SufficiencyInputError(["$: must be a JSON object with years, population and models"])
    out: list[str] = []
    _unknown(payload, _TOP_LEVEL_FIELDS, "", out)
    years = _years(payload.get("years"), out)
    known = _presets_in_play(presets, payload.get("presets"), out)
    population = _read_population(payload.get("population"), out, years)
    models = payload.get("models")
    rows: list[Row] = []
    inputs: dict[str, Inputs] = {}
    if not _is_list(models) or not models:
        out.append("models: must be a non-empty list of models")
    else:
        ctx = _Context(out, years, population, known)
        for i, model in enumerate(models):
            made = _model(i, model, ctx)
            if made is not None:
                rows += made[1]
                inputs[made[0]] = made[2]
    if out:
        raise SufficiencyInputError(list(dict.fromkeys(out)))
    return {"years": years, "rows": rows, "inputs": inputs}


def row_inputs(result: Mapping[str, Any], row: Mapping[str, Any]) -> Inputs:
    """What made one row of a `calculate` result: its model's inputs with that row's year
    picked out of `by_year` (rows carry no inputs of their own, so a region's 180,000 rows
    stay plain values the garbage collector never has to scan)."""
    model = result["inputs"][row["service"]]
    k = list(result["years"]).index(row["year"])
    merged = {key: value for key, value in model.items() if key != "by_year"}
    merged.update({key: values[k] for key, values in model["by_year"].items()})
    return merged
