"""The demo's invented care home vacancies, placements and extra care nominations: labelled,
once only, and reproducing the Local Account's extra care table from records."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from caremarket.market.models import Scheme
from caremarket.sourcing import demo_placements
from caremarket.sourcing.extracare import table
from caremarket.sourcing.models import CareRequest, ExtraCareReferral, Placement, VacancyUpdate
from tests.sourcing.helpers import Brokerage, make_brokerage

TODAY = date(2024, 10, 1)


@pytest.fixture
def b(db: None) -> Brokerage:
    made = make_brokerage()
    w = made.world
    for home in (w.home, w.other_home):
        home.area = made.ward
        home.save(update_fields=["area"])
    for name in demo_placements.LOCAL_ACCOUNT_2020_21:
        Scheme.objects.create(
            local_authority=w.stoke,
            kind=Scheme.Kind.EXTRA_CARE,
            name=name,
            source="Local Account",
            import_run=w.home.import_run,
            source_row=1,
        )
    return made


def test_the_invented_records_reproduce_the_local_accounts_table(
    client: Client, b: Brokerage
) -> None:
    out = io.StringIO()
    demo_placements.invent(b.world.stoke, out, today=TODAY)
    assert "invented vacancies at 2 care homes, 2 placement requests" in out.getvalue()
    demo_placements.invent(b.world.stoke, out, today=TODAY)  # once only
    assert VacancyUpdate.objects.count() == 2 and all(
        v.invented for v in VacancyUpdate.objects.all()
    )
    assert not ExtraCareReferral.objects.filter(invented=False).exists()
    got = {
        r.scheme: (r.expressions_of_interest, r.nominations, r.placements)
        for r in table(b.world.stoke)
        if r.year == "2020/21"
    }
    assert got == demo_placements.LOCAL_ACCOUNT_2020_21
    # placement requests were matched on the invented vacancies and labelled
    assert CareRequest.objects.filter(service_kind="care_home", invented=True).count() == 2
    assert not Placement.objects.filter(invented=False).exists()
    client.force_login(b.broker)
    stoke = {"council": "stoke-on-trent"}
    page = client.get(reverse("sourcing:vacancies", kwargs=stoke)).content.decode()
    assert "(invented for the demo)" in page
    page = client.get(reverse("sourcing:extra_care_table", kwargs=stoke)).content.decode()
    assert "invented for the demo" in page and "Oak Priory" in page
    page = client.get(reverse("sourcing:extra_care", kwargs=stoke)).content.decode()
    assert "Waiting for the panel" in page and "Nominated to a flat" in page
