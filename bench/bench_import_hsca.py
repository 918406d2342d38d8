"""Time importing a 50,000-location CQC HSCA register (about the national size), and again.

The file is generated in the real "care directory with filters" layout (every column CQC
publishes, Y/blank flag columns included). For each database (SQLite, then PostgreSQL in a
throwaway cluster) a child process migrates an empty database, imports the file (which also
lists every location in the directory and indexes it for search), imports it again (which must
write 0 rows), and reports wall and CPU seconds, a per-stage breakdown and its peak memory.
A second child per database imports a 200,000-row file of the same layout, alone, so its peak
memory shows whether memory grows with the file. The floor is reading the same CSV with
`csv.DictReader` and doing nothing else: the least any importer must pay.
CPU seconds are this process's (`time.process_time`) plus, on PostgreSQL, the server process
serving its connection (from /proc), so the ratio to the floor counts the database's work on
both; the machine is shared, so wall seconds swing with its load, printed with the figures.
Run: python bench/bench_import_hsca.py [--locations N]   (default 50,000;
BENCH_HSCA_LARGE=0 skips the 200,000-row runs)
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOCATIONS = (
    int(sys.argv[sys.argv.index("--locations") + 1]) if "--locations" in sys.argv else 50_000
)
LARGE = int(os.environ.get("BENCH_HSCA_LARGE", "200000"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
#: Targets of issue 18 (wall seconds, 50,000 locations).
TARGETS = {"import": 20.0, "re-import": 5.0}
#: The stages of one import, as the child times them (see `instrument`).
STAGES = [
    ("check", "read and check every row"),
    ("reread", "read back the checked rows"),
    ("locations", "write providers and locations"),
    ("deregister", "find locations no longer registered"),
    ("listings", "directory listings, places, categories, search index"),
    ("ratings", "CQC rating history"),
    ("commit", "commit (PostgreSQL: its deferred foreign key checks)"),
]

BASE = [
    "Location ID", "Location HSCA start date", "Dormant (Y/N)", "Care home?", "Location Name",
    "Location ODS Code", "Location Telephone Number", "Registered manager",
    "Location Web Address", "Care homes beds", "Location Type/Sector",
    "Location Inspection Directorate", "Location Primary Inspection Category",
    "Location Latest Overall Rating", "Publication Date", "Inherited Rating (Y/N)",
    "Location Region", "Location NHS Region", "Location Local Authority",
    "Location ONSPD CCG Code", "Location ONSPD CCG", "Location Commissioning CCG Code",
    "Location Commissioning CCG", "Location Street Address", "Location Address Line 2",
    "Location City", "Location County", "Location Postal Code", "Location PAF ID",
    "Location UPRN ID", "Location Latitude", "Location Longitude",
    "Location Parliamentary Constituency", "Brand ID", "Brand Name",
    "Provider Companies House Number", "Provider Charity Number", "Provider ID",
    "Provider Name", "Provider HSCA start date", "Provider Type/Sector",
    "Provider Inspection Directorate", "Provider Primary Inspection Category",
    "Provider Postal Code",
]  # fmt: skip
FLAGS = [
    "Regulated activity - Accommodation for persons who require nursing or personal care",
    "Regulated activity - Personal care",
    "Regulated activity - Treatment of disease, disorder or injury",
    "Regulated activity - Diagnostic and screening procedures",
    "Service type - Care home service with nursing",
    "Service type - Care home service without nursing",
    "Service type - Domiciliary care service",
    "Service type - Extra Care housing services",
    "Service type - Supported living service",
    "Service type - Shared Lives",
    "Service user band - Older People",
    "Service user band - Dementia",
    "Service user band - Learning disabilities or autistic spectrum disorder",
    "Service user band - Mental Health",
    "Service user band - Physical Disability",
    "Service user band - Younger Adults",
]
RATINGS = ["Good", "Good", "Good", "Outstanding", "Requires improvement", "Inadequate", ""]


def generate(path: Path, councils: list[str], locations: int = LOCATIONS) -> None:
    """`locations` rows: a quarter care homes (a third of those nursing), the rest community."""
    rnd = random.Random(2024)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(BASE + FLAGS)
        for n in range(locations):
            home = rnd.random() < 0.25
            nursing = home and rnd.random() < 0.35
            row = dict.fromkeys(BASE, "")
            row.update(
                {
                    "Location ID": f"1-{100000000 + n * 7}",
                    "Location HSCA start date": f"{rnd.randint(1, 28):02d}/"
                    f"{rnd.randint(1, 12):02d}/{rnd.randint(2010, 2024)}",
                    "Dormant (Y/N)": "Y" if rnd.random() < 0.02 else "N",
                    "Care home?": "Y" if home else "N",
                    "Location Name": f"Location {n} {'House' if home else 'Care Services'}",
                    "Location Telephone Number": f"0{rnd.randint(1000000000, 1999999999)}",
                    "Care homes beds": str(rnd.randint(5, 120)) if home else "",
                    "Location Type/Sector": "Social Care Org",
                    "Location Inspection Directorate": "Adult social care",
                    "Location Primary Inspection Category": "Residential social care"
                    if home
                    else "Community based adult social care services",
                    "Location Latest Overall Rating": rnd.choice(RATINGS),
                    "Publication Date": f"{rnd.randint(2019, 2025)}-"
                    f"{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                    "Location Region": "England",
                    "Location Local Authority": councils[n % len(councils)],
                    "Location Street Address": f"{rnd.randint(1, 300)} High Street",
                    "Location City": "Town",
                    "Location Postal Code": f"ST{rnd.randint(1, 9)} {rnd.randint(1, 9)}AA",
                    "Location Latitude": f"{rnd.uniform(50.0, 55.5):.6f}",
                    "Location Longitude": f"{rnd.uniform(-5.0, 1.5):.6f}",
                    "Provider ID": f"1-{200000000 + n // 3}",
                    "Provider Name": f"Provider {n // 3} Ltd",
                    "Provider Companies House Number": f"{n // 3:08d}",
                }
            )
            flags = {
                FLAGS[0]: home,
                FLAGS[1]: not home,
                FLAGS[2]: nursing,
                FLAGS[4]: nursing,
                FLAGS[5]: home and not nursing,
                FLAGS[6]: not home and rnd.random() < 0.8,
                FLAGS[8]: not home and rnd.random() < 0.3,
                FLAGS[10]: rnd.random() < 0.7,
                FLAGS[11]: home and rnd.random() < 0.5,
                FLAGS[12]: rnd.random() < 0.2,
                FLAGS[15]: rnd.random() < 0.4,
            }
            writer.writerow([row[h] for h in BASE] + ["Y" if flags.get(f) else "" for f in FLAGS])


def floor(path: Path, rows: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `csv.DictReader` pass."""
    start, cpu = time.perf_counter(), time.process_time()
    with path.open(encoding="utf-8", newline="") as handle:
        read = sum(1 for _ in csv.DictReader(handle))
    assert read == rows
    return time.perf_counter() - start, time.process_time() - cpu


class Clock:
    """CPU seconds of this process, plus the PostgreSQL server process serving it."""

    def __init__(self) -> None:
        from django.db import connection

        self.server: Path | None = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.server = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")

    def __call__(self) -> float:
        seconds = time.process_time()
        if self.server is not None:
            fields = self.server.read_text().rpartition(")")[2].split()
            seconds += (int(fields[11]) + int(fields[12])) / self.tick
        return seconds


def instrument(clock: Clock, spent: dict[str, float]) -> None:
    """Add each stage's CPU seconds to `spent` as the import runs (nested stages included in
    their callers' figures; `stages` takes them apart)."""
    from caremarket.imports import framework
    from caremarket.imports.importers import cqc_hsca

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = clock()
            spent.setdefault(f"{name} began", started)
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + clock() - started

        return wrapper

    framework._write = timed("write", framework._write)
    importer = cqc_hsca.CqcHscaImporter
    importer.write_batch = timed("locations", importer.write_batch)  # type: ignore[method-assign]
    importer.finish = timed("finish", importer.finish)  # type: ignore[method-assign]
    cqc_hsca.sync_register_listings = timed("listings", cqc_hsca.sync_register_listings)
    cqc_hsca.record_cqc_ratings = timed("ratings", cqc_hsca.record_cqc_ratings)


def stages(began: float, total: float, spent: dict[str, float]) -> dict[str, float]:
    """Each stage's own CPU seconds, from an import that began at `began` and took `total`."""
    get = spent.get
    check = get("write began", began) - began
    return {
        "check": check,
        "reread": get("write", 0.0) - get("locations", 0.0) - get("finish", 0.0),
        "locations": get("locations", 0.0),
        "deregister": get("finish", 0.0) - get("listings", 0.0) - get("ratings", 0.0),
        "listings": get("listings", 0.0),
        "ratings": get("ratings", 0.0),
        "commit": total - check - get("write", 0.0),
    }


def anonymous_mb() -> float:
    """This process's memory now, less what maps files (SQLite maps its database file, whose
    pages count in the peak RSS but are the page cache, not the importer's own memory)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(path: Path, rows: int, again: bool) -> None:
    """Migrate an empty database, import `path` (and again), print one line of JSON."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    throwaway = name.startswith("hsca_") or name.startswith(os.environ["CAREMARKET_VAR_DIR"])
    assert throwaway, f"not a throwaway database: {name}"
    call_command("migrate", verbosity=0)
    from caremarket.demo import load_councils
    from caremarket.imports.framework import run_import
    from caremarket.imports.importers.cqc_hsca import CqcHscaImporter
    from caremarket.market.models import Location

    load_councils()
    clock = Clock()
    spent: dict[str, float] = {}
    instrument(clock, spent)
    runs: dict[str, Any] = {}
    for label in ("import", "re-import") if again else ("import",):
        spent.clear()
        start, cpu = time.perf_counter(), clock()
        report = run_import(CqcHscaImporter, path)
        seconds, cpu_s = time.perf_counter() - start, clock() - cpu
        runs[label] = {
            "seconds": seconds,
            "cpu": cpu_s,
            "written": report.rows_written,
            "stages": stages(cpu, cpu_s, spent),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "anon_mb": anonymous_mb(),
        }
    assert Location.objects.count() == rows
    assert not again or runs["re-import"]["written"] == 0, "the re-import wrote rows"
    print(json.dumps({"database": connection.vendor, "rows": rows, "runs": runs}))


def run_child(env: dict[str, str], path: Path, rows: int, again: bool) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--child", str(path), str(rows), "again" if again else "once"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"the import child failed: {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(work: Path) -> None:
    os.environ["CAREMARKET_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
    import django

    django.setup()
    from bench_directory_search import postgres_database

    from caremarket.demo import COUNCILS
    from tests.pgcluster import start_cluster

    # ~150 councils as in England; three are on this instance, the rest stored unlinked.
    councils = [name for _code, name, _region, _slug in COUNCILS]
    councils += [f"Council {k}" for k in range(147)]
    path = work / "HSCA_Active_Locations.csv"
    generate(path, councils)
    large = work / "large" / "HSCA_Active_Locations.csv"
    if LARGE:
        large.parent.mkdir()
        generate(large, councils, LARGE)
    floor_s, floor_cpu = min((floor(path, LOCATIONS) for _ in range(3)), key=lambda t: t[1])
    base = {**os.environ, "CAREMARKET_SECRET_KEY": "bench-" + "x" * 50}
    base.pop("DATABASE_URL", None)
    results = []
    cluster = None
    try:
        for number, database in enumerate(("SQLite", "PostgreSQL")):
            env = dict(base)
            if database == "PostgreSQL":
                cluster = cluster or start_cluster()
            for rows, file, again in ((LOCATIONS, path, True), (LARGE, large, False)):
                if not rows:
                    continue
                var = work / f"var-{number}-{rows}"
                var.mkdir()
                env["CAREMARKET_VAR_DIR"] = str(var)
                if cluster is not None:
                    env["DATABASE_URL"] = postgres_database(cluster, f"hsca_{rows}")
                found = run_child(env, file, rows, again)
                found["name"] = database
                found["load"] = os.getloadavg()[0]
                results.append(found)
    finally:
        if cluster is not None:
            cluster.stop()
    report(results, path.stat().st_size / 1e6, floor_s, floor_cpu)


def memory(run: dict[str, Any]) -> str:
    return f"{run['rss_mb']:.0f} ({run['anon_mb']:.0f})"


def report(results: list[dict[str, Any]], size_mb: float, floor_s: float, floor_cpu: float) -> None:
    main_runs = [r for r in results if r["rows"] == LOCATIONS]
    large = {r["name"]: r for r in results if r["rows"] != LOCATIONS}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"A generated {LOCATIONS:,}-location HSCA_Active_Locations CSV ({size_mb:.0f} MB, "
        f"{len(BASE) + len(FLAGS)} columns, real layout) imported into an empty database, "
        "then again. The import also lists every new location in the directory and indexes "
        "it for search (`directory/register.py`); the re-import changes nothing. CPU seconds "
        "are the importing process's plus, on PostgreSQL, the server's for its connection. "
        "Floor: `csv.DictReader` over the same file, nothing else. Load average (1 minute) "
        f"after each database's runs is shown; at the end: {load} on {os.cpu_count()} cores, "
        "so wall seconds may be inflated by other work.\n"
    )
    print("| database | run | seconds | target | CPU seconds | × floor (CPU) | rows written |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| – | floor (csv.DictReader) | {floor_s:.2f} | – | {floor_cpu:.2f} | 1.0 | – |")
    for found in main_runs:
        for label, run in found["runs"].items():
            verdict = "met" if run["seconds"] < TARGETS[label] else "**not met**"
            print(
                f"| {found['name']} (load {found['load']:.1f}) | {label} | {run['seconds']:.2f} | "
                f"< {TARGETS[label]:.0f} s: {verdict} | {run['cpu']:.2f} | "
                f"{run['cpu'] / floor_cpu:.0f} | {run['written']:,} |"
            )
    print("\nWhere the CPU seconds go (the stages of each run):\n")
    columns = [(f["name"], label) for f in main_runs for label in f["runs"]]
    print("| stage | " + " | ".join(f"{name} {label}" for name, label in columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for key, words in STAGES:
        cells = [f"{f['runs'][label]['stages'][key]:.2f}" for f in main_runs for label in f["runs"]]
        print(f"| {words} | " + " | ".join(cells) + " |")
    print(
        "\nPeak memory (max RSS of the importing process, MB; in brackets its own memory at "
        "the end, without mapped files: SQLite maps its database file into the process):\n"
    )
    print(f"| database | {LOCATIONS:,} rows (import, re-import) | {LARGE:,} rows (import) |")
    print("| --- | ---: | ---: |")
    for found in main_runs:
        runs = found["runs"]
        big = large.get(found["name"])
        big_text = (
            f"{memory(big['runs']['import'])}, in {big['runs']['import']['seconds']:.0f} s"
            if big
            else "–"
        )
        print(
            f"| {found['name']} | {memory(runs['import'])}, {memory(runs['re-import'])} "
            f"| {big_text} |"
        )
    figures: dict[str, Any] = {
        "bench": "import_hsca",
        "locations": LOCATIONS,
        "floor_s": round(floor_s, 3),
        "floor_cpu_s": round(floor_cpu, 3),
        "load_average": load,
    }
    for found in results:
        key = f"{found['name'].lower()}_{found['rows']}"
        for label, run in found["runs"].items():
            prefix = f"{key}_{label.replace('-', '')}"
            figures[f"{prefix}_s"] = round(run["seconds"], 2)
            figures[f"{prefix}_cpu_s"] = round(run["cpu"], 2)
            figures[f"{prefix}_rss_mb"] = round(run["rss_mb"])
            figures[f"{prefix}_anon_mb"] = round(run["anon_mb"])
    print(json.dumps(figures))


if __name__ == "__main__":
    if "--child" in sys.argv:
        at = sys.argv.index("--child")
        child(Path(sys.argv[at + 1]), int(sys.argv[at + 2]), sys.argv[at + 3] == "again")
        raise SystemExit(0)
    work = Path(tempfile.mkdtemp(prefix="bench-hsca-"))
    try:
        main(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
