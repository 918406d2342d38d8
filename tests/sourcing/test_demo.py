"""The demo's invented brokerage: labelled, repeatable, and enough for time to source."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from caremarket.accounts.demo import staff_sign_in
from caremarket.market.models import Location
from caremarket.sourcing import demo
from caremarket.sourcing.models import CareRequest, Offer, Package
from tests.sourcing.helpers import Brokerage, make_brokerage


@pytest.fixture
def b(db: None) -> Brokerage:
    world = make_brokerage()
    Location.objects.filter(local_authority=world.world.stoke).update(
        care_home=False, service_types=["Homecare agencies"]
    )
    return world


def test_invented_brokerage_fills_time_to_source_and_says_it_is_invented(
    client: Client, b: Brokerage
) -> None:
    out = io.StringIO()
    assert demo.invent(b.world.stoke, out, today=date(2024, 10, 1)) == demo.REQUESTS
    assert "48 invented care requests" in out.getvalue()
    assert demo.invent(b.world.stoke, out, today=date(2024, 10, 1)) == 0  # once only
    assert not CareRequest.objects.filter(invented=False).exists()
    packages = Package.objects.all()
    assert packages.count() > 20 and all(p.invented for p in packages)
    assert CareRequest.objects.filter(status="open").exists()
    # the stopped location is never sent a request, so never offers
    assert not Offer.objects.filter(location=b.stopped).exists()
    # one accepted offer per sourced request; the rest not chosen
    for item in CareRequest.objects.filter(status="sourced"):
        assert item.offers.filter(status="accepted").count() == 1
        assert not item.offers.filter(status="made").exists()

    # the invented broker who made them signs in with the demo's printed password, and their
    # dashboard leads to the care requests
    login = staff_sign_in(demo.broker(b.world.stoke), b.world.stoke, "Broker")
    assert login.username == "stoke-on-trent-broker"
    assert login.label == "Broker: Nadia Shah (invented), Stoke-on-Trent"
    assert client.login(username=login.username, password=login.password)
    requests = reverse("sourcing:requests", kwargs={"council": "stoke-on-trent"})
    assert f'href="{requests}"' in client.get(reverse("accounts:dashboard")).content.decode()
    assert "(invented for the demo)" in client.get(requests).content.decode()
    report = client.get(reverse("sourcing:report", kwargs={"council": "stoke-on-trent"}))
    page = report.content.decode()
    assert "invented for the demo" in page
    assert page.count('<th scope="row"') >= 4  # several months
    item = CareRequest.objects.filter(status="sourced").first()
    assert item is not None
    detail = reverse("sourcing:request", kwargs={"council": "stoke-on-trent", "pk": item.pk})
    assert "invented for the demo" in client.get(detail).content.decode()
    client.force_login(b.world.provider)
    listing = client.get(reverse("sourcing:provider_requests")).content.decode()
    assert "Invented for the demo" in listing


def test_the_busiest_home_care_provider_gets_a_demo_sign_in_that_sees_its_requests(
    client: Client, b: Brokerage
) -> None:
    assert demo.provider_logins([b.world.stoke]) == []  # no requests yet, no sign-in
    demo.invent(b.world.stoke, io.StringIO(), today=date(2024, 10, 1))
    (login,) = demo.provider_logins([b.world.stoke])
    assert login.username == "stoke-on-trent-home-care"
    assert "Lee Barnes (invented)" in login.label
    assert client.login(username=login.username, password=login.password)
    listing = client.get(reverse("sourcing:provider_requests")).content.decode()
    assert "Invented for the demo" in listing
    again = demo.provider_logins([b.world.stoke])[0]  # the same account, a new password
    assert again.username == login.username and again.password != login.password
