"""The commissioning pipeline CSV: one contract per council and name, dates and £ values typed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.imports.models import ImportRun
from caremarket.market.models import CommissioningContract
from tests.imports.helpers import counts, run, with_lines, write

GOOD = Path(__file__).resolve().parent.parent / "fixtures" / "council_records" / "pipeline.csv"


def test_it_stores_each_contract_with_provenance(councils: list) -> None:
    report = run("pipeline", GOOD)
    assert report.written and report.rows_written == 3
    home_care = CommissioningContract.objects.get(contract="Framework for Home Care")
    assert home_care.local_authority.code == "E06000021"
    assert home_care.current_end_date == date(2025, 3, 31)
    assert home_care.recommissioning_date == date(2024, 10, 1)
    assert home_care.estimated_value_gbp == 12_500_000
    assert home_care.import_run == report.run and home_care.source_row == 2
    respite = CommissioningContract.objects.get(contract="Bed Based Respite")
    assert respite.current_end_date is None and respite.estimated_value_gbp is None


def test_it_changes_nothing_when_the_same_file_comes_again(councils: list) -> None:
    run("pipeline", GOOD)
    stored = list(CommissioningContract.objects.values())
    again = run("pipeline", GOOD)
    assert (again.rows_written, again.rows_unchanged) == (0, 3)
    assert list(CommissioningContract.objects.values()) == stored


def test_it_updates_a_contract_whose_dates_moved(councils: list, tmp_path: Path) -> None:
    run("pipeline", GOOD)
    moved = GOOD.read_text(encoding="utf-8").replace("2024-10-01", "2025-01-01")
    report = run("pipeline", write(tmp_path, "pipeline-v2.csv", moved))
    assert (report.rows_written, report.rows_unchanged) == (1, 2)
    home_care = CommissioningContract.objects.get(contract="Framework for Home Care")
    assert home_care.recommissioning_date == date(2025, 1, 1)
    assert home_care.import_run == report.run and CommissioningContract.objects.count() == 3


def test_it_writes_nothing_on_a_dry_run(councils: list) -> None:
    before = counts()
    assert run("pipeline", GOOD, dry_run=True).rows_read == 3
    assert counts() == before


BAD_ROWS = [
    "E99999999,Unknown council contract,home_care,,,,,Test",
    "E06000021,Bad date contract,home_care,31/03/2025,,,,Test",
    "E06000021,Bad value contract,home_care,,,abc,,Test",
    "E06000021,Negative value contract,home_care,,,-5,,Test",
    "E06000021,framework for home care,home_care,,,,,Test",
    "E06000021,,home_care,,,,,Test",
    "E06000021,No source contract,home_care,,,,,",
]


def test_it_reports_each_bad_row_and_writes_nothing(councils: list, tmp_path: Path) -> None:
    before = counts()
    report = run("pipeline", with_lines(GOOD, tmp_path, BAD_ROWS))
    assert [(e.line, e.column) for e in report.errors] == [
        (5, "local_authority"),
        (6, "current_end_date"),
        (7, "estimated_value_gbp"),
        (8, "estimated_value_gbp"),
        (9, "contract"),
        (10, "contract"),
        (11, "source"),
    ]
    reasons = [e.reason for e in report.errors]
    assert "not a date" in reasons[1] and "not an amount" in reasons[2]
    assert "positive" in reasons[3] and "repeats line 2" in reasons[4]
    assert reasons[5] == "missing" and reasons[6] == "missing"
    assert not report.written and counts() == before


def test_it_writes_the_good_rows_when_skipping(councils: list, tmp_path: Path) -> None:
    report = run("pipeline", with_lines(GOOD, tmp_path, BAD_ROWS), skip_bad_rows=True)
    assert report.rows_written == 3 and CommissioningContract.objects.count() == 3
    assert ImportRun.objects.get().report["skipped_count"] == 7


def test_it_refuses_a_file_missing_a_column_by_name(councils: list, tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8").replace("recommissioning_date,", "", 1)
    with pytest.raises(ImportRefused, match="'recommissioning_date'"):
        run("pipeline", write(tmp_path, "pipeline.csv", text))
    assert ImportRun.objects.count() == 0
