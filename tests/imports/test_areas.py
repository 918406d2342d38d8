"""Wards (OS code list) and localities made of wards, with centroids from the postcode table."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.imports.framework import ImportRefused
from caremarket.places.models import Area
from tests.imports.helpers import EXAMPLES, run, with_lines, write
from tests.imports.test_codepoint import area_file  # noqa: F401  (a fixture)

WARDS = EXAMPLES / "data" / "geo" / "wards_three_councils_os_codelist_2025-10.csv"
TOWNS = EXAMPLES / "places" / "stoke-on-trent-localities.csv"


def test_wards_become_the_councils_areas(councils) -> None:
    report = run("wards", WARDS)
    assert (report.rows_read, report.rows_written, report.error_count) == (85, 85, 0)
    stoke = Area.objects.filter(local_authority__code="E06000021", kind="ward")
    assert stoke.count() == 34
    park = Area.objects.get(code="E05014565")
    assert (park.name, park.local_authority.name) == ("Burslem Park", "Stoke-on-Trent")
    assert park.latitude is None  # no postcodes held yet
    assert run("wards", WARDS).rows_written == 0


def test_centroids_come_from_the_postcodes_in_either_order(councils, area_file) -> None:  # noqa: F811
    run("codepoint-open", area_file)
    run("wards", WARDS)
    run("localities", TOWNS)
    located = Area.objects.filter(kind="ward", latitude__isnull=False)
    assert located.exists()
    for ward in located:
        assert 50 < ward.latitude < 54 and -3 < ward.longitude < -1
    longton = Area.objects.get(kind="locality", name="Longton")
    assert longton.parts.count() == 7 and longton.latitude is not None
    # Longton lies south-east of Tunstall.
    tunstall = Area.objects.get(kind="locality", name="Tunstall")
    assert longton.latitude < tunstall.latitude and longton.longitude > tunstall.longitude


def test_localities_group_the_wards_and_reimport_changes_nothing(councils) -> None:
    run("wards", WARDS)
    report = run("localities", TOWNS)
    assert (report.rows_read, report.rows_written, report.error_count) == (34, 34, 0)
    towns = Area.objects.filter(kind="locality").order_by("name")
    assert [t.name for t in towns] == [
        "Burslem",
        "Fenton",
        "Hanley",
        "Longton",
        "Stoke",
        "Tunstall",
    ]
    assert Area.objects.get(code="E05014564").parent.name == "Burslem"
    assert run("localities", TOWNS).rows_written == 0


def test_bad_ward_and_locality_rows(councils, tmp_path: Path) -> None:
    bad_wards = with_lines(
        WARDS,
        tmp_path,
        [
            "E0501X,Nowhere Ward,E06000021,Stoke-on-Trent",
            "E05099999,Elsewhere Ward,E09999999,Nowhere",
            "E05014555,Abbey Hulton Ward,E06000021,Stoke-on-Trent",
        ],
    )
    report = run("wards", bad_wards)
    assert [(e.line, e.column) for e in report.errors] == [
        (87, "ward_code"),
        (88, "lad_code"),
        (89, "ward_code"),
    ]
    assert not report.written and not Area.objects.exists()
    run("wards", WARDS)
    bad_towns = with_lines(
        TOWNS,
        tmp_path,
        [
            "E06000021,Kidsgrove,E05099999,Kidsgrove",
            "E06000021,Longton,,Tunstall",
            "E09999999,Longton,E05014588,",
        ],
    )
    report = run("localities", bad_towns)
    assert [(e.line, e.column) for e in report.errors] == [
        (36, "ward_code"),
        (37, "ward_code"),
        (38, "council"),
    ]
    assert "import its wards first" in report.errors[0].reason
    assert "already in a locality on line 2" in report.errors[1].reason
    with pytest.raises(ImportRefused, match="ward_code"):
        run("localities", write(tmp_path, "x.csv", "council,locality\nE06000021,Longton\n"))


def test_a_districts_ward_belongs_to_its_county(councils, tmp_path: Path) -> None:
    from caremarket.places.models import LocalAuthority

    LocalAuthority.objects.create(code="E10000028", name="Staffordshire")
    header = EXAMPLES / "data" / "geo" / "Code-Point_Open_Column_Headers.csv"
    (tmp_path / header.name).write_bytes(header.read_bytes())
    tail = '"E92000001","","","E10000028","E07000197","E05012345"'
    area = write(tmp_path, "st.csv", f'"ST16 1AA",10,391900,323300,{tail}\n')
    run("codepoint-open", area)
    wards = write(
        tmp_path,
        "wards.csv",
        "ward_code,ward_name,lad_code,lad_name\nE05012345,Common Ward,E07000197,Stafford\n",
    )
    report = run("wards", wards)
    assert report.written and not report.errors
    ward = Area.objects.get(code="E05012345")
    assert (ward.name, ward.local_authority.name) == ("Common", "Staffordshire")
    assert ward.latitude is not None
