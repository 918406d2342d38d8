"""The shortlist: kept in the session, changed by POST with CSRF, printable, emailed on request."""

from __future__ import annotations

import logging
from datetime import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from caremarket.directory.models import Schedule, Service, ServiceLocation
from caremarket.directory.views import SHORTLIST_MAX, clock
from tests.directory.test_search import make_service

ADD = reverse("directory:shortlist_add")
REMOVE = reverse("directory:shortlist_remove")
SHORTLIST = reverse("directory:shortlist")
EMAIL = reverse("directory:shortlist_email")


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()


@pytest.fixture
def club(db) -> Service:
    service = make_service("Garden club", phone="01782 111111")
    place = ServiceLocation.objects.create(
        service=service, address="3 Park Lane", town="Hanley", postcode="ST1 3AA"
    )
    Schedule.objects.create(
        service=service, location=place, weekday=2, opens_at=time(10), closes_at=time(12, 30)
    )
    return service


def test_times_read_the_gov_uk_way():
    assert [clock(time(h, m)) for h, m in [(9, 0), (12, 0), (12, 30), (17, 45), (0, 0)]] == [
        "9am",
        "midday",
        "12:30pm",
        "5:45pm",
        "midnight",
    ]


@pytest.mark.django_db
def test_add_show_and_remove(client, club):
    response = client.post(ADD, {"service": str(club.pk), "next": "/directory/?q=garden"})
    assert response.status_code == 302
    assert response["Location"] == "/directory/?q=garden"
    html = client.get(SHORTLIST).content.decode()
    for text in ("Garden club", "01782 111111", "3 Park Lane", "Wednesday 10am to 12:30pm"):
        assert text in html, text
    assert "Remove from shortlist" in client.get("/directory/?q=garden").content.decode()
    client.post(ADD, {"service": str(club.pk)})  # twice is still once
    assert client.session["directory:shortlist"] == [str(club.pk)]
    response = client.post(REMOVE, {"service": str(club.pk)})
    assert response["Location"] == SHORTLIST
    assert "Your shortlist is empty" in client.get(SHORTLIST).content.decode()


@pytest.mark.django_db
def test_add_and_remove_need_post_and_csrf(club):
    client = Client(enforce_csrf_checks=True)
    assert client.get(ADD).status_code == 405
    assert client.post(ADD, {"service": str(club.pk)}).status_code == 403
    client.get(reverse("directory:service", kwargs={"pk": club.pk}))
    token = client.cookies["csrftoken"].value
    response = client.post(ADD, {"service": str(club.pk), "csrfmiddlewaretoken": token})
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_adding_nonsense_adds_nothing(client, value):
    response = client.post(ADD, {"service": value}, follow=True)
    assert response.status_code == 200
    assert "We could not find that service" in response.content.decode()
    assert client.session.get("directory:shortlist", []) == []


@pytest.mark.django_db
def test_a_closed_service_cannot_be_added_and_drops_off(client, club):
    closed = make_service("Closed club", status=Service.Status.DEFUNCT)
    client.post(ADD, {"service": str(closed.pk)})
    client.post(ADD, {"service": str(club.pk)})
    club.status = Service.Status.DEFUNCT
    club.save()
    assert "Your shortlist is empty" in client.get(SHORTLIST).content.decode()


@pytest.mark.django_db
def test_next_never_leaves_the_site(client, club):
    response = client.post(ADD, {"service": str(club.pk), "next": "https://evil.example/"})
    assert response["Location"] == SHORTLIST


@pytest.mark.django_db
def test_the_shortlist_has_a_limit(client):
    session = client.session
    session["directory:shortlist"] = [f"{n:032x}" for n in range(SHORTLIST_MAX)]
    session.save()
    extra = make_service("One too many")
    response = client.post(ADD, {"service": str(extra.pk)}, follow=True)
    assert "Your shortlist is full" in response.content.decode()


@pytest.mark.django_db
def test_email_it_sends_the_shortlist_and_keeps_no_address(client, club, caplog):
    client.post(ADD, {"service": str(club.pk)})
    assert "Email your shortlist" in client.get(EMAIL).content.decode()
    with caplog.at_level(logging.DEBUG):
        response = client.post(EMAIL, {"email": "resident@example.org"}, follow=True)
    assert "We have emailed your shortlist to you." in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["resident@example.org"]
    assert "Garden club" in message.body and "01782 111111" in message.body
    assert f"http://testserver{club.get_absolute_url()}" in message.body
    assert "Garden club" in message.alternatives[0][0]
    assert "resident@example.org" not in caplog.text
    assert "resident@example.org" not in str(dict(client.session))


@pytest.mark.django_db
def test_email_it_checks_the_address(client, club):
    client.post(ADD, {"service": str(club.pk)})
    response = client.post(EMAIL, {"email": "not an address"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Enter an email address in the correct format" in html
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_it_with_an_empty_shortlist_sends_nothing(client):
    response = client.post(EMAIL, {"email": "resident@example.org"})
    assert "Your shortlist is empty" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_it_is_rate_limited(client, club):
    client.post(ADD, {"service": str(club.pk)})
    for _ in range(10):
        client.post(EMAIL, {"email": "resident@example.org"})
    response = client.post(EMAIL, {"email": "resident@example.org"})
    assert response.status_code == 400
    assert "Too many emails sent from here" in response.content.decode()
    assert len(mail.outbox) == 10
