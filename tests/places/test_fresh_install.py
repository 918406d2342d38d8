"""A fresh install (`caremarket migrate`, no demo) knows every council, so a council's own
files import straight away: ONS projections, Code-Point Open and a CQC register extract."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from caremarket.market.models import Location
from caremarket.places.models import LocalAuthority, PopulationFigure, Postcode
from tests.imports.helpers import EXAMPLES, run
from tests.imports.test_codepoint import area_file  # noqa: F401  (a fixture)


@pytest.mark.django_db
def test_migrate_loads_the_councils_and_their_files_import(settings, area_file) -> None:  # noqa: F811
    settings.COUNCILS = None  # the default: every council with adult social services duties
    call_command("migrate", verbosity=0)
    assert LocalAuthority.objects.count() == 153
    ons = run(
        "ons-snpp", EXAMPLES / "data/ons/snpp2022_migcat_persons_65plus_coventry_stoke_banes.csv"
    )
    assert ons.written and not ons.error_count
    assert {
        p.local_authority.name for p in PopulationFigure.objects.select_related("local_authority")
    } == {
        "Stoke-on-Trent",
        "Coventry",
        "Bath and North East Somerset",
    }
    assert run("codepoint-open", area_file).written
    assert Postcode.objects.filter(local_authority_code="E06000022").exists()
    register = run(
        "cqc-directory", EXAMPLES / "data/cqc/cqc_directory_2016-02_partial_three_councils.csv"
    )
    assert register.written and not register.error_count
    assert Location.objects.filter(local_authority__isnull=True).count() == 0
    # Another migrate changes nothing.
    call_command("migrate", verbosity=0)
    assert LocalAuthority.objects.count() == 153


@pytest.mark.django_db
def test_an_instance_limited_to_its_council(settings) -> None:
    settings.COUNCILS = ("E06000021",)
    call_command("migrate", verbosity=0)
    assert list(LocalAuthority.objects.values_list("name", flat=True)) == ["Stoke-on-Trent"]


def test_register_names_for_councils_match_ours() -> None:
    from caremarket.imports.importers.tabular import council_key

    assert council_key("Bath & N E Somerset") == council_key("Bath and North East Somerset")
    assert council_key("Bristol, City of") == council_key("Bristol")
    assert council_key("Stoke-on-Trent City Council") == council_key("Stoke-on-Trent")
