"""Benchmark: brokerage matching of 1,000 open care requests against 500 home-care providers,
and the time-to-source report over 100,000 historic requests, in a throwaway SQLite database.

The world is generated deterministically (a seeded `random.Random`): one council with 36 wards
in 6 localities; 500 provider locations, each holding a place on one of three contracts
(guaranteed hours, framework, spot) covering one to three localities or the whole council,
with spare hours, specialisms and CQC ratings, 20 of them under a placement stop; 1,000 open
requests over the wards with call patterns and needs.

- Matching: `brokerage.match_open` (every open request matched against every provider, with
  the reasons the broker reads; and again for who is eligible only), beside matching each
  request on its own as the request page does (`brokerage.matches`, candidates read from the
  database each time) for the first 100.
  Floor, same run: one read of the 500 holdings with their areas (the least a matching reads)
  and a bare Python loop over the 500,000 request × provider pairs doing one set intersection
  each (the least a matching computes).
- Time to source: `figures.time_to_source_tables` over 100,000 requests with an accepted offer
  spread over five years (by month, service and area, median, mean and 90th percentile).
  Floor, same run: fetching the same 100,000 (referral, acceptance) pairs with one raw SQL
  query and nothing else.

Run by `make bench` (bench/run_all.py), or alone: python bench/bench_sourcing.py
"""

from __future__ import annotations

import gc
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ["CAREMARKET_VAR_DIR"] = tempfile.mkdtemp(prefix="caremarket-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
os.environ["CAREMARKET_MANIFEST_STATIC"] = "false"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from caremarket.accounts.models import User  # noqa: E402
from caremarket.imports.models import ImportRun  # noqa: E402
from caremarket.market.models import Location, Provider  # noqa: E402
from caremarket.places.models import Area, LocalAuthority  # noqa: E402
from caremarket.quality.models import PlacementStop  # noqa: E402
from caremarket.sourcing import brokerage, figures  # noqa: E402
from caremarket.sourcing.models import CareRequest, Contract, Holding, Offer  # noqa: E402

PROVIDERS, OPEN, HISTORIC = 500, 1_000, 100_000
WARDS, LOCALITIES, STOPPED = 36, 6, 20
TODAY = date(2026, 12, 1)
PATTERNS = ((4, 30, 7), (3, 30, 7), (2, 45, 7), (1, 60, 5), (4, 45, 7), (2, 30, 7), (1, 30, 7))
NEEDS = ((), ("dementia",), (), ("double_handed",), (), ("dementia", "double_handed"))
RATINGS = ("Outstanding", "Good", "Good", "Good", "Requires improvement", "Inadequate", "")
RUNS = 3


def timed(function: Callable[[], Any]) -> tuple[float, float, Any]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def best(function: Callable[[], Any], runs: int = RUNS) -> tuple[float, float, Any]:
    found = [timed(function) for _ in range(runs)]
    return min(f[0] for f in found), min(f[1] for f in found), found[-1][2]


def build_world(rnd: random.Random) -> LocalAuthority:
    council, _ = LocalAuthority.objects.get_or_create(
        code="E06000021", defaults={"name": "Stoke-on-Trent", "slug": "stoke-on-trent"}
    )
    run = ImportRun.objects.create(format="bench", file_name="bench", status="ok")
    localities = [
        Area.objects.create(local_authority=council, kind=Area.Kind.LOCALITY, name=f"Town {i}")
        for i in range(LOCALITIES)
    ]
    Area.objects.bulk_create(
        Area(
            local_authority=council,
            kind=Area.Kind.WARD,
            name=f"Ward {i}",
            code=f"E05{i:06d}",
            parent=localities[i % LOCALITIES],
        )
        for i in range(WARDS)
    )
    provider = Provider.objects.create(
        cqc_provider_id="1-1", name="Bench Care Ltd", import_run=run, source_row=1
    )
    Location.objects.bulk_create(
        Location(
            cqc_location_id=f"1-{100000 + i}",
            provider=provider,
            name=f"Home Care {i:03d}",
            local_authority=council,
            care_home=False,
            latest_rating=rnd.choice(RATINGS),
            service_types=["Domiciliary care service"],
            import_run=run,
            source_row=i + 1,
        )
        for i in range(PROVIDERS)
    )
    places = list(Location.objects.order_by("pk"))
    contracts = [
        Contract.objects.create(
            local_authority=council,
            name=f"Home care, {kind}",
            kind=kind,
            service_kind="home_care",
            starts_on=date(2020, 1, 1),
            rates={"60": "23.76", "45": "19.01", "30": "14.26"},
        )
        for kind in ("guaranteed_hours", "framework", "spot")
    ]
    holdings = Holding.objects.bulk_create(
        Holding(
            contract=contracts[i % len(contracts)],
            location=place,
            spare_hours=None if i % 10 == 0 else Decimal(rnd.randrange(0, 120)),
            specialisms=rnd.choice(([], ["dementia"], ["dementia", "double_handed"])),
        )
        for i, place in enumerate(places)
    )
    through = Holding.areas.through
    through.objects.bulk_create(
        through(holding_id=h.pk, area_id=area.pk)
        for i, h in enumerate(holdings)
        if i % 4  # a quarter cover the whole council
        for area in rnd.sample(localities, 1 + i % 3)
    )
    officer = User.objects.create_user("bench-officer")
    PlacementStop.objects.bulk_create(
        PlacementStop(
            local_authority=council,
            location=place,
            scope=PlacementStop.Scope.FULL,
            reason="Bench",
            started_on=date(2026, 1, 1),
            started_by=officer,
            review_on=date(2030, 1, 1),
        )
        for place in places[:STOPPED]
    )
    return council


def requests(council: LocalAuthority, rnd: random.Random, count: int, **fields: Any) -> list[Any]:
    wards = list(Area.objects.filter(local_authority=council, kind=Area.Kind.WARD))
    made = []
    for n in range(count):
        calls, minutes, days = PATTERNS[n % len(PATTERNS)]
        referred = fields.get("referred") or TODAY - timedelta(days=rnd.randrange(0, 1826))
        item = CareRequest(
            local_authority=council,
            service_kind="home_care",
            area=rnd.choice(wards),
            calls_per_day=calls,
            minutes=minutes,
            days_per_week=days,
            referred_on=referred,
            start_on=referred + timedelta(days=3),
            needs=list(NEEDS[n % len(NEEDS)]),
            funding="council",
            person_name="Bench person",
            person_address="Bench address",
            status=fields.get("status", "open"),
        )
        item.hours_per_week = item.pattern.hours_per_week
        made.append(item)
    return made


def historic(council: LocalAuthority, rnd: random.Random) -> None:
    """100,000 sourced requests, each with one accepted offer 0 to 60 days after referral."""
    place = Location.objects.order_by("pk").first()
    assert place is not None
    for _ in range(0, HISTORIC, 10_000):
        with transaction.atomic():
            items = CareRequest.objects.bulk_create(
                requests(council, rnd, 10_000, status="sourced"), batch_size=2_000
            )
            Offer.objects.bulk_create(
                (
                    Offer(
                        request=item,
                        location=place,
                        start_on=item.start_on,
                        weekly_price=Decimal("399.28"),
                        status="accepted",
                        decided_at=datetime.combine(
                            item.referred_on + timedelta(days=int(rnd.expovariate(1 / 17)) % 60),
                            datetime.min.time(),
                            tzinfo=UTC,
                        )
                        + timedelta(hours=12),
                    )
                    for item in items
                ),
                batch_size=2_000,
            )


def floor_matching(council: LocalAuthority, items: list[CareRequest]) -> int:
    """The least a matching does: read the holdings and their areas once, then one set
    intersection for each request × provider pair."""
    cover: dict[int, set[int]] = {}
    for holding, area in Holding.objects.filter(contract__local_authority=council).values_list(
        "pk", "areas"
    ):
        cover.setdefault(holding, set())
        if area is not None:
            cover[holding].add(area)
    asked = [{i.area_id, i.area.parent_id} for i in items]
    return sum(1 for a in asked for c in cover.values() if not c or c & a)


def floor_report(council: LocalAuthority) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.referred_on, o.decided_at FROM sourcing_offer o "
            "JOIN sourcing_carerequest r ON r.id = o.request_id "
            "WHERE r.local_authority_id = %s AND o.status = 'accepted'",
            [council.pk],
        )
        return len(cursor.fetchall())


def main() -> None:
    call_command("migrate", verbosity=0)
    rnd = random.Random(16)
    began = time.perf_counter()
    council = build_world(rnd)
    CareRequest.objects.bulk_create(requests(council, rnd, OPEN, referred=TODAY))
    open_items = list(
        CareRequest.objects.filter(status="open").select_related("area", "local_authority")
    )
    built = time.perf_counter() - began
    began = time.perf_counter()
    historic(council, rnd)
    built_history = time.perf_counter() - began

    m_wall, m_cpu, matched = best(lambda: brokerage.match_open(council))
    eligible = sum(1 for found in matched.values() for m in found if m.eligible)
    q_wall, q_cpu, quick = best(lambda: brokerage.match_open(council, reasons=False))
    assert eligible == sum(1 for found in quick.values() for m in found if m.eligible)
    one_wall, one_cpu, _ = best(lambda: [brokerage.matches(i) for i in open_items[:100]], 1)
    f_wall, f_cpu, _ = best(lambda: floor_matching(council, open_items))
    r_wall, r_cpu, tables = best(lambda: figures.time_to_source_tables(council, TODAY, None))
    rf_wall, rf_cpu, rows = best(lambda: floor_report(council))
    months = len(tables[0].rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())

    print(
        f"A generated council: {PROVIDERS} home-care provider locations on three contracts "
        f"({STOPPED} under a placement stop), {WARDS} wards in {LOCALITIES} localities, "
        f"{OPEN:,} open requests and {HISTORIC:,} historic ones with an accepted offer over "
        f"five years, in a throwaway SQLite database (built in {built + built_history:.0f} s). "
        f"Best of {RUNS}; the floors are measured in the same run. Load average at the end: "
        f"{load} on 2 cores, so wall times are several times the CPU times and the ratios are "
        "taken on CPU time.\n"
    )
    print("| run | seconds | CPU seconds | × floor (CPU) |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| floor: read 500 holdings once, 500,000 set intersections | {f_wall:.3f} | "
        f"{f_cpu:.3f} | 1.0 |"
    )
    print(
        f"| match 1,000 open requests against 500 providers (`match_open`, with reasons; "
        f"{eligible:,} eligible pairs) | {m_wall:.3f} | {m_cpu:.3f} | {m_cpu / f_cpu:.0f} |"
    )
    print(
        f"| the same, who is eligible only (`match_open(reasons=False)`) | {q_wall:.3f} | "
        f"{q_cpu:.3f} | {q_cpu / f_cpu:.0f} |"
    )
    print(
        f"| match 100 requests one at a time (`matches`, as the request page) | "
        f"{one_wall:.3f} | {one_cpu:.3f} | {one_cpu * 10 / f_cpu:.0f} (for 1,000) |"
    )
    print(
        f"| floor: fetch {rows:,} (referral, acceptance) pairs in raw SQL | {rf_wall:.3f} | "
        f"{rf_cpu:.3f} | 1.0 |"
    )
    print(
        f"| time to source over {HISTORIC:,} requests ({months} months, by service and "
        f"area) | {r_wall:.3f} | {r_cpu:.3f} | {r_cpu / rf_cpu:.1f} |"
    )
    print(
        json.dumps(
            {
                "match_open_s": m_wall,
                "match_eligible_s": q_wall,
                "match_floor_s": f_wall,
                "report_s": r_wall,
                "report_floor_s": rf_wall,
            }
        )
    )


if __name__ == "__main__":
    main()
