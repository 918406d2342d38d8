"""Brokerage pages: a broker posts, providers offer, the broker accepts one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import AuditEvent
from caremarket.sourcing.models import CareRequest, Offer, Package, SentTo
from tests.quality.helpers import user
from tests.sourcing.helpers import Brokerage, make_brokerage

NAME, ADDRESS = "Edith Invented-Person", "12 Imaginary Road, Meir, ST3 7ZZ"


@pytest.fixture
def b(db: None) -> Brokerage:
    return make_brokerage()


def url(name: str, b: Brokerage, **kwargs: object) -> str:
    return reverse(f"sourcing:{name}", kwargs={"council": b.world.stoke.slug, **kwargs})


def request_form(b: Brokerage, **changes: object) -> dict[str, object]:
    return {
        "service_kind": "home_care",
        "area": str(b.ward.pk),
        "calls_per_day": "4",
        "minutes": "30",
        "days_per_week": "7",
        "referred_on": "31/05/2024",
        "start_on": "03/06/2024",
        "needs": ["dementia"],
        "funding": "council",
        "summary": "Needs prompting with medicines at each call.",
        "person_name": NAME,
        "person_address": ADDRESS,
        **changes,
    }


def post_request(client: Client, b: Brokerage) -> CareRequest:
    client.force_login(b.broker)
    response = client.post(url("new_request", b), request_form(b), follow=True)
    assert "was sent to 2 providers" in response.content.decode()
    return CareRequest.objects.get()


def offer(client: Client, who: object, item: CareRequest, location: object, price: str) -> str:
    client.force_login(who)  # type: ignore[arg-type]
    page = reverse("sourcing:provider_request", kwargs={"pk": item.pk})
    form = {"location": str(location.pk), "start_on": "03/06/2024", "weekly_price": price}  # type: ignore[attr-defined]
    return client.post(page, form, follow=True).content.decode()


def test_a_request_goes_to_eligible_providers_with_reasons_for_each(
    client: Client, b: Brokerage
) -> None:
    item = post_request(client, b)
    assert item.hours_per_week == 14
    sent = set(SentTo.objects.values_list("location__name", flat=True))
    assert sent == {"Meir Grange", "Longton Lodge"}
    page = client.get(url("request", b, pk=item.pk)).content.decode()
    assert "Under a placement stop (full placement stop: no new placements)" in page
    assert "Has 40 hours spare a week, 14 hours asked for" in page
    assert "Offers: dementia" in page
    assert NAME in page
    assert AuditEvent.objects.filter(action="sourcing: request posted").count() == 1
    # viewed after posting, and now
    assert AuditEvent.objects.filter(action="sourcing: request viewed").count() == 2


def test_providers_offer_the_broker_accepts_one_and_the_other_is_told(
    client: Client, b: Brokerage
) -> None:
    w = b.world
    item = post_request(client, b)
    provider_page = reverse("sourcing:provider_request", kwargs={"pk": item.pk})

    # Before acceptance: the summary, never the person.
    client.force_login(w.provider)
    page = client.get(provider_page).content.decode()
    assert "Meir North" in page and "Needs prompting with medicines" in page
    assert NAME not in page and ADDRESS not in page
    assert "Meir North" in client.get(reverse("sourcing:provider_requests")).content.decode()

    # A provider cannot offer from another's location.
    page = offer(client, w.provider, item, w.other_home, "100")
    assert "Choose one of your services this request was sent to" in page
    assert "Your offer on" in offer(client, w.provider, item, w.home, "399.28")
    assert "Your offer on" in offer(client, w.other_provider, item, w.other_home, "420.00")
    # Each provider sees only its own offer.
    page = client.get(provider_page).content.decode()
    assert "420.00" in page and "399.28" not in page
    # Nor offer twice.
    page = offer(client, w.provider, item, w.home, "100")
    assert "You have already made an offer from each of your services" in page
    assert Offer.objects.count() == 2

    client.force_login(b.broker)
    chosen = Offer.objects.get(location=w.other_home)
    response = client.post(url("accept", b, pk=item.pk), {"offer": chosen.pk}, follow=True)
    assert "Offer from Longton Lodge accepted" in response.content.decode()
    package = Package.objects.get()
    assert (package.location, package.weekly_cost, package.hours_per_week) == (
        w.other_home,
        420,
        14,
    )
    item.refresh_from_db()
    assert item.status == CareRequest.Status.SOURCED
    assert Offer.objects.get(location=w.home).status == Offer.Status.NOT_CHOSEN

    # The chosen provider now sees the person; the other is told it was not chosen, and no more.
    client.force_login(w.other_provider)
    page = client.get(provider_page).content.decode()
    assert NAME in page and ADDRESS in page
    assert AuditEvent.objects.filter(action="sourcing: person's details shown to provider").exists()
    client.force_login(w.provider)
    page = client.get(provider_page).content.decode()
    assert "Not chosen" in page and NAME not in page

    # A second acceptance changes nothing.
    client.force_login(b.broker)
    other = Offer.objects.get(location=w.home)
    response = client.post(url("accept", b, pk=item.pk), {"offer": other.pk}, follow=True)
    assert "has already been sourced" in response.content.decode()
    assert Package.objects.count() == 1


def test_a_provider_never_sees_a_request_not_sent_to_it(client: Client, b: Brokerage) -> None:
    item = post_request(client, b)
    SentTo.objects.filter(location=b.world.home).delete()
    client.force_login(b.world.provider)
    assert client.get(reverse("sourcing:provider_requests")).content.decode().count("CR-") == 0
    page = reverse("sourcing:provider_request", kwargs={"pk": item.pk})
    assert client.get(page).status_code == 404
    assert client.post(page, {"location": b.world.home.pk}).status_code == 404


def test_another_councils_broker_cannot_open_the_request(client: Client, b: Brokerage) -> None:
    item = post_request(client, b)
    client.force_login(b.coventry_broker)
    assert client.get(url("request", b, pk=item.pk)).status_code == 403
    coventry = reverse("sourcing:request", kwargs={"council": "coventry", "pk": item.pk})
    assert client.get(coventry).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_on": "30/05/2024"}, "Care needed from must be on or after the referral date"),
        ({"calls_per_day": "9"}, "Calls a day must be a whole number from 1 to 8"),
        ({"calls_per_day": "lots"}, "Calls a day must be a whole number from 1 to 8"),
        ({"minutes": "5"}, "Choose the length of each call"),
        ({"referred_on": "31/02/2024"}, "Date of referral must be a real date"),
        ({"area": "999999"}, "Choose the ward the person lives in from the list"),
        ({"needs": ["flying"]}, "Choose specialist needs from the list"),
        ({"person_name": ""}, "Enter person"),
        ({"summary": "x" * 5000}, "2000 characters or fewer"),
    ],
)
def test_bad_requests_are_refused_with_a_message_and_nothing_saved(
    client: Client, b: Brokerage, changes: dict[str, object], message: str
) -> None:
    client.force_login(b.broker)
    page = client.post(url("new_request", b), request_form(b, **changes)).content.decode()
    assert message in page.replace("&#x27;", "'")
    assert not CareRequest.objects.exists()


@pytest.mark.parametrize(
    ("price", "start", "message"),
    [
        ("-5", "03/06/2024", "Price a week must be more than £0"),
        ("1e9", "03/06/2024", "less than £100,000"),
        ("12.345", "03/06/2024", "pounds and pence"),
        ("399.28", "01/05/2024", "on or after 31 May 2024"),
    ],
)
def test_bad_offers_are_refused(
    client: Client, b: Brokerage, price: str, start: str, message: str
) -> None:
    item = post_request(client, b)
    client.force_login(b.world.provider)
    page = reverse("sourcing:provider_request", kwargs={"pk": item.pk})
    form = {"location": b.world.home.pk, "start_on": start, "weekly_price": price}
    assert message in client.post(page, form).content.decode()
    assert not Offer.objects.exists()


def body(page: str, by: str) -> str:
    table = page.split(f'id="table-time-to-source-by-{by}"', 1)[1].split("</table>", 1)[0]
    return table.split("<tbody", 1)[1]


def cells(page: str, by: str) -> list[str]:
    return [c.split("<", 1)[0] for c in body(page, by).split('numeric">')[1:]]


def test_time_to_source_report(client: Client, b: Brokerage) -> None:
    """Referral to accepted offer: referred Friday 31 May, accepted Monday 3 June (3 days);
    the package's start date (10 June) plays no part."""
    item = post_request(client, b)
    offer(client, b.world.provider, item, b.world.home, "399.28")
    client.force_login(b.broker)
    client.post(url("accept", b, pk=item.pk), {"offer": Offer.objects.get().pk})
    accepted = datetime(2024, 6, 3, 23, 30, tzinfo=UTC)  # 00:30 on 4 June in London (BST)
    Offer.objects.update(decided_at=accepted - timedelta(hours=1), start_on=date(2024, 6, 10))
    page = client.get(url("report", b)).content.decode()
    assert "June 2024" in body(page, "month")
    assert cells(page, "month") == ["1", "3.0", "3.0", "3"]  # one request, 31 May → 3 June
    assert "Meir North" not in page and "Longton" in page  # by area: the ward's locality
    Offer.objects.update(decided_at=accepted)  # after midnight in London: 4 June, 4 days
    page = client.get(url("report", b)).content.decode()
    assert cells(page, "service") == ["1", "4.0", "4.0", "4"]


def test_unsourced_past_n_days_and_bad_numbers(client: Client, b: Brokerage) -> None:
    client.force_login(b.broker)
    today = timezone.localdate()
    for waited in (3, 20):
        day = (today - timedelta(days=waited)).strftime("%d/%m/%Y")
        client.post(url("new_request", b), request_form(b, referred_on=day, start_on=day))
    old, recent = CareRequest.objects.order_by("referred_on")

    def listed(query: str) -> str:
        page = client.get(url("report", b) + query).content.decode()
        return page.split('id="waiting-heading"', 1)[1]

    assert old.reference in listed("") and recent.reference not in listed("")  # 14 by default
    assert recent.reference in listed("?days=2") and "more than 2 days" in listed("?days=2")
    assert old.reference not in listed("?days=20")
    for bad in ("-1", "x", "1.5", "99999", "1e3"):
        page = listed(f"?days={bad}")
        assert "Days must be a whole number from 0 to 3,650" in page
        assert old.reference in page and recent.reference not in page  # the default, 14


def test_a_commissioner_reads_time_to_source_without_links_into_requests(
    client: Client, b: Brokerage
) -> None:
    client.force_login(b.broker)
    client.post(url("new_request", b), request_form(b, referred_on="01/01/2024"))
    item = CareRequest.objects.get()
    link = url("request", b, pk=item.pk)
    assert link in client.get(url("report", b)).content.decode()
    client.force_login(user("stoke-commissioner", b.world.stoke, "commissioner"))
    page = client.get(url("report", b)).content.decode()
    assert item.reference in page.split("Waiting more than", 1)[1]
    assert link not in page


def test_the_contract_register_shows_rates_by_call_length_and_holders(
    client: Client, b: Brokerage
) -> None:
    client.force_login(b.broker)
    page = client.get(url("contracts", b)).content.decode()
    assert "1 hour £23.76; 45 minutes £19.01; 30 minutes £14.26" in page
    assert "Meir Grange: Longton; 40 spare hours a week" in page
    assert "Framework agreement" in page


def test_a_provider_with_offers_from_two_homes_reads_each_in_its_list(
    client: Client, b: Brokerage
) -> None:
    """Two of one provider's services offer on one request: the list names each offer's
    service, and hours read as people write them (10.5, not 10.50)."""
    w = b.world
    w.other_home.provider = w.home.provider
    w.other_home.save(update_fields=["provider"])
    item = post_request(client, b)
    CareRequest.objects.filter(pk=item.pk).update(hours_per_week="10.50")
    offer(client, w.provider, item, w.home, "399.28")
    offer(client, w.provider, item, w.other_home, "420.00")
    client.force_login(w.provider)
    listing = client.get(reverse("sourcing:provider_requests")).content.decode()
    assert "10.5 hours a week" in listing and "10.50" not in listing
    assert (
        f"Your offers: waiting for the council ({w.home.name}); "
        f"waiting for the council ({w.other_home.name})."
    ) in listing or (
        f"Your offers: waiting for the council ({w.other_home.name}); "
        f"waiting for the council ({w.home.name})."
    ) in listing
