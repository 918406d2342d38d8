"""A service's public page: everything the listing holds, CQC facts for registered services."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caremarket.directory.models import Schedule, Service, ServiceLocation
from tests.directory import test_search as shared
from tests.directory.test_search import _register, _snapshot, make_service

stoke = shared.stoke


@pytest.mark.django_db
def test_the_page_shows_everything_the_listing_holds(client, stoke):
    service = make_service(
        "Tuesday lunch club",
        description="Hot lunch and company.",
        organization="Potteries Friendship Trust",
        categories=["meals-and-food", "social-groups"],
        client_groups=["older_people", "dementia"],
        age_min=60,
        areas_served="Longton and Meir",
        access=Service.Access.REFERRAL,
        how_to_access="Ask your GP or social worker.",
        costs=["charge", "direct_payment"],
        cost_detail="£6 a session.",
        accessibility="Step-free, hearing loop.",
        languages=["English", "Urdu"],
        phone="01782 000000",
        email="hello@example.org",
        url="https://example.org/lunch",
        last_reviewed=date(2026, 3, 1),
        review_due=timezone.localdate() + timedelta(days=100),
        council=stoke,
    )
    hall = ServiceLocation.objects.create(
        service=service, name="Meir Community Hall", address="2 Weston Road", town="Meir",
        postcode="ST3 6AA",
    )  # fmt: skip
    Schedule.objects.create(
        service=service, location=hall, weekday=1, opens_at=time(12), closes_at=time(14)
    )
    Schedule.objects.create(service=service, weekday=3, note="first Thursday of the month")
    response = client.get(service.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Tuesday lunch club",
        "Run by Potteries Friendship Trust",
        "Hot lunch and company.",
        "Older people, People living with dementia",
        "60 and over",
        "Longton and Meir",
        "Needs a referral",
        "Ask your GP or social worker.",
        "There is a charge",
        "Direct payments accepted",
        "£6 a session.",
        "Step-free, hearing loop.",
        "Languages spoken: English, Urdu",
        "01782 000000",
        "mailto:hello@example.org",
        "https://example.org/lunch",
        "Meir Community Hall",
        "2 Weston Road",
        "ST3 6AA",
        "Tuesday",
        "Midday to 2pm",
        "first Thursday of the month",
        "Meals and food",
        "?category=social-groups",
        "Last checked on 1 March 2026",
        "Add to shortlist",
    ):
        assert text in html, text
    assert "Care Quality Commission" not in html
    assert "has not been checked since" not in html


@pytest.mark.django_db
def test_a_registered_care_home_shows_its_cqc_facts_and_vacancies(client, stoke):
    location = _register("Meadow View", "Good", date(2025, 3, 12))
    location.specialisms = ["Dementia", "Physical disabilities"]
    location.save()
    service = make_service("Meadow View", kind=Service.Kind.CARE_HOME, cqc_location=location)
    _snapshot(location, stoke, timezone.localdate() - timedelta(days=2), 3)
    html = client.get(service.get_absolute_url()).content.decode()
    assert "Good (published 12 March 2025)" in html
    assert f"https://www.cqc.org.uk/location/{location.cqc_location_id}" in html
    assert "Dementia" in html and "Physical disabilities" in html
    assert ">40<" in html  # beds
    reported = timezone.localdate() - timedelta(days=2)
    assert f"3 vacancies reported on {reported.day} {reported:%B %Y}" in html


@pytest.mark.django_db
def test_stale_vacancies_are_unknown(client, stoke):
    location = _register("Old Report House", "Good")
    service = make_service("Old Report House", kind=Service.Kind.CARE_HOME, cqc_location=location)
    _snapshot(location, stoke, timezone.localdate() - timedelta(days=30), 3)
    html = client.get(service.get_absolute_url()).content.decode()
    assert "Not known: the home has not reported its vacancies in the last 14 days" in html


@pytest.mark.django_db
def test_a_lapsed_listing_is_shown_with_a_warning(client):
    service = make_service(
        "Old club",
        last_reviewed=date(2024, 1, 5),
        review_due=timezone.localdate() - timedelta(days=1),
    )
    html = client.get(service.get_absolute_url()).content.decode()
    assert "This listing has not been checked since 5 January 2024" in html


@pytest.mark.django_db
def test_closed_deregistered_and_unknown_services_are_not_found(client):
    closed = make_service("Closed club", status=Service.Status.DEFUNCT)
    gone = make_service("Gone home", cqc_location=_register("Gone home", "Good"))
    gone.cqc_location.deregistered = True
    gone.cqc_location.save()
    assert client.get(closed.get_absolute_url()).status_code == 404
    assert client.get(gone.get_absolute_url()).status_code == 404
    missing = reverse("directory:service", kwargs={"pk": uuid.uuid4()})
    assert client.get(missing).status_code == 404
    assert client.get("/directory/services/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_back_returns_to_the_search_but_never_off_the_site(client):
    service = make_service("Garden club")
    results = client.get("/directory/?q=garden").content.decode()
    assert f"{service.get_absolute_url()}?back=/directory/%3Fq%3Dgarden" in results
    html = client.get(service.get_absolute_url() + "?back=/directory/%3Fq%3Dgarden").content
    assert b'href="/directory/?q=garden" class="govuk-back-link"' in html
    html = client.get(service.get_absolute_url() + "?back=https://evil.example/").content
    assert b'href="/directory/" class="govuk-back-link"' in html


coventry = shared.coventry
postcodes = shared.postcodes


@pytest.mark.django_db
def test_the_distance_from_the_search_the_resident_came_from(client, stoke, postcodes):
    service = make_service("Longton memory café", point=shared.LONGTON, council=stoke)
    url = service.get_absolute_url()
    html = client.get(url, {"back": "/directory/?postcode=ST1+1AA&radius=5"}).content.decode()
    assert "3.0 miles from ST1 1AA" in html
    for back in ("", "/directory/?postcode=ZZ9+9ZZ", "https://evil.example/?postcode=ST1+1AA"):
        assert "miles from" not in client.get(url, {"back": back}).content.decode()
