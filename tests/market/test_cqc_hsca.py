"""cqc-hsca: the CQC care directory with filters as CSV and .xlsx, written as a register refresh."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from caremarket.imports.framework import ImportRefused
from caremarket.market.models import Location, Provider
from caremarket.places.models import LocalAuthority
from tests.market.helpers import FIXTURES, drop, edit, read_table, run, variant

GOOD = FIXTURES / "cqc" / "HSCA_Active_Locations.csv"

pytestmark = pytest.mark.usefixtures("councils")


def as_xlsx(source: Path, out: Path) -> Path:
    """The fixture as CQC's spreadsheet: a notes sheet first, beds and coordinates as numbers."""
    _, header, rows = read_table(source)
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Care directory with filters: active locations"])
    sheet = book.create_sheet("HSCA_Active_Locations")
    sheet.append(header)
    numeric = {"Care homes beds", "Location Latitude", "Location Longitude"}
    for row in rows:
        sheet.append([float(row[h]) if h in numeric and row[h] else row[h] or None for h in header])
    book.save(out)
    return out


def check_good_import() -> None:
    abbey = Location.objects.get(cqc_location_id="1-101000001")
    assert abbey.name == "Abbey Court Care Home"
    assert abbey.local_authority == LocalAuthority.objects.get(code="E06000021")
    assert (abbey.beds, abbey.care_home, abbey.dormant) == (60, True, False)
    assert abbey.service_types == ["Care home service with nursing"]
    assert abbey.service_user_bands == ["Older People", "Dementia"]
    assert "Treatment of disease, disorder or injury" in abbey.regulated_activities
    assert (abbey.latest_rating, abbey.latest_rating_date) == ("Good", date(2023, 5, 12))
    assert abbey.registration_date == date(2010, 10, 1)  # dd/mm/yyyy
    assert abbey.latitude == pytest.approx(53.0301)
    assert abbey.longitude == pytest.approx(-2.1402)
    assert abbey.postcode == "ST2 8AA"
    assert abbey.provider is not None and abbey.provider.name == "Abbey Care Ltd"
    lodge = Location.objects.get(cqc_location_id="1-101000002")
    assert lodge.registration_date == date(2015, 3, 15)  # ISO
    assert lodge.provider == abbey.provider
    home_care = Location.objects.get(cqc_location_id="1-101000003")
    assert (home_care.care_home, home_care.beds) == (False, None)
    assert home_care.service_types == ["Domiciliary care service", "Supported living service"]
    # Trafford is not on this instance: stored, unlinked, its name kept.
    trafford = Location.objects.get(cqc_location_id="1-101000004")
    assert trafford.local_authority is None
    assert trafford.local_authority_name == "Trafford"
    assert Provider.objects.count() == 4


def test_csv_good_file() -> None:
    report = run("cqc-hsca", GOOD)
    assert report.written and report.rows_written == 5 and not report.errors
    assert report.run is not None and report.run.publisher == "Care Quality Commission"
    check_good_import()
    assert Location.objects.get(cqc_location_id="1-101000001").import_run == report.run
    assert Location.objects.get(cqc_location_id="1-101000002").source_row == 3


def test_xlsx_good_file(tmp_path: Path) -> None:
    report = run("cqc-hsca", as_xlsx(GOOD, tmp_path / "HSCA_Active_Locations.xlsx"))
    assert report.rows_written == 5 and not report.errors
    check_good_import()


def test_column_names_drift_in_case_and_spacing(tmp_path: Path) -> None:
    path = variant(
        GOOD,
        tmp_path / "drift.csv",
        rename={"Location ID": " location id", "Care homes beds": "CARE HOMES  BEDS"},
    )
    assert run("cqc-hsca", path).rows_written == 5
    assert Location.objects.get(cqc_location_id="1-101000001").beds == 60


@pytest.mark.parametrize("column", ["Location Postal Code", "Location ID", "Care home?"])
def test_missing_required_column_is_named(tmp_path: Path, column: str) -> None:
    path = variant(GOOD, tmp_path / "missing.csv", rename={column: None})
    with pytest.raises(ImportRefused, match=column.replace("?", r"\?")):
        run("cqc-hsca", path)
    assert not Location.objects.exists()


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"Publication Date": "31/02/2023"}, "Publication Date", "not a date"),
        ({"Location HSCA start date": "yesterday"}, "Location HSCA start date", "not a date"),
        ({"Care homes beds": "-4"}, "Care homes beds", "negative"),
        ({"Care homes beds": "12.5"}, "Care homes beds", "whole number"),
        ({"Service user band - Dementia": "X"}, "Dementia", "not Y or N"),
        ({"Dormant (Y/N)": "maybe"}, "Dormant (Y/N)", "not Y or N"),
        ({"Location Latitude": "153.2"}, "Location Latitude", "out of range"),
    ],
)
def test_bad_row_is_reported_and_nothing_written(
    tmp_path: Path, cells: dict[str, str], column: str, reason: str
) -> None:
    path = variant(GOOD, tmp_path / "bad.csv", rows=edit(1, cells))
    report = run("cqc-hsca", path)
    assert not report.written
    [error] = report.errors
    assert (error.line, error.column) == (3, column)
    assert reason in error.reason
    assert not Location.objects.exists() and not Provider.objects.exists()


def test_skip_bad_rows_writes_the_rest(tmp_path: Path) -> None:
    path = variant(GOOD, tmp_path / "bad.csv", rows=edit(1, {"Care homes beds": "-4"}))
    report = run("cqc-hsca", path, skip_bad_rows=True)
    assert report.rows_written == 4 and report.error_count == 1
    assert not Location.objects.filter(cqc_location_id="1-101000002").exists()


def test_reimport_writes_nothing() -> None:
    run("cqc-hsca", GOOD)
    again = run("cqc-hsca", GOOD)
    assert (again.rows_written, again.rows_unchanged) == (0, 5)
    assert again.warnings == []
    assert not Location.objects.filter(deregistered=True).exists()


def test_reimport_of_xlsx_after_csv_writes_nothing(tmp_path: Path) -> None:
    run("cqc-hsca", GOOD)
    again = run("cqc-hsca", as_xlsx(GOOD, tmp_path / "HSCA_Active_Locations.xlsx"))
    assert again.rows_written == 0


def test_refresh_marks_missing_locations_deregistered(tmp_path: Path) -> None:
    first = run("cqc-hsca", GOOD)
    later = run("cqc-hsca", variant(GOOD, tmp_path / "later.csv", rows=drop(1)))
    assert later.rows_written == 0
    assert any("1 location(s)" in w and "deregistered" in w for w in later.warnings)
    gone = Location.objects.get(cqc_location_id="1-101000002")
    assert gone.deregistered and gone.deregistered_date is not None
    assert gone.import_run == later.run and gone.source_row == 0
    assert first.run is not None and gone.import_run != first.run
    assert Location.objects.filter(deregistered=False).count() == 4
    council = LocalAuthority.objects.get(code="E06000021")
    assert gone not in Location.objects.for_council(council)
    # Back on the register: registered again.
    back = run("cqc-hsca", GOOD)
    assert back.rows_written == 1
    gone.refresh_from_db()
    assert not gone.deregistered and gone.deregistered_date is None


def test_council_download_deregisters_only_that_council(tmp_path: Path) -> None:
    run("cqc-hsca", GOOD)
    stoke_only = variant(
        GOOD,
        tmp_path / "stoke.csv",
        rows=lambda rows: [r for r in rows if r["Location Local Authority"] == "Stoke-on-Trent"][
            :-1
        ],
    )
    report = run("cqc-hsca", stoke_only, council="E06000021")
    assert report.written
    assert list(
        Location.objects.filter(deregistered=True).values_list("cqc_location_id", flat=True)
    ) == ["1-101000005"]


def test_a_council_download_refuses_another_councils_rows() -> None:
    report = run("cqc-hsca", GOOD, council="E06000021")
    assert not report.written
    assert {e.line for e in report.errors} == {4, 5}
    assert all(e.column == "Location Local Authority" for e in report.errors)


def test_description_override_survives_reimport(tmp_path: Path) -> None:
    run("cqc-hsca", GOOD)
    Location.objects.filter(cqc_location_id="1-101000001").update(
        description_override="Specialist dementia nursing; council block contract."
    )
    changed = variant(GOOD, tmp_path / "changed.csv", rows=edit(0, {"Care homes beds": "64"}))
    assert run("cqc-hsca", changed).rows_written == 1
    abbey = Location.objects.get(cqc_location_id="1-101000001")
    assert abbey.beds == 64
    assert abbey.description_override == "Specialist dementia nursing; council block contract."


def test_bed_totals_split_nursing_and_residential(tmp_path: Path) -> None:
    report = run("cqc-hsca", GOOD)
    stoke = LocalAuthority.objects.get(code="E06000021")
    totals = Location.objects.bed_totals(stoke)
    # The dormant Meir Nursing Home is left out; Abbey Court has nursing, Longton Lodge not.
    assert (totals.nursing, totals.residential, totals.total) == (60, 40, 100)
    assert (totals.nursing_homes, totals.residential_homes) == (1, 1)
    assert report.run is not None and totals.import_run_ids == (report.run.pk,)
    coventry = LocalAuthority.objects.get(code="E08000026")
    assert Location.objects.bed_totals(coventry).total == 0


def test_a_file_filtered_to_some_councils_leaves_the_others_registered(tmp_path: Path) -> None:
    run("cqc-hsca", GOOD)
    west_midlands = variant(
        GOOD,
        tmp_path / "west-midlands.csv",
        rows=lambda rows: [r for r in rows if r["Location Local Authority"] != "Trafford"][:-1],
    )
    run("cqc-hsca", west_midlands)
    assert list(
        Location.objects.filter(deregistered=True).values_list("cqc_location_id", flat=True)
    ) == ["1-101000005"]
    assert not Location.objects.get(cqc_location_id="1-101000004").deregistered  # Trafford
