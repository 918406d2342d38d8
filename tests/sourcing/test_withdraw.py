"""A broker withdraws a request: offers close, providers who had it are told, nothing else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from caremarket.accounts.models import AuditEvent
from caremarket.sourcing.models import CareRequest, Offer
from tests.sourcing.helpers import Brokerage, make_brokerage
from tests.sourcing.test_views import offer, post_request, url


@pytest.fixture
def b(db: None) -> Brokerage:
    return make_brokerage()


def test_a_broker_withdraws_a_request_and_the_providers_see_it_closed(
    client: Client, b: Brokerage
) -> None:
    w = b.world
    item = post_request(client, b)
    offer(client, w.provider, item, w.home, "399.28")
    client.force_login(b.broker)
    page = client.get(url("request", b, pk=item.pk)).content.decode()
    assert "Withdraw the request" in page

    response = client.post(url("withdraw", b, pk=item.pk), {"because": "not_needed"}, follow=True)
    page = response.content.decode()
    assert f"{item.reference} is withdrawn" in page
    assert "care is no longer needed" in page
    item.refresh_from_db()
    assert item.status == CareRequest.Status.WITHDRAWN and item.withdrawn_at
    assert Offer.objects.get().status == Offer.Status.WITHDRAWN
    event = AuditEvent.objects.get(action="sourcing: request withdrawn")
    assert event.detail == "care is no longer needed; 2 provider locations told"
    posted = AuditEvent.objects.get(action="sourcing: request posted")
    assert posted.detail == "sent to 2 provider locations"  # words, not a code or "(s)"

    provider_page = reverse("sourcing:provider_request", kwargs={"pk": item.pk})
    for who in (w.provider, w.other_provider):
        client.force_login(who)
        page = client.get(provider_page).content.decode()
        assert "The council withdrew this request" in page
        assert "Make an offer" not in page
        listing = client.get(reverse("sourcing:provider_requests")).content.decode()
        assert "request withdrawn" in listing or "Withdrawn by the council" in listing
    # too late to offer
    page = offer(client, w.other_provider, item, w.other_home, "100")
    assert "This request is closed" in page
    assert Offer.objects.count() == 1

    # a second withdrawal, or accepting after it, changes nothing
    client.force_login(b.broker)
    page = client.post(url("withdraw", b, pk=item.pk), {"because": "not_needed"}, follow=True)
    assert "already been sourced or withdrawn" in page.content.decode()
    page = client.post(url("accept", b, pk=item.pk), {"offer": Offer.objects.get().pk}, follow=True)
    assert "already been sourced or withdrawn" in page.content.decode()
    assert AuditEvent.objects.filter(action="sourcing: request withdrawn").count() == 1


@pytest.mark.parametrize("because", ["", "bored", "x" * 5000])
def test_a_withdrawal_needs_a_reason_from_the_list(
    client: Client, b: Brokerage, because: str
) -> None:
    item = post_request(client, b)
    response = client.post(url("withdraw", b, pk=item.pk), {"because": because})
    assert "Choose why the request is withdrawn" in response.content.decode()
    item.refresh_from_db()
    assert item.status == CareRequest.Status.OPEN


def test_only_the_councils_brokers_withdraw(client: Client, b: Brokerage) -> None:
    item = post_request(client, b)
    client.force_login(b.coventry_broker)
    assert client.post(url("withdraw", b, pk=item.pk), {"because": "not_needed"}).status_code == 403
    client.force_login(b.world.provider)
    assert client.post(url("withdraw", b, pk=item.pk), {"because": "not_needed"}).status_code == 403
    elsewhere = reverse("sourcing:withdraw", kwargs={"council": "coventry", "pk": item.pk})
    client.force_login(b.broker)
    assert client.post(elsewhere, {"because": "not_needed"}).status_code in (403, 404)
    item.refresh_from_db()
    assert item.status == CareRequest.Status.OPEN
