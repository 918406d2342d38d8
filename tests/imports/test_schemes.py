"""Declared non-CQC schemes (extra care, supported living, shared lives…) as CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.imports.models import ImportRun
from caremarket.market.models import Scheme
from tests.imports.helpers import counts, run, with_lines, write

GOOD = Path(__file__).resolve().parent.parent / "fixtures" / "council_records" / "schemes.csv"


def test_it_stores_each_scheme_with_provenance(councils: list) -> None:
    report = run("schemes", GOOD)
    assert report.written and report.rows_written == 3
    berryhill = Scheme.objects.get(name="Berryhill Village")
    assert (berryhill.kind, berryhill.units, berryhill.area) == ("extra_care", 148, "Fenton")
    assert berryhill.local_authority.code == "E06000021"
    assert berryhill.import_run == report.run and berryhill.source_row == 2
    assert Scheme.objects.get(name="Coventry Shared Lives").units is None


def test_it_changes_nothing_when_the_same_file_comes_again(councils: list) -> None:
    run("schemes", GOOD)
    stored = list(Scheme.objects.values())
    again = run("schemes", GOOD)
    assert (again.rows_written, again.rows_unchanged) == (0, 3)
    assert list(Scheme.objects.values()) == stored


def test_it_writes_nothing_on_a_dry_run(councils: list) -> None:
    before = counts()
    assert run("schemes", GOOD, dry_run=True).rows_read == 3
    assert counts() == before


BAD_ROWS = [
    "E99999999,extra_care,Somewhere Court,,,,,Test",
    "E06000021,care_castle,Castle,,,,,Test",
    "E06000021,extra_care,Many Units Court,,lots,,,Test",
    "E06000021,extra_care,Minus Court,,-4,,,Test",
    "E06000021,extra_care,BERRYHILL VILLAGE,,,,,Test",
    "E06000021,extra_care,,,,,,Test",
]


def test_it_reports_each_bad_row_and_writes_nothing(councils: list, tmp_path: Path) -> None:
    before = counts()
    report = run("schemes", with_lines(GOOD, tmp_path, BAD_ROWS))
    assert [(e.line, e.column) for e in report.errors] == [
        (5, "local_authority"),
        (6, "kind"),
        (7, "units"),
        (8, "units"),
        (9, "name"),
        (10, "name"),
    ]
    assert "unknown kind 'care_castle'" in report.errors[1].reason
    assert "whole number" in report.errors[2].reason and "repeats line 2" in report.errors[4].reason
    assert not report.written and counts() == before


def test_it_writes_the_good_rows_when_skipping(councils: list, tmp_path: Path) -> None:
    report = run("schemes", with_lines(GOOD, tmp_path, BAD_ROWS), skip_bad_rows=True)
    assert report.rows_written == 3 and Scheme.objects.count() == 3
    run_ = ImportRun.objects.get()
    assert run_.status == ImportRun.Status.COMPLETE_WITH_SKIPS
    assert run_.report["skipped_count"] == 6


def test_it_refuses_a_file_missing_a_column_by_name(councils: list, tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8").replace(",kind,", ",", 1)
    with pytest.raises(ImportRefused, match="'kind'"):
        run("schemes", write(tmp_path, "schemes.csv", text))
    assert ImportRun.objects.count() == 0
