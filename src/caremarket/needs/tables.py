"""A council's published figures as tables people read: every label, order, precision and
chart from the catalogue of measures (caremarket.rules.measures), sources in words.

One table per measure, breakdown and unit. A series over three or more periods with few
categories runs down the page by period with a line chart; a breakdown runs down by category,
with bars where there are several. The same tables serve the council's page, its CSV and JSON
downloads, the Market Position Statement's data sections and the comparison across councils.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from caremarket.needs.models import CouncilFigure
from caremarket.places.models import LocalAuthority
from caremarket.rules import measures as catalogue
from caremarket.rules.consistency import period_words
from caremarket.rules.measures import source_words
from caremarket.statements.data import Column, Table

#: A time series runs down the page (with a line chart) when it has this many periods or more
#: and no more categories than there are line styles.
SERIES_PERIODS = 3
SERIES_CATEGORIES = 5

#: Bars help a breakdown of this many categories or more (and not too many to read).
BAR_CATEGORIES, BAR_LIMIT = 2, 24

_GBP_UNITS = frozenset({"gbp", "gbp_per_week", "gbp_per_visit", "gbp_per_month"})


def period_key(period: str) -> tuple[str, int, str]:
    return (period[:4], len(period), period)


def table_id(measure: str, dimension: str, unit: str = "") -> str:
    text = f"{measure}-{dimension}" + (f"-{unit}" if unit else "")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cell_kind(unit: str, figures: Iterable[CouncilFigure], measure: str) -> str:
    """The column kind that prints these figures at their display precision."""
    printed = max((f.decimals for f in figures), default=0)
    if catalogue.is_catalogued(measure):
        printed = min(printed, catalogue.measure(measure).precision)
    base = "gbp" if unit in _GBP_UNITS else "pct" if unit == "pct" else "number"
    return f"{base}:{printed}"


@dataclass
class FigureGroup:
    measure: str
    dimension: str
    unit: str
    figures: list[CouncilFigure]


def groups(figures: Iterable[CouncilFigure]) -> list[FigureGroup]:
    """Figures grouped by measure, breakdown and unit, in the order they came."""
    found: dict[tuple[str, str, str], list[CouncilFigure]] = {}
    for f in figures:
        found.setdefault((f.measure, f.dimension, f.unit), []).append(f)
    return [FigureGroup(m, d, u, fs) for (m, d, u), fs in found.items()]


def group_table(group: FigureGroup, *, split_unit: bool = False) -> Table:
    measure, dimension, unit, figures = group.measure, group.dimension, group.unit, group.figures
    info = catalogue.measure(measure)
    periods = sorted({f.period for f in figures}, key=period_key)
    categories = catalogue.category_order(
        dimension, list(dict.fromkeys(f.category for f in figures))
    )
    cells = {(f.category, f.period): f.value for f in figures}
    kind = cell_kind(unit, figures, measure)
    caption = info.label + (
        "" if dimension == "all" else f" by {_lower(catalogue.dimension_label(dimension))}"
    )
    if split_unit:
        caption += f" ({catalogue.unit_label(unit)})"
    first = "" if dimension == "all" else catalogue.dimension_label(dimension)
    sources = sorted({source_words(f.source) for f in figures})
    notes = [info.definition] if info.definition else []
    if any(f.base_period for f in figures):
        bases = sorted({period_words(f.base_period) for f in figures if f.base_period})
        notes.append("Change measured from " + " and ".join(bases) + ".")
    totals = [c for c in categories if c.split("|")[-1] == "Total"]
    chart: dict[str, Any] | None = None
    down_by_period = len(periods) >= SERIES_PERIODS and len(categories) <= SERIES_CATEGORIES
    if down_by_period:
        columns = [Column("Period", "text")] + [
            Column(_category_column(c, dimension), kind) for c in categories
        ]
        rows = [[period_words(p)] + [cells.get((c, p)) for c in categories] for p in periods]
        if info.chart != "none":
            chart = {"kind": "line", "x": 0, "series": list(range(1, len(categories) + 1))}
    else:
        columns = [Column(first or "Figure", "text")] + [
            Column(period_words(p), kind) for p in periods
        ]
        rows = [
            [_category_row(c, dimension, info.label)] + [cells.get((c, p)) for p in periods]
            for c in categories
        ]
        parts = len(categories) - len(totals)
        if info.chart != "none" and BAR_CATEGORIES <= parts <= BAR_LIMIT and len(periods) <= 3:
            chart = {"kind": "bar", "x": 0, "series": list(range(1, len(periods) + 1))}
            if totals and categories[-1] in totals:
                chart["without_last_row"] = True
            if len(totals) > 1:
                chart = None
    if chart is not None and info.chart in ("line", "bar") and chart["kind"] != info.chart:
        chart = None
    return Table(
        id=table_id(measure, dimension, unit if split_unit else ""),
        caption=caption,
        columns=columns,
        rows=rows,
        sources=sources,
        chart=chart,
        notes=notes,
    )


def _lower(text: str) -> str:
    """Lower-case the first letter unless it starts an acronym ("CQC rating")."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _category_row(category: str, dimension: str, label: str) -> str:
    if dimension == "all":
        return "Total" if category == "Total" else catalogue.category_label(category)
    return catalogue.category_label(category)


def _category_column(category: str, dimension: str) -> str:
    return (
        "Figure"
        if dimension == "all" and category == "Total"
        else catalogue.category_label(category)
    )


def measure_tables(figures: Iterable[CouncilFigure]) -> list[Table]:
    """Tables for these figures, one per measure, breakdown and unit."""
    found = groups(figures)
    units: dict[str, set[str]] = {}
    for g in found:
        units.setdefault(g.measure, set()).add(g.unit)
    return [group_table(g, split_unit=len(units[g.measure]) > 1) for g in found]


def council_figures(
    council: LocalAuthority, names: Iterable[str] | None = None
) -> list[CouncilFigure]:
    figures = CouncilFigure.objects.for_council(council)
    if names is not None:
        figures = figures.measure(*names)
    return list(figures.order_by("measure", "dimension", "unit", "id"))


@dataclass
class ThemeSection:
    key: str
    title: str
    tables: list[Table]
    measures: list[str]


def by_theme(council: LocalAuthority) -> list[ThemeSection]:
    """Every figure the council holds, as tables grouped by theme, each theme's measures in
    the catalogue's order (measures it does not know last, under "Other figures")."""
    figures = [f for f in council_figures(council) if not catalogue.measure(f.measure).hidden]
    order = {name: i for i, name in enumerate(catalogue.catalogue().measures)}
    figures.sort(key=lambda f: (order.get(f.measure, len(order)), f.measure))
    themes = catalogue.themes()
    sections: dict[str, ThemeSection] = {}
    for table_figures in _by_measure(figures):
        theme = catalogue.measure(table_figures[0].measure).theme
        section = sections.setdefault(theme, ThemeSection(theme, themes[theme], [], []))
        section.tables += measure_tables(table_figures)
        section.measures.append(table_figures[0].measure)
    return [sections[key] for key in themes if key in sections]


def _by_measure(figures: list[CouncilFigure]) -> list[list[CouncilFigure]]:
    found: dict[str, list[CouncilFigure]] = {}
    for f in figures:
        found.setdefault(f.measure, []).append(f)
    return list(found.values())
