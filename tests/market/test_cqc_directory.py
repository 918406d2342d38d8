"""cqc-directory: the monthly CQC_directory.csv with its four preamble lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.market.models import Location, Provider
from caremarket.places.models import LocalAuthority
from tests.market.helpers import FIXTURES, edit, run, variant

GOOD = FIXTURES / "cqc" / "CQC_directory.csv"
HSCA = FIXTURES / "cqc" / "HSCA_Active_Locations.csv"
PREAMBLE = 4

pytestmark = pytest.mark.usefixtures("councils")


def test_good_file() -> None:
    report = run("cqc-directory", GOOD)
    assert report.rows_written == 4 and not report.errors
    assert report.run is not None and report.run.edition == "1 March 2024"
    abbey = Location.objects.get(cqc_location_id="1-101000001")
    assert abbey.latest_check_date == date(2024, 1, 1)  # "01/Jan/2024 - 00:00"
    assert abbey.service_types == ["Nursing homes", "Residential homes"]
    assert abbey.specialisms == [
        "Caring for adults over 65 yrs",
        "Dementia",
        "Physical disabilities",
    ]
    assert abbey.care_home and abbey.source_row == 6
    assert abbey.local_authority == LocalAuthority.objects.get(code="E06000021")
    bath = Location.objects.get(cqc_location_id="1-101000009")
    assert bath.local_authority == LocalAuthority.objects.get(code="E06000022")
    assert bath.latest_check_date is None
    assert Location.objects.get(cqc_location_id="1-101000004").local_authority is None
    home_care = Location.objects.get(cqc_location_id="1-101000003")
    assert not home_care.care_home and home_care.also_known_as == "Spon Care"
    assert Provider.objects.get(cqc_provider_id="1-201000002").name == "Spon Care CIC"


def test_reimport_writes_nothing() -> None:
    run("cqc-directory", GOOD)
    again = run("cqc-directory", GOOD)
    assert (again.rows_written, again.rows_unchanged) == (0, 4)


def test_directory_never_blanks_what_the_hsca_file_brought() -> None:
    run("cqc-hsca", HSCA)
    run("cqc-directory", GOOD)
    abbey = Location.objects.get(cqc_location_id="1-101000001")
    assert (abbey.beds, abbey.latitude, abbey.latest_rating) == (60, 53.0301, "Good")
    assert abbey.specialisms  # and the directory's own fields arrived
    assert run("cqc-directory", GOOD).rows_written == 0


@pytest.mark.parametrize(
    "column", ["CQC Location ID (for office use only)", "Postcode", "Local authority"]
)
def test_missing_required_column_is_named(tmp_path: Path, column: str) -> None:
    path = variant(GOOD, tmp_path / "missing.csv", skip_lines=PREAMBLE, rename={column: None})
    with pytest.raises(ImportRefused, match=column.replace("(", r"\(").replace(")", r"\)")):
        run("cqc-directory", path)


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"Date of latest check": "32/Jan/2024 - 00:00"}, "Date of latest check", "not a date"),
        ({"CQC Location ID (for office use only)": "?"}, "CQC Location ID", "not a CQC"),
        ({"Name": ""}, "Name", "missing"),
    ],
)
def test_bad_row_reported_with_line_and_column(
    tmp_path: Path, cells: dict[str, str], column: str, reason: str
) -> None:
    path = variant(GOOD, tmp_path / "bad.csv", skip_lines=PREAMBLE, rows=edit(2, cells))
    report = run("cqc-directory", path)
    assert not report.written and not Location.objects.exists()
    [error] = report.errors
    assert error.line == 8 and error.column.startswith(column) and reason in error.reason


def test_duplicate_location_is_a_bad_row(tmp_path: Path) -> None:
    path = variant(GOOD, tmp_path / "dup.csv", skip_lines=PREAMBLE, rows=lambda r: r + r[:1])
    report = run("cqc-directory", path)
    assert [e.reason for e in report.errors] == ["repeats line 6"]
