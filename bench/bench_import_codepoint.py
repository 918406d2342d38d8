"""Time importing a whole-GB Code-Point Open (1.7 million postcodes) as OS ships it, and again.

The file is generated in OS's layout: `codepo_gb.zip` with 120 area CSVs (`Data/CSV/ab.csv`
…, no header row) and `Doc/Code-Point_Open_Column_Headers.csv`, 1.7 million postcode units
spread over the areas with eastings/northings inside Great Britain, positional quality, NHS,
county, district and ward codes (a fifth in two-tier areas, so the county is the council).
Imported into a throwaway SQLite database: validated in a first pass, written in a second
with the grid conversion (pyproj, EPSG:27700 → EPSG:4326) once per batch of 5,000; the
re-import must write 0 rows. Floors: `csv.reader` over every area file in the zip, nothing
else; and pyproj converting the 1.7 million grid references alone.
Run: python bench/bench_import_codepoint.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import resource
import shutil
import string
import sys
import tempfile
import time
import zipfile
from pathlib import Path

POSTCODES = 1_700_000
AREAS = 120
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
HEADER = (ROOT / "examples/data/geo/Code-Point_Open_Column_Headers.csv").read_bytes()


def area_names() -> list[str]:
    letters = string.ascii_uppercase
    names = [a + b for a in letters for b in letters][:AREAS]
    return names


def generate(path: Path, councils: list[str]) -> None:
    """120 area files of ~14,000 postcodes each: AB1 0AA … with 20 units per sector."""
    rnd = random.Random(2025)
    per_area = POSTCODES // AREAS
    inward = [f"{d}{a}{b}" for d in range(10) for a in "ABDEFGHJLNPQRSTUWXYZ" for b in "ABDEFGHJ"]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zipped:
        zipped.writestr("Doc/Code-Point_Open_Column_Headers.csv", HEADER)
        for number, area in enumerate(area_names()):
            buffer = io.StringIO()
            writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
            east0, north0 = rnd.randint(150_000, 600_000), rnd.randint(20_000, 1_100_000)
            two_tier = number % 5 == 0
            for n in range(per_area + (POSTCODES % AREAS if number == 0 else 0)):
                district, unit = divmod(n, len(inward))
                outward = f"{area}{district + 1}"
                postcode = (
                    f"{outward:<4}{inward[unit]}"[:7]
                    if len(outward) < 4
                    else outward + inward[unit]
                )
                council = councils[(number * 7 + district) % len(councils)]
                county = f"E1000{number % 100:04d}" if two_tier else ""
                ward = f"E05{(number * 1000 + district * 10 + unit % 10) % 1_000_000:06d}"
                writer.writerow(
                    [
                        postcode,
                        10,
                        east0 + rnd.randint(0, 40_000),
                        north0 + rnd.randint(0, 40_000),
                        "E92000001",
                        "E19000001",
                        "E18000005",
                        county,
                        council,
                        ward,
                    ]
                )
            zipped.writestr(f"Data/CSV/{area.lower()}.csv", buffer.getvalue())


def floor_read(path: Path) -> float:
    start = time.perf_counter()
    rows = 0
    with zipfile.ZipFile(path) as zipped:
        for member in zipped.namelist():
            if member.startswith("Data/CSV/"):
                with zipped.open(member) as raw:
                    rows += sum(1 for _ in csv.reader(io.TextIOWrapper(raw, encoding="utf-8")))
    assert rows == POSTCODES, rows
    return time.perf_counter() - start


def floor_pyproj() -> float:
    from caremarket.places.grid import to_latitude_longitude

    rnd = random.Random(1)
    eastings = [rnd.randint(100_000, 650_000) for _ in range(POSTCODES)]
    northings = [rnd.randint(10_000, 1_200_000) for _ in range(POSTCODES)]
    start = time.perf_counter()
    for i in range(0, POSTCODES, 5000):
        to_latitude_longitude(eastings[i : i + 5000], northings[i : i + 5000])
    return time.perf_counter() - start


def main(tmp: Path) -> None:
    os.environ["CAREMARKET_VAR_DIR"] = str(tmp)
    os.environ["CAREMARKET_COUNCILS"] = "all"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    assert str(settings.DATABASES["default"]["NAME"]).startswith(str(tmp)), "not a throwaway DB"
    call_command("migrate", verbosity=0)

    from caremarket.imports.framework import run_import
    from caremarket.imports.importers.codepoint import CodePointOpenImporter
    from caremarket.places.models import LocalAuthority, Postcode

    councils = list(LocalAuthority.objects.values_list("code", flat=True))
    path = tmp / "codepo_gb.zip"
    generate(path, councils)
    size_mb = path.stat().st_size / 1e6

    read_s = min(floor_read(path) for _ in range(2))
    pyproj_s = floor_pyproj()
    timings = {}
    cpu = {}
    for label in ("import", "re-import"):
        start, started_cpu = time.perf_counter(), time.process_time()
        report = run_import(CodePointOpenImporter, path)
        timings[label] = (time.perf_counter() - start, report.rows_written)
        cpu[label] = time.process_time() - started_cpu
        assert report.error_count == 0, report.errors[:3]
    assert Postcode.objects.count() == POSTCODES
    assert timings["re-import"][1] == 0, "the re-import wrote rows"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"A generated whole-GB Code-Point Open: {POSTCODES:,} postcodes in {AREAS} area files "
        f"inside the zip as OS ships it ({size_mb:.0f} MB zipped, no header rows, the header "
        "file in `Doc/`), into a throwaway SQLite database. Validated, then written in batches "
        "of 5,000 with the grid conversion (pyproj) per batch; the re-import changes nothing. "
        "Floors: `csv.reader` over every area file in the zip; pyproj converting the same "
        "number of grid references, nothing else.\n"
    )
    print("| run | seconds | CPU seconds | postcodes/s | rows written | × read floor |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| floor (csv.reader, zip) | {read_s:.1f} | – | {POSTCODES / read_s:,.0f} | – | 1.0 |")
    print(
        f"| floor (pyproj only) | {pyproj_s:.1f} | – | {POSTCODES / pyproj_s:,.0f} | – | "
        f"{pyproj_s / read_s:.1f} |"
    )
    for label, (seconds, written) in timings.items():
        print(
            f"| {label} | {seconds:.1f} | {cpu[label]:.1f} | {POSTCODES / seconds:,.0f} | "
            f"{written:,} | {seconds / read_s:.1f} |"
        )
    print(f"\nPeak memory (max RSS, whole process): {peak_mb:.0f} MB.")
    print(
        json.dumps(
            {
                "bench": "import_codepoint",
                "postcodes": POSTCODES,
                "floor_read_s": round(read_s, 2),
                "floor_pyproj_s": round(pyproj_s, 2),
                "import_s": round(timings["import"][0], 2),
                "reimport_s": round(timings["re-import"][0], 2),
                "import_cpu_s": round(cpu["import"], 2),
                "reimport_cpu_s": round(cpu["re-import"], 2),
                "import_rows_written": timings["import"][1],
                "reimport_rows_written": timings["re-import"][1],
                "peak_rss_mb": round(peak_mb),
            }
        )
    )


if __name__ == "__main__":
    work = Path(tempfile.mkdtemp(prefix="bench-codepoint-"))
    try:
        main(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
