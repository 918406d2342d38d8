"""onspd: the ONS Postcode Directory into places.Postcode, whatever the LA column's year."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.places.models import Postcode
from tests.market.helpers import FIXTURES, edit, run, variant

GOOD = FIXTURES / "onspd" / "ONSPD_FEB_2024_sample.csv"

pytestmark = pytest.mark.django_db


def test_good_file() -> None:
    report = run("onspd", GOOD)
    # ZZ9 9ZZ has no grid reference (latitude 99.999999): left out, not an error.
    assert report.rows_written == 4 and not report.errors
    stoke = Postcode.objects.get(postcode="ST2 8AA")
    assert (stoke.outward, stoke.local_authority_code) == ("ST2", "E06000021")
    assert stoke.latitude == pytest.approx(53.0301) and not stoke.terminated
    assert Postcode.objects.get(postcode="ST4 1AB").terminated
    assert stoke.import_run == report.run
    assert not Postcode.objects.filter(postcode="ZZ9 9ZZ").exists()


@pytest.mark.parametrize("name", ["oslaua", "laua", "lad24cd"])
def test_la_column_found_whatever_its_prefix(tmp_path: Path, name: str) -> None:
    path = variant(GOOD, tmp_path / "onspd.csv", rename={"lad23cd": name})
    assert run("onspd", path).rows_written == 4
    assert Postcode.objects.get(postcode="CV1 3HF").local_authority_code == "E08000026"


def test_reimport_writes_nothing() -> None:
    run("onspd", GOOD)
    assert run("onspd", GOOD).rows_written == 0


def test_changed_postcode_is_updated(tmp_path: Path) -> None:
    run("onspd", GOOD)
    path = variant(GOOD, tmp_path / "later.csv", rows=edit(0, {"doterm": "202401"}))
    assert run("onspd", path).rows_written == 1
    assert Postcode.objects.get(postcode="ST2 8AA").terminated


@pytest.mark.parametrize("column", ["pcds", "lat", "doterm", "lad23cd"])
def test_missing_column_is_named(tmp_path: Path, column: str) -> None:
    path = variant(GOOD, tmp_path / "missing.csv", rename={column: None})
    with pytest.raises(ImportRefused, match="oslaua" if column == "lad23cd" else column):
        run("onspd", path)


@pytest.mark.parametrize(
    ("cells", "column"),
    [({"lat": "north"}, "lat"), ({"pcds": "NOT A PC"}, "pcds"), ({"lad23cd": "X1"}, "lad23cd")],
)
def test_bad_row_nothing_written(tmp_path: Path, cells: dict[str, str], column: str) -> None:
    report = run("onspd", variant(GOOD, tmp_path / "bad.csv", rows=edit(1, cells)))
    assert not report.written and not Postcode.objects.exists()
    assert [(e.line, e.column) for e in report.errors] == [(3, column)]
