"""Time importing a 50,000-location CQC HSCA register (about the national size), and again.

The file is generated in the real "care directory with filters" layout (every column CQC
publishes, Y/blank flag columns included), into a throwaway SQLite database. The floor is
reading the same CSV with `csv.DictReader` and doing nothing else: the least any importer must
pay. The import validates every row in a first pass and writes in a second (batches of 2,000,
bulk queries), so it reads the file at least twice; the re-import must write 0 rows.
The machine is shared, so wall seconds swing with its load: CPU seconds (`time.process_time`,
this process only) are reported beside them, the ratios to the floor are taken on CPU time, and
the load average is printed with the figures.
Run: python bench/bench_import_hsca.py [--locations N]   (default 50,000)
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

LOCATIONS = (
    int(sys.argv[sys.argv.index("--locations") + 1]) if "--locations" in sys.argv else 50_000
)
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

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


def floor(path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `csv.DictReader` pass."""
    start, cpu = time.perf_counter(), time.process_time()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = sum(1 for _ in csv.DictReader(handle))
    assert rows == LOCATIONS
    return time.perf_counter() - start, time.process_time() - cpu


def main(tmp: Path) -> None:
    os.environ["CAREMARKET_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    assert str(settings.DATABASES["default"]["NAME"]).startswith(str(tmp)), "not a throwaway DB"
    call_command("migrate", verbosity=0)

    from caremarket.demo import load_councils
    from caremarket.imports.framework import run_import
    from caremarket.imports.importers.cqc_hsca import CqcHscaImporter
    from caremarket.market.models import Location

    on_instance = [c.name for c in load_councils()]
    # ~150 councils as in England; three are on this instance, the rest stored unlinked.
    councils = on_instance + [f"Council {k}" for k in range(147)]
    path = tmp / "HSCA_Active_Locations.csv"
    generate(path, councils)
    size_mb = path.stat().st_size / 1e6

    floor_s, floor_cpu = min((floor(path) for _ in range(3)), key=lambda t: t[1])
    timings = {}
    peaks = {}
    for label in ("import", "re-import"):
        start, cpu = time.perf_counter(), time.process_time()
        report = run_import(CqcHscaImporter, path)
        timings[label] = (
            time.perf_counter() - start,
            time.process_time() - cpu,
            report.rows_written,
        )
        peaks[label] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert Location.objects.count() == LOCATIONS
    assert timings["re-import"][2] == 0, "the re-import wrote rows"
    peak_mb = peaks["re-import"]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())

    print(
        f"A generated {LOCATIONS:,}-location HSCA_Active_Locations CSV ({size_mb:.0f} MB, "
        f"{len(BASE) + len(FLAGS)} columns, real layout) into a throwaway SQLite database. "
        "The import also lists every new location in the directory and indexes it for search "
        "(`directory/register.py`); the re-import changes nothing. "
        "Floor: `csv.DictReader` over the same file, nothing else. "
        f"Load average at the end: {load} on {os.cpu_count()} cores, so wall seconds are "
        "inflated by other work; the ratio to the floor is taken on CPU seconds.\n"
    )
    print("| run | seconds | CPU seconds | rows/s (CPU) | rows written | × floor (CPU) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| floor (csv.DictReader) | {floor_s:.2f} | {floor_cpu:.2f} | "
        f"{LOCATIONS / floor_cpu:,.0f} | – | 1.0 |"
    )
    for label, (seconds, cpu_s, written) in timings.items():
        print(
            f"| {label} | {seconds:.2f} | {cpu_s:.2f} | {LOCATIONS / cpu_s:,.0f} | "
            f"{written:,} | {cpu_s / floor_cpu:.1f} |"
        )
    print(
        f"\nPeak memory (max RSS, whole process): {peaks['import']:.0f} MB after the import, "
        f"{peak_mb:.0f} MB after the re-import."
    )
    print(
        json.dumps(
            {
                "bench": "import_hsca",
                "locations": LOCATIONS,
                "floor_s": round(floor_s, 3),
                "floor_cpu_s": round(floor_cpu, 3),
                "import_s": round(timings["import"][0], 3),
                "import_cpu_s": round(timings["import"][1], 3),
                "reimport_s": round(timings["re-import"][0], 3),
                "reimport_cpu_s": round(timings["re-import"][1], 3),
                "import_rows_written": timings["import"][2],
                "reimport_rows_written": timings["re-import"][2],
                "import_x_floor_cpu": round(timings["import"][1] / floor_cpu, 1),
                "reimport_x_floor_cpu": round(timings["re-import"][1] / floor_cpu, 1),
                "import_peak_rss_mb": round(peaks["import"]),
                "peak_rss_mb": round(peak_mb),
                "load_average": load,
            }
        )
    )


if __name__ == "__main__":
    work = Path(tempfile.mkdtemp(prefix="bench-hsca-"))
    try:
        main(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
