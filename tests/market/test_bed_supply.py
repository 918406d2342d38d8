"""Planning supply: register beds (cqc-hsca) preferred over declared figures, citing the import."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.market.models import Location
from caremarket.places.models import LocalAuthority
from caremarket.planning.supply import register_supply
from tests.market.helpers import FIXTURES, run

HSCA = FIXTURES / "cqc" / "HSCA_Active_Locations.csv"
FIGURES = """local_authority,period,measure,dimension,category,value,unit,source
E06000021,2023/24,care_home_beds,type,residential,1200,beds,MPS 2024 table 3
E06000021,2023/24,care_home_beds,type,nursing,800,beds,MPS 2024 table 3
"""

pytestmark = pytest.mark.usefixtures("councils")


def declare(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(FIGURES, encoding="utf-8")
    assert run("figures", path).written


def test_declared_figures_without_register_data(tmp_path: Path) -> None:
    declare(tmp_path)
    supply = register_supply(LocalAuthority.objects.get(code="E06000021"))
    assert supply["residential_care_beds"]["supply"] == 1200
    assert "figures.csv" in supply["nursing_care_beds"]["source"]


def test_register_beds_preferred_and_cited(tmp_path: Path) -> None:
    declare(tmp_path)
    report = run("cqc-hsca", HSCA)
    supply = register_supply(LocalAuthority.objects.get(code="E06000021"))
    # Abbey Court (60, nursing) and Longton Lodge (40, residential); dormant Meir left out.
    assert supply["nursing_care_beds"]["supply"] == 60
    assert supply["residential_care_beds"]["supply"] == 40
    source = supply["residential_care_beds"]["source"]
    assert source.startswith("CQC register: 40 registered beds in 1 active care home(s)")
    assert report.run is not None and report.run.file_name in source


def test_homes_not_for_older_people_do_not_count() -> None:
    run("cqc-hsca", HSCA)
    Location.objects.filter(cqc_location_id="1-101000002").update(
        service_user_bands=["Mental Health"]
    )
    supply = register_supply(LocalAuthority.objects.get(code="E06000021"))
    assert supply["residential_care_beds"]["supply"] == 0
    assert supply["nursing_care_beds"]["supply"] == 60
