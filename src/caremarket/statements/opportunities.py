"""Market opportunities that agree with the council: what it says it needs (its own stated
requirements and gaps, with their sources), the estimate in its published Market Position
Statement, and where the two differ, both figures with the method behind each and the
difference explained in words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from caremarket.needs.models import CouncilFigure
from caremarket.needs.tables import council_figures, measure_tables, period_key
from caremarket.places.models import LocalAuthority
from caremarket.planning.results import label as service_label
from caremarket.planning.supply import register_supply
from caremarket.rules import measures as catalogue
from caremarket.rules.consistency import period_words
from caremarket.rules.measures import source_words
from caremarket.rules.sufficiency import load_presets
from caremarket.statements.catalogue import MPS
from caremarket.statements.models import Edition
from caremarket.statements.render import prepare_table

#: A supply cited the old way, by codes ("care_home_beds older_people_residential 2024-03-31").
MACHINE_SOURCE = re.compile(r"^[a-z]+_[a-z_]+ ")


@dataclass
class Difference:
    service: str
    council_words: str
    council_method: str
    engine_words: str
    engine_method: str
    explanation: str


@dataclass
class CouncilOpportunities:
    council: LocalAuthority
    edition: Edition | None
    stated: list[dict[str, Any]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.stated and not self.differences


def latest_published(council: LocalAuthority, kind: str = MPS) -> Edition | None:
    """The council's latest published Market Position Statement (or other kind)."""
    return (
        Edition.objects.filter(
            statement__local_authority=council,
            statement__kind=kind,
            status=Edition.Status.PUBLISHED,
        )
        .select_related("statement", "scenario")
        .order_by("-published_at")
        .first()
    )


def opportunity_measures() -> list[str]:
    """The catalogue's measures a council states as requirements or gaps: its requirements
    first, then its gaps and recommended levels, in the catalogue's order."""
    names = [name for name, m in catalogue.catalogue().measures.items() if m.opportunity]
    first = [n for n in ("projected_demand", "projected_demand_per_year") if n in names]
    return first + [n for n in names if n not in first]


def stated_tables(council: LocalAuthority) -> list[dict[str, Any]]:
    """The council's own requirements and gaps (catalogue measures marked opportunity)."""
    names = opportunity_measures()
    figures = council_figures(council, names)
    order = {name: i for i, name in enumerate(names)}
    figures.sort(key=lambda f: (order[f.measure], f.dimension, f.unit, f.id))
    return [prepare_table(t.as_json()) for t in measure_tables(figures)]


def _quantity(value: float, noun: str) -> str:
    return f"{abs(value):,.0f} {noun}"


def _gap_words(value: float, noun: str) -> str:
    if round(value) == 0:
        return f"no gap in {noun}"
    kind = "shortfall" if value > 0 else "surplus"
    return f"a {kind} of {_quantity(value, noun)}"


def _noun(service: str) -> str:
    """ "residential_care_beds" → "residential care beds"."""
    return service_label(service).lower()


def _engine_method(edition: Edition, service: str) -> str:
    models = edition.scenario.demand_models if edition.scenario else []
    model = next((m for m in models if isinstance(m, Mapping) and m.get("service") == service), {})
    preset = load_presets().get(str(model.get("preset", "")))
    supply = str(model.get("source", ""))
    if not supply or MACHINE_SOURCE.search(supply):
        # Scenarios saved before supplies were cited in words: cite the council's figure now.
        counted = register_supply(edition.council).get(service, {})
        supply = str(counted.get("source", "")) or "the supply the scenario records"
    supply = source_words(supply)
    if preset is None or preset.kind != "ratio" or preset.cohort is None:
        return f"This service's sufficiency scenario “{edition.scenario}”; supply: {supply}."
    rate = preset.per_1000.get(str(model.get("preset_rate", "")))
    per_1000 = sum(rate.values()) if isinstance(rate, Mapping) else rate
    cohort = preset.cohort.age_from
    return (
        f"{preset.label}: {per_1000:g} {_noun(service)} per 1,000 people aged {cohort} and over, "
        f"applied to the ONS population projections, less the supply counted now ({supply})."
    )


def _engine_rows(edition: Edition, service: str) -> dict[int, dict[str, float]]:
    """Year → demand, supply, gap for `service` from the edition's published figures."""
    block = (edition.snapshot or {}).get("blocks", {}).get("sufficiency", {})
    wanted = service_label(service)
    found: dict[int, dict[str, float]] = {}
    for table in block.get("tables", []):
        for row in table.get("rows", []):
            if row[0] == wanted and str(row[1]).isdigit() and row[4] is not None:
                found[int(row[1])] = {"demand": row[2], "supply": row[3], "gap": row[4]}
    return found


def _figure(council: LocalAuthority, c: catalogue.Comparison) -> CouncilFigure | None:
    figures = [
        f
        for f in CouncilFigure.objects.for_council(council).filter(
            measure=c.measure, dimension=c.dimension, category=c.category
        )
    ]
    return min(figures, key=lambda f: period_key(f.period)) if figures else None


def differences(council: LocalAuthority, edition: Edition) -> list[Difference]:
    """Each service where the council publishes its own figure beside the engine's estimate."""
    found: list[Difference] = []
    services = dict.fromkeys(c.service for c in catalogue.catalogue().comparisons)
    for service in services:
        engine = _engine_rows(edition, service)
        if not engine:
            continue
        for c in catalogue.comparisons(service):
            figure = _figure(council, c)
            if figure is None:
                continue
            year = int(figure.period[:4])
            nearest = min(engine, key=lambda y: (abs(y - year), y))
            found.append(_difference(service, c, figure, nearest, engine[nearest], edition))
            break
    return found


def _difference(
    service: str,
    c: catalogue.Comparison,
    figure: CouncilFigure,
    year: int,
    engine: dict[str, float],
    edition: Edition,
) -> Difference:
    noun = _noun(service)
    when = period_words(figure.period)
    council_method = (
        f"{catalogue.measure_label(figure.measure)} "
        f"({catalogue.category_label(figure.category).lower()}), from "
        f"{source_words(figure.source)}."
    )
    engine_method = _engine_method(edition, service)
    if c.compare == "gap":
        council_words = f"{_gap_words(figure.value, noun)} ({when})"
        engine_words = f"{_gap_words(engine['gap'], noun)} ({year})"
        ours, theirs = engine["gap"], figure.value
        what = "gap"
    else:
        council_words = f"{_quantity(figure.value, noun)} needed ({when})"
        engine_words = f"{_quantity(engine['demand'], noun)} needed ({year})"
        ours, theirs = engine["demand"], figure.value
        what = "need"
    apart = abs(ours - theirs)
    reasons = []
    if str(year) != figure.period[:4]:
        reasons.append(f"the council's figure is for {when} and this estimate for {year}")
    if c.compare == "gap" and (ours > 0) != (theirs > 0):
        reasons.append(
            "the council's figure uses its own rates of need and its own count of places, and "
            + (
                "finds a surplus where the national rate finds a shortfall"
                if theirs < 0
                else "finds a shortfall where the national rate finds none"
            )
        )
    reasons.append(
        "the council's figure comes from its own analysis of local need and supply, while this "
        "estimate applies one national rate to the population projections"
    )
    explanation = (
        f"The two differ by {_quantity(apart, noun)} of {what}: " + "; ".join(reasons) + ". "
        "Providers should read the council's figure as its position and the estimate as a "
        "benchmark."
    )
    return Difference(
        service=service_label(service),
        council_words=council_words[:1].upper() + council_words[1:],
        council_method=council_method,
        engine_words=engine_words[:1].upper() + engine_words[1:],
        engine_method=engine_method,
        explanation=explanation,
    )


def for_council(council: LocalAuthority) -> CouncilOpportunities:
    edition = latest_published(council)
    found = CouncilOpportunities(council, edition, stated_tables(council))
    if edition is not None:
        found.differences = differences(council, edition)
    return found
