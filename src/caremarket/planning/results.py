"""Run a scenario through the engine and shape its rows for pages, CSV and comparison."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from caremarket.charts import Series, line_chart
from caremarket.places.models import LocalAuthority
from caremarket.planning.inputs import engine_input
from caremarket.rules.sufficiency import SufficiencyInputError, calculate


@dataclass
class Result:
    rows: list[dict[str, Any]]
    problems: list[str]

    @property
    def headline_rows(self) -> list[dict[str, Any]]:
        """One row per service and year: the total of a split service, else the row itself."""
        return [r for r in self.rows if r["tenure"] in (None, "total")]

    def services(self) -> list[str]:
        return list(dict.fromkeys(r["service"] for r in self.rows))

    def years(self) -> list[int]:
        return sorted({r["year"] for r in self.rows})


def run(council: LocalAuthority, years: list[int], models: list[Any]) -> Result:
    try:
        output = calculate(engine_input(council, years, models))
    except SufficiencyInputError as error:
        return Result([], error.problems)
    return Result(output["rows"], [])


def label(service: str) -> str:
    return service.replace("_", " ").capitalize()


def gap_chart(result: Result, chart_id: str, title: str) -> Any:
    years = result.years()
    by_key = {(r["service"], r["year"]): r for r in result.headline_rows}
    series = []
    for service in result.services():
        values = [by_key.get((service, y), {}).get("gap") for y in years]
        if any(v is not None for v in values):
            series.append(Series(label(service), values))
    if not series or not years:
        return None
    return line_chart(
        chart_id,
        title,
        "Gap (demand minus supply) by service and year; positive means a shortfall. "
        "The table that follows holds the same figures.",
        [str(y) for y in years],
        series,
    )


def rows_csv(result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["service", "tenure", "year", "demand", "supply", "gap"])
    for r in result.rows:
        writer.writerow([r["service"], r["tenure"] or "", r["year"], r["demand"],
                         "" if r["supply"] is None else r["supply"],
                         "" if r["gap"] is None else r["gap"]])  # fmt: skip
    return out.getvalue()


def compare(a: Result, b: Result) -> list[dict[str, Any]]:
    """Rows of both scenarios side by side, keyed by service, tenure and year."""
    index_a = {(r["service"], r["tenure"], r["year"]): r for r in a.rows}
    index_b = {(r["service"], r["tenure"], r["year"]): r for r in b.rows}
    keys = sorted(set(index_a) | set(index_b), key=lambda k: (k[0], str(k[1]), k[2]))
    rows = []
    for key in keys:
        ra, rb = index_a.get(key), index_b.get(key)
        gap_a = ra["gap"] if ra else None
        gap_b = rb["gap"] if rb else None
        rows.append(
            {
                "service": key[0],
                "tenure": key[1],
                "year": key[2],
                "demand_a": ra["demand"] if ra else None,
                "demand_b": rb["demand"] if rb else None,
                "gap_a": gap_a,
                "gap_b": gap_b,
                "difference": gap_b - gap_a if gap_a is not None and gap_b is not None else None,
            }
        )
    return rows
