"""Run a scenario through the engine and shape its rows for pages, CSV and comparison."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from caremarket import csvfiles
from caremarket.charts import Series, line_chart
from caremarket.places.models import LocalAuthority
from caremarket.planning.inputs import engine_input
from caremarket.rules.sufficiency import SufficiencyInputError, calculate


@dataclass
class Result:
    rows: list[dict[str, Any]]
    problems: list[str]
    # Per service, what made its rows (the engine's `inputs`, with `by_year` lists).
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The years as the engine was given them: the order of every `by_year` list.
    engine_years: list[int] = field(default_factory=list)

    @property
    def shown_rows(self) -> list[dict[str, Any]]:
        """Every row with its service and tenure in words, for the page's table."""
        return [
            {**r, "label": label(r["service"]), "tenure_words": tenure_label(r["tenure"])}
            for r in self.rows
        ]

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
    return Result(output["rows"], [], output["inputs"], output["years"])


def label(service: str) -> str:
    return service.replace("_", " ").capitalize()


def tenure_label(tenure: str | None) -> str:
    """A split service's tenure in words ("rent", "sale"); "–" for an unsplit one."""
    return "–" if tenure in (None, "") else "All tenures" if tenure == "total" else label(tenure)


def describe_model(model: Any) -> str:
    """One model in words: what it plans, how demand is worked out and the supply it starts
    from, for the scenario's list of models and the new-scenario form."""
    from caremarket.rules.sufficiency import load_presets

    if not isinstance(model, dict):
        return "A model that is not in the expected form (edit it as JSON)"
    method = model.get("method")
    preset = load_presets().get(str(model.get("preset", "")))
    if method == "ratio" and preset is not None and preset.cohort is not None:
        rate = preset.per_1000.get(str(model.get("preset_rate", "")))
        per = (
            " + ".join(f"{v:g} {t}" for t, v in rate.items())
            if isinstance(rate, Mapping)
            else f"{rate:g}"
            if rate is not None
            else "?"
        )
        how = f"{per} per 1,000 people {ages(preset.cohort.as_data())} ({preset.label})"
    elif method == "ratio" and isinstance(model.get("cohort"), dict):
        rate = model.get("per_1000")
        per = (
            " + ".join(f"{number(v)} {t}" for t, v in rate.items())
            if isinstance(rate, Mapping)
            else number(rate)
        )
        how = f"{per} per 1,000 people {ages(model['cohort'])} (the council's own rate)"
    elif method == "prevalence" and preset is not None:
        how = f"prevalence by age band and sex ({preset.label})"
    elif method == "trend":
        years = sorted(map(str, (model.get("history") or {}).keys()))
        how = "a straight-line trend of people supported" + (
            f", {years[0]} to {years[-1]}" if years else ""
        )
    else:
        how = METHODS.get(str(method), "a model written as JSON").lower()
    supply = model.get("supply")
    if isinstance(supply, Mapping):
        has = "; supply " + ", ".join(f"{number(v, 0)} {t}" for t, v in supply.items())
    elif isinstance(supply, int | float):
        has = f"; supply {number(supply, 0)}"
    else:
        has = "; no supply figure"
    return f"{label(str(model.get('service', 'model')))}: {how}{has}"


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
    writer = csvfiles.writer(out)
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
                "label": label(key[0]),
                "tenure": key[1],
                "tenure_words": tenure_label(key[1]),
                "year": key[2],
                "demand_a": ra["demand"] if ra else None,
                "demand_b": rb["demand"] if rb else None,
                "gap_a": gap_a,
                "gap_b": gap_b,
                "difference": gap_b - gap_a if gap_a is not None and gap_b is not None else None,
            }
        )
    return rows


@dataclass
class Explanation:
    """How one service's figures were worked out: what holds for every year, then a table of
    what changes by year (ending with the demand it made)."""

    service: str
    facts: list[tuple[str, str]]
    columns: list[str]
    rows: list[tuple[int, list[str]]]


METHODS = {
    "ratio": "A rate per 1,000 people of a cohort, times that cohort's population",
    "prevalence": "Prevalence rates by age band (and sex), times the population in each band",
    "trend": "A straight-line trend of people supported, projected to each year",
}
# What changes by year, in the order shown; population row indices are the engine's own.
BY_YEAR = {
    "cohort_population": "Cohort population",
    "band_population": "Population in the bands",
    "people_with_condition": "People with the condition",
    "projected": "Trend line",
    "floored": "Raised to the floor",
}


def ages(cohort: dict[str, Any]) -> str:
    """A cohort in words, "aged 75 and over" or "aged 18 to 64", with its sex unless all."""
    span = (
        f"aged {cohort['age_from']} and over"
        if cohort.get("age_to") is None
        else f"aged {cohort['age_from']} to {cohort['age_to']}"
    )
    sex = cohort.get("sex", "all")
    return span if sex == "all" else f"{sex}, {span}"


def number(value: Any, places: int = 1) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,.{places}f}".rstrip("0").rstrip(".") if places else f"{value:,.0f}"
    return str(value)


def _facts(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    facts = [("Method", METHODS.get(inputs["method"], inputs["method"]))]
    if inputs.get("cohort"):
        facts.append(("Cohort", ages(inputs["cohort"])))
    rate = inputs.get("per_1000")
    if isinstance(rate, dict):
        split = ", ".join(f"{tenure} {number(value)}" for tenure, value in rate.items())
        facts.append(("Rate per 1,000", f"{split} (demand is split by tenure)"))
    elif rate is not None:
        facts.append(("Rate per 1,000", number(rate)))
    if inputs.get("bands"):
        facts.append(
            (
                "Prevalence rates",
                "; ".join(
                    f"{ages(band)}: {number(band['rate'] * 100, 2)}%" for band in inputs["bands"]
                ),
            )
        )
    if inputs.get("service_use_ratio") is not None:
        facts.append(("Share who use the service", number(inputs["service_use_ratio"], 3)))
    if inputs.get("history"):
        facts.append(("Fitted to", inputs["fitted_to"]))
        facts.append(
            (
                "People supported",
                "; ".join(f"{year}: {number(v)}" for year, v in inputs["history"].items()),
            )
        )
        if inputs.get("history_population"):
            facts.append(
                (
                    "Cohort population in those years",
                    "; ".join(
                        f"{year}: {number(v, 0)}"
                        for year, v in inputs["history_population"].items()
                    ),
                )
            )
        facts.append(("Slope per year", number(inputs["slope"], 6)))
        if inputs.get("floor") is not None:
            facts.append(("Floor", number(inputs["floor"])))
    preset = inputs.get("preset")
    if preset:
        named = preset["label"] + (
            f" ({preset['rate'].replace('_', ' ')})" if preset.get("rate") else ""
        )
        facts.append(("Preset", f"{named}. {preset['citation']}"))
    return facts


def explanations(result: Result) -> list[Explanation]:
    """Every service's inputs in words and by year, so each row's figure can be traced."""
    demand = {(r["service"], r["year"]): r["demand"] for r in result.headline_rows}
    position = {year: k for k, year in enumerate(result.engine_years)}
    found = []
    for service, inputs in result.inputs.items():
        by_year = {key: inputs["by_year"][key] for key in BY_YEAR if key in inputs["by_year"]}
        columns = [BY_YEAR[key] for key in by_year] + ["Demand"]
        rows = []
        for year in result.years():
            cells = []
            for values in by_year.values():
                value = values[position[year]]
                cells.append(number(sum(value), 0) if isinstance(value, tuple) else number(value))
            rows.append((year, [*cells, number(demand[service, year])]))
        found.append(Explanation(label(service), _facts(inputs), columns, rows))
    return found
