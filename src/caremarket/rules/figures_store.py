"""Dated statutory figures, read from one TOML file per figure under ``figures/``.

The amounts change every April and each must carry its legal source, so they live as data a
reviewer can check line by line against the circular, not as constants in code. The folder path
is the dotted name: ``figures/capital/upper_limit.toml`` is ``capital.upper_limit``.

Every shipped row has an ``until`` date, so a year nobody has checked is an error
(:class:`MissingFigureError`), never a guess carried forward. Years after the shipped ones come
from ``overrides`` that a council admin enters in the app; an override row is in force from its
date to the end of that charging year (5 April), so each year needs its own rows too.

The charging year runs from 6 April to 5 April, as the yearly amending regulations do.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "FIGURES_DIR",
    "Figure",
    "FigureError",
    "FigureOverrides",
    "FigureValue",
    "MissingFigureError",
    "check_overrides",
    "figure",
    "figure_names",
    "figure_value",
    "figures_source",
    "financial_year_end",
    "financial_year_of",
    "financial_year_start",
    "load_figures",
    "year_has_figures",
    "year_label_in_words",
    "years_with_figures",
]

FIGURES_DIR = Path(__file__).with_name("figures")

OverrideRow = tuple[date, Decimal | int | float | str, str]
"""One admin-entered value: (in force from, amount, citation)."""

FigureOverrides = Mapping[str, Sequence[OverrideRow]]
"""What the Django side builds from the database: ``{dotted_name: [(from, amount, cite), ...]}``."""

_YEAR_LABEL = re.compile(r"^(\d{4})/(\d{2})$")
_PERIODS = ("none", "week")
_OVERRIDE_LIMIT = Decimal(1_000_000_000)


class FigureError(ValueError):
    """A figure file or an override row is malformed: a bug in the data, not in the input."""


class MissingFigureError(LookupError):
    """No value of a figure is in force on a date: the year's figures must be entered first."""

    def __init__(self, name: str, on: date) -> None:
        self.name = name
        self.on = on
        super().__init__(
            f"no value of {name} is in force on {on.isoformat()} ({financial_year_of(on)})"
        )


@dataclass(frozen=True)
class FigureValue:
    """One dated amount with its source."""

    start: date
    until: date
    amount: Decimal
    cite: str
    url: str = ""
    derived: bool = False
    note: str = ""
    override: bool = False

    def in_force(self, on: date) -> bool:
        """True when ``on`` falls between ``start`` and ``until``, both included."""
        return self.start <= on <= self.until


@dataclass(frozen=True)
class Figure:
    """A figure's metadata and its shipped values, oldest first."""

    name: str
    label: str
    unit: str
    per: str
    values: tuple[FigureValue, ...]
    about: str = ""


# --- charging years -------------------------------------------------------------------------


def financial_year_start(label: str) -> date:
    """6 April of the first year in a label such as ``"2025/26"``; ValueError if malformed."""
    match = _YEAR_LABEL.match(label)
    if match is None:
        raise ValueError(f"{label!r} is not a year such as 2025/26")
    first = int(match.group(1))
    if int(match.group(2)) != (first + 1) % 100 or first < 1900:
        raise ValueError(f"{label!r} is not a year such as 2025/26")
    return date(first, 4, 6)


def financial_year_of(day: date) -> str:
    """The charging year (6 April to 5 April) that ``day`` falls in, as ``"2025/26"``."""
    first = day.year if (day.month, day.day) >= (4, 6) else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def year_label_in_words(label: str) -> str:
    """``"2025/26"`` as people say it: ``"2025 to 2026"`` (the label itself if malformed)."""
    try:
        first = financial_year_start(label).year
    except ValueError:
        return label
    return f"{first} to {first + 1}"


def financial_year_end(day: date) -> date:
    """5 April at the end of the charging year that ``day`` falls in."""
    first = day.year if (day.month, day.day) >= (4, 6) else day.year - 1
    return date(first + 1, 4, 5)


# --- reading the files ----------------------------------------------------------------------


def _text(data: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise FigureError(f"{where}: {key} must be non-empty text")
    return value


def _day(data: Mapping[str, Any], key: str, where: str) -> date:
    value = data.get(key)
    if isinstance(value, datetime) or not isinstance(value, date):
        raise FigureError(f"{where}: {key} must be a date such as 2025-04-06")
    return value


def _read_value(row: Any, where: str) -> FigureValue:
    if not isinstance(row, Mapping):
        raise FigureError(f"{where}: must be a [[value]] table")
    amount = row.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise FigureError(f"{where}: amount must be a number")
    start, until = _day(row, "from", where), _day(row, "until", where)
    if until < start:
        raise FigureError(f"{where}: until is before from")
    derived = row.get("derived", False)
    if not isinstance(derived, bool):
        raise FigureError(f"{where}: derived must be true or false")
    note = _text(row, "note", where, required=derived)
    url = _text(row, "url", where)
    if not url.startswith("https://"):
        raise FigureError(f"{where}: url must start with https://")
    unknown = set(row) - {"from", "until", "amount", "cite", "url", "derived", "note"}
    if unknown:
        raise FigureError(f"{where}: unknown keys {sorted(unknown)}")
    return FigureValue(
        start=start,
        until=until,
        amount=Decimal(amount),
        cite=_text(row, "cite", where),
        url=url,
        derived=derived,
        note=note,
    )


def _read_figure(path: Path, name: str) -> Figure:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise FigureError(f"{path}: {error}") from error
    where = f"{path.relative_to(FIGURES_DIR)}"
    per = _text(data, "per", where)
    if per not in _PERIODS:
        raise FigureError(f"{where}: per must be one of {', '.join(_PERIODS)}")
    rows = data.get("value")
    if not isinstance(rows, list) or not rows:
        raise FigureError(f"{where}: needs at least one [[value]] row")
    values = tuple(_read_value(row, f"{where} value {n + 1}") for n, row in enumerate(rows))
    for earlier, later in itertools.pairwise(values):
        if later.start <= earlier.until:
            raise FigureError(f"{where}: value rows overlap or are out of order")
    return Figure(
        name=name,
        label=_text(data, "label", where),
        unit=_text(data, "unit", where),
        per=per,
        values=values,
        about=_text(data, "about", where, required=False),
    )


@cache
def load_figures() -> Mapping[str, Figure]:
    """Every shipped figure by dotted name, read once per process."""
    figures: dict[str, Figure] = {}
    for path in sorted(FIGURES_DIR.rglob("*.toml")):
        name = ".".join(path.relative_to(FIGURES_DIR).with_suffix("").parts)
        figures[name] = _read_figure(path, name)
    return figures


def figure_names() -> list[str]:
    """The dotted names of all shipped figures, sorted."""
    return sorted(load_figures())


# --- overrides ------------------------------------------------------------------------------


def _override_rows(name: str, rows: Any) -> list[FigureValue]:
    if isinstance(rows, str | bytes) or not isinstance(rows, Iterable):
        raise FigureError(f"overrides[{name!r}]: must be a list of (from, amount, cite) rows")
    values: list[FigureValue] = []
    for n, row in enumerate(rows):
        where = f"overrides[{name!r}][{n}]"
        if isinstance(row, str | bytes) or not isinstance(row, Sequence) or len(row) != 3:
            raise FigureError(f"{where}: must be a (from, amount, cite) row")
        start, raw, cite = row
        if isinstance(start, datetime):
            start = start.date()
        if not isinstance(start, date):
            raise FigureError(f"{where}: from must be a date")
        if isinstance(raw, bool) or not isinstance(raw, Decimal | int | float | str):
            raise FigureError(f"{where}: amount must be a number")
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            raise FigureError(f"{where}: amount must be a number") from None
        if not amount.is_finite() or abs(amount) > _OVERRIDE_LIMIT:
            raise FigureError(f"{where}: amount must be a finite number of sensible size")
        if not isinstance(cite, str) or not cite.strip():
            raise FigureError(f"{where}: cite must be non-empty text")
        values.append(
            FigureValue(
                start=start,
                until=financial_year_end(start),
                amount=amount,
                cite=cite.strip(),
                override=True,
            )
        )
    return values


def check_overrides(overrides: Any) -> list[str]:
    """Every problem with an overrides mapping, so callers can report rather than crash."""
    if overrides is None:
        return []
    if not isinstance(overrides, Mapping):
        return ["overrides: must be a mapping of figure name to rows"]
    problems: list[str] = []
    for name, rows in overrides.items():
        try:
            _override_rows(str(name), rows)
        except FigureError as error:
            problems.append(str(error))
    return problems


# --- looking figures up ---------------------------------------------------------------------


def figure_value(name: str, on: date, overrides: FigureOverrides | None = None) -> FigureValue:
    """The value of ``name`` in force on ``on``, with its source.

    Among the shipped rows and override rows in force, the one that started latest wins; on a
    tie the override wins, so an admin can correct a shipped (say, derived) amount for its year.
    Raises :class:`MissingFigureError` when nothing is in force and :class:`FigureError` for a
    malformed override row.
    """
    figure_ = load_figures().get(name)
    candidates = [v for v in figure_.values if v.in_force(on)] if figure_ else []
    if overrides is not None and name in overrides:
        candidates += [v for v in _override_rows(name, overrides[name]) if v.in_force(on)]
    if not candidates:
        raise MissingFigureError(name, on)
    return max(candidates, key=lambda value: (value.start, value.override))


def figure(name: str, on: date, overrides: FigureOverrides | None = None) -> Decimal:
    """The amount of ``name`` in force on ``on``; MissingFigureError if there is none."""
    return figure_value(name, on, overrides).amount


def year_has_figures(label: str, overrides: FigureOverrides | None = None) -> bool:
    """True when every shipped figure has a value in force on the first day of the year
    ``label`` (shipped or entered by an admin), so an estimate for that year can be made."""
    try:
        day = financial_year_start(label)
    except ValueError:
        return False
    for name in load_figures():
        try:
            figure_value(name, day, overrides)
        except MissingFigureError:
            return False
    return True


def years_with_figures(
    candidates: Iterable[str], overrides: FigureOverrides | None = None
) -> list[str]:
    """The candidate years (labels such as ``"2025/26"``) that have every figure, newest first."""
    found = {label for label in candidates if year_has_figures(label, overrides)}
    return sorted(found, key=financial_year_start, reverse=True)


def figures_source(on: date, overrides: FigureOverrides | None = None) -> str:
    """One paragraph naming where the charging year's figures come from, for people to read."""
    year = financial_year_of(on)
    names = set(load_figures()) | set(overrides or {})
    used: list[tuple[str, FigureValue]] = []
    for name in sorted(names):
        try:
            used.append((name, figure_value(name, on, overrides)))
        except MissingFigureError:
            continue
    if not used:
        return (
            f"No charging figures are held for {year}: "
            "a council admin must enter them before an estimate can be made."
        )
    shipped: list[str] = []
    entered: list[str] = []
    for _, value in used:
        bucket = entered if value.override else shipped
        if value.cite not in bucket and not value.cite.startswith("Derived by caremarket"):
            bucket.append(value.cite)
    parts = [f"Figures for {year} (in force from 6 April {year[:4]})."]
    if shipped:
        parts.append("Sources: " + "; ".join(sorted(shipped)) + ".")
    if entered:
        parts.append("Entered by a council admin: " + "; ".join(entered) + ".")
    figures = load_figures()
    derived = [figures[name].label for name, value in used if value.derived and name in figures]
    if derived:
        parts.append(
            f"{len(derived)} amount{'s are' if len(derived) > 1 else ' is'} derived from the "
            "usual yearly rise and not yet checked against the government circular: "
            + "; ".join(derived)
            + "."
        )
    return " ".join(parts)
