"""The 153 councils with adult social services responsibilities, loaded on migrate."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from caremarket.places.councils import built_in_councils, load_councils, plain_name
from caremarket.places.models import LocalAuthority
from caremarket.settings import council_codes


def test_the_list_holds_153_english_councils() -> None:
    councils = built_in_councils()
    assert len(councils) == 153 == len({c.code for c in councils})
    kinds = {c.kind for c in councils}
    assert kinds == {"unitary", "metropolitan district", "London borough", "county"}
    assert plain_name("Bristol, City of") == "Bristol"


@pytest.mark.django_db
def test_loading_adds_every_council_once_and_keeps_admins_names() -> None:
    LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent City Council")
    added, updated = load_councils()
    assert (added, updated) == (152, 1)
    assert LocalAuthority.objects.count() == 153
    stoke = LocalAuthority.objects.get(code="E06000021")
    assert (stoke.name, stoke.kind, stoke.region) == (
        "Stoke-on-Trent City Council",
        "unitary",
        "West Midlands",
    )
    assert load_councils() == (0, 0)
    # Barnsley and Sheffield by either code.
    barnsley = LocalAuthority.objects.for_code("E08000038")
    assert barnsley is not None and barnsley.code == "E08000016"
    assert LocalAuthority.objects.for_code("e08000039").name == "Sheffield"
    assert LocalAuthority.objects.for_code("E0800003") is None
    assert LocalAuthority.objects.get(code="E06000023").slug == "bristol"


@pytest.mark.django_db
def test_an_instance_can_serve_only_some_councils() -> None:
    assert load_councils(["E06000021", "E08000038"]) == (2, 0)
    assert set(LocalAuthority.objects.values_list("name", flat=True)) == {
        "Stoke-on-Trent",
        "Barnsley",
    }
    with pytest.raises(ImproperlyConfigured, match="E06999999"):
        load_councils(["E06999999"])


def test_the_setting_is_checked(monkeypatch) -> None:
    monkeypatch.setenv("CAREMARKET_COUNCILS", "all")
    assert council_codes("CAREMARKET_COUNCILS") is None
    monkeypatch.setenv("CAREMARKET_COUNCILS", "none")
    assert council_codes("CAREMARKET_COUNCILS") == ()
    monkeypatch.setenv("CAREMARKET_COUNCILS", "e06000021, E08000026")
    assert council_codes("CAREMARKET_COUNCILS") == ("E06000021", "E08000026")
    monkeypatch.setenv("CAREMARKET_COUNCILS", "Stoke")
    with pytest.raises(ImproperlyConfigured, match="CAREMARKET_COUNCILS"):
        council_codes("CAREMARKET_COUNCILS")
