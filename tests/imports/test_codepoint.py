"""OS Code-Point Open as shipped: no header row, the header file beside it or in the zip,
grid references to latitude/longitude with pyproj, council and ward from the file."""

from __future__ import annotations

import math
import shutil
import zipfile
from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.imports.models import ImportRun
from caremarket.places.models import Postcode
from caremarket.rules.directory import miles_between
from tests.imports.helpers import EXAMPLES, counts, run, truncated, with_lines
from tests.places.osgb import grid_to_osgb36, grid_to_wgs84

GEO = EXAMPLES / "data" / "geo"
REAL = GEO / "codepoint_open_2025-10_three_councils.csv"
HEADER = GEO / "Code-Point_Open_Column_Headers.csv"
METRES_PER_MILE = 1609.344


def real_lines(every: int = 60) -> list[str]:
    """Every 60th line of the shipped file (about 300 real rows of all three councils), and
    ST4 1AA."""
    lines = REAL.read_text(encoding="utf-8").splitlines()
    keep = lines[::every]
    keep += [line for line in lines if line.startswith('"ST4 1AA"')]
    return keep


@pytest.fixture
def area_file(tmp_path: Path) -> Path:
    """A Code-Point area file of real rows with OS's header file beside it."""
    path = tmp_path / "st.csv"
    path.write_text("\n".join(real_lines()) + "\n", encoding="utf-8")
    shutil.copy(HEADER, tmp_path / HEADER.name)
    return path


def test_it_reads_the_real_layout_with_the_header_beside_it(councils, area_file) -> None:
    report = run("codepoint-open", area_file)
    expected = len(real_lines())
    assert (report.rows_read, report.rows_written, report.error_count) == (expected,) * 2 + (0,)
    assert report.warnings == []
    row = Postcode.objects.get(postcode="ST4 1AA")
    assert (row.outward, row.local_authority_code, row.district_code) == (
        "ST4",
        "E06000021",
        "E06000021",
    )
    source = next(line for line in real_lines() if line.startswith('"ST4 1AA"')).split(",")
    assert row.ward_code == source[9].strip('"') and row.positional_quality == int(source[1])
    assert not row.terminated
    assert set(Postcode.objects.values_list("local_authority_code", flat=True)) == {
        "E06000021",
        "E06000022",
        "E08000026",
    }
    run_ = ImportRun.objects.get()
    assert (run_.publisher, run_.dataset, run_.file_name) == (
        "Ordnance Survey",
        "Code-Point Open",
        "st.csv",
    )
    assert row.import_run == run_ and len(run_.sha256) == 64
    # Re-importing the same file changes nothing.
    again = run("codepoint-open", area_file)
    assert (again.rows_written, again.rows_unchanged) == (0, expected)


def test_stored_coordinates_agree_with_an_independent_computation(councils, area_file) -> None:
    # The independent formulas reproduce OS's own worked example (guide, Annex C) first.
    lat, lon = grid_to_osgb36(651409.903, 313177.270)
    assert abs(math.degrees(lat) - (52 + 39 / 60 + 27.2531 / 3600)) < 1e-7
    assert abs(math.degrees(lon) - (1 + 43 / 60 + 4.5177 / 3600)) < 1e-7
    run("codepoint-open", area_file)
    worst = 0.0
    for line in real_lines():
        fields = line.split(",")
        postcode = fields[0].strip('"')
        expected = grid_to_wgs84(float(fields[2]), float(fields[3]))
        stored = Postcode.objects.get(postcode=" ".join(postcode.split()))
        worst = max(worst, miles_between(*expected, stored.latitude, stored.longitude))
    assert worst * METRES_PER_MILE < 5, f"{worst * METRES_PER_MILE:.1f} m apart"


def test_it_reads_the_zip_as_os_ships_it(councils, tmp_path: Path) -> None:
    archive = tmp_path / "codepo_gb.zip"
    lines = real_lines()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("Doc/Code-Point_Open_Column_Headers.csv", HEADER.read_bytes())
        zipped.writestr("Data/CSV/ba.csv", "\n".join(lines[: len(lines) // 2]) + "\n")
        zipped.writestr("Data/CSV/st.csv", "\n".join(lines[len(lines) // 2 :]) + "\n")
    report = run("codepoint-open", archive)
    assert (report.rows_written, report.warnings) == (len(lines), [])


def test_without_a_header_file_it_uses_os_column_order_and_says_so(councils, tmp_path) -> None:
    path = tmp_path / "cv.csv"
    path.write_text("\n".join(real_lines()) + "\n", encoding="utf-8")
    report = run("codepoint-open", path)
    assert report.rows_written == len(real_lines())
    assert "documented order" in report.warnings[0]


def test_a_header_file_given_is_checked(councils, area_file, tmp_path: Path) -> None:
    bad = tmp_path / "other.csv"
    bad.write_text("PC,EA\nPostcode,Eastings\n", encoding="utf-8")
    from caremarket.imports.framework import run_import
    from caremarket.imports.importers.registry import IMPORTERS

    with pytest.raises(ImportRefused, match="Northings"):
        run_import(IMPORTERS["codepoint-open"], area_file, options={"header": bad})


def test_a_truncated_file_writes_nothing(councils, area_file, tmp_path: Path) -> None:
    cut = truncated(area_file, tmp_path)
    shutil.copy(HEADER, tmp_path / HEADER.name)
    before = counts()
    report = run("codepoint-open", cut)
    assert report.error_count == 1 and not report.written
    assert "truncated" in report.errors[0].reason
    assert counts() == before


def test_bad_grid_references_and_codes_are_reported_by_line(councils, area_file, tmp_path) -> None:
    tail = '"E92000001","E19000001","E18000005","","E06000021","E05014567"'
    path = with_lines(
        area_file,
        tmp_path,
        [
            f'"ST1 9ZA",10,38840X,347542,{tail}',
            f'"ST1 9ZB",10,388405,1347542,{tail}',
            f'"ST1 9ZD",70,388405,347542,{tail}',
            f'"NOT A PC",10,388405,347542,{tail}',
            f'"ST1 9ZE",10,0,0,{tail}',
            '"ST1 9ZF",10,388405,347542,"E92000001","","","","Stoke","E05014567"',
            f'"ST1 9ZG",90,0,0,{tail}',  # OS has no coordinates for it: left out, not bad
        ],
        name="st.csv",
    )
    before = counts()
    report = run("codepoint-open", path)
    first = len(real_lines()) + 1
    assert [(e.line - first, e.column) for e in report.errors] == [
        (0, "Eastings"),
        (1, "Northings"),
        (2, "Positional_quality_indicator"),
        (3, "Postcode"),
        (4, "Eastings"),
        (5, "Admin_district_code"),
    ]
    assert "outside the National Grid" in report.errors[1].reason
    assert counts() == before
    skipped = run("codepoint-open", path, skip_bad_rows=True)
    assert skipped.rows_written == len(real_lines())
    assert "positional quality 90" in skipped.warnings[0]
    assert not Postcode.objects.filter(postcode__startswith="ST1 9Z").exists()


def test_a_two_tier_postcode_belongs_to_its_county(councils, area_file, tmp_path: Path) -> None:
    path = with_lines(
        area_file,
        tmp_path,
        ['"ST16 1AA",10,391900,323300,"E92000001","","","E10000028","E07000197","E05012345"'],
        name="st.csv",
    )
    run("codepoint-open", path)
    row = Postcode.objects.get(postcode="ST16 1AA")
    assert (row.local_authority_code, row.district_code) == ("E10000028", "E07000197")


def test_a_repeated_postcode_is_a_bad_row(councils, area_file, tmp_path: Path) -> None:
    path = with_lines(area_file, tmp_path, [real_lines()[0]], name="st.csv")
    report = run("codepoint-open", path)
    assert report.errors[0].column == "Postcode" and "repeats line 1" in report.errors[0].reason


def test_an_empty_or_broken_zip_is_refused(councils, tmp_path: Path) -> None:
    archive = tmp_path / "codepo_gb.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("Doc/readme.txt", "nothing")
    with pytest.raises(ImportRefused, match="no area CSV"):
        run("codepoint-open", archive)
    archive.write_bytes(archive.read_bytes()[:30])
    with pytest.raises(ImportRefused, match="truncated"):
        run("codepoint-open", archive)
