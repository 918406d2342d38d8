"""ONS Postcode Directory: LA column by any year prefix, terminated postcodes, no grid reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.places.models import Postcode
from tests.imports.helpers import FIXTURES, counts, run, with_lines, write

GOOD = FIXTURES / "onspd_sample.csv"


def test_it_stores_every_postcode_with_a_grid_reference(councils: list) -> None:
    report = run("onspd", GOOD)
    assert report.rows_read == 4  # ZZ9 9ZZ has no grid reference
    stoke = Postcode.objects.get(postcode="ST4 1AA")
    assert (stoke.latitude, stoke.longitude, stoke.outward) == (53.002671, -2.179438, "ST4")
    assert stoke.local_authority_code == "E06000021" and not stoke.terminated
    assert Postcode.objects.get(postcode="ST4 1AB").terminated
    # Trafford is not on this instance, but postcodes are national.
    assert Postcode.objects.get(postcode="M41 5BU").local_authority_code == "E08000009"
    assert not Postcode.objects.filter(postcode="ZZ9 9ZZ").exists()


def test_it_finds_the_la_column_whatever_its_year(councils: list, tmp_path: Path) -> None:
    path = write(tmp_path, "NSPL_MAY_2024.csv", GOOD.read_text().replace("oslaua", "lad23cd"))
    run("onspd", path)
    assert Postcode.objects.get(postcode="CV1 1AA").local_authority_code == "E08000026"


def test_it_refuses_a_file_without_an_la_column(councils: list, tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", GOOD.read_text().replace("oslaua", "county"))
    with pytest.raises(ImportRefused, match="oslaua"):
        run("onspd", path)


def test_it_reports_bad_rows_and_writes_nothing(councils: list, tmp_path: Path) -> None:
    tail = (
        ",198001,{term},E99999999,E99999999,{la},E05008320,0,1,1,1,E92000001,E12000005,{lat},-2.1"
    )
    path = with_lines(
        GOOD,
        tmp_path,
        [
            "ST5 1AA,ST5 1AA,NOTAPOSTCODE" + tail.format(term="", la="E06000021", lat="53"),
            "ST5 1AB,ST5 1AB,ST5 1AB" + tail.format(term="", la="E06000021", lat="north"),
            "ST5 1AD,ST5 1AD,ST5 1AD" + tail.format(term="March", la="E06000021", lat="53"),
            "ST5 1AE,ST5 1AE,ST5 1AE" + tail.format(term="", la="Stoke", lat="53"),
            "ST4 1AA,ST4 1AA,ST4 1AA" + tail.format(term="", la="E06000021", lat="53"),
        ],
    )
    before = counts()
    report = run("onspd", path)
    assert [(e.line, e.column) for e in report.errors] == [
        (7, "pcds"),
        (8, "lat"),
        (9, "doterm"),
        (10, "oslaua"),
        (11, "pcds"),
    ]
    assert "repeats line 2" in report.errors[-1].reason
    assert counts() == before
