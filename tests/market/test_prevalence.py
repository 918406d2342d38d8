"""prevalence: the CFAS II reference-rate layout and the generic measure/age/sex/rate layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.needs.models import PrevalenceRate
from tests.market.helpers import EXAMPLES, FIXTURES, edit, run, variant

CFAS = EXAMPLES / "data" / "prevalence" / "cfas2_dementia_prevalence_BCC-PHM.csv"
GENERIC = FIXTURES / "prevalence" / "prevalence_generic.csv"

pytestmark = pytest.mark.django_db


def test_cfas_layout_takes_its_source_from_the_comment() -> None:
    report = run("prevalence", CFAS)
    assert report.written and not report.errors
    rate = PrevalenceRate.objects.get(measure="dementia", age_from=65, age_to=69, sex="male")
    assert rate.rate == pytest.approx(0.012)
    assert rate.lower == pytest.approx(0.006) and rate.upper == pytest.approx(0.023)
    assert "CFAS II" in rate.source and rate.source_row == 3
    assert PrevalenceRate.objects.filter(age_to__isnull=True).exists()  # the open 90+ band


def test_generic_layout() -> None:
    report = run("prevalence", GENERIC)
    assert report.rows_written == 4
    open_band = PrevalenceRate.objects.get(measure="learning_disability", age_from=65)
    assert open_band.age_to is None and open_band.sex == "all"
    assert PrevalenceRate.objects.get(measure="autism", sex="male").rate == 0.018


@pytest.mark.parametrize("path", [CFAS, GENERIC])
def test_reimport_writes_nothing(path: Path) -> None:
    run("prevalence", path)
    assert run("prevalence", path).rows_written == 0


@pytest.mark.parametrize("column", ["rate", "source", "age_from"])
def test_generic_missing_column_is_named(tmp_path: Path, column: str) -> None:
    with pytest.raises(ImportRefused, match=column):
        run("prevalence", variant(GENERIC, tmp_path / "m.csv", rename={column: None}))


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"rate": "4.7"}, "rate", "proportion"),
        ({"age_from": "-18"}, "age_from", "negative"),
        ({"age_to": "10"}, "age_to", "below age_from"),
        ({"sex": "unknown"}, "sex", "not male"),
        ({"source": ""}, "source", "missing"),
    ],
)
def test_bad_row_nothing_written(
    tmp_path: Path, cells: dict[str, str], column: str, reason: str
) -> None:
    report = run("prevalence", variant(GENERIC, tmp_path / "bad.csv", rows=edit(0, cells)))
    assert not report.written and not PrevalenceRate.objects.exists()
    [error] = report.errors
    assert (error.line, error.column) == (2, column) and reason in error.reason
