"""What the consistency checks need to know about each measure: a deliberately small catalogue.

The measures themselves (names, meanings, units) are described in examples/figures/README.md;
this module holds the facts the checks act on, and nothing else, until the full catalogue of
measures (labels, definitions, display precision) takes its place:

- whether a measure's breakdowns are **additive** (the categories sum to the stated total), and
  which breakdowns are not because one case can fall in several categories (a safeguarding
  concern may involve more than one type of abuse);
- whether its whole-number figures are **counted** (recorded cases, printed exactly) or are
  modelled, projected or estimated and so published rounded to their last printed digit.

A measure not listed here is judged by its unit.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Units whose parts add up to a total (percentages, prices, years and ranks do not).
ADDITIVE_UNITS = frozenset(
    {"people", "count", "beds", "units", "posts", "hours", "hours_per_week", "gbp",
     "per_1000_75plus"}
)  # fmt: skip

#: Units that count whole things: printed whole, such a figure is exact unless it is an estimate.
COUNTED_UNITS = frozenset({"people", "count", "beds", "units", "posts"})


@dataclass(frozen=True)
class Measure:
    #: The categories of its breakdowns sum to their stated total (when the unit allows it).
    additive: bool = True
    #: Breakdowns (dimension names) in which one case can fall in several categories.
    overlapping: frozenset[str] = frozenset()
    #: Modelled, projected or estimated: whole numbers are rounded, never exact counts.
    estimate: bool = False
    #: Why, in words, for the findings and for people reading this file.
    note: str = ""


_ESTIMATE = Measure(estimate=True, note="modelled, projected or estimated, published rounded")
_SAFEGUARDING = Measure(
    overlapping=frozenset({"abuse_type"}),
    note="one concern or enquiry may involve more than one type of abuse",
)

MEASURES: dict[str, Measure] = {
    **{
        name: _ESTIMATE
        for name in (
            "population", "population_change", "people_with_condition",
            "people_with_condition_change", "people_with_condition_change_per_5_years",
            "unpaid_carers", "unpaid_carers_change", "unpaid_carers_change_per_5_years",
            "falls", "hospital_admissions_due_to_falls", "projected_demand",
            "projected_demand_per_year", "projected_reduction", "specialist_housing_demand",
            "specialist_housing_supply", "specialist_housing_shortfall",
            "specialist_housing_additional_demand", "recommended_care_home_beds",
            "recommended_extra_care_units", "workforce_filled_posts", "workforce_vacancies",
            "clients_accessing_long_term_support", "beds_commissioned_during_year",
            "average_people_supported_per_week", "average_people_supported_per_year",
        )
    },
    "safeguarding_concerns": _SAFEGUARDING,
    "safeguarding_enquiries": _SAFEGUARDING,
    "safeguarding_enquiries_substantiated": _SAFEGUARDING,
    "home_care_hours_per_person_per_week": Measure(additive=False, note="an average per person"),
}  # fmt: skip


def measure(name: str) -> Measure:
    return MEASURES.get(name, Measure())


def is_additive(name: str, unit: str, dimension: str) -> bool:
    """Whether the categories of this breakdown are meant to sum to its stated total."""
    facts = measure(name)
    if unit not in ADDITIVE_UNITS or not facts.additive:
        return False
    return not (set(dimension.split("|")) & facts.overlapping)


def is_counted(name: str, unit: str) -> bool:
    """Whether a whole-number figure of this measure is an exact count of recorded things."""
    return unit in COUNTED_UNITS and not measure(name).estimate
