"""The public's "this information is wrong" form, and the council's view of the reports."""

from __future__ import annotations

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import AuditEvent, Membership, User
from caremarket.directory.editorial_views import REPORT_RATE
from caremarket.directory.models import InformationReport, Service
from tests.directory.test_editorial import PASSWORD, World, make_world

COUNCIL = {"council": "stoke-on-trent"}


@pytest.fixture
def world(db: None) -> World:
    cache.clear()  # the rate limit counts in the shared cache
    return make_world()


def report_url(service: Service) -> str:
    return reverse("listings:report", kwargs={"pk": service.pk})


def test_a_resident_reports_a_problem(client: Client, world: World) -> None:
    page = client.get(report_url(world.service)).content.decode()
    assert "Report information that is wrong" in page and "Meir Lunch Club" in page
    response = client.post(
        report_url(world.service),
        {"problem": "The club now meets on Thursdays.", "email": "me@example.com"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("listings:report_sent", kwargs={"pk": world.service.pk})
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you, your report has been sent" in thanks
    report = InformationReport.objects.get()
    assert report.service == world.service and report.reporter_email == "me@example.com"
    event = AuditEvent.objects.get(action="reported_listing")
    assert event.local_authority == world.stoke and "me@example.com" not in event.detail


def test_the_email_is_optional(client: Client, world: World) -> None:
    response = client.post(report_url(world.service), {"problem": "Phone number is wrong."})
    assert response.status_code == 302
    assert InformationReport.objects.get().reporter_email == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter what is wrong with the listing"),
        ({"problem": "   "}, "Enter what is wrong with the listing"),
        ({"problem": "x" * 10_000}, "What is wrong? must be 2,000 characters or fewer"),
        ({"problem": "Wrong", "email": "not an email"}, "Enter an email address in the correct"),
        ({"problem": "Wrong", "email": "a@" + "b" * 260 + ".com"}, "Enter an email address"),
    ],
)
def test_bad_input_gets_a_clear_message(
    client: Client, world: World, data: dict, message: str
) -> None:
    response = client.post(report_url(world.service), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert InformationReport.objects.count() == 0


def test_what_was_typed_is_kept(client: Client, world: World) -> None:
    page = client.post(
        report_url(world.service), {"problem": "Closed now", "email": "bad"}
    ).content.decode()
    assert "Closed now</textarea>" in page and 'value="bad"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/directory/services/not-a-uuid/report/",
        "/directory/services/12345/report/",
        "/directory/services/%00/report/",
        f"/directory/services/{uuid.uuid4()}/report/",
        f"/directory/services/{uuid.uuid4()}/report/sent/",
    ],
)
def test_an_unknown_or_malformed_service_is_a_404_page(
    client: Client, world: World, path: str
) -> None:
    for response in (client.get(path), client.post(path, {"problem": "x"})):
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_a_closed_listing_cannot_be_reported(client: Client, world: World) -> None:
    Service.objects.filter(pk=world.service.pk).update(status=Service.Status.DEFUNCT)
    assert client.get(report_url(world.service)).status_code == 404


def test_the_form_needs_a_csrf_token(world: World) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(report_url(world.service), {"problem": "Wrong"})
    assert response.status_code == 403
    assert InformationReport.objects.count() == 0


def test_reports_are_rate_limited(client: Client, world: World) -> None:
    allowed = int(REPORT_RATE.split("/")[0])
    for n in range(allowed):
        assert client.post(report_url(world.service), {"problem": f"Wrong {n}"}).status_code == 302
    response = client.post(report_url(world.service), {"problem": "One more"})
    assert response.status_code == 429
    assert "Too many reports sent from here" in response.content.decode()
    assert InformationReport.objects.count() == allowed


def test_directory_staff_see_and_resolve_reports_with_the_email(
    client: Client, world: World
) -> None:
    report = InformationReport.objects.create(
        service=world.service, problem="The phone rings out.", reporter_email="me@example.com"
    )
    client.force_login(world.commissioner)
    page = client.get(reverse("listings:staff_reports", kwargs=COUNCIL)).content.decode()
    assert "The phone rings out." in page and "me@example.com" in page
    assert AuditEvent.objects.filter(action="viewed_information_reports").count() == 1
    url = reverse("listings:staff_report", kwargs={**COUNCIL, "pk": report.pk})
    assert "me@example.com" in client.get(url).content.decode()
    viewed = AuditEvent.objects.get(action="viewed_information_report")
    assert viewed.object_id == str(report.pk) and "me@example.com" not in viewed.detail
    empty = client.post(url, {"resolution": ""})
    assert empty.status_code == 400 and "Enter what you did" in empty.content.decode()
    response = client.post(url, {"resolution": "Phone number corrected with the club."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resolved_by == world.commissioner and report.resolved_at is not None
    assert AuditEvent.objects.filter(action="resolved_information_report").count() == 1
    open_page = client.get(reverse("listings:staff_reports", kwargs=COUNCIL)).content.decode()
    assert "No open reports." in open_page
    resolved = client.get(reverse("listings:staff_reports", kwargs=COUNCIL) + "?show=resolved")
    assert "The phone rings out." in resolved.content.decode()


def test_reporters_emails_are_only_for_that_councils_directory_staff(
    client: Client, world: World
) -> None:
    report = InformationReport.objects.create(
        service=world.service, problem="Wrong", reporter_email="me@example.com"
    )
    url = reverse("listings:staff_report", kwargs={**COUNCIL, "pk": report.pk})
    client.force_login(world.provider)
    assert client.get(url).status_code == 403
    practitioner = User.objects.create_user("practitioner", password=PASSWORD)
    Membership.objects.create(user=practitioner, local_authority=world.stoke, role="practitioner")
    client.force_login(practitioner)
    assert client.get(url).status_code == 403
    outsider = User.objects.create_user("coventry", password=PASSWORD)
    Membership.objects.create(user=outsider, local_authority=world.coventry, role="commissioner")
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    coventry = reverse("listings:staff_report", kwargs={"council": "coventry", "pk": report.pk})
    assert client.get(coventry).status_code == 404
    listing = client.get(reverse("listings:staff_reports", kwargs={"council": "coventry"}))
    assert "me@example.com" not in listing.content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_reporters_emails_are_forgotten_after_resolution(world: World) -> None:
    old = InformationReport.objects.create(
        service=world.service,
        problem="Wrong",
        reporter_email="old@example.com",
        resolved_at=timezone.now() - timedelta(days=91),
        resolution="Fixed",
    )
    recent = InformationReport.objects.create(
        service=world.service,
        problem="Wrong",
        reporter_email="recent@example.com",
        resolved_at=timezone.now() - timedelta(days=5),
    )
    waiting = InformationReport.objects.create(
        service=world.service, problem="Wrong", reporter_email="open@example.com"
    )
    out = StringIO()
    call_command("directory", "forget-reporters", "--dry-run", stdout=out)
    assert "would blank the reporter's email on 1 report(s)" in out.getvalue()
    old.refresh_from_db()
    assert old.reporter_email == "old@example.com"
    out = StringIO()
    call_command("directory", "forget-reporters", stdout=out)
    assert "blanked the reporter's email on 1 report(s) resolved over 90 days ago" in out.getvalue()
    assert "@" not in out.getvalue()
    for report, email in ((old, ""), (recent, "recent@example.com"), (waiting, "open@example.com")):
        report.refresh_from_db()
        assert report.reporter_email == email
    assert old.problem == "Wrong" and old.resolution == "Fixed"
    assert AuditEvent.objects.filter(action="forgot_reporter_emails").count() == 1


def test_the_staff_pager_keeps_other_parameters_and_says_where_you_are():
    """includes/page_nav.html serves the reports and reviews queues."""
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(range(120), 50).page(2)
    html = render_to_string(
        "includes/page_nav.html", {"page": page, "label": "reports", "query": "show=open&"}
    )
    assert 'aria-label="Pages of reports"' in html
    assert 'href="?show=open&amp;page=1" rel="prev"' in html
    assert 'href="?show=open&amp;page=3" rel="next"' in html
    assert "Page 2 of 3" in html
    single = Paginator(range(3), 50).page(1)
    assert "govuk-pagination" not in render_to_string("includes/page_nav.html", {"page": single})
