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
    sources = _population_sources(council)
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


def _scenario_result(council: LocalAuthority, scenario: Any) -> Any:
    if scenario is None:
        return None
    from caremarket.planning.results import run

    result = run(council, scenario.years, scenario.demand_models)
    return None if result.problems else result


def _service_label(service: str) -> str:
    from caremarket.planning.results import label

    return label(service)


@provider("sufficiency")
def sufficiency_tables(council: LocalAuthority, scenario: Any) -> list[Table]:
    """Demand, supply and gap by service at each of the scenario's years."""
    result = _scenario_result(council, scenario)
    if result is None or not result.rows:
        return []
    years = result.years()
    rows: list[list[Any]] = []
    for r in result.headline_rows:
        rows.append(
            [_service_label(r["service"]), str(r["year"]), r["demand"], r["supply"], r["gap"]]
        )
    sources = sorted(
        set(_population_sources(council)) | {f"Sufficiency scenario “{scenario.name}”"}
    )
    for r in result.rows:
        preset = (r.get("inputs") or {}).get("preset")
        if isinstance(preset, dict) and preset.get("citation"):
            sources.append(str(preset["citation"]))
    return [
        Table(
            id="sufficiency-gaps",
            caption=f"Demand, supply and gap by service, {years[0]} to {years[-1]}",
            columns=[
                Column("Service", "text"),
                Column("Year", "text"),
                Column("Demand"),
                Column("Supply"),
                Column("Gap (shortfall +, surplus −)"),
            ],
            rows=rows,
            sources=sorted(set(sources)),
            notes=[
                "A positive gap is a shortfall: more is needed than the council's records show."
            ],
        )
    ]


@provider("opportunities")
def opportunity_tables(council: LocalAuthority, scenario: Any) -> list[Table]:
    """Market opportunities: every service with a shortfall, how much and by when."""
    result = _scenario_result(council, scenario)
    if result is None:
        return []
    rows: list[list[Any]] = []
    for service in result.services():
        series = [
            r for r in result.headline_rows if r["service"] == service and r["gap"] is not None
        ]
        shortfalls = [r for r in series if r["gap"] > 0]
        if not shortfalls:
            continue
        last = series[-1]
        rows.append(
            [
                _service_label(service),
                str(shortfalls[0]["year"]),
                shortfalls[0]["gap"],
                str(last["year"]),
                last["gap"],
            ]
        )
    if not rows:
        return []
    return [
        Table(
            id="market-opportunities",
            caption="Market opportunities: services where demand is expected to exceed supply",
            columns=[
                Column("Service", "text"),
                Column("Shortfall from", "text"),
                Column("Shortfall then"),
                Column("Horizon year", "text"),
                Column("Shortfall at the horizon"),
            ],
            rows=rows,
            sources=[f"Sufficiency scenario “{scenario.name}”", *_population_sources(council)],
        )
    ]


def _population_sources(council: LocalAuthority) -> list[str]:
    return sorted(
        set(
            PopulationFigure.objects.for_council(council)
            .filter(kind=PopulationFigure.Kind.PROJECTION)
            .values_list("source", flat=True)
        )
    )
