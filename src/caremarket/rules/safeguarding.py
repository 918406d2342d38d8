"""The council's yearly safeguarding return and DoLS figures: vocabulary and checks.

The figures follow NHS England's Safeguarding Adults Collection (SAC): concerns, section 42
enquiries and other enquiries started, enquiries concluded and whether the risk was
substantiated (fully or partly), by type of abuse and by location of risk, and Making
Safeguarding Personal (people asked about the outcomes they wanted, those who said, and whether
the outcomes were achieved fully or partly); beside them, Deprivation of Liberty Safeguards
applications received and completed. Councils publishing a Local Account often break concerns
and enquiries down the same way (Stoke-on-Trent's 2020/21 Local Account does), so every count
of concerns and enquiries may be given in total, by type of abuse or by location of risk.

The words for each measure and category are in the measures catalogue (`measures.toml`), the
one place pages take their words from. `check_figures` turns a return into the consistency
checks' figures, so `caremarket check` finds, for example, more enquiries substantiated than
were concluded (or, where concluded enquiries are not given, than were started).

Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from caremarket.rules.consistency import TOTAL, Figure

#: Return measures (as the CSV names them) → the catalogue's measure.
MEASURES = {
    "concerns": "safeguarding_concerns",
    "s42_enquiries": "safeguarding_enquiries",
    "other_enquiries": "safeguarding_other_enquiries",
    "concluded_enquiries": "safeguarding_enquiries_concluded",
    "substantiated": "safeguarding_enquiries_substantiated",
    "substantiated_fully": "safeguarding_enquiries_substantiated_fully",
    "substantiated_partly": "safeguarding_enquiries_substantiated_partly",
    "msp_asked": "msp_asked",
    "msp_expressed": "msp_expressed",
    "msp_achieved_fully": "msp_achieved_fully",
    "msp_achieved_partly": "msp_achieved_partly",
    "dols_received": "dols_referrals",
    "dols_completed": "dols_completions",
}
#: Measures that may be broken down by type of abuse or location of risk; the rest are totals.
BROKEN_DOWN = (
    "concerns",
    "s42_enquiries",
    "other_enquiries",
    "concluded_enquiries",
    "substantiated",
    "substantiated_fully",
    "substantiated_partly",
)
MSP = ("msp_asked", "msp_expressed", "msp_achieved_fully", "msp_achieved_partly")
DOLS = ("dols_received", "dols_completed")

#: The SAC's types of abuse, in its order.
ABUSE_TYPES = (
    "physical_abuse",
    "sexual_abuse",
    "psychological_abuse",
    "financial_or_material_abuse",
    "discriminatory_abuse",
    "organisational_abuse",
    "neglect_and_acts_of_omission",
    "domestic_abuse",
    "sexual_exploitation",
    "modern_slavery",
    "self_neglect",
)
#: The SAC's locations of risk, and supported living, which councils often publish apart.
LOCATIONS = (
    "own_home",
    "in_the_community",
    "in_a_community_service",
    "supported_living",
    "care_home_nursing",
    "care_home_residential",
    "hospital_acute",
    "hospital_mental_health",
    "hospital_community",
    "other",
)
BREAKDOWNS = {"all": (TOTAL,), "abuse_type": ABUSE_TYPES, "location": LOCATIONS}
#: The largest count a council's return can hold (England's concerns in a year are ~600,000).
MAX_COUNT = 10_000_000


@dataclass(frozen=True)
class ReturnRow:
    """One count of a council's return."""

    council: str
    year: str
    measure: str
    breakdown: str
    category: str
    value: int
    source: str
    #: Where it came from (file and line).
    where: str = ""


def row_problems(measure: str, breakdown: str, category: str) -> list[tuple[str, str]]:
    """What is wrong with a row's measure, breakdown and category: (column, reason in words)."""
    if measure not in MEASURES:
        return [("measure", "is not one of the return's measures (see the list in README.md)")]
    if breakdown not in BREAKDOWNS:
        return [("breakdown", "must be all, abuse_type or location")]
    if breakdown != "all" and measure not in BROKEN_DOWN:
        return [("breakdown", "only concerns and enquiries are broken down; use all")]
    if category not in BREAKDOWNS[breakdown]:
        if breakdown == "all":
            return [("category", "must be Total when the breakdown is all")]
        kind = "type of abuse" if breakdown == "abuse_type" else "location of risk"
        return [("category", f"is not a {kind} of the Safeguarding Adults Collection")]
    return []


def check_figures(rows: Iterable[ReturnRow]) -> list[Figure]:
    """The return as the consistency checks' figures (`caremarket.rules.consistency`).

    Substantiated enquiries not stated but given as fully and partly substantiated are their
    sum (the figure cites both rows).
    """
    figures: list[Figure] = []
    parts: dict[tuple[str, str, str, str, str], list[ReturnRow]] = {}
    stated: set[tuple[str, str, str, str, str]] = set()
    for row in rows:
        key = (row.council, row.year, row.breakdown, row.category, row.source)
        if row.measure in ("substantiated_fully", "substantiated_partly"):
            parts.setdefault(key, []).append(row)
        if row.measure == "substantiated":
            stated.add(key)
        figures.append(_figure(row, MEASURES[row.measure], row.value, row.where))
    for key, found in parts.items():
        if key in stated:
            continue
        first = found[0]
        where = "; ".join(r.where for r in found if r.where)
        total = sum(r.value for r in found)
        figures.append(_figure(first, MEASURES["substantiated"], total, where))
    return figures


def _figure(row: ReturnRow, measure: str, value: int, where: str) -> Figure:
    return Figure(
        council=row.council,
        period=row.year,
        measure=measure,
        dimension=row.breakdown,
        category=row.category,
        value=float(value),
        unit="count",
        source=row.source,
        where=where,
    )
