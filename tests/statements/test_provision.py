"""Where provision sits: register locations, beds and directory services by ward and locality,
placed by postcode through the imported postcode table, in the MPS and on the council page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from caremarket.charts import Series, bar_chart
from caremarket.directory.models import Organization, Service, ServiceLocation
from caremarket.imports.models import ImportRun
from caremarket.market.models import Location
from caremarket.places.models import Area, LocalAuthority, Postcode
from caremarket.statements.data import build_block
from caremarket.statements.render import prepare_table

STOKE, COVENTRY = "E06000021", "E08000026"
BURSLEM_WARD, LONGTON_WARD, ABBEY_WARD, FOLESHILL_WARD = (
    "E05008000",
    "E05008001",
    "E05008002",
    "E05001234",
)


def _run(format_name: str, publisher: str, dataset: str, edition: str, name: str) -> ImportRun:
    return ImportRun.objects.create(
        format=format_name,
        publisher=publisher,
        dataset=dataset,
        edition=edition,
        file_name=name,
        sha256="0" * 64,
        status=ImportRun.Status.COMPLETE,
    )


@pytest.fixture
def place(db: None) -> dict[str, Any]:
    stoke = LocalAuthority.objects.create(code=STOKE, name="Stoke-on-Trent")
    coventry = LocalAuthority.objects.create(code=COVENTRY, name="Coventry")
    areas = _run("wards", "Ordnance Survey", "Electoral wards", "", "wards.csv")
    towns = _run("localities", "The council", "Localities made of wards", "", "towns.csv")
    points = _run("codepoint-open", "Ordnance Survey", "Code-Point Open", "2025-10", "cpo.csv")
    register = _run(
        "cqc-directory", "Care Quality Commission", "CQC directory", "Feb 2016", "c.csv"
    )
    burslem_town = Area.objects.create(
        local_authority=stoke, kind="locality", name="Burslem", import_run=towns
    )
    longton_town = Area.objects.create(
        local_authority=stoke, kind="locality", name="Longton", import_run=towns
    )
    for code, name, council, parent in (
        (BURSLEM_WARD, "Burslem Park", stoke, burslem_town),
        (LONGTON_WARD, "Longton & Meir Hay South", stoke, longton_town),
        (ABBEY_WARD, "Abbey Hulton", stoke, None),  # in no locality
        (FOLESHILL_WARD, "Foleshill", coventry, None),
    ):
        Area.objects.create(
            local_authority=council, kind="ward", code=code, name=name, parent=parent,
            import_run=areas,
        )  # fmt: skip
    for code, ward, la in (
        ("ST6 1AA", BURSLEM_WARD, STOKE),
        ("ST6 2BB", BURSLEM_WARD, STOKE),
        ("ST3 1AA", LONGTON_WARD, STOKE),
        ("CV6 1AA", FOLESHILL_WARD, COVENTRY),
    ):
        Postcode.objects.create(
            postcode=code, outward=code.split()[0], latitude=53.0, longitude=-2.2,
            local_authority_code=la, ward_code=ward, import_run=points,
        )  # fmt: skip
    for i, (postcode, care_home, beds, dormant) in enumerate(
        (
            ("st61aa", True, 40, False),  # Burslem Park, written untidily
            ("ST6 2BB", True, None, False),  # no bed count in the file
            ("ST6 2BB", False, None, False),  # home care office
            ("ST3 1AA", True, 25, False),
            ("ST3 1AA", True, 99, True),  # dormant: left out
            ("ZZ9 9ZZ", True, 10, False),  # postcode not in the table
            ("", False, None, False),  # no postcode
            ("CV6 1AA", True, 30, False),  # in another council's ward
        )
    ):
        Location.objects.create(
            cqc_location_id=f"1-{i}", name=f"Place {i}", postcode=postcode, care_home=care_home,
            beds=beds, dormant=dormant, local_authority=stoke, import_run=register, source_row=i,
        )  # fmt: skip
    org = Organization.objects.create(name="Potteries Trust")

    def service(name: str, *postcodes: str, **fields: Any) -> Service:
        listing = Service.objects.create(
            organization=org, name=name, kind="community_group", local_authority=stoke, **fields
        )
        for postcode in postcodes:
            ServiceLocation.objects.create(service=listing, name=name, postcode=postcode)
        return listing

    service("Lunch club", "ST6 1AA", "ST3 1AA")  # meets in two wards
    service("Chess club", "ST6 2BB")
    service("Helpline")  # no address
    service("Walk group", "XX1 1XX")  # a postcode the table does not hold
    service("Closed club", "ST6 1AA", status=Service.Status.DEFUNCT)  # not listed
    return {"stoke": stoke, "coventry": coventry}


def rows(block: dict[str, Any], table_id: str) -> list[list[Any]]:
    return next(t["rows"] for t in block["tables"] if t["id"] == table_id)


def test_provision_is_counted_by_ward_and_locality(place: dict[str, Any]) -> None:
    block = build_block("provision", place["stoke"], None)
    assert block is not None
    columns = ["Register locations", "Care homes", "Care home beds", "Directory services"]
    ward_table = next(t for t in block["tables"] if t["id"] == "provision-by-ward")
    assert [c["label"] for c in ward_table["columns"]] == ["Ward", "Locality", *columns]
    assert rows(block, "provision-by-ward") == [
        ["Abbey Hulton", "–", 0, 0, 0, 0],
        ["Burslem Park", "Burslem", 3, 2, 40, 2],
        ["Longton & Meir Hay South", "Longton", 1, 1, 25, 1],
        ["All of Stoke-on-Trent", "", 4, 3, 65, 2],
    ]
    assert rows(block, "provision-by-locality") == [
        ["Burslem", 3, 2, 40, 2],
        ["Longton", 1, 1, 25, 1],
        ["Wards in no locality", 0, 0, 0, 0],
        ["All of Stoke-on-Trent", 4, 3, 65, 2],
    ]
    notes = next(t["notes"] for t in block["tables"] if t["id"] == "provision-by-locality")
    assert notes[:5] == [
        "1 care home in the wards have no bed count in the register files imported (CQC's "
        "monthly directory has none), so their beds are not in the totals; – is a ward whose "
        "homes all lack one.",
        "2 register locations with no postcode in the postcode list.",
        "1 register location in another council's ward.",
        "1 directory service with no address (council-wide, by phone or online).",
        "1 directory service with an address in no ward of the council.",
    ]
    assert notes[-1].startswith("Contains OS data © Crown copyright and database right 2025.")
    sources = ward_table["sources"]
    assert sources[0] == "Care Quality Commission, CQC directory, Feb 2016 [c.csv]"
    assert "Ordnance Survey, Code-Point Open, 2025-10 [cpo.csv]" in sources
    assert "The council, Localities made of wards [towns.csv]" in sources
    assert "Ordnance Survey, Electoral wards [wards.csv]" in sources


def test_a_ward_whose_homes_all_lack_a_bed_count_shows_a_dash(place: dict[str, Any]) -> None:
    Location.objects.filter(postcode="st61aa").update(beds=None)
    Location.objects.filter(postcode="ST3 1AA").update(beds=None)
    block = build_block("provision", place["stoke"], None)
    assert block is not None
    burslem = rows(block, "provision-by-ward")[1]
    assert burslem == ["Burslem Park", "Burslem", 3, 2, None, 2]
    table = next(t for t in block["tables"] if t["id"] == "provision-by-ward")
    # no bed is known anywhere: the chart draws locations and services only
    assert [table["columns"][i]["label"] for i in table["chart"]["series"]] == [
        "Register locations",
        "Directory services",
    ]
    assert "–" in [cell for cell, _ in prepare_table(table)["formatted_rows"][1]]


def test_without_localities_there_is_one_table_by_ward(place: dict[str, Any]) -> None:
    Area.objects.filter(kind="locality").delete()
    block = build_block("provision", place["stoke"], None)
    assert block is not None
    (table,) = block["tables"]
    assert table["id"] == "provision-by-ward"
    assert [c["label"] for c in table["columns"]][:2] == ["Ward", "Register locations"]
    assert table["notes"] and table["chart"]["series"] == [1, 3, 4]


def test_no_wards_means_no_block(place: dict[str, Any]) -> None:
    assert (
        build_block("provision", LocalAuthority.objects.create(code="E06000022", name="B"), None)
        is None
    )


def test_the_chart_draws_each_measure_on_its_own_scale() -> None:
    svg = bar_chart(
        "c",
        "Beds & places",
        "The same figures are in the table.",
        ["Burslem", "A very long ward name that goes on and on"],
        [Series("Beds", [400, None]), Series("Services", [2, 1])],
    )
    assert svg.startswith('<svg class="cm-chart" id="c" role="img"')
    assert '<title id="c-title">Beds &amp; places</title>' in svg
    assert ">400</text>" in svg and ">2</text>" in svg and ">–</text>" in svg
    assert "A very long ward name t…" in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]
    # 400 beds and 2 services each fill most of their own panel; 1 service is half of 2
    assert widths[0] > 100 and widths[1] > widths[0] and widths[1] == 2 * widths[2]


def test_the_council_page_shows_the_tables_and_charts(client: Any, place: dict[str, Any]) -> None:
    page = client.get(reverse("front:council", kwargs={"council": place["stoke"].slug}))
    html = page.content.decode()
    assert page.status_code == 200 and "Where provision sits" in html
    assert 'id="table-provision-by-locality"' in html and 'id="table-provision-by-ward"' in html
    assert 'id="chart-provision-by-ward"' in html and "Longton &amp; Meir Hay South" in html
    assert "Contains OS data © Crown copyright" in html
    other = client.get(reverse("front:council", kwargs={"council": place["coventry"].slug}))
    # Coventry has a ward but nothing placed in it: a table of zeros, not an error
    assert "Foleshill" in other.content.decode()
    bath = LocalAuthority.objects.create(code="E06000022", name="Bath and North East Somerset")
    none = client.get(reverse("front:council", kwargs={"council": bath.slug})).content.decode()
    assert "none have been imported yet" in none


def test_the_statement_has_the_section_with_its_tables(place: dict[str, Any]) -> None:
    from caremarket.accounts.models import User
    from caremarket.statements import workflow
    from caremarket.statements.render import document_context

    edition = workflow.create_statement(
        place["stoke"], period="2026–2029", slug="mps", user=User.objects.create_user("w")
    )
    keys = list(edition.sections.values_list("key", flat=True))
    assert keys.index("provision") == keys.index("supply") + 1
    section = next(s for s in document_context(edition)["sections"] if s["key"] == "provision")
    assert section["title"] == "Where provision sits"
    assert [t["id"] for t in section["tables"]] == ["provision-by-locality", "provision-by-ward"]
    assert section["tables"][0]["chart_svg"].startswith('<svg class="cm-chart"')
