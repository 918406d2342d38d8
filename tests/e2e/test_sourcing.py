"""Sourcing in a browser, with axe on each kind of page: a broker posts a home-care request, two
providers offer and the broker accepts one, the other is told; a care home reports a vacancy
and a placement request is matched on it and placed; an extra care expression of interest goes
through the panel and a nomination to a move. Run once, on SQLite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caremarket.market.models import Scheme
from tests.e2e.conftest import assert_accessible, assert_fits
from tests.sourcing.helpers import Brokerage, make_brokerage

pytestmark = pytest.mark.sqlite_only
STOKE = {"council": "stoke-on-trent"}


@pytest.fixture
def b(transactional_db: None) -> Brokerage:
    made = make_brokerage()
    for home in (made.world.home, made.world.other_home):
        home.area = made.ward
        home.save(update_fields=["area"])
    return made


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-password-1")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")


def day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).strftime("%d/%m/%Y")


def offer(page, request_path: str, service: str, price: str) -> None:
    page.goto(request_path)
    page.get_by_label(service).check()
    page.fill("#id_start_on", day(0))
    page.fill("#id_weekly_price", price)
    page.get_by_role("button", name="Send the offer").click()
    assert "is sent to the council" in page.locator(".govuk-notification-banner").inner_text()


def test_home_care_request_two_offers_one_accepted_the_other_told(page, b: Brokerage) -> None:
    sign_in(page, "stoke-practitioner")
    page.goto(reverse("sourcing:new_request", kwargs=STOKE))
    page.get_by_role("button", name="Post the request").click()  # nothing filled in
    assert (
        "Choose the service the person needs" in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.get_by_label("Home care").check()
    page.select_option("#id_area", value=str(b.ward.pk))
    page.fill("#id_calls_per_day", "4")
    page.get_by_label("30 minutes").check()
    page.fill("#id_days_per_week", "7")
    page.fill("#id_referred_on", day(3))
    page.fill("#id_start_on", day(1))
    page.get_by_label("Council", exact=True).check()
    page.fill("#id_person_name", "Edith Invented")
    page.fill("#id_person_address", "12 Imaginary Road")
    page.get_by_role("button", name="Post the request").click()
    assert "was sent to 2 providers" in page.locator(".govuk-notification-banner").inner_text()
    assert "Under a placement stop" in page.locator("#matches").inner_text()
    assert_fits(page)
    request_path = page.url.split(page.url.split("/staff/")[0])[1]
    pk = request_path.rstrip("/").rsplit("/", 1)[1]
    provider_path = reverse("sourcing:provider_request", kwargs={"pk": pk})

    sign_in(page, "grange-provider")
    page.goto(provider_path)
    assert "Edith Invented" not in page.content()
    assert_accessible(page)
    offer(page, provider_path, "Meir Grange", "399.28")
    sign_in(page, "other-provider")
    offer(page, provider_path, "Longton Lodge", "420.00")

    sign_in(page, "stoke-practitioner")
    page.goto(request_path)
    assert_accessible(page)
    page.get_by_role("button", name="Accept the offer from Meir Grange").click()
    assert "The other providers are told" in page.locator(".govuk-notification-banner").inner_text()
    assert "Not chosen" in page.locator("#offers").inner_text()

    sign_in(page, "other-provider")
    page.goto(reverse("sourcing:provider_requests"))
    assert "Your offer: not chosen." in page.locator("#requests").inner_text()
    page.goto(provider_path)
    assert "Edith Invented" not in page.content()
    sign_in(page, "grange-provider")
    page.goto(provider_path)
    assert "Edith Invented" in page.locator("#person").inner_text()
    assert_accessible(page)


def test_care_home_placement_matched_on_a_vacancy(page, b: Brokerage) -> None:
    sign_in(page, "grange-provider")
    page.goto(reverse("sourcing:provider_vacancies"))
    page.get_by_role("link", name="Meir Grange").click()
    page.fill("#id_dementia_residential", "lots")
    page.get_by_role("button", name="Save vacancies").click()
    assert "must be a whole number" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.fill("#id_dementia_residential", "1")
    page.get_by_role("button", name="Save vacancies").click()
    assert "Dementia residential 1" in page.locator("#homes").inner_text()
    assert_accessible(page)

    sign_in(page, "stoke-practitioner")
    page.goto(reverse("sourcing:vacancies", kwargs=STOKE))
    assert "The home's own update" in page.locator("#homes").inner_text()
    assert_fits(page)
    page.goto(reverse("sourcing:new_placement", kwargs=STOKE))
    page.get_by_label("Dementia residential").check()
    page.select_option("#id_area", value=str(b.ward.parent_id))
    page.fill("#id_referred_on", day(2))
    page.fill("#id_start_on", day(0))
    page.get_by_label("Council", exact=True).check()
    page.fill("#id_person_name", "Winifred Invented")
    page.fill("#id_person_address", "3 Imaginary Lane")
    assert_accessible(page)
    page.get_by_role("button", name="Post the request").click()
    assert "was sent to 1 care home." in page.locator(".govuk-notification-banner").inner_text()
    matches = page.locator("#matches").inner_text()
    assert "1 dementia residential vacancy" in matches
    assert "No vacancies reported" in matches
    assert_accessible(page)
    request_path = page.url.split("/staff/", 1)[1]
    pk = request_path.rstrip("/").rsplit("/", 1)[1]

    sign_in(page, "grange-provider")
    offer(page, reverse("sourcing:provider_request", kwargs={"pk": pk}), "Meir Grange", "812.50")
    sign_in(page, "stoke-practitioner")
    page.goto(reverse("sourcing:request", kwargs={**STOKE, "pk": pk}))
    page.get_by_role("button", name="Accept the offer from Meir Grange").click()
    assert "a dementia residential bed" in page.locator("#placement").inner_text()
    page.goto(reverse("sourcing:placements", kwargs=STOKE))
    assert "Meir Grange" in page.locator("#per-home").inner_text()
    assert_fits(page)


def test_extra_care_expression_of_interest_to_a_move(page, b: Brokerage) -> None:
    Scheme.objects.create(
        local_authority=b.world.stoke,
        kind=Scheme.Kind.EXTRA_CARE,
        name="Oak Priory",
        units=60,
        source="Test",
        import_run=b.world.home.import_run,
        source_row=1,
    )
    sign_in(page, "stoke-practitioner")
    page.goto(reverse("sourcing:extra_care", kwargs=STOKE))
    assert_fits(page)
    page.get_by_role("link", name="Oak Priory").click()
    page.fill("#id_nomination_rights", "40")
    page.fill("#id_voids", "2")
    page.fill("#id_voids_on", day(0))
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record a referral").click()
    page.get_by_role("button", name="Record the referral").click()
    assert "Choose how it came" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Expression of interest to the council").check()
    page.select_option("#id_scheme", label="Oak Priory")
    page.fill("#id_person_name", "Ada Invented")
    page.fill("#id_received_on", day(20))
    page.get_by_role("button", name="Record the referral").click()
    assert "Waiting for the panel" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("button", name="Record the panel's decision").click()
    assert "Say whether the person is eligible" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.locator("#id_eligible_0").check()
    page.locator("#id_suitable_0").check()
    page.fill("#id_panel_reason", "Needs met by the scheme's care team")
    page.fill("#id_panel_on", day(10))
    page.get_by_role("button", name="Record the panel's decision").click()
    assert "has 2 empty flats free to nominate to" in page.content()
    page.fill("#id_flat", "Flat 14")
    page.fill("#id_nominated_on", day(5))
    page.get_by_role("button", name="Nominate to the flat").click()
    page.fill("#id_placed_on", day(1))
    page.get_by_role("button", name="Record the move").click()
    assert "Moved in" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    page.goto(reverse("sourcing:extra_care_table", kwargs=STOKE))
    cells = page.locator("#extra-care-table tbody tr").first.inner_text()
    assert cells.split()[-3:] == ["1", "1", "1"]
    assert_fits(page)
