"""Capacity Tracker care-home export: occupancy, bed-type vacancies, bad counts and councils."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from caremarket.market.models import CapacitySnapshot, Location
from tests.imports.helpers import FIXTURES, counts, run, with_lines

GOOD = FIXTURES / "capacity_tracker.csv"
ZEROS = ",".join(["0"] * 11)


def test_it_reads_snapshots_and_occupancy(councils: list) -> None:
    run("capacity-tracker", GOOD)
    abbey = CapacitySnapshot.objects.get(cqc_location_id="1-100000001")
    assert abbey.date == date(2024, 5, 10) and abbey.local_authority == councils[0]
    assert abbey.occupancy == 58 / 64 and abbey.vacancies == 6
    assert abbey.accepting_admissions is True and abbey.vacancies_general_nursing == 3
    home_care = CapacitySnapshot.objects.get(cqc_location_id="1-100000002")
    assert home_care.home_care_hours == 1250.5 and home_care.people_served == 96
    assert home_care.occupancy is None
    lodge = CapacitySnapshot.objects.get(cqc_location_id="1-100000003")
    assert lodge.accepting_admissions is False and lodge.occupancy == 1


def test_it_links_snapshots_to_register_locations(councils: list) -> None:
    run("cqc-hsca", FIXTURES / "HSCA_Active_Locations.csv")
    run("capacity-tracker", GOOD)
    snapshot = CapacitySnapshot.objects.get(cqc_location_id="1-100000001")
    assert snapshot.location == Location.objects.get(cqc_location_id="1-100000001")


def test_it_reports_bad_rows_and_writes_nothing(councils: list, tmp_path: Path) -> None:
    path = with_lines(
        GOOD,
        tmp_path,
        [
            f"1-100000004,X,E06000021,2024-05-10,10,-1,Y,Open,1,0,{ZEROS},,",
            f"1-100000005,X,E06000021,10 May,10,5,Y,Open,1,0,{ZEROS},,",
            f"1-100000006,X,E09999999,2024-05-10,10,5,Y,Open,1,0,{ZEROS},,",
            f"1-100000007,X,E06000021,2024-05-10,10,12,Y,Open,1,0,{ZEROS},,",
            f"1-100000008,X,E06000021,2024-05-10,ten,5,Y,Open,1,0,{ZEROS},,",
            f"1-100000001,X,E06000021,2024-05-10,64,58,Y,Open,1,0,{ZEROS},,",
        ],
    )
    before = counts()
    report = run("capacity-tracker", path)
    assert [(e.line, e.column) for e in report.errors] == [
        (5, "used_beds"),
        (6, "date"),
        (7, "local_authority"),
        (8, "used_beds"),
        (9, "maximum_capacity"),
        (10, ""),
    ]
    assert "negative" in report.errors[0].reason
    assert "unknown council" in report.errors[2].reason
    assert "more than capacity" in report.errors[3].reason
    assert counts() == before


def test_it_takes_the_council_from_the_command_line(councils: list, tmp_path: Path) -> None:
    text = GOOD.read_text().replace(",local_authority,", ",").replace(",E06000021,", ",")
    path = tmp_path / "no_council.csv"
    path.write_text(text)
    report = run("capacity-tracker", path, council="E06000021")
    assert report.rows_written == 3
    assert set(CapacitySnapshot.objects.values_list("local_authority__code", flat=True)) == {
        "E06000021"
    }
