"""Brokerage figures, from the records, not typed in: time to source (referral to accepted offer)
by month, service and area, and requests still unsourced. The time-to-source report, the
council's public data page and the MPS show them as tables with a sentence in words; nothing
here names a person, and figures over invented demo records say so in a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from caremarket.places.models import LocalAuthority
from caremarket.rules import sourcing as rules
from caremarket.sourcing.models import CareRequest, Offer, ServiceKind
from caremarket.statements.data import Column, Table

INVENTED = "Some or all of these requests are invented for the demo."
SERVICE_NAMES = dict(ServiceKind.choices)
#: Months of time to source the public page and the MPS show (the report shows them all).
MONTHS_SHOWN = 12


@dataclass(frozen=True)
class Sourced:
    """One request as the figures see it: no person, only what is counted."""

    service: str
    area: str
    referred_on: date
    accepted_on: date
    invented: bool


def sourced(council: LocalAuthority, since: date | None = None) -> list[Sourced]:
    """Requests with an accepted offer, the acceptance day in the council's time zone."""
    offers = Offer.objects.filter(
        request__local_authority=council, status=Offer.Status.ACCEPTED, decided_at__isnull=False
    ).annotate(
        accepted_on=TruncDate("decided_at"),
        zone=Coalesce(F("request__area__parent__name"), F("request__area__name")),
    )
    if since is not None:
        offers = offers.filter(accepted_on__gte=since)
    rows = offers.values_list(
        "request__service_kind", "zone", "request__referred_on", "accepted_on", "request__invented"
    )
    return [Sourced(s, z, r, a, i) for s, z, r, a, i in rows.iterator(chunk_size=5000) if a >= r]


def _days(value: Fraction) -> float:
    """Days to one decimal place (a table cell; the page prints it without a trailing .0)."""
    return round(value.numerator / value.denominator, 1)


def _days_words(value: Fraction) -> str:
    number = _days(value)
    text = f"{number:g}"
    return "1 day" if text == "1" else f"{text} days"


COLUMNS = [
    Column("Requests sourced"),
    Column("Median days", "decimal1"),
    Column("Average days", "decimal1"),
    Column("9 in 10 within (days)"),
]


def _row(label: str, f: rules.Figures) -> list[Any]:
    return [label, f.count, _days(f.median), _days(f.mean), f.p90]


def _month_start(today: date, months_back: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return date(year, month + 1, 1)


def time_to_source_tables(
    council: LocalAuthority, today: date | None = None, months: int | None = MONTHS_SHOWN
) -> list[Table]:
    """By month accepted, by service and by area, over the last `months` months (None: all)."""
    today = today or timezone.localdate()
    since = _month_start(today, months - 1) if months else None
    rows = sourced(council, since)
    if not rows:
        return []
    source = [f"{council.name}'s brokerage records in caremarket (accepted offers)"]
    notes = [
        "Calendar days from the referral to the day the council accepted a provider's offer; "
        "weekends and bank holidays count like any other day. Median: half were sourced within "
        "this many days. The last column is the 90th percentile: 9 in 10 were sourced within it."
    ]
    if any(r.invented for r in rows):
        notes.append(INVENTED)
    overall = rules.figures([(r.accepted_on - r.referred_on).days for r in rows])
    first = min(r.accepted_on for r in rows)
    words = (
        f"From {first:%-d %B %Y} to {today:%-d %B %Y}, {overall.count:,} "
        f"request{'' if overall.count == 1 else 's'} for care were sourced. Half were sourced "
        f"within {_days_words(overall.median)} of the referral (the average was "
        f"{_days_words(overall.mean)}), and 9 in 10 within {overall.p90:,} "
        f"day{'' if overall.p90 == 1 else 's'}."
    )
    by_month = rules.time_to_source_by_month((r.referred_on, r.accepted_on) for r in rows)
    by_service = rules.time_to_source_by((r.service, r.referred_on, r.accepted_on) for r in rows)
    by_area = rules.time_to_source_by((r.area, r.referred_on, r.accepted_on) for r in rows)
    return [
        Table(
            id="time-to-source-by-month",
            caption=f"Days to source care in {council.name}, by the month the offer was accepted",
            columns=[Column("Month", "text"), *COLUMNS],
            rows=[_row(date(m.year, m.month, 1).strftime("%B %Y"), m) for m in by_month],
            sources=source,
            notes=[words, *notes],
        ),
        Table(
            id="time-to-source-by-service",
            caption=f"Days to source care in {council.name}, by service",
            columns=[Column("Service", "text"), *COLUMNS],
            rows=[
                _row(SERVICE_NAMES.get(k, k), f)
                for k, f in sorted(by_service.items(), key=lambda kv: str(kv[0]))
            ],
            sources=source,
            notes=notes,
        ),
        Table(
            id="time-to-source-by-area",
            caption=f"Days to source care in {council.name}, by area (locality, or ward)",
            columns=[Column("Area", "text"), *COLUMNS],
            rows=[_row(k, f) for k, f in sorted(by_area.items())],
            sources=source,
            notes=notes,
        ),
    ]


def unsourced(
    council: LocalAuthority, days: int, today: date | None = None
) -> list[tuple[CareRequest, int]]:
    """Open requests waiting more than `days` calendar days since referral, longest first."""
    today = today or timezone.localdate()
    items = (
        CareRequest.objects.filter(local_authority=council, status=CareRequest.Status.OPEN)
        .filter(Q(referred_on__lt=today - timedelta(days=days)))
        .select_related("area")
    )
    return rules.unsourced(((i, i.referred_on) for i in items), today, days)
