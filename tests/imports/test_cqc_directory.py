"""The monthly CQC_directory.csv: preamble, `|` lists, CQC dates, councils by name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from caremarket.imports.framework import ImportRefused
from caremarket.market.models import Location, Provider
from tests.imports.helpers import FIXTURES, counts, run, with_lines, write

GOOD = FIXTURES / "CQC_directory.csv"
ROW = (
    "{name},,1 Road,ST4 1AA,01782,,Residential homes,{checked},Dementia,Abbey Care Ltd,"
    "{la},West Midlands,https://www.cqc.org.uk/location/{id},{id},1-200000001"
)


def bad_row(**values: str) -> str:
    row = {"name": "Home", "checked": "01/Jan/2024 - 00:00", "la": "Stoke-on-Trent"}
    return ROW.format(**{**row, **values})


def test_it_reads_the_register_fields(councils: list) -> None:
    report = run("cqc-directory", GOOD)
    assert report.rows_written == 3
    assert report.run is not None and report.run.edition == "1 January 2024"
    abbey = Location.objects.get(cqc_location_id="1-100000001")
    assert abbey.service_types == ["Nursing homes", "Residential homes"]
    assert abbey.specialisms == [
        "Caring for adults over 65 yrs",
        "Dementia",
        "Physical disabilities",
    ]
    assert abbey.latest_check_date == date(2024, 1, 1)
    assert abbey.care_home and abbey.local_authority == councils[0]
    assert abbey.provider is not None and abbey.provider.name == "Abbey Care Ltd"
    assert abbey.import_run == report.run and abbey.source_row == 6
    assert not Location.objects.get(cqc_location_id="1-100000002").care_home
    assert Provider.objects.count() == 2


def test_it_reports_every_bad_row_and_writes_nothing(councils: list, tmp_path: Path) -> None:
    path = with_lines(
        GOOD,
        tmp_path,
        [
            bad_row(id="1-100000009", checked="31/Feb/2024 - 00:00"),
            bad_row(id="not an id"),
            bad_row(id="1-100000010", name=""),
            bad_row(id="1-100000001"),
        ],
    )
    before = counts()
    report = run("cqc-directory", path)
    found = {(e.line, e.column) for e in report.errors}
    assert found == {
        (9, "Date of latest check"),
        (10, "CQC Location ID (for office use only)"),
        (11, "Name"),
        (12, "CQC Location ID (for office use only)"),
    }
    assert "repeats line 6" in str(report.errors[-1])
    assert counts() == before


def test_it_refuses_a_row_for_another_council_with_council_given(
    councils: list, tmp_path: Path
) -> None:
    path = with_lines(GOOD, tmp_path, [bad_row(id="1-100000011", la="Trafford")])
    report = run("cqc-directory", path, council="E06000021")
    assert [(e.line, e.column) for e in report.errors] == [(9, "Local authority")]
    assert "Trafford" in report.errors[0].reason
    assert Location.objects.count() == 0


def test_it_keeps_a_location_of_a_council_not_on_this_instance(
    councils: list, tmp_path: Path
) -> None:
    path = with_lines(GOOD, tmp_path, [bad_row(id="1-100000011", la="Trafford")])
    run("cqc-directory", path)
    trafford = Location.objects.get(cqc_location_id="1-100000011")
    assert trafford.local_authority is None and trafford.local_authority_name == "Trafford"


def test_it_skips_bad_rows_when_asked(councils: list, tmp_path: Path) -> None:
    path = with_lines(GOOD, tmp_path, [bad_row(id="1-100000009", checked="yesterday")])
    report = run("cqc-directory", path, skip_bad_rows=True)
    assert report.written and report.rows_written == 3 and report.error_count == 1
    assert report.run is not None and report.run.status == "skipped"
    assert report.run.report["skipped"] == [
        "line 9, column Date of latest check: not a date: 'yesterday'"
    ]


def test_it_refuses_a_file_without_the_location_id_column(councils: list, tmp_path: Path) -> None:
    text = GOOD.read_text().replace("CQC Location ID (for office use only)", "Something else")
    with pytest.raises(ImportRefused, match="CQC Location ID"):
        run("cqc-directory", write(tmp_path, "x.csv", text))


def test_it_refuses_a_file_missing_a_required_column(councils: list, tmp_path: Path) -> None:
    text = GOOD.read_text().replace("Local authority,", "Council,")
    with pytest.raises(ImportRefused, match="'Local authority'"):
        run("cqc-directory", write(tmp_path, "x.csv", text))


def test_it_never_overwrites_the_councils_description(councils: list) -> None:
    run("cqc-directory", GOOD)
    Location.objects.filter(cqc_location_id="1-100000001").update(
        description_override="Our words", name="Renamed"
    )
    run("cqc-directory", GOOD)
    abbey = Location.objects.get(cqc_location_id="1-100000001")
    assert abbey.description_override == "Our words" and abbey.name == "Abbey Court Care Home"


def test_it_runs_from_the_command_line(
    councils: list, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    call_command("import", "cqc-directory", str(GOOD), "--dry-run")
    assert "dry run, nothing written" in capsys.readouterr().out
    path = with_lines(GOOD, tmp_path, [bad_row(id="1-100000009", checked="never")])
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import", "cqc-directory", str(path))
    assert "line 9, column Date of latest check" in capsys.readouterr().err
    assert Location.objects.count() == 0
