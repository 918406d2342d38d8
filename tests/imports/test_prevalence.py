"""Prevalence rates: the CFAS II file as published, and the generic layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.needs.models import PrevalenceRate
from tests.imports.helpers import EXAMPLES, FIXTURES, counts, run, with_lines, write

CFAS = EXAMPLES / "data/prevalence/cfas2_dementia_prevalence_BCC-PHM.csv"
GENERIC = FIXTURES / "prevalence_generic.csv"


def test_it_reads_the_cfas_file_with_its_source_and_intervals(councils: list) -> None:
    run("prevalence", CFAS)
    assert PrevalenceRate.objects.count() == 12
    rate = PrevalenceRate.objects.get(measure="dementia", age_from=65, sex="male")
    assert (rate.age_to, rate.rate, rate.lower, rate.upper) == (69, 0.012, 0.006, 0.023)
    assert rate.source.startswith("github.com/BCC-PHM/OA-projections")
    assert rate.source_row == 3
    oldest = PrevalenceRate.objects.get(measure="dementia", age_from=90, sex="female")
    assert oldest.age_to is None


def test_it_reads_the_generic_layout(councils: list) -> None:
    run("prevalence", GENERIC)
    rates = PrevalenceRate.objects.filter(measure="learning_disability")
    assert rates.count() == 4 and rates.get(age_from=65).age_to is None


def test_it_reports_bad_rows_and_writes_nothing(councils: list, tmp_path: Path) -> None:
    path = with_lines(
        GENERIC,
        tmp_path,
        [
            "learning_disability,45,54,all,2.4,PANSI",  # a percentage, not a proportion
            "learning_disability,forty,54,all,0.02,PANSI",
            "learning_disability,55,50,all,0.02,PANSI",
            "learning_disability,55,64,both,0.02,PANSI",
            "Learning Disability,55,64,all,0.02,PANSI",
            "learning_disability,55,64,all,-0.02,PANSI",
            "learning_disability,55,64,all,0.02,",
            "learning_disability,18,24,all,0.0245,PANSI 2024 (Emerson and Hatton 2004) table LD1",
        ],
    )
    before = counts()
    report = run("prevalence", path)
    assert [(e.line, e.column) for e in report.errors] == [
        (6, "rate"),
        (7, "age_from"),
        (8, "age_to"),
        (9, "sex"),
        (10, "measure"),
        (11, "rate"),
        (12, "source"),
        (13, ""),
    ]
    assert "repeats line 2" in report.errors[-1].reason
    assert counts() == before


def test_it_reports_a_bad_cfas_band(councils: list, tmp_path: Path) -> None:
    path = with_lines(CFAS, tmp_path, ["95-100,Male,0.5,0.4,0.6", "ninety,Male,0.5,0.4,0.6"])
    report = run("prevalence", path)
    assert [(e.line, e.column) for e in report.errors] == [(16, "AgeBand")]
    assert PrevalenceRate.objects.count() == 0


def test_it_refuses_a_file_missing_a_column(councils: list, tmp_path: Path) -> None:
    text = GENERIC.read_text().replace(",rate,", ",value,")
    with pytest.raises(ImportRefused, match="'rate'"):
        run("prevalence", write(tmp_path, "x.csv", text))
