"""Feed a council's own data to the sufficiency engine, so nobody retypes a figure.

Population comes from the imported ONS projections; supply from the CQC register and declared
schemes; history from the people-supported figures. Each function returns plain data in the
engine's contract, so what the page runs is exactly what `caremarket calc sufficiency` runs.
"""

from __future__ import annotations

from typing import Any

from caremarket.places.models import LocalAuthority, PopulationFigure

DEFAULT_HORIZON = (0, 5, 10, 16)  # now, +5, +10 and +16 years (2024 → 2040, as Stoke plans)


def population_rows(council: LocalAuthority) -> list[dict[str, Any]]:
    """Single years and open-ended bands from the projections; the all-ages row is left out
    because it straddles every cohort and would be double counting."""
    rows = (
        PopulationFigure.objects.for_council(council)
        .filter(kind=PopulationFigure.Kind.PROJECTION)
        .exclude(age_from=0, age_to__isnull=True)
        .values_list("year", "age_from", "age_to", "sex", "value")
    )
    return [
        {"year": year, "age_from": age_from, "age_to": age_to, "sex": sex, "value": value}
        for year, age_from, age_to, sex, value in rows
    ]


def projection_years(council: LocalAuthority) -> list[int]:
    return sorted(
        PopulationFigure.objects.for_council(council)
        .filter(kind=PopulationFigure.Kind.PROJECTION)
        .values_list("year", flat=True)
        .distinct()
    )


def default_years(council: LocalAuthority, this_year: int) -> list[int]:
    """This year and the horizon years that the council's projections cover."""
    available = set(projection_years(council))
    start = this_year if this_year in available else min(available, default=this_year)
    return [start + step for step in DEFAULT_HORIZON if start + step in available] or [start]


def default_models(council: LocalAuthority) -> list[dict[str, Any]]:
    """A starting scenario: the cited presets, with supply from the council's own records.

    More Choice, Greater Voice rates for care home places and extra care per 1,000 people aged
    75+, and CFAS II dementia prevalence for people aged 65+ where projections are split by
    sex. Supply comes from the register where it is known (see `supply_from_register`); a
    commissioner edits the rest.
    """
    supply = supply_from_register(council)
    models: list[dict[str, Any]] = [
        {
            "service": "residential_care_beds",
            "method": "ratio",
            "preset": "mcgv2008",
            "preset_rate": "residential_care",
        },
        {
            "service": "nursing_care_beds",
            "method": "ratio",
            "preset": "mcgv2008",
            "preset_rate": "nursing_care",
        },
        {
            "service": "extra_care_units",
            "method": "ratio",
            "preset": "mcgv2008",
            "preset_rate": "extra_care",
        },
    ]
    if has_sex_split(council):
        # CFAS II rates are by sex: without male and female projections the engine would
        # (rightly) refuse rather than guess, so the model is offered only when it can run.
        models.append(
            {
                "service": "people_with_dementia_65_plus",
                "method": "prevalence",
                "preset": "cfas2_dementia",
            }
        )
    for model in models:
        if model["service"] in supply:
            model.update(supply[model["service"]])
    return models


def has_sex_split(council: LocalAuthority) -> bool:
    projections = PopulationFigure.objects.for_council(council).filter(
        kind=PopulationFigure.Kind.PROJECTION
    )
    return projections.filter(sex="male").exists() and projections.filter(sex="female").exists()


def supply_from_register(council: LocalAuthority) -> dict[str, Any]:
    """Beds and units the council's data records, by the service names `default_models` uses."""
    from caremarket.planning.supply import register_supply

    return register_supply(council)


def engine_input(council: LocalAuthority, years: list[int], models: list[Any]) -> dict[str, Any]:
    return {"years": years, "population": population_rows(council), "models": models}
