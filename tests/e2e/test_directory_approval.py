"""A provider proposes a change to their listing, a commissioner reviews the diff and approves
it, and residents see the new words. axe checks the provider's form and the staff diff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caremarket.directory.models import ListingChange, Service
from tests.directory.test_editorial import PASSWORD, World, make_world
from tests.e2e.conftest import assert_accessible

NEW_WORDS = "Hot lunch, a quiz and company on Tuesdays and Thursdays."


@pytest.fixture
def world(transactional_db: None) -> World:
    return make_world()


def sign_in(page, username: str) -> None:
    page.goto("/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")


def test_propose_review_approve_and_publish(page, world: World) -> None:
    sign_in(page, "provider")
    page.goto("/directory/manage/")
    assert "Longton Coffee Morning" not in page.locator("main").inner_text()
    page.get_by_role("link", name="Meir Lunch Club").click()
    assert_accessible(page)

    # A mistake first: the error summary links to the field, and the page stays accessible.
    page.fill("#id_description", "")
    page.get_by_role("button", name="Send for approval").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter description" in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link", name="Enter description").click()
    assert page.evaluate("document.activeElement.id") == "id_description"

    page.fill("#id_description", NEW_WORDS)
    page.get_by_label("Meals and food").check()
    page.get_by_role("button", name="Send for approval").click()
    assert "waiting for the council" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#change-state").inner_text() == "Waiting for approval"
    service = Service.objects.get(name="Meir Lunch Club")
    assert service.description != NEW_WORDS  # nothing is live until approved
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "commissioner")
    page.goto("/staff/stoke-on-trent/directory/")
    page.get_by_role("link", name="Meir Lunch Club").click()
    description = page.locator("#diff-description")
    assert "Hot lunch and company on Tuesdays." in description.inner_text()
    assert NEW_WORDS in description.inner_text() and "Changed" in description.inner_text()
    assert "Not changed" in page.locator("#diff-phone").inner_text()
    assert_accessible(page)
    page.get_by_label("Approve and publish").check()
    page.get_by_role("button", name="Save decision").click()
    assert "Change approved" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#change-state").inner_text() == "Approved"
    assert "History of this listing" in page.locator("main").inner_text()

    service.refresh_from_db()
    assert service.description == NEW_WORDS
    assert ListingChange.objects.get().state == "approved"
    page.get_by_role("button", name="Sign out").click()
    page.goto(reverse("directory:service", kwargs={"pk": service.pk}))
    assert NEW_WORDS in page.locator("main").inner_text()
    assert not page.js_errors, page.js_errors


def test_a_resident_reports_wrong_information_and_staff_resolve_it(page, world: World) -> None:
    service = Service.objects.get(name="Meir Lunch Club")
    page.goto(reverse("directory:service", kwargs={"pk": service.pk}))
    page.get_by_role("link", name="Report something wrong with this listing").click()
    assert page.url.endswith(f"/directory/services/{service.pk}/report/")
    assert_accessible(page)
    page.get_by_label("Your email address (optional)").fill("not an email")
    page.get_by_role("button", name="Send report").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter what is wrong with the listing" in summary.inner_text()
    assert "Enter an email address in the correct format" in summary.inner_text()
    assert_accessible(page)
    page.get_by_label("What is wrong?").fill("The club now meets on Thursdays.")
    page.get_by_label("Your email address (optional)").fill("resident@example.com")
    page.get_by_role("button", name="Send report").click()
    assert "Thank you, your report has been sent" in page.locator("h1").inner_text()
    assert_accessible(page)

    sign_in(page, "commissioner")
    page.goto("/staff/stoke-on-trent/directory/")
    assert page.locator("#reports-count").inner_text() == "1"
    assert_accessible(page)
    page.get_by_role("link", name="open reports from the public").click()
    assert "resident@example.com" in page.locator("#reports").inner_text()
    assert_accessible(page)
    page.locator("#reports a").first.click()
    page.get_by_label("What you did").fill("Checked with the club and corrected the day.")
    page.get_by_role("button", name="Resolve").click()
    assert "Report resolved" in page.locator(".govuk-notification-banner").inner_text()
    Service.objects.filter(name="Longton Coffee Morning").update(
        review_due=timezone.localdate() - timedelta(days=1)
    )
    page.goto("/staff/stoke-on-trent/directory/reviews/")
    assert "Longton Coffee Morning" in page.locator("#lapsed").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Mark reviewed Longton Coffee Morning").click()
    assert "marked as reviewed" in page.locator(".govuk-notification-banner").inner_text()
    assert "No listings are past their review date" in page.locator("main").inner_text()
    assert not page.js_errors, page.js_errors
