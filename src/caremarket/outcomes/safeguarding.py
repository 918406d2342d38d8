"""A council's safeguarding return, DoLS figures and complaints log as tables in words.

The same tables serve the staff pages and the Local Account's sections "Keeping our population
safe" and "Compliments, complaints and comments" (statements data blocks), so a published
document shows exactly what staff saw.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from caremarket.outcomes.models import Feedback, OutcomesSettings, SafeguardingFigure
from caremarket.places.models import LocalAuthority
from caremarket.rules.complaints import Entry, Summary, financial_year, summarise, year_bounds
from caremarket.rules.consistency import cite
from caremarket.rules.measures import measure_label, value_label
from caremarket.rules.safeguarding import (
    ABUSE_TYPES,
    BROKEN_DOWN,
    DOLS,
    LOCATIONS,
    MEASURES,
    MSP,
)
from caremarket.statements.data import Column, Table

#: Short column headings for the breakdown tables.
HEADINGS = {
    "concerns": "Concerns",
    "s42_enquiries": "Section 42 enquiries",
    "other_enquiries": "Other enquiries",
    "concluded_enquiries": "Enquiries concluded",
    "substantiated": "Substantiated (fully or partly)",
    "substantiated_fully": "Fully substantiated",
    "substantiated_partly": "Partly substantiated",
}
DEFAULT_DEADLINE = 15


def return_years(council: LocalAuthority) -> list[str]:
    """Years the council's return covers, newest first."""
    years = SafeguardingFigure.objects.filter(local_authority=council).values_list(
        "year", flat=True
    )
    return sorted(set(years), reverse=True)


def _slug(year: str) -> str:
    return year.replace("/", "-")


def safeguarding_tables(council: LocalAuthority, year: str) -> list[Table]:
    """The year's return: totals, by type of abuse, by location of risk, Making Safeguarding
    Personal and DoLS; a table only where the return has its figures."""
    rows = list(
        SafeguardingFigure.objects.filter(local_authority=council, year=year).select_related(
            "import_run"
        )
    )
    values: dict[tuple[str, str, str], int] = {}
    sources: dict[str, list[str]] = defaultdict(list)
    for f in rows:
        values[(f.measure, f.breakdown, f.category)] = f.value
        group = "dols" if f.measure in DOLS else "msp" if f.measure in MSP else f.breakdown
        source = cite(f.source)  # the document and table, without notes on wording
        if source not in sources[group]:
            sources[group].append(source)
    _add_substantiated_sum(values)
    slug = _slug(year)
    tables = [
        _totals_table(
            f"safeguarding-{slug}",
            f"Safeguarding concerns and enquiries, {year}",
            BROKEN_DOWN,
            values,
            sources["all"],
        )
    ]
    for breakdown, categories, caption in (
        ("abuse_type", ABUSE_TYPES, "by type of abuse"),
        ("location", LOCATIONS, "by location of risk"),
    ):
        table = _breakdown(values, breakdown, categories)
        if table is not None:
            columns, body = table
            tables.append(
                Table(
                    id=f"safeguarding-{breakdown.replace('_', '-')}-{slug}",
                    caption=f"Safeguarding concerns and enquiries {caption}, {year}",
                    columns=[
                        Column(heading, "text" if i == 0 else "int")
                        for i, heading in enumerate(columns)
                    ],
                    rows=body,
                    sources=sources[breakdown],
                    notes=["One concern or enquiry may involve more than one type of abuse."]
                    if breakdown == "abuse_type"
                    else [],
                )
            )
    notes = []
    expressed = values.get(("msp_expressed", "all", "Total"))
    achieved = [values.get((m, "all", "Total")) for m in MSP[2:]]
    if expressed and all(a is not None for a in achieved):
        share = 100 * sum(a or 0 for a in achieved) / expressed
        notes.append(
            f"The outcomes people wanted were fully or partly achieved for {share:.0f}% of "
            "those who said what they wanted."
        )
    tables.append(
        _totals_table(
            f"making-safeguarding-personal-{slug}",
            f"Making Safeguarding Personal, {year}",
            MSP,
            values,
            sources["msp"],
            notes,
        )
    )
    tables.append(
        _totals_table(
            f"dols-{slug}",
            f"Deprivation of Liberty Safeguards, {year}",
            DOLS,
            values,
            sources["dols"],
        )
    )
    return [t for t in tables if t is not None]


def _totals_table(
    table_id: str,
    caption: str,
    measures: tuple[str, ...],
    values: dict[tuple[str, str, str], int],
    sources: list[str],
    notes: list[str] | None = None,
) -> Table | None:
    """A two-column table of the return's yearly totals for these measures, if it has any."""
    rows = [
        [measure_label(MEASURES[m]), values[(m, "all", "Total")]]
        for m in measures
        if (m, "all", "Total") in values
    ]
    if not rows:
        return None
    return Table(
        id=table_id,
        caption=caption,
        columns=[Column("Figure", "text"), Column("Number")],
        rows=rows,
        sources=sources,
        notes=notes or [],
    )


def _add_substantiated_sum(values: dict[tuple[str, str, str], int]) -> None:
    """Substantiated (fully or partly) where only its two parts are given."""
    for measure, breakdown, category in list(values):
        if measure != "substantiated_fully":
            continue
        partly = values.get(("substantiated_partly", breakdown, category))
        if partly is not None and ("substantiated", breakdown, category) not in values:
            values[("substantiated", breakdown, category)] = (
                values[(measure, breakdown, category)] + partly
            )


def _breakdown(
    values: dict[tuple[str, str, str], int], breakdown: str, categories: tuple[str, ...]
) -> tuple[list[str], list[list[str | int | None]]] | None:
    measures = [m for m in BROKEN_DOWN if any(k[:2] == (m, breakdown) for k in values)]
    present = [c for c in categories if any((m, breakdown, c) in values for m in measures)]
    if not present:
        return None
    heading = "Type of abuse" if breakdown == "abuse_type" else "Location of risk"
    rows: list[list[str | int | None]] = [
        [value_label(c), *(values.get((m, breakdown, c)) for m in measures)] for c in present
    ]
    return [heading, *(HEADINGS[m] for m in measures)], rows


# Compliments, complaints and comments -----------------------------------------------------------


def deadline_days(council: LocalAuthority) -> int:
    found = OutcomesSettings.objects.filter(local_authority=council).first()
    return found.complaint_deadline_working_days if found else DEFAULT_DEADLINE


def feedback_years(council: LocalAuthority) -> list[str]:
    """Financial years the log has entries in, newest first (this year when it has none)."""
    months = Feedback.objects.filter(local_authority=council).dates("received", "month")
    years = {financial_year(d) for d in months} or {financial_year(timezone.localdate())}
    return sorted(years, reverse=True)


def year_log(council: LocalAuthority, year: str) -> QuerySet[Feedback]:
    """The council's entries received in a financial year ("2020/21")."""
    return Feedback.objects.filter(local_authority=council, received__range=year_bounds(year))


def complaint_summary(council: LocalAuthority, year: str, today: date | None = None) -> Summary:
    entries = (
        Entry(f.kind, f.service_area, f.received, f.upheld, f.responded)
        for f in year_log(council, year).only(
            "kind", "service_area", "received", "upheld", "responded"
        )
    )
    return summarise(entries, year, deadline_days(council), today or timezone.localdate())


def complaint_tables(council: LocalAuthority, year: str) -> list[Table]:
    """The year's log by service area, and complaints upheld and answered in time."""
    summary = complaint_summary(council, year)
    if not summary.areas:
        return []
    source = [f"{council.name}'s compliments, complaints and comments log, {year}"]
    invented = year_log(council, year).filter(invented=True).exists()
    notes = (
        [
            "The entries of this log were invented for the demonstration; its counts by service "
            "area follow the council's published figures."
        ]
        if invented
        else []
    )
    slug = _slug(year)
    areas = [
        [a.service_area, a.compliments, a.complaints, a.comments]
        for a in [*summary.areas, summary.total]
    ]
    total = summary.total
    days = summary.deadline_days
    handling = [
        ["Complaints received", total.complaints],
        ["Complaints upheld (fully or partly)", total.upheld],
        ["Complaints upheld in full", total.upheld_fully],
        ["Complaints partly upheld", total.upheld_partly],
        ["Complaints not upheld", total.not_upheld],
        ["Complaints answered", total.answered],
        [f"Answered within {days} working days", total.in_time],
        [
            f"Share of answered complaints answered within {days} working days",
            None if total.in_time_share is None else f"{total.in_time_share:.0f}%",
        ],
        ["Complaints not yet answered", total.open],
        ["Not yet answered and past the deadline", total.overdue],
    ]
    return [
        Table(
            id=f"feedback-by-service-area-{slug}",
            caption=f"Compliments, complaints and comments by service area, {year}",
            columns=[
                Column("Service area", "text"),
                Column("Compliments"),
                Column("Complaints"),
                Column("Comments"),
            ],
            rows=areas,
            sources=source,
            notes=notes,
        ),
        Table(
            id=f"complaints-handling-{slug}",
            caption=f"How complaints were handled, {year}",
            columns=[Column("Figure", "text"), Column("Number")],
            rows=handling,
            sources=source,
            notes=[
                *notes,
                f"The council's deadline is {days} working days from receipt, not counting "
                "weekends or England's bank holidays. The share is of the complaints answered.",
            ],
        ),
    ]
