"""The staff ASCOF page: each measure in words with its figures; the people behind a figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.accounts.models import AuditEvent, Membership, User
from caremarket.places.models import LocalAuthority, PopulationFigure
from tests.imports.helpers import run
from tests.outcomes.helpers import STOKE, sample_rows, write_cld
from tests.outcomes.test_ascof_command import add_population

URL = "/staff/stoke-on-trent/outcomes/ascof/"


@pytest.fixture
def analyst(councils: list, client) -> User:
    user = User.objects.create_user("analyst", password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=councils[0], role="commissioner")
    client.force_login(user)
    return user


def test_without_data_the_page_says_what_to_import(analyst: User, client) -> None:
    page = client.get(URL).content.decode()
    assert "No Client Level Data has been imported for Stoke-on-Trent yet" in page


def test_each_measure_is_explained_with_its_figures(analyst: User, client, tmp_path: Path) -> None:
    run("cld", write_cld(tmp_path, sample_rows()), council=STOKE)
    add_population(LocalAuthority.objects.get(code=STOKE))
    page = client.get(URL).content.decode()
    # the latest year the submissions cover to its end is chosen
    assert '<option value="2024/25" selected>' in page
    for code in ("2A", "2B", "2C", "2E", "3D"):
        assert f'id="measure-{code}"' in page
    assert "Reablement episodes of new clients" in page
    assert "2.2 per 100,000" in page and "100.0%" in page
    assert "Clients who receive direct payments (2a), Aged 18 to 64" in page
    assert "from cld.csv imported" in page
    assert "No submission covers 1 April 2023 to 31 March 2024" in page


def test_without_a_population_the_other_measures_still_show(
    analyst: User, client, tmp_path: Path
) -> None:
    run("cld", write_cld(tmp_path, sample_rows()), council=STOKE)
    page = client.get(URL + "?year=2024/25").content.decode()
    assert (
        "Measure 2B is not worked out: it is counted per 100,000 people aged 18 to 64 living in "
        "Stoke-on-Trent in mid-2024, and no population for 2024 has been imported." in page
    )
    assert "Measure 2C is not worked out" in page
    assert "population projections for local authorities (2022-based" in page
    assert "/staff/stoke-on-trent/imports/" in page
    assert "caremarket import" not in page
    assert "Not worked out: there is no population to divide by" in page
    assert 'id="measure-3D"' in page and "100.0%" in page


def test_with_only_65_and_over_imported_the_page_says_what_is_missing(
    analyst: User, client, tmp_path: Path
) -> None:
    """The demo's case: ONS projections for 65 and over only (the copy in the shared data)."""
    run("cld", write_cld(tmp_path, sample_rows()), council=STOKE)
    stoke = LocalAuthority.objects.get(code=STOKE)
    add_population(stoke)
    PopulationFigure.objects.filter(local_authority=stoke, age_from__lt=65).delete()
    page = client.get(URL + "?year=2024/25").content.decode()
    assert (
        "Measure 2B is not worked out: it is counted per 100,000 people aged 18 to 64 living in "
        "Stoke-on-Trent in mid-2024, and the population imported for 2024 covers ages 65 and "
        "over only." in page
    )
    assert "Measure 2C is not worked out" not in page and "2.2 per 100,000" in page


def test_a_bad_year_is_a_message_not_an_error(analyst: User, client, tmp_path: Path) -> None:
    run("cld", write_cld(tmp_path, sample_rows()), council=STOKE)
    page = client.get(URL + "?year=nonsense")
    assert page.status_code == 200
    assert "is not a reporting year such as 2024/25" in page.content.decode()


def test_opening_the_people_behind_a_figure_is_audited(
    analyst: User, client, tmp_path: Path
) -> None:
    run("cld", write_cld(tmp_path, sample_rows()), council=STOKE)
    add_population(LocalAuthority.objects.get(code=STOKE))
    page = client.get(URL.replace("ascof/", "ascof/2A/1/") + "?year=2024/25")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reablement episodes (1)" in text and "NFA: Support ended as planned" in text
    assert "LA-0001" not in text
    event = AuditEvent.objects.get(action="viewed pseudonymised people behind an ASCOF figure")
    assert event.detail == "ASCOF 2A 2024/25: Aged 65 and over"
    assert client.get(URL.replace("ascof/", "ascof/2A/9/") + "?year=2024/25").status_code == 404
    assert client.get(URL.replace("ascof/", "ascof/9Z/0/") + "?year=2024/25").status_code == 404
