"""Time importing a 50,000-location CQC HSCA register (about the national size), and again.

The file is generated in the real "care directory with filters" layout (every column CQC
publishes, Y/blank flag columns included), into a throwaway SQLite database. The floor is
reading the same CSV with `csv.DictReader` and doing nothing else: the least any importer must
pay. The import validates every row in a first pass and writes in a second (batches of 2,000,
bulk queries), so it reads the file at least twice; the re-import must write 0 rows.
Run: python bench/bench_import_hsca.py
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

LOCATIONS = 50_000
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


def floor(path: Path) -> float:
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = sum(1 for _ in csv.DictReader(handle))
    assert rows == LOCATIONS
    return time.perf_counter() - start


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

    floor_s = min(floor(path) for _ in range(3))
    timings = {}
    for label in ("import", "re-import"):
        start = time.perf_counter()
        report = run_import(CqcHscaImporter, path)
        timings[label] = (time.perf_counter() - start, report.rows_written)
    assert Location.objects.count() == LOCATIONS
    assert timings["re-import"][1] == 0, "the re-import wrote rows"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"A generated {LOCATIONS:,}-location HSCA_Active_Locations CSV ({size_mb:.0f} MB, "
        f"{len(BASE) + len(FLAGS)} columns, real layout) into a throwaway SQLite database. "
        "The import also lists every new location in the directory and indexes it for search "
        "(`directory/register.py`); the re-import changes nothing. "
        "Floor: `csv.DictReader` over the same file, nothing else.\n"
    )
    print("| run | seconds | rows/s | rows written | × floor |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| floor (csv.DictReader) | {floor_s:.2f} | {LOCATIONS / floor_s:,.0f} | – | 1.0 |")
    for label, (seconds, written) in timings.items():
        print(
            f"| {label} | {seconds:.2f} | {LOCATIONS / seconds:,.0f} | {written:,} | "
            f"{seconds / floor_s:.1f} |"
        )
    print(f"\nPeak memory (max RSS, whole process): {peak_mb:.0f} MB.")
    print(
        json.dumps(
            {
                "bench": "import_hsca",
                "locations": LOCATIONS,
                "floor_s": round(floor_s, 3),
                "import_s": round(timings["import"][0], 3),
                "reimport_s": round(timings["re-import"][0], 3),
                "import_rows_written": timings["import"][1],
                "reimport_rows_written": timings["re-import"][1],
                "import_x_floor": round(timings["import"][0] / floor_s, 1),
                "reimport_x_floor": round(timings["re-import"][0] / floor_s, 1),
                "peak_rss_mb": round(peak_mb),
            }
        )
    )


if __name__ == "__main__":
    work = Path(tempfile.mkdtemp(prefix="bench-hsca-"))
    try:
        main(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
