"""Time ASCOF from Client Level Data: one council-sized file, and 153 councils' files in a run.

`rules.ascof.compute` runs DHSC's whole method in pure Python (submission selection, event
filtering, cleaning and mapping, the combined person id, unique events and cropping, person
details, then 2A, 2B, 2C, 2E and 3D). The input is generated deterministically (a seeded
`random.Random`) as the rows the importer hands over (`RawRow`, identifiers already
pseudonymised): people with requests, assessments, reviews, reablement, long-term services
(community, residential, nursing, prison), carers' support, deaths and duplicates, in two
overlapping yearly submissions, so submission selection, cropping and deduplication all work.

The floor is plain SQL on SQLite (the stdlib `sqlite3`, in memory, the same rows loaded
beforehand and not timed): the event filter of the chosen reference periods, the combined
person id, DHSC's deduplication (one row per unique-event key by ROW_NUMBER over the
reference period end, end date with NULL as 9999-01-01, outcome hierarchy and record id) and
measure 2E for all clients (long-term service users in the year, their latest end capped at
the year end, age band from year and month of birth, settled accommodation from the person's
latest known status). The generated values are all valid Release 2 values with one
accommodation status per person, so no cleaning or accommodation inference is needed and the
floor's 2E must equal `compute`'s; the run checks it. The floor computes one measure; the
Python computes five plus the problems report, so the like-for-like ratio is against
`prepare` + 2E only (also timed). Run: python bench/bench_ascof.py
"""

from __future__ import annotations

import gc
import json
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from caremarket.rules.ascof import (
    EVENT_OUTCOMES,
    RawRow,
    Submission,
    compute,
    measure_2e,
    prepare,
)
from caremarket.rules.ascof import SETTLED as ALL_SETTLED

YEAR = (date(2024, 4, 1), date(2025, 3, 31))
POPULATION = {"18 to 64": 160_000, "65 and above": 45_000}
EVENTS, PEOPLE = 200_000, 25_000
COUNCILS = 153
#: Each of the 153 councils' files is a tenth of a council-sized one (20,000 events, 2,500
#: people): 3.06 million events in all. Whole-sized files for all 153 (30.6 million events)
#: would take this shared 2-core machine most of an hour per run.
SMALL = 10
RUNS = 3
FIRST = (date(2023, 4, 1), date(2024, 6, 30), datetime(2024, 7, 20, 9))
SECOND = (date(2024, 4, 1), date(2025, 6, 30), datetime(2025, 7, 20, 9))
START, END = date(2023, 4, 1), date(2025, 6, 30)
SETTLED = ["Owner occupier or shared ownership scheme", "Tenant: Private landlord"]
UNSETTLED = ["Registered care home", "Registered nursing home"]
LTS = [
    ("Long term support: Community", 70),
    ("Long term support: Residential care", 20),
    ("Long term support: Nursing care", 8),
    ("Long term support: Prison", 2),
]
MECHANISMS = ["Direct payment", "CASSR managed personal budget", "CASSR commissioned support"]
COMPONENTS = ["Home support or domiciliary care", "Direct payment", "Equipment", None]


def generate(la_code: str, events: int, people: int, seed: int) -> list[RawRow]:
    """A council's CLD rows, deterministic for a seed: `events` rows about `people` people."""
    rnd = random.Random(seed)
    days = (END - START).days
    rows: list[RawRow] = []

    def day(low: date = START, span: int = days) -> date:
        return low + timedelta(days=rnd.randrange(max(span, 1)))

    # Events in both submissions' overlap are written twice: about 1.35 rows an event.
    per_person = events / people / 1.35
    everyone: list[tuple[bool, dict[str, Any], int]] = []
    for p in range(people):
        pid = f"{la_code}-{p:06d}"
        carer = rnd.random() < 0.06
        born = (rnd.randint(1925, 2004), rnd.randint(1, 12))
        died = day() if rnd.random() < 0.05 else None
        person = {
            "nhs_id": pid if rnd.random() < 0.9 else None,
            "local_id": f"L{p:06d}",
            "birth_year": born[0],
            "birth_month": born[1],
            "date_of_death": died,
            "gender": rnd.choice(("Female", "Male")),
            "client_type": "Unpaid carer" if carer else "Service user",
            "primary_support_reason": rnd.choice(
                ("Physical Support: Personal care support", "Learning Disability Support")
            ),
            "accommodation_status": rnd.choice(SETTLED * 3 + UNSETTLED),
        }
        everyone.append((carer, person, max(1, round(rnd.gauss(per_person, 2)))))
    # Everyone's events, then more for people chosen at random until the file is full.
    while len(rows) < events:
        for carer, person, n in everyone:
            if len(rows) >= events:
                break
            _add_events(rnd, rows, la_code, carer, person, n, day, events)
        everyone = [(*e[:2], 1) for e in rnd.sample(everyone, len(everyone) // 4)]
    return rows


def _add_events(
    rnd: random.Random,
    rows: list[RawRow],
    la_code: str,
    carer: bool,
    person: dict[str, Any],
    n: int,
    day: Callable[[], date],
    events: int,
) -> None:
    """n events of one person, as each submission holds them."""
    planned: list[dict[str, Any]] = []
    for _ in range(n):
        kind = rnd.random()
        start = day()
        if carer:
            planned.append(
                {
                    "event_type": "Service",
                    "service_type": "Unpaid carer support: Direct to unpaid carer",
                    "delivery_mechanism": rnd.choice(MECHANISMS),
                    "event_start": start,
                    "event_end": start + timedelta(days=rnd.randint(0, 60)),
                }
            )
        elif kind < 0.3:
            planned.append(
                {
                    "event_type": rnd.choice(("Request", "Assessment", "Review")),
                    "event_start": start,
                    "event_end": start + timedelta(days=rnd.randint(0, 30)),
                    "event_outcome": rnd.choice(EVENT_OUTCOMES),
                }
            )
        elif kind < 0.45:
            planned.append(
                {
                    "event_type": "Service",
                    "service_type": "Short term support: ST-Max",
                    "event_start": start,
                    "event_end": start + timedelta(days=rnd.randint(7, 42)),
                    "event_outcome": rnd.choice(EVENT_OUTCOMES),
                }
            )
        else:
            stype = rnd.choices([t for t, _ in LTS], [w for _, w in LTS])[0]
            planned.append(
                {
                    "event_type": "Service",
                    "service_type": stype,
                    "service_component": rnd.choice(COMPONENTS),
                    "delivery_mechanism": rnd.choice(MECHANISMS),
                    "event_start": start,
                    "event_end": None
                    if rnd.random() < 0.6
                    else start + timedelta(days=rnd.randint(30, 600)),
                }
            )
    for event in planned:
        # Each submission holds the events it covers: those in the overlap are in both
        # (the duplicates deduplication removes); an open service is in every later one.
        for sub, (s_start, s_end, _) in (("S1", FIRST), ("S2", SECOND)):
            end = event["event_end"]
            if event["event_start"] > s_end or (end is not None and end < s_start):
                continue
            if len(rows) >= events:
                break
            rows.append(
                RawRow(
                    record_id=len(rows) + 1,
                    submission=sub,
                    la_code=la_code,
                    period_start=s_start,
                    period_end=s_end,
                    **person,
                    **{**event, "event_end": end if end is None or end <= s_end else None},
                )
            )


SUBMISSIONS = [Submission("S1", FIRST[2], (FIRST[1], FIRST[0])), Submission("S2", SECOND[2])]

# ---------------------------------------------------------------------------------------------
# The floor: plain SQL on SQLite
# ---------------------------------------------------------------------------------------------

COLUMNS = [
    "record_id",
    "submission",
    "la_code",
    "nhs_id",
    "local_id",
    "birth_year",
    "birth_month",
    "date_of_death",
    "gender",
    "client_type",
    "primary_support_reason",
    "accommodation_status",
    "event_type",
    "event_start",
    "event_end",
    "event_outcome",
    "service_type",
    "service_component",
    "delivery_mechanism",
]
HIERARCHY = ", ".join(f"('{o}', {i})" for i, o in enumerate(EVENT_OUTCOMES, start=1))
SETTLED_SQL = ", ".join(f"'{a}'" for a in ALL_SETTLED)

#: The floor, statement by statement (temporary tables with the indexes a SQL developer would
#: add); `:year_start` and `:year_end` are the reporting year.
FLOOR_SQL = [
    "CREATE TEMP TABLE hierarchy(outcome TEXT PRIMARY KEY, rank INTEGER)",
    f"INSERT INTO hierarchy VALUES {HIERARCHY}",  # noqa: S608 (the method's own constants)
    "CREATE TEMP TABLE refs(submission TEXT PRIMARY KEY, ref_start TEXT, ref_end TEXT)",
    "INSERT INTO refs VALUES (?, ?, ?), (?, ?, ?)",
    # FE:225-245 and DF:101-105: derived end date, events in their reference period, person id.
    """CREATE TEMP TABLE in_period AS
    SELECT * FROM (
      SELECT e.*, r.ref_start, r.ref_end,
        CASE
          WHEN date_of_death IS NOT NULL AND event_end IS NOT NULL
               AND date_of_death BETWEEN event_start AND event_end THEN date_of_death
          WHEN date_of_death IS NOT NULL AND event_end IS NULL AND date_of_death > event_start
               THEN date_of_death
          ELSE event_end END AS der_end,
        COALESCE(nhs_id, la_code || '_' || local_id) AS person
      FROM events e JOIN refs r ON r.submission = e.submission)
    WHERE event_start <= ref_end
      AND (date_of_death IS NULL
           OR (date_of_death >= ref_start AND date_of_death >= event_start))
      AND ((event_type <> 'Service' AND der_end BETWEEN ref_start AND ref_end)
        OR (event_type = 'Service' AND (der_end IS NULL OR der_end >= ref_start)))""",
    # DF:54-66, UE:82-93: one row per unique event.
    """CREATE TEMP TABLE unique_events AS
    SELECT * FROM (
      SELECT i.*, ROW_NUMBER() OVER (
        PARTITION BY la_code, event_start,
          CASE WHEN event_type = 'Service' THEN NULL ELSE der_end END,
          client_type, person, event_type,
          CASE WHEN event_type = 'Service' THEN service_type END,
          CASE WHEN event_type = 'Service' THEN service_component END
        ORDER BY ref_end DESC, COALESCE(der_end, '9999-01-01') DESC,
          COALESCE(h.rank, 999) ASC, record_id DESC) AS n
      FROM in_period i LEFT JOIN hierarchy h ON h.outcome = i.event_outcome)
    WHERE n = 1""",
    "CREATE INDEX unique_person ON unique_events(person, ref_start, event_start)",
    # DF:138-180: open services of a period another follows, not found in it, end with it.
    """CREATE TEMP TABLE cropped AS
    SELECT u.*,
      CASE WHEN u.ref_end < (SELECT MAX(ref_end) FROM refs)
           AND (u.der_end IS NULL OR u.der_end > u.ref_end)
           AND u.event_type = 'Service'
           AND NOT EXISTS (
             SELECT 1 FROM unique_events v
             WHERE v.person = u.person AND v.ref_start = date(u.ref_end, '+1 day')
               AND v.event_start = u.event_start AND v.event_type = u.event_type
               AND v.service_type IS u.service_type
               AND v.service_component IS u.service_component
               AND v.client_type IS u.client_type)
           THEN u.ref_end ELSE u.der_end END AS end_date
    FROM unique_events u""",
    "CREATE INDEX cropped_person ON cropped(person)",
    # E2:134-193: long-term service users in the year, latest end capped at the year end.
    """CREATE TEMP TABLE lts AS
    SELECT person, MAX(MIN(COALESCE(end_date, '9999-01-01'), :year_end)) AS capped
    FROM cropped
    WHERE client_type = 'Service user' AND event_type = 'Service'
      AND service_type LIKE 'Long term support:%'
      AND (end_date IS NULL OR end_date >= event_start)
      AND event_start <= :year_end AND (end_date IS NULL OR end_date >= :year_start)
    GROUP BY person""",
    # PD:97-172, 775-851: the person's latest row (every value known here, one per person).
    """CREATE TEMP TABLE details AS
    SELECT * FROM (
      SELECT person, accommodation_status, date_of_death,
        printf('%04d-%02d-01', birth_year, birth_month) AS born,
        ROW_NUMBER() OVER (
          PARTITION BY person ORDER BY ref_end DESC, COALESCE(end_date, '9999-01-01') DESC,
            event_start DESC) AS n
      FROM cropped WHERE person IN (SELECT person FROM lts))
    WHERE n = 1""",
]
FLOOR_RESULT = f"""
SELECT CASE WHEN age <= 64 THEN '18 to 64' ELSE '65 and above' END AS band,
  SUM(accommodation_status IN ({SETTLED_SQL})) AS numerator, COUNT(*) AS denominator
FROM (
  SELECT d.accommodation_status,
    CAST((julianday(l.capped) - julianday(d.born)) * 4 / 1461 AS INTEGER) AS age
  FROM lts l JOIN details d ON d.person = l.person
  WHERE d.date_of_death IS NULL OR d.date_of_death >= :year_start)
WHERE age >= 18 GROUP BY band ORDER BY band
"""  # noqa: S608 (the method's own constants)


def load(rows: list[RawRow]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE events ({', '.join(COLUMNS)})")
    db.executemany(
        f"INSERT INTO events VALUES ({', '.join('?' * len(COLUMNS))})",  # noqa: S608
        (
            tuple(v.isoformat() if isinstance(v := getattr(r, c), date) else v for c in COLUMNS)
            for r in rows
        ),
    )
    return db


def floor(db: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """The floor's statements in one transaction, rolled back after (so it can run again)."""
    refs = (
        "S1",
        FIRST[0].isoformat(),
        date(2024, 3, 31).isoformat(),
        "S2",
        date(2024, 4, 1).isoformat(),
        SECOND[1].isoformat(),
    )
    year = {":year_start": f"'{YEAR[0]}'", ":year_end": f"'{YEAR[1]}'"}

    def sql(text: str) -> str:
        for name, value in year.items():
            text = text.replace(name, value)
        return text

    try:
        for statement in FLOOR_SQL:
            db.execute(sql(statement), refs if statement.count("?") == 6 else ())
        return {band: (n, d) for band, n, d in db.execute(sql(FLOOR_RESULT))}
    finally:
        for table in ("hierarchy", "refs", "in_period", "unique_events", "cropped", "lts"):
            db.execute(f"DROP TABLE IF EXISTS temp.{table}")
        db.execute("DROP TABLE IF EXISTS temp.details")


def python_2e(rows: list[RawRow]) -> dict[str, tuple[int, int]]:
    events, people, _ = prepare(rows, SUBMISSIONS, YEAR)
    return _totals(measure_2e(events, people, YEAR))


def _totals(found: list[Any]) -> dict[str, tuple[int, int]]:
    return {
        r.group: (r.numerator, r.denominator)
        for r in found
        if r.measure == "2E" and r.cohort == "all" and r.gender == "Total"
    }


def timed(function: Callable[[], Any]) -> tuple[float, float, Any]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def best(runs: int, function: Callable[[], Any]) -> tuple[float, float, Any]:
    found = [timed(function) for _ in range(runs)]
    return min(f[0] for f in found), min(f[1] for f in found), found[-1][2]


def main() -> None:
    began = time.perf_counter()
    rows = generate("E06000021", EVENTS, PEOPLE, seed=17)
    generated = time.perf_counter() - began
    db = load(rows)
    people = len({r.nhs_id or r.local_id for r in rows})

    # One council, in turns (the machine is shared: each sees the same busy moments).
    figures: dict[str, list[tuple[float, float]]] = {"compute": [], "2e": [], "floor": []}
    results: dict[str, Any] = {}
    for _ in range(RUNS):
        for name, function in (
            ("compute", lambda: compute(rows, SUBMISSIONS, YEAR, POPULATION)),
            ("2e", lambda: python_2e(rows)),
            ("floor", lambda: floor(db)),
        ):
            wall, cpu, value = timed(function)
            figures[name].append((wall, cpu))
            results[name] = value
    best_of = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in figures.items()}
    full_2e = _totals(results["compute"].measures["2E"])
    agree = full_2e == results["2e"] == results["floor"]

    # 153 councils' files in one run, each generated and computed in turn (generation and
    # loading not timed).
    small_rows = [
        generate(f"E{c:08d}", EVENTS // SMALL, PEOPLE // SMALL, seed=c) for c in range(COUNCILS)
    ]
    all_events = sum(len(r) for r in small_rows)
    wall153, cpu153, _ = timed(
        lambda: [compute(r, SUBMISSIONS, YEAR, POPULATION) for r in small_rows]
    )
    dbs = [load(r) for r in small_rows]
    floor_wall153, floor_cpu153, _ = timed(lambda: [floor(d) for d in dbs])
    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())

    c_wall, c_cpu = best_of["compute"]
    e_wall, e_cpu = best_of["2e"]
    f_wall, f_cpu = best_of["floor"]
    print(
        f"A generated council-sized CLD file: {len(rows):,} events about {people:,} people "
        "(requests, assessments, reviews, reablement, long-term services in four settings, "
        "carers' support, deaths), in two overlapping yearly submissions; 2024/25. Then "
        f"{COUNCILS} councils' files of {EVENTS // SMALL:,} events each "
        f"({all_events:,} events) in one run. Best of {RUNS} for one council, taken in turns; "
        "one run for the 153. Wall clock and CPU seconds. Floor: plain SQL on SQLite "
        "(stdlib `sqlite3`, in memory, rows loaded beforehand) doing the event filter, "
        "combined person id, DHSC's deduplication (ROW_NUMBER over the unique-event key), "
        "the cropping of open services and 2E for all clients by age band. "
        f"Generating the council's rows took {generated:.1f} s (not timed)."
    )
    print()
    print("| run | wall seconds | CPU seconds | × floor (CPU) |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| one council: `compute`, all five measures and the problems report | "
        f"{c_wall:.2f} | {c_cpu:.2f} | {c_cpu / f_cpu:.1f} |"
    )
    print(
        f"| one council: `prepare` + 2E only (like for like with the floor) | "
        f"{e_wall:.2f} | {e_cpu:.2f} | {e_cpu / f_cpu:.1f} |"
    )
    print(f"| one council: floor, SQL dedup + 2E | {f_wall:.2f} | {f_cpu:.2f} | 1.0 |")
    print(
        f"| {COUNCILS} councils: `compute` | {wall153:.1f} | {cpu153:.1f} | "
        f"{cpu153 / floor_cpu153:.1f} |"
    )
    print(f"| {COUNCILS} councils: floor | {floor_wall153:.1f} | {floor_cpu153:.1f} | 1.0 |")
    print()
    print(
        f"2E (all clients, by age band) from `compute`, from `prepare` + 2E and from the SQL "
        f"floor: {'identical' if agree else 'DIFFERENT'} ("
        + "; ".join(f"{band}: {n:,} of {d:,}" for band, (n, d) in results["floor"].items())
        + "). "
        f"Load average at the end: {load_avg} on {os.cpu_count()} cores."
    )
    print(
        json.dumps(
            {
                "events": len(rows),
                "compute_cpu": round(c_cpu, 3),
                "prepare_2e_cpu": round(e_cpu, 3),
                "floor_cpu": round(f_cpu, 3),
                "councils_cpu": round(cpu153, 2),
                "councils_floor_cpu": round(floor_cpu153, 2),
                "agree": agree,
            }
        )
    )
    if not agree:
        print(f"compute {full_2e} prepare {results['2e']}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
