"""Brokerage figures, from the records, not typed in: time to source (referral to accepted offer)
by month, service and area, and requests still unsourced. The time-to-source report, the
council's public data page and the MPS show them as tables with a sentence in words; nothing
here names a person, and figures over invented demo records say so in a note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from caremarket.needs.models import CouncilFigure
from caremarket.places.models import Area, LocalAuthority
from caremarket.rules import sourcing as rules
from caremarket.rules.consistency import period_words
from caremarket.sourcing import packages
from caremarket.sourcing.models import CareRequest, Contract, Offer, Package, ServiceKind
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

    @property
    def days(self) -> int:
        return rules.days_to_source(self.referred_on, self.accepted_on)


def _day(value: Any) -> date:
    """A date column as the database driver returns it (a date, or ISO text on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _local_day(value: Any, zone: tzinfo) -> date:
    """A stored moment (aware, or naive UTC as SQLite returns it) as a day in the zone."""
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).date()


SOURCED_SQL = """
SELECT r.service_kind, COALESCE(p.name, a.name), r.referred_on, o.decided_at, r.invented
FROM {offer} o
JOIN {request} r ON r.id = o.request_id
JOIN {area} a ON a.id = r.area_id
LEFT JOIN {area} p ON p.id = a.parent_id
WHERE r.local_authority_id = %s AND o.status = %s AND o.decided_at IS NOT NULL
  AND o.decided_at >= %s
"""


def sourced(council: LocalAuthority, since: date | None = None) -> list[Sourced]:
    """Requests with an accepted offer, the acceptance day in the council's time zone.

    One plain query: the report reads 100,000 requests in well under a second this way,
    where the ORM's per-row date conversion (and SQLite's Python date functions) took four.
    """
    zone = timezone.get_current_timezone()
    start = datetime.combine(since or date(1900, 1, 1), time.min, tzinfo=zone) - timedelta(days=1)
    sql = SOURCED_SQL.format(
        offer=Offer._meta.db_table, request=CareRequest._meta.db_table, area=Area._meta.db_table
    )
    with connection.cursor() as cursor:
        after = connection.ops.adapt_datetimefield_value(start.astimezone(UTC))
        cursor.execute(sql, [council.pk, Offer.Status.ACCEPTED, after])
        rows = cursor.fetchall()
    found = []
    for service, area, referred, decided, invented in rows:
        accepted, referred = _local_day(decided, zone), _day(referred)
        if accepted >= referred and (since is None or accepted >= since):
            found.append(Sourced(service, area, referred, accepted, bool(invented)))
    return found


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
    days = [r.days for r in rows]
    overall = rules.figures(days)
    first = min(r.accepted_on for r in rows)
    words = (
        f"From {first:%-d %B %Y} to {today:%-d %B %Y}, {overall.count:,} "
        f"request{'' if overall.count == 1 else 's'} for care were sourced. Half were sourced "
        f"within {_days_words(overall.median)} of the referral (the average was "
        f"{_days_words(overall.mean)}), and 9 in 10 within {overall.p90:,} "
        f"day{'' if overall.p90 == 1 else 's'}."
    )
    by_month = rules.figures_by(
        ((r.accepted_on.year, r.accepted_on.month), d) for r, d in zip(rows, days, strict=True)
    )
    by_service = rules.figures_by((r.service, d) for r, d in zip(rows, days, strict=True))
    by_area = rules.figures_by((r.area, d) for r, d in zip(rows, days, strict=True))
    return [
        Table(
            id="time-to-source-by-month",
            caption=f"Days to source care in {council.name}, by the month the offer was accepted",
            columns=[Column("Month", "text"), *COLUMNS],
            rows=[
                _row(date(year, month, 1).strftime("%B %Y"), f)
                for (year, month), f in sorted(by_month.items())
            ],
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


# Commissioned hours -----------------------------------------------------------------------------

FUNDING_NAMES = dict(CareRequest.Funding.choices)


@dataclass(frozen=True)
class Commissioned:
    """Hours a week in force on a day, by provider, zone and funding, and the packages."""

    on: date
    by_provider: dict[str, Decimal]
    by_zone: dict[str, Decimal]
    by_funding: dict[str, Decimal]
    packages: int
    providers: int
    total: Decimal
    invented: bool


def commissioned(council: LocalAuthority, on: date | None = None) -> Commissioned | None:
    """The packages in force on `on` (today by default), from their histories; None if none."""
    on = on or timezone.localdate()
    live = (
        Package.objects.filter(local_authority=council, start_on__lte=on)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=on))
        .select_related("location__provider", "request__area__parent")
        .prefetch_related("changes")
    )
    keyed = []
    invented = False
    for p in live.iterator(chunk_size=2000):
        area = p.request.area
        provider = p.location.provider.name if p.location.provider else p.location.name
        zone = area.parent.name if area.parent else area.name
        keyed.append(
            ((provider, zone, p.request.funding), packages.versions(list(p.changes.all())))
        )
        invented = invented or p.invented
    hours = rules.commissioned_hours(keyed, on)
    if not hours:
        return None

    def by(index: int) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for key, value in hours.items():
            totals[key[index]] += value
        return dict(sorted(totals.items()))

    by_provider = by(0)
    return Commissioned(
        on=on,
        by_provider=by_provider,
        by_zone=by(1),
        by_funding={FUNDING_NAMES.get(k, k): v for k, v in by(2).items()},
        packages=sum(1 for key, v in keyed if rules.hours_in_force(v, on)),
        providers=len(by_provider),
        total=sum(hours.values(), Decimal(0)),
        invented=invented,
    )


@dataclass(frozen=True)
class MarketSize:
    hours: Decimal
    period: str
    source: str


def market_size(council: LocalAuthority) -> MarketSize | None:
    """The whole home-care market's hours a week, where the council holds the figure: its
    latest published total of home care hours by funding source (council and private)."""
    found = (
        CouncilFigure.objects.for_council(council)
        .measure("home_care_hours_per_week")
        .filter(dimension="funding_source", category__iexact="total")
        .order_by("-period", "-id")
        .first()
    )
    if found is None or found.value <= 0:
        return None
    return MarketSize(Decimal(str(found.value)), found.period, found.source)


def _hours_words(value: Decimal) -> str:
    """ "1,234.5" hours: to one decimal place, without a trailing ".0"."""
    return f"{value.quantize(Decimal('0.1'), ROUND_HALF_UP):,f}".removesuffix(".0")


def _hours_cell(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def commissioned_tables(council: LocalAuthority, on: date | None = None) -> list[Table]:
    """Commissioned home-care hours a week by provider, zone and funding, and the council's
    share of the market where its size is known."""
    found = commissioned(council, on)
    if found is None:
        return []
    day = f"{found.on:%-d %B %Y}"
    source = [f"{council.name}'s packages of care in caremarket (each package's history)"]
    notes = [
        f"On {day}, {council.name} commissioned {_hours_words(found.total)} hours of care a week "
        f"through {found.packages:,} package{'' if found.packages == 1 else 's'} with "
        f"{found.providers:,} provider{'' if found.providers == 1 else 's'}. Counted from each "
        "package's start, changes and end as the brokers recorded them, not typed in."
    ]
    if found.invented:
        notes.append("Some or all of these packages are invented for the demo.")
    columns = [Column("Hours a week", "decimal1"), Column("Share of the council's hours", "pct")]

    def rows(totals: dict[str, Decimal]) -> list[list[Any]]:
        out: list[list[Any]] = [
            [name, _hours_cell(v), float(rules.market_share(v, found.total))]
            for name, v in totals.items()
        ]
        return [*out, ["All", _hours_cell(found.total), 100.0]]

    tables = [
        Table(
            id=f"commissioned-hours-by-{key}",
            caption=f"Hours of care a week commissioned by {council.name} on {day}, by {label}",
            columns=[Column(label[:1].upper() + label[1:], "text"), *columns],
            rows=rows(totals),
            sources=source,
            notes=notes if key == "provider" else notes[1:],
        )
        for key, label, totals in (
            ("provider", "provider", found.by_provider),
            ("zone", "area (locality, or ward)", found.by_zone),
            ("funding", "funding", found.by_funding),
        )
    ]
    market = market_size(council)
    if market is not None:
        share = rules.market_share(found.total, market.hours)
        when = period_words(market.period)
        tables.append(
            Table(
                id="commissioned-share-of-market",
                caption=f"{council.name}'s share of the home care market",
                columns=[
                    Column("Hours of care a week", "text"),
                    Column("Hours", "decimal1"),
                    Column("Share of the market", "pct"),
                ],
                rows=[
                    [
                        f"Commissioned by the council on {day}",
                        _hours_cell(found.total),
                        float(share),
                    ],
                    [f"The whole market ({when})", _hours_cell(market.hours), 100.0],
                ],
                sources=[*source, market.source],
                notes=[
                    f"{council.name} commissions {share}% of the home care market: "
                    f"{_hours_words(found.total)} of the {_hours_words(market.hours)} hours a week "
                    f"the whole market provided ({when}, the latest figure the council holds)."
                ],
            )
        )
    return tables


def sourcing_tables(council: LocalAuthority, today: date | None = None) -> list[Table]:
    """The council page's brokerage figures: time to source over the last 12 months, then
    commissioned hours today (and the council's share of the market where known)."""
    return time_to_source_tables(council, today) + commissioned_tables(council, today)


# Published rates --------------------------------------------------------------------------------


def _call_words(minutes: int) -> str:
    return "1 hour" if minutes == 60 else f"{minutes} minutes"


def rate_tables(council: LocalAuthority, today: date | None = None) -> list[Table]:
    """The rates of the council's contracts in force today, after their yearly uplifts: a call
    by call length, and a week by care home band."""
    today = today or timezone.localdate()
    contracts = list(
        Contract.objects.filter(local_authority=council, starts_on__lte=today)
        .exclude(ends_on__lt=today)
        .prefetch_related("uplifts")
        .order_by("service_kind", "name")
    )
    source = [f"{council.name}'s contract register in caremarket"]
    invented = "Some or all of these contracts and their rates are invented for the demo."
    tables = []
    calls = [(c, c.rate_table(today)) for c in contracts if c.rates]
    if calls:
        lengths = sorted({m for _, table in calls for m in table}, reverse=True)
        notes = [
            f"Rates a call on {council.name}'s contracts in force on {today:%-d %B %Y}, after "
            "each contract's yearly uplifts, from its contract register in caremarket rather "
            "than typed figures. A dash: no rate published for that call length."
        ]
        tables.append(
            Table(
                id="contract-rates-by-call-length",
                caption=f"Rates a call on {council.name}'s care contracts",
                columns=[
                    Column("Contract", "text"),
                    Column("Kind", "text"),
                    *(Column(_call_words(m), "gbp_pence") for m in lengths),
                ],
                rows=[
                    [
                        c.name,
                        c.get_kind_display(),
                        *(float(t[m]) if m in t else None for m in lengths),
                    ]
                    for c, t in calls
                ],
                sources=source,
                notes=notes + ([invented] if any(c.invented for c, _ in calls) else []),
            )
        )
    bands = [(c, band, price) for c in contracts for band, price in c.band_table(today).items()]
    if bands:
        tables.append(
            Table(
                id="contract-rates-by-care-home-band",
                caption=f"Care home rates a week on {council.name}'s contracts, by band",
                columns=[
                    Column("Contract", "text"),
                    Column("Band", "text"),
                    Column("Rate a week", "gbp_pence"),
                ],
                rows=[[c.name, band, float(price)] for c, band, price in bands],
                sources=source,
                notes=[
                    f"Rates a week in force on {today:%-d %B %Y}, after each contract's yearly "
                    "uplifts."
                ]
                + ([invented] if any(c.invented for c, _, _ in bands) else []),
            )
        )
    return tables
