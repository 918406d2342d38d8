"""The quality register's public figures: the council's latest published audit of each
location by rating, and provider exits in the last 12 months. The MPS quality section and the
council's public page show them; nothing here names a person, and counts of invented demo
records say so in a note."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from caremarket.places.models import LocalAuthority
from caremarket.quality.models import Audit, Exit, QualitySettings, exits_in_last_year
from caremarket.quality.register import day_words
from caremarket.statements.data import Column, Table

INVENTED = "These records are invented for the demo: the locations are real, the audits are not."


def register_tables(council: LocalAuthority, today: date | None = None) -> list[Table]:
    today = today or timezone.localdate()
    tables = [t for t in (_audits_by_rating(council), _exits(council, today)) if t is not None]
    return tables


def _audits_by_rating(council: LocalAuthority) -> Table | None:
    latest: dict[int, Audit] = {}
    for audit in Audit.objects.filter(
        local_authority=council, status=Audit.Status.PUBLISHED
    ).order_by("published_on", "id"):
        latest[audit.location_id] = audit
    if not latest:
        return None
    ratings = QualitySettings.for_council(council).scheme.ratings
    counts = {r: 0 for r in ratings}
    for audit in latest.values():
        counts[audit.rating] = counts.get(audit.rating, 0) + 1
    rows: list[list[Any]] = [[r, n] for r, n in counts.items()]
    rows.append(["All audited services", len(latest)])
    first = min(a.published_on for a in latest.values() if a.published_on)
    last = max(a.published_on for a in latest.values() if a.published_on)
    notes = [
        "Each service's latest published audit by the council against its quality standards; "
        f"published between {day_words(first)} and {day_words(last)}."
    ]
    if any(a.invented for a in latest.values()):
        notes.append(INVENTED)
    return Table(
        id="council-audits-by-rating",
        caption=f"Services audited by {council.name}, by latest overall rating",
        columns=[Column("Rating", "text"), Column("Services")],
        rows=rows,
        sources=[f"{council.name}'s quality register in caremarket (published audits)"],
        notes=notes,
    )


def _exits(council: LocalAuthority, today: date) -> Table | None:
    start = today - timedelta(days=365)
    exits = list(exits_in_last_year(council, today))
    if not exits:
        return None
    rows: list[list[Any]] = []
    for kind, label in Exit.Kind.choices:
        these = [e for e in exits if e.kind == kind]
        rows.append([label, len(these), sum(e.people_affected for e in these)])
    rows.append(["All exits", len(exits), sum(e.people_affected for e in exits)])
    notes = [
        f"Exits and closures recorded from {day_words(start + timedelta(days=1))} to "
        f"{day_words(today)}."
    ]
    if any(e.invented for e in exits):
        notes.append(INVENTED.replace("the audits are not", "the exits are not"))
    return Table(
        id="provider-exits",
        caption=f"Provider exits and service closures in {council.name} in the last 12 months",
        columns=[Column("Kind", "text"), Column("Exits"), Column("People affected")],
        rows=rows,
        sources=[f"{council.name}'s quality register in caremarket (exits recorded)"],
        notes=notes,
    )
