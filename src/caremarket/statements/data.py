"""Data blocks: the tables (and charts) an MPS section draws from the council's figures.

A block is plain JSON-able data, so that publishing can store exactly what was shown (the
snapshot) and a published edition renders from it forever. Providers register by key; each
takes the council and the edition's scenario and returns a block, or None when the council has
no figures for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from caremarket.places.models import LocalAuthority, PopulationFigure


@dataclass
class Column:
    label: str
    kind: str = "int"  # int, decimal1, gbp, gbp_pence, pct, text

    def as_json(self) -> dict[str, str]:
        return {"label": self.label, "kind": self.kind}


@dataclass
class Table:
    id: str
    caption: str
    columns: list[Column]
    rows: list[list[Any]]
    sources: list[str]
    chart: dict[str, Any] | None = None  # {"kind": "line", "x": 0, "series": [1, 2]}
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "caption": self.caption,
            "columns": [c.as_json() for c in self.columns],
            "rows": self.rows,
            "sources": self.sources,
            "chart": self.chart,
            "notes": self.notes,
        }


Provider = Callable[[LocalAuthority, Any], list[Table]]
PROVIDERS: dict[str, Provider] = {}


def provider(key: str) -> Callable[[Provider], Provider]:
    def register(function: Provider) -> Provider:
        PROVIDERS[key] = function
        return function

    return register


def build_block(key: str, council: LocalAuthority, scenario: Any) -> dict[str, Any] | None:
    function = PROVIDERS.get(key)
    if function is None:
        return None
    tables = function(council, scenario)
    if not tables:
        return None
    return {"key": key, "tables": [t.as_json() for t in tables]}


def every_fifth_year(years: list[int]) -> list[int]:
    """The first year, every fifth after it, and the last: how the seeds tabulate projections."""
    if not years:
        return []
    chosen = [y for y in years if (y - years[0]) % 5 == 0]
    if chosen[-1] != years[-1]:
        chosen.append(years[-1])
    return chosen


@provider("population")
def population_tables(council: LocalAuthority, scenario: Any) -> list[Table]:
    projections = PopulationFigure.objects.for_council(council).filter(
        kind=PopulationFigure.Kind.PROJECTION
    )
    cohorts = (65, 75, 85)
    totals = {age: projections.cohort_totals(age) for age in cohorts}
    years = every_fifth_year(sorted(totals[65]))
    if not years:
        return []
    base = years[0]
    rows: list[list[Any]] = []
    for year in years:
        row: list[Any] = [str(year)]
        row += [totals[age].get(year) for age in cohorts]
        first, now = totals[85].get(base), totals[85].get(year)
        row.append(100 * (now - first) / first if first and now is not None else None)
        rows.append(row)
    sources = sorted(set(projections.values_list("source", flat=True)))
    return [
        Table(
            id="population-older-people",
            caption=f"People aged 65+, 75+ and 85+ in {council.name}, {years[0]} to {years[-1]}",
            columns=[
                Column("Year (mid-year)", "text"),
                Column("Aged 65 and over"),
                Column("Aged 75 and over"),
                Column("Aged 85 and over"),
                Column(f"Change in 85+ since {base}", "pct"),
            ],
            rows=rows,
            sources=sources,
            chart={"kind": "line", "x": 0, "series": [1, 2, 3]},
        )
    ]
