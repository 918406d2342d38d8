"""The quality section's CQC rating profile, counted from the council's register locations."""

from __future__ import annotations

import pytest

from caremarket.places.models import LocalAuthority
from caremarket.statements.data import build_block
from tests.market.helpers import FIXTURES, run

pytestmark = pytest.mark.usefixtures("councils")


@pytest.fixture
def councils(db: None) -> list[LocalAuthority]:
    from caremarket.demo import load_councils

    return load_councils()


def test_the_profile_counts_active_locations_by_kind_and_rating() -> None:
    run("cqc-hsca", FIXTURES / "cqc" / "HSCA_Active_Locations.csv")
    stoke = LocalAuthority.objects.get(code="E06000021")
    block = build_block("quality", stoke, None)
    assert block is not None
    (table,) = [t for t in block["tables"] if t["id"] == "cqc-rating-profile"]
    header = [c["label"] for c in table["columns"]]
    assert header == [
        "Kind of service",
        "Outstanding",
        "Good",
        "Requires improvement",
        "Inadequate",
        "Not yet rated",
        "All",
    ]
    # Stoke: Abbey Court (nursing, Good), Longton Lodge (residential, Requires improvement);
    # the dormant Meir Nursing Home is left out.
    assert table["rows"] == [
        ["Care home with nursing", 0, 1, 0, 0, 0, 1],
        ["Care home without nursing", 0, 0, 1, 0, 0, 1],
        ["All registered services", 0, 1, 1, 0, 0, 2],
    ]
    assert table["sources"] and "HSCA_Active_Locations.csv" in table["sources"][0]


def test_no_register_data_means_no_profile() -> None:
    bath = LocalAuthority.objects.get(code="E06000022")
    block = build_block("quality", bath, None)
    assert block is None or all(t["id"] != "cqc-rating-profile" for t in block["tables"])
