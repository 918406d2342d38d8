"""capacity-tracker: care home capacity snapshots, eleven bed types, occupancy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.market.models import CapacitySnapshot, Location
from tests.market.helpers import FIXTURES, edit, run, variant

GOOD = FIXTURES / "capacity_tracker" / "capacity_tracker.csv"
HSCA = FIXTURES / "cqc" / "HSCA_Active_Locations.csv"

pytestmark = pytest.mark.usefixtures("councils")


def test_good_file_linked_to_the_register() -> None:
    run("cqc-hsca", HSCA)
    report = run("capacity-tracker", GOOD)
    assert report.rows_written == 3 and not report.errors
    abbey = CapacitySnapshot.objects.get(cqc_location_id="1-101000001")
    assert abbey.location == Location.objects.get(cqc_location_id="1-101000001")
    assert (abbey.date, abbey.total_beds, abbey.used_beds) == (date(2024, 5, 10), 60, 54)
    assert abbey.occupancy == pytest.approx(0.9)
    assert (abbey.vacancies_general_nursing, abbey.vacancies_dementia_nursing) == (3, 2)
    assert abbey.vacancies == 6 and abbey.accepting_admissions is True
    lodge = CapacitySnapshot.objects.get(cqc_location_id="1-101000002")
    assert lodge.date == date(2024, 5, 10) and lodge.occupancy == 1.0  # dd/mm/yyyy date
    home_care = CapacitySnapshot.objects.get(cqc_location_id="1-101000003")
    assert (home_care.home_care_hours, home_care.people_served) == (1250.5, 96)
    assert home_care.occupancy is None  # no beds: occupancy unknown, not 0


def test_snapshot_before_the_register_is_kept_unlinked() -> None:
    run("capacity-tracker", GOOD)
    assert CapacitySnapshot.objects.filter(location__isnull=True).count() == 3


def test_reimport_writes_nothing() -> None:
    run("capacity-tracker", GOOD)
    assert run("capacity-tracker", GOOD).rows_written == 0


@pytest.mark.parametrize("column", ["maximum_capacity", "used_beds", "date"])
def test_missing_column_is_named(tmp_path: Path, column: str) -> None:
    with pytest.raises(ImportRefused, match=column):
        run("capacity-tracker", variant(GOOD, tmp_path / "m.csv", rename={column: None}))


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"used_beds": "70"}, "used_beds", "more than capacity"),
        ({"vacancies_ld_nursing": "-1"}, "vacancies_ld_nursing", "negative"),
        ({"date": "2024-13-01"}, "date", "not a date"),
        ({"local_authority": "E09999999"}, "local_authority", "unknown council"),
        ({"accepting_admissions": "perhaps"}, "accepting_admissions", "not Y or N"),
    ],
)
def test_bad_row_nothing_written(
    tmp_path: Path, cells: dict[str, str], column: str, reason: str
) -> None:
    report = run("capacity-tracker", variant(GOOD, tmp_path / "bad.csv", rows=edit(0, cells)))
    assert not report.written and not CapacitySnapshot.objects.exists()
    [error] = report.errors
    assert (error.line, error.column) == (2, column) and reason in error.reason
