"""The place box: a full postcode, an outward code, a locality, a ward or a council, with
spelling tolerance, from the real Code-Point Open rows, ward list and Stoke's six towns."""

from __future__ import annotations

import pytest

from caremarket.directory.search import PlaceNotFound, resolve_place
from caremarket.places.models import Area
from tests.imports.conftest import councils  # noqa: F401  (a fixture)
from tests.imports.helpers import EXAMPLES, run
from tests.imports.test_codepoint import area_file  # noqa: F401  (a fixture)


@pytest.fixture
def places(councils, area_file):  # noqa: F811
    run("codepoint-open", area_file)
    run("wards", EXAMPLES / "data" / "geo" / "wards_three_councils_os_codelist_2025-10.csv")
    run("localities", EXAMPLES / "places" / "stoke-on-trent-localities.csv")


@pytest.mark.parametrize(
    ("text", "kind", "label", "asked"),
    [
        ("ST4 1AA", "postcode", "ST4 1AA", ""),
        ("st41aa", "postcode", "ST4 1AA", ""),
        ("ST4", "outward code", "ST4", ""),
        ("Longton", "locality", "Longton, Stoke-on-Trent", ""),
        ("longton, stoke-on-trent", "locality", "Longton, Stoke-on-Trent", ""),
        ("Longtn", "locality", "Longton, Stoke-on-Trent", "Longtn"),
        ("Burslem", "locality", "Burslem, Stoke-on-Trent", ""),
        ("Burslem Park Ward", "ward", "Burslem Park, Stoke-on-Trent", ""),
        ("hanley park joiners square and shelton", "ward", None, ""),
        ("Coventry", "council", "Coventry", ""),
        ("Coventy", "council", "Coventry", "Coventy"),
        ("Bath", "council", "Bath and North East Somerset", "Bath"),
    ],
)
def test_the_place_box_says_what_it_matched(places, text, kind, label, asked) -> None:
    place = resolve_place(text)
    assert (place.kind, place.asked) == (kind, asked)
    if label:
        assert place.label == label
    assert place.has_point and 50 < place.latitude < 54


def test_a_ward_and_a_town_are_described_in_words(places) -> None:
    ward = resolve_place("Burslem Park")
    assert ward.description == "the middle of Burslem Park ward"
    assert resolve_place("ST4").description == "the middle of the ST4 postcode district"
    assert resolve_place("Longton").council.name == "Stoke-on-Trent"
    town = Area.objects.get(kind="locality", name="Longton")
    assert (resolve_place("Longton").latitude, resolve_place("Longton").longitude) == (
        town.latitude,
        town.longitude,
    )


@pytest.mark.parametrize("text", ["Narnia", "Xy", "ZZ9 9ZZ", "Longtonville Heights"])
def test_unknown_places_are_said_so(places, text) -> None:
    with pytest.raises(PlaceNotFound):
        resolve_place(text)
