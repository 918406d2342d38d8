"""ONS subnational population projections, in ONS's own layout (tests/fixtures/ons/).

Each row becomes one projection per year column; bad rows are named by line and column and
nothing is written unless bad rows are skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.imports.models import ImportRun
from caremarket.places.models import PopulationFigure
from tests.imports.helpers import counts, run, with_lines, write

GOOD = Path(__file__).resolve().parent.parent / "fixtures" / "ons" / "snpp2022_sample.csv"


def test_it_stores_one_projection_per_row_and_year(councils: list, tmp_path: Path) -> None:
    report = run("ons-snpp", GOOD)
    assert report.written and (report.rows_read, report.rows_written) == (3, 3)
    assert PopulationFigure.objects.count() == 9
    assert report.run is not None and report.run.edition == "2022-based"
    aged_65 = PopulationFigure.objects.get(age_from=65, year=2024)
    assert (aged_65.age_to, aged_65.sex, aged_65.kind) == (65, "all", "projection")
    assert aged_65.value == pytest.approx(2720.961)
    assert aged_65.local_authority.code == "E06000021" and aged_65.source_row == 2
    assert "2022-based" in aged_65.source and aged_65.import_run == report.run
    assert PopulationFigure.objects.get(age_from=90, year=2022).age_to is None
    assert PopulationFigure.objects.get(age_from=0, year=2023).value == pytest.approx(261935.995)


def test_it_changes_nothing_when_the_same_file_comes_again(councils: list) -> None:
    run("ons-snpp", GOOD)
    figures = list(PopulationFigure.objects.values_list("id", "value", "import_run"))
    again = run("ons-snpp", GOOD)
    assert (again.rows_written, again.rows_unchanged) == (0, 3)
    assert list(PopulationFigure.objects.values_list("id", "value", "import_run")) == figures


def test_it_writes_nothing_on_a_dry_run(councils: list) -> None:
    before = counts()
    report = run("ons-snpp", GOOD, dry_run=True)
    assert report.rows_read == 3 and not report.written and counts() == before


BAD_ROWS = [
    "E09999999,Nowhere,Population,persons,65,1.0,2.0,3.0",
    "E06000021,Stoke-on-Trent,Population,people,66,1.0,2.0,3.0",
    "E06000021,Stoke-on-Trent,Population,persons,sixty,1.0,2.0,3.0",
    "E06000021,Stoke-on-Trent,Population,persons,67,1.0,abc,3.0",
    "E06000021,Stoke-on-Trent,Population,persons,68,1.0,2.0,-3.0",
]


def test_it_reports_each_bad_row_and_writes_nothing(councils: list, tmp_path: Path) -> None:
    before = counts()
    report = run("ons-snpp", with_lines(GOOD, tmp_path, BAD_ROWS))
    assert [(e.line, e.column) for e in report.errors] == [
        (5, "AREA_CODE"),
        (6, "SEX"),
        (7, "AGE_GROUP"),
        (8, "2023"),
        (9, "2024"),
    ]
    reasons = [e.reason for e in report.errors]
    assert "unknown council 'E09999999'" in reasons[0] and "not a number: 'abc'" in reasons[3]
    assert "count of people" in reasons[4]
    assert not report.written and counts() == before


def test_it_writes_the_good_rows_and_keeps_the_skipped(councils: list, tmp_path: Path) -> None:
    report = run("ons-snpp", with_lines(GOOD, tmp_path, BAD_ROWS), skip_bad_rows=True)
    assert report.rows_written == 3 and PopulationFigure.objects.count() == 9
    run_ = ImportRun.objects.get()
    assert run_.status == ImportRun.Status.COMPLETE_WITH_SKIPS
    assert run_.report["skipped_count"] == 5
    assert run_.report["skipped"][0].startswith("line 5, column AREA_CODE: unknown council")


def test_it_refuses_a_file_missing_a_column_by_name(councils: list, tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8").replace('"AGE_GROUP",', "")
    with pytest.raises(ImportRefused, match="'AGE_GROUP'"):
        run("ons-snpp", write(tmp_path, "snpp.csv", text))
    assert ImportRun.objects.count() == 0


def test_it_reports_a_file_without_year_columns(councils: list, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "snpp.csv",
        "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,Y2022\n"
        "E06000021,Stoke-on-Trent,Population,persons,65,1\n",
    )
    report = run("ons-snpp", path)
    assert "no year columns" in report.errors[0].reason and not report.written


def test_it_skips_components_other_than_population(councils: list, tmp_path: Path) -> None:
    births = "E06000021,Stoke-on-Trent,Births,persons,65,9.0,9.0,9.0"
    report = run("ons-snpp", with_lines(GOOD, tmp_path, [births]))
    assert report.error_count == 0 and report.rows_read == 3
    assert not PopulationFigure.objects.filter(value=9.0).exists()
