"""Data blocks: the tables (and charts) a statement's section draws from the council's figures.

A block is plain JSON-able data, so that publishing can store exactly what was shown (the
snapshot) and a published edition renders from it forever. Providers register by key; each
takes the council and the edition's scenario (`@provider`), or the council and the reporting
year a Local Account covers (`@yearly_provider`), and returns its tables, or none when the
council has no figures for it. How to add one: `statements/catalogue.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from caremarket.places.models import LocalAuthority, PopulationFigure
from caremarket.rules.consistency import period_words, words


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
    appendix: bool = False  # printed in the document's appendix, not its section

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "caption": self.caption,
            "columns": [c.as_json() for c in self.columns],
            "rows": self.rows,
            "sources": self.sources,
            "chart": self.chart,
            "notes": self.notes,
            "appendix": self.appendix,
        }


Provider = Callable[[LocalAuthority, Any], list[Table]]
PROVIDERS: dict[str, Provider] = {}
#: Providers of one reporting year's figures: (council, "2024/25" or None) → tables.
YearlyProvider = Callable[[LocalAuthority, str | None], list[Table]]
YEARLY_PROVIDERS: dict[str, YearlyProvider] = {}


def provider(key: str) -> Callable[[Provider], Provider]:
    def register(function: Provider) -> Provider:
        PROVIDERS[key] = function
        return function

    return register


def yearly_provider(key: str) -> Callable[[YearlyProvider], YearlyProvider]:
    """Register a block of one reporting year's figures (a Local Account's year; None for a
    document that covers no single year, when the provider should return no tables)."""

    def register(function: YearlyProvider) -> YearlyProvider:
        YEARLY_PROVIDERS[key] = function
        return function

    return register


def build_block(
    key: str, council: LocalAuthority, scenario: Any, year: str | None = None
) -> dict[str, Any] | None:
    if key in YEARLY_PROVIDERS:
        tables = YEARLY_PROVIDERS[key](council, year)
    elif key in PROVIDERS:
        tables = PROVIDERS[key](council, scenario)
    else:
        return None
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
    sources += [
        f"Supply of {_service_label(m['service']).lower()}: {m['source']}"
        for m in scenario.demand_models
        if isinstance(m, dict) and m.get("source") and "service" in m
    ]
    for inputs in result.inputs.values():
        preset = inputs.get("preset")
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
            chart={
                "kind": "pivot",
                "group": 0,
                "x": 1,
                "value": 4,
                "description": "The gap (demand minus supply) by service and year: above zero "
                "is a shortfall, below zero a surplus. The table that follows holds the same "
                "figures.",
            },
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


# Council figures by section -------------------------------------------------------------------

#: MPS data section → the measures (from the figures vocabulary) it tabulates, in order.
SECTION_MEASURES: dict[str, tuple[str, ...]] = {
    "prevalence": (
        "people_with_condition", "people_with_condition_change", "qof_prevalence_pct",
        "unpaid_carers", "life_expectancy_years", "healthy_life_expectancy_years",
    ),
    "expenditure": ("expenditure_gbp", "funding_source_share_pct", "budget_gap_gbp"),
    "supply": (
        "care_homes", "care_home_beds", "extra_care_units", "supported_living_units",
        "shared_lives_carers", "home_care_hours_per_week", "direct_payment_recipients",
        "micro_providers", "commissioned_providers", "occupancy_rate_pct",
        "care_home_vacancy_rate_pct",
    ),
    "quality": ("commissioned_services", "cqc_registered_services"),
    "demand": (
        "requests_for_support", "people_supported", "people_supported_during_year",
        "clients_accessing_long_term_support", "new_admissions", "projected_demand",
        "specialist_housing_demand", "specialist_housing_shortfall",
    ),
    "workforce": (
        "workforce_filled_posts", "workforce_vacancies", "workforce_vacancy_rate_pct",
        "workforce_turnover_rate_pct", "workforce_qualification_pct",
    ),
    "fee_rates": ("fee_rate_gbp", "charge_gbp"),
    "survey": (
        "survey_satisfaction_pct", "service_user_survey_pct", "carers_survey_pct",
        "provider_survey_pct", "quality_of_life_score", "compliments", "complaints",
    ),
}  # fmt: skip


def figure_tables(council: LocalAuthority, measures: tuple[str, ...]) -> list[Table]:
    """One table per measure, breakdown and unit, in the section's order, with the catalogue's
    labels, order and precision and sources in words (caremarket.needs.tables)."""
    from caremarket.needs.tables import council_figures, measure_tables

    figures = council_figures(council, measures)
    tables: list[Table] = []
    for measure in measures:
        tables += measure_tables(f for f in figures if f.measure == measure)
    return tables


@provider("supply")
def supply_tables(council: LocalAuthority, scenario: Any) -> list[Table]:
    """The council's supply figures; where it records packages in caremarket, commissioned hours
    a week and time to source come from them instead of a typed figure."""
    from caremarket.sourcing.figures import commissioned_tables, time_to_source_tables

    counted = commissioned_tables(council)
    measures = SECTION_MEASURES["supply"]
    if counted:
        measures = tuple(m for m in measures if m != "home_care_hours_per_week")
    return figure_tables(council, measures) + counted + time_to_source_tables(council)


@provider("fee_rates")
def fee_rate_tables(council: LocalAuthority, scenario: Any) -> list[Table]:
    """Where the council keeps its contract register in caremarket, the published rates of the
    contracts in force instead of typed fee rates; charges as typed."""
    from caremarket.sourcing.figures import rate_tables

    rates = rate_tables(council)
    measures = SECTION_MEASURES["fee_rates"]
    if rates:
        measures = tuple(m for m in measures if m != "fee_rate_gbp")
    return rates + figure_tables(council, measures)


def _figures_provider(key: str) -> Provider:
    def build(council: LocalAuthority, scenario: Any) -> list[Table]:
        return figure_tables(council, SECTION_MEASURES[key])

    return build


for _key in SECTION_MEASURES:
    if _key not in PROVIDERS:
        PROVIDERS[_key] = _figures_provider(_key)


def _date_words(value: Any) -> str | None:
    """A date as councils print it, "31 March 2026"."""
    return period_words(value.isoformat()) if value else None


def _services_words(codes: str) -> str:
    """ "residential_care; nursing_care" → "Residential care, nursing care"."""
    named = ", ".join(words(code.strip()) for code in codes.split(";") if code.strip())
    return named[:1].upper() + named[1:]


PIPELINE_COLUMNS = [
    Column("Contract", "text"),
    Column("Services", "text"),
    Column("Recommissioning from", "text"),
    Column("Current contract ends", "text"),
    Column("Estimated value", "gbp"),
    Column("Status", "text"),
]


@provider("pipeline")
def pipeline_tables(council: LocalAuthority, scenario: Any) -> list[Table]:
    """Contracts running now or to come; those that ended before today in the appendix."""
    from caremarket.market.models import CommissioningContract

    contracts = list(
        CommissioningContract.objects.filter(local_authority=council).select_related("import_run")
    )
    if not contracts:
        return []
    today = timezone.localdate()

    def ended(contract: Any) -> bool:
        latest = max(
            (d for d in (contract.current_end_date, contract.recommissioning_date) if d),
            default=None,
        )
        return contract.current_end_date is not None and latest is not None and latest < today

    def rows(chosen: list[Any]) -> list[list[Any]]:
        chosen.sort(
            key=lambda c: (c.recommissioning_date or c.current_end_date or date.max, c.contract)
        )
        return [
            [
                c.contract,
                _services_words(c.service),
                _date_words(c.recommissioning_date),
                _date_words(c.current_end_date),
                c.estimated_value_gbp,
                c.status[:1].upper() + c.status[1:],
            ]
            for c in chosen
        ]

    def sources(chosen: list[Any]) -> list[str]:
        return sorted({f"{c.source} [{c.import_run.file_name}]" for c in chosen})

    current = [c for c in contracts if not ended(c)]
    past = [c for c in contracts if ended(c)]
    tables = []
    if current:
        tables.append(
            Table(
                id="commissioning-pipeline",
                caption="Commissioning pipeline: contracts running now or to be commissioned",
                columns=PIPELINE_COLUMNS,
                rows=rows(current),
                sources=sources(current),
            )
        )
    if past:
        tables.append(
            Table(
                id="commissioning-pipeline-ended",
                caption=f"Contracts that had ended by {_date_words(today)}",
                columns=PIPELINE_COLUMNS,
                rows=rows(past),
                sources=sources(past),
                appendix=True,
            )
        )
    return tables


#: CQC's overall ratings, best first, as the register spells them.
CQC_RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")


@provider("quality")
def quality_tables(council: LocalAuthority, scenario: Any) -> list[Table]:
    """The council's published quality figures, the CQC rating profile of its register, then
    its own quality register: audits by rating and provider exits (`quality.figures`)."""
    from caremarket.quality.figures import register_tables

    tables = figure_tables(council, SECTION_MEASURES["quality"])
    profile = cqc_rating_profile(council)
    return tables + ([profile] if profile else []) + register_tables(council)


def cqc_rating_profile(council: LocalAuthority) -> Table | None:
    """Active CQC locations in the council by kind of service and latest overall rating."""
    from caremarket.directory.models import Service
    from caremarket.directory.register import kind_for
    from caremarket.imports.models import ImportRun
    from caremarket.market.models import Location

    rows = list(
        Location.objects.for_council(council)
        .filter(dormant=False)
        .values_list("service_types", "latest_rating", "import_run_id")
    )
    if not rows:
        return None
    labels = dict(Service.Kind.choices)
    counts: dict[str, dict[str, int]] = {}
    for service_types, rating, _ in rows:
        kind = labels[kind_for(service_types or [])]
        column = rating if rating in CQC_RATINGS else "Not yet rated"
        counts.setdefault(kind, {})
        counts[kind][column] = counts[kind].get(column, 0) + 1
    columns = [*CQC_RATINGS, "Not yet rated"]
    table_rows: list[list[Any]] = [
        [kind, *(counts[kind].get(c, 0) for c in columns), sum(counts[kind].values())]
        for kind in sorted(counts)
    ]
    totals = [sum(row[i] for row in table_rows) for i in range(1, len(columns) + 2)]
    table_rows.append(["All registered services", *totals])
    runs = ImportRun.objects.filter(pk__in={run for *_, run in rows})
    return Table(
        id="cqc-rating-profile",
        caption="CQC-registered services by latest overall rating",
        columns=[Column("Kind of service", "text"), *(Column(c) for c in columns), Column("All")],
        rows=table_rows,
        sources=sorted(
            f"Care Quality Commission, {run.dataset}"
            + (f", {run.edition}" if run.edition else "")
            + f" [{run.file_name}]"
            for run in runs
        ),
        notes=["Locations on the register at its last import; dormant locations are left out."],
    )


def _runs(run_ids: set[int]) -> list[Any]:
    from caremarket.imports.models import ImportRun

    return list(ImportRun.objects.filter(pk__in=run_ids).order_by("publisher", "dataset", "pk"))


def _run_source(run: Any) -> str:
    edition = f", {run.edition}" if run.edition else ""
    return f"{run.publisher or 'Imported file'}, {run.dataset}{edition} [{run.file_name}]"


def os_attribution(runs: list[Any]) -> list[str]:
    """The OS OpenData licence's words, owed wherever Code-Point Open positions are used."""
    years = sorted({str(r.edition)[:4] for r in runs if r.publisher == "Ordnance Survey"})
    return [
        f"Contains OS data © Crown copyright and database right {year}. Contains Royal Mail "
        f"data © Royal Mail copyright and database right {year}. Contains National Statistics "
        f"data © Crown copyright and database right {year}."
        for year in years
        if year.isdigit()
    ]


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}{'' if number == 1 else 's'}"


PROVISION_COLUMNS = [
    Column("Register locations"),
    Column("Care homes"),
    Column("Care home beds"),
    Column("Directory services"),
]


@provider("provision")
def provision_tables(council: LocalAuthority, scenario: Any) -> list[Table]:
    """Register locations, care home beds and directory services by locality and by ward."""
    from caremarket.places.provision import provision_by_area

    found = provision_by_area(council)
    if found is None:
        return []
    postcode_runs = _runs(found.postcode_runs)
    area_runs = {w.import_run_id for w in found.wards if w.import_run_id} | {
        w.parent.import_run_id for w in found.wards if w.parent and w.parent.import_run_id
    }
    sources = [
        *(_run_source(run) for run in _runs(found.register_runs)),
        *(_run_source(run) for run in postcode_runs),
        *(_run_source(run) for run in _runs(area_runs)),
        f"{council.name}'s directory of care and support, as listed in caremarket",
    ]

    def cells(wards: list[Any]) -> list[Any]:
        total = found.total(wards)
        return [total.locations, total.care_homes, total.known_beds, len(total.services)]

    council_wide = found.total(found.wards)
    notes = []
    if council_wide.homes_without_beds:
        notes.append(
            f"{_count(council_wide.homes_without_beds, 'care home')} in the wards "
            "have no bed count in the register files imported (CQC's monthly directory has "
            "none), so their beds are not in the totals; – is a ward whose homes all lack one."
        )
    unplaced = (
        (found.locations_unplaced, "register location", "with no postcode in the postcode list"),
        (found.locations_outside, "register location", "in another council's ward"),
        (found.services_without_address, "directory service", "with no address (council-wide, "
         "by phone or online)"),
        (found.services_unplaced, "directory service", "with an address in no ward of the council"),
    )  # fmt: skip
    notes += [f"{_count(n, thing)} {words}." for n, thing, words in unplaced if n]
    notes.append(
        "A place is in a ward by its postcode; a service meeting in several wards counts in "
        "each, so the wards' services can add up to more than the council's. The chart draws "
        "each measure on its own scale."
    )
    notes += os_attribution(postcode_runs)
    series = [1, 3, 4] if council_wide.beds else [1, 4]
    tables = []
    groups = found.localities()
    if any(locality is not None for locality, _ in groups):
        tables.append(
            Table(
                id="provision-by-locality",
                caption=f"Register locations, care home beds and directory services by locality "
                f"in {council.name}",
                columns=[Column("Locality", "text"), *PROVISION_COLUMNS],
                rows=[
                    [locality.name if locality else "Wards in no locality", *cells(wards)]
                    for locality, wards in groups
                ]
                + [[f"All of {council.name}", *cells(found.wards)]],
                sources=sources,
                chart={
                    "kind": "bar",
                    "x": 0,
                    "series": series,
                    "without_last_row": True,
                },
                notes=notes,
            )
        )
    with_locality = any(w.parent_id for w in found.wards)
    tables.append(
        Table(
            id="provision-by-ward",
            caption=f"Register locations, care home beds and directory services by ward in "
            f"{council.name}",
            columns=[
                Column("Ward", "text"),
                *([Column("Locality", "text")] if with_locality else []),
                *PROVISION_COLUMNS,
            ],
            rows=[
                [
                    ward.name,
                    *([ward.parent.name if ward.parent else "–"] if with_locality else []),
                    *cells([ward]),
                ]
                for ward in found.wards
            ]
            + [[f"All of {council.name}", *([""] if with_locality else []), *cells(found.wards)]],
            sources=sources,
            chart={
                "kind": "bar",
                "x": 0,
                "series": [i + (1 if with_locality else 0) for i in series],
                "without_last_row": True,
            },
            notes=[] if tables else notes,
        )
    )
    return tables


# The Local Account --------------------------------------------------------------------------

#: "Our city and its people": the council's own population figures, then the ONS projections.
CITY_MEASURES = (
    "population", "population_share_pct", "population_change_pct", "imd_rank",
    "population_in_most_deprived_20pct_pct", "unpaid_carers",
)  # fmt: skip
#: "How we are doing": what the council publishes on how people who use services fare.
OUTCOME_MEASURES = ("quality_of_life_score", "survey_satisfaction_pct")


@provider("city")
def city_tables(council: LocalAuthority, scenario: Any) -> list[Table]:
    return figure_tables(council, CITY_MEASURES) + population_tables(council, scenario)


@yearly_provider("outcomes")
def outcome_tables(council: LocalAuthority, year: str | None) -> list[Table]:
    """ASCOF from the council's Client Level Data for the year, against its targets; its
    published quality of life and satisfaction figures; and its other targets for the year."""
    tables = ascof_tables(council, year) if year else []
    tables += figure_tables(council, OUTCOME_MEASURES)
    targets = figure_target_table(council, year) if year else None
    return tables + ([targets] if targets else [])


@yearly_provider("safeguarding")
def safeguarding_block(council: LocalAuthority, year: str | None) -> list[Table]:
    """ "Keeping our population safe": the year's safeguarding return (concerns, enquiries and
    what they found, by type of abuse and location of risk, Making Safeguarding Personal) and
    its Deprivation of Liberty Safeguards figures (`caremarket import safeguarding`)."""
    from caremarket.outcomes.safeguarding import safeguarding_tables

    return safeguarding_tables(council, year) if year else []


@yearly_provider("complaints")
def complaints_block(council: LocalAuthority, year: str | None) -> list[Table]:
    """ "Compliments, complaints and comments": the year's log by service area, and how
    complaints were handled against the council's deadline in working days."""
    from caremarket.outcomes.safeguarding import complaint_tables

    return complaint_tables(council, year) if year else []


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _headline(row: Any, rows: list[Any]) -> bool:
    """The rows a Local Account shows without a target: each measure's figure for all ages (or
    its age group, for 2B, 2C and 2E), never split by sex."""
    if row.gender not in ("", "Total"):
        return False
    has_total = any(r.group == "Total" for r in rows)
    return row.group == "Total" if has_total else True


def ascof_tables(council: LocalAuthority, year: str) -> list[Table]:
    """The ASCOF measures DHSC computes from Client Level Data, worked out for the year, each
    against the council's target where it set one (met, near or missed, in words)."""
    from caremarket.outcomes.ascof_words import (
        GROUP_NAMES,
        MEASURES,
        PART_NAMES,
        SHORT_TITLES,
        row_label,
    )
    from caremarket.outcomes.service import AscofInputError, ascof
    from caremarket.outcomes.targets import ascof_targets, judged

    try:
        found = ascof(council.code, year, strict=False)
    except AscofInputError:
        return []
    targets = ascof_targets(council, year)
    shares: list[list[Any]] = []
    rates: list[list[Any]] = []
    sentences: list[str] = []
    target_sources: dict[bool, set[str]] = {True: set(), False: set()}  # by "is a share"
    for text in MEASURES:
        rows = found.result.measures[text.code]
        for row in rows:
            target = targets.get((text.code, row_label(row)))
            if not row.denominator or not (target or _headline(row, rows)):
                continue
            what = PART_NAMES[row.part] if row.part else SHORT_TITLES[text.code]
            who = GROUP_NAMES.get(row.group, row.group)
            if row.cohort == "learning disability":
                who += " with a learning disability"
            if row.gender not in ("", "Total"):
                who += f", {row.gender.lower()}"
            status = ""
            if target is not None:
                verdict = judged(target, row.value, "pct" if text.per == "%" else "", 1)
                if verdict.judgement is not None:
                    status = _first_upper(verdict.judgement.status.words)
                    sentences.append(f"{what}, {who.lower()}: {verdict.sentence}")
                target_sources[text.per == "%"].add(
                    target.source or f"Targets set by {council.name}"
                )
            cells = [what, who, row.numerator, row.denominator, row.value,
                     target.value if target else None, status]  # fmt: skip
            (shares if text.per == "%" else rates).append(cells)
    if not shares and not rates:
        return []
    sources, partly = _cld_provenance(council, year)
    sources.append(
        "Adult Social Care Outcomes Framework measures worked out by caremarket with the "
        "Department of Health and Social Care's published method for Client Level Data"
    )
    start = int(year[:4])
    notes = [
        f"The year runs from 1 April {start} to 31 March {start + 1}. Results are percentages "
        "to one decimal place, as the Department of Health and Social Care publishes them."
    ]
    notes += partly + sentences
    tables = []
    if shares:
        tables.append(
            Table(
                id="ascof-measures",
                caption=f"How people who draw on care and support fared in {year}, from the "
                "council's Client Level Data",
                columns=[
                    Column("Measure", "text"),
                    Column("Who", "text"),
                    Column("Counted"),
                    Column("Out of"),
                    Column("Result", "pct"),
                    Column("Target", "pct"),
                    Column("Against the target", "text"),
                ],
                rows=shares,
                sources=sources + sorted(target_sources[True]),
                notes=notes,
            )
        )
    missing = [p for p in ("18 to 64", "65 and above") if p not in found.population]
    rate_notes = [
        f"Moves into care homes of people aged {band.replace('above', 'over')} are not shown: "
        "the council's population of that age for the year has not been imported."
        for band in missing
    ]
    if rates:
        tables.append(
            Table(
                id="ascof-care-home-moves",
                caption=f"Adults whose long-term needs were met by moving into a care home in "
                f"{year}, per 100,000 people of their age",
                columns=[
                    Column("Measure", "text"),
                    Column("Who", "text"),
                    Column("People who moved into a care home"),
                    Column("Population of that age"),
                    Column("Per 100,000 people", "decimal1"),
                    Column("Target per 100,000 people", "decimal1"),
                    Column("Against the target", "text"),
                ],
                rows=rates,
                sources=sources
                + sorted(target_sources[False])
                + ([found.population_source] if found.population_source else []),
                notes=rate_notes,
            )
        )
    elif tables:
        tables[0].notes += rate_notes
    return tables


def _cld_provenance(council: LocalAuthority, year: str) -> tuple[list[str], list[str]]:
    """The council's CLD submissions as sources, and a note when they stop before the year's
    end (the figures then cover only part of it)."""
    from caremarket.outcomes.models import CldSubmission

    submissions = CldSubmission.objects.filter(local_authority=council).select_related("import_run")
    sources = sorted(
        f"Client Level Data submitted by {council.name} for {_date_words(s.period_start)} to "
        f"{_date_words(s.period_end)} [{s.import_run.file_name}]"
        for s in submissions
    )
    latest = max((s.period_end for s in submissions), default=None)
    partly = []
    if latest is not None and latest < date(int(year[:4]) + 1, 3, 31):
        partly.append(
            f"The council's Client Level Data runs to {_date_words(latest)}, before the end of "
            "the year: these figures cover only part of it."
        )
    return sources, partly


#: The activity tables a Local Account shows, in its order (the staff page has them all).
ACTIVITY_TABLES = (
    "summary",
    "requests",
    "assessments",
    "reviews",
    "long-term-year-end",
    "short-term",
)


@yearly_provider("activity")
def activity_tables(council: LocalAuthority, year: str | None) -> list[Table]:
    """Services and what they did: requests, assessments, reviews, long-term support by setting
    and reablement in the year, counted from the council's Client Level Data (rules.activity)."""
    from caremarket.outcomes.service import AscofInputError, activity
    from caremarket.rules.activity import BANDS, COLUMN_WORDS, COLUMNS

    if not year:
        return []
    try:
        found = activity(council.code, year)
    except AscofInputError:
        return []
    chosen = [t for key in ACTIVITY_TABLES if (t := found.result.table(key)) is not None]
    if not found.result.covered or not any(r.total for t in chosen for r in t.rows):
        return []  # no submission reaches into the year, or nothing happened in it
    sources, partly = _cld_provenance(council, year)
    sources.append(
        "Counted by caremarket from the Client Level Data after the Department of Health and "
        "Social Care's checks, cleaning and removal of duplicates"
    )
    # Under 18 and age not known are shown only where some row has them.
    shown = [
        i
        for i, column in enumerate(COLUMNS)
        if column not in BANDS[2:]
        or any(r.counts[i] for t in chosen for r in (*t.rows, *((t.total,) if t.total else ())))
    ]
    tables = []
    for t in chosen:
        grouped = any(r.group for r in t.rows)
        rows = [
            [r.label, *([r.group] if grouped else []), *(r.counts[i] for i in shown)]
            for r in (*t.rows, *((t.total,) if t.total else ()))
        ]
        tables.append(
            Table(
                id=f"activity-{t.key}",
                caption=f"{t.title}, {year}",
                columns=[
                    Column(t.row_heading, "text"),
                    *([Column("Kind of outcome", "text")] if grouped else []),
                    *(Column(COLUMN_WORDS[COLUMNS[i]]) for i in shown),
                ],
                rows=rows,
                sources=sources,
                notes=[t.description, *([t.in_words()] if t.in_words() else []), *partly],
            )
        )
    tables[0].notes.append(
        "These tables count people who draw on care and support; carers' requests and support "
        "are not in them."
    )
    return tables


def figure_target_table(council: LocalAuthority, year: str) -> Table | None:
    """The council's targets for the year on its other published figures, judged in words."""
    from caremarket.outcomes.targets import figure_targets

    judged = [j for found in figure_targets(council).values() for j in found]
    judged = [j for j in judged if j.target.period == year]
    if not judged:
        return None
    rows: list[list[Any]] = [
        [
            j.label,
            _first_upper(j.judgement.status.words) if j.judgement else "No figure yet",
            j.sentence,
        ]
        for j in sorted(judged, key=lambda j: j.label)
    ]
    return Table(
        id="targets",
        caption=f"Our targets for {year} and how we did",
        columns=[
            Column("Figure", "text"),
            Column("Against the target", "text"),
            Column("Target and result", "text"),
        ],
        rows=rows,
        sources=sorted({j.target.source or f"Targets set by {council.name}" for j in judged}),
    )
