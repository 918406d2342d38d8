"""Two quality flows in a browser, with axe on each kind of page. A high-risk concern is
logged, shows overdue a day later (frozen clock), is escalated to a placement stop that staff
see on the directory listing, and the stop is lifted. An audit is drafted, commented on by the
provider, published as "Requires improvement", and the provider sends its action plan.
Run once, on SQLite: the PostgreSQL run covers the same views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from caremarket.quality import views
from caremarket.quality.models import Audit, Concern, PlacementStop
from tests.e2e.conftest import assert_accessible
from tests.quality.helpers import World, make_world

LOGGED = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # 00:30 BST on Sunday 25 October


@pytest.fixture
def world(request: pytest.FixtureRequest, transactional_db: None) -> World:
    if request.config.getoption("--postgresql"):
        pytest.skip("browser flow runs once, on SQLite")
    return make_world()


def sign_in(page, username: str) -> None:
    page.goto("/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-password-1")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")


def test_concern_overdue_stop_seen_in_the_directory_and_lifted(
    page, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = {"now": LOGGED}
    monkeypatch.setattr(views, "_now", lambda request: clock["now"])
    sign_in(page, "stoke-quality")
    page.get_by_role("link", name="Log a concern about a care provider").first.click()
    page.get_by_role("button", name="Log the concern").click()  # nothing filled in
    assert "Choose the risk" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.select_option("#id_location", label="Meir Grange, ST3 7AA")
    page.get_by_label("Hospital or health professional").check()
    page.get_by_label("High", exact=True).check()
    page.fill("#id_what", "Discharged with pressure sores not on the care plan.")
    page.get_by_role("button", name="Log the concern").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    # 24 clock hours across the clocks going back: 00:30 BST is due at 23:30 GMT.
    assert "must be dealt with by 23:30 on 25 October 2026" in banner
    assert_accessible(page)

    clock["now"] = LOGGED + timedelta(hours=25)
    page.goto(reverse("quality:dashboard", kwargs={"council": "stoke-on-trent"}))
    overdue = page.locator("#overdue")
    assert "1 concern overdue" in overdue.inner_text()
    assert_accessible(page)
    concern = Concern.objects.get()
    overdue.get_by_role("link", name=concern.reference, exact=False).click()
    assert "Overdue" in page.locator("#overdue").inner_text()
    page.get_by_role("link", name="Start a placement stop at Meir Grange").click()
    page.get_by_label("Full: no new placements").check()
    page.fill("#id_reason", "Pressure care not safe while the concern is investigated.")
    page.fill("#id_started_on", "25/10/2026")
    page.fill("#id_review_on", "8/11/2026")
    assert_accessible(page)
    page.get_by_role("button", name="Start the placement stop").click()
    assert page.locator("#status").inner_text() == "In force"

    listing = reverse("directory:service", kwargs={"pk": world.service.pk})
    page.goto(listing)
    banner = page.locator("#placement-stop")
    assert "Full placement stop: no new placements" in banner.inner_text()
    assert "Stoke-on-Trent" in banner.inner_text()
    assert_accessible(page)

    stop = PlacementStop.objects.get()
    page.goto(reverse("quality:stop", kwargs={"council": "stoke-on-trent", "pk": stop.pk}))
    page.fill("#id_lifted_on", "6/11/2026")
    page.fill("#id_lift_note", "Pressure care audit passed; staff retrained.")
    page.get_by_role("button", name="Save").click()
    assert "Lifted on 6 November 2026 by stoke-quality" in page.locator("#status").inner_text()
    page.goto(listing)
    assert page.locator("#placement-stop").count() == 0


def test_audit_drafted_commented_published_and_action_plan_sent(page, world: World) -> None:
    sign_in(page, "stoke-quality")
    page.goto(
        reverse("quality:start_audit", kwargs={"council": "stoke-on-trent", "pk": world.home.pk})
    )
    page.fill("#id_visit_date", "3/11/2026")
    page.get_by_role("button", name="Start the audit").click()
    audit = Audit.objects.get()
    standards = list(audit.scores.values_list("standard_id", flat=True))
    for n, standard in enumerate(standards):
        page.check(f"input[name='rating-{standard}'][value='{'Poor' if n == 0 else 'Good'}']")
    page.fill(f"#evidence-{standards[0]}", "Two care plans not reviewed since spring.")
    assert_accessible(page)
    page.get_by_role("button", name="Share the draft with the provider").click()
    assert "comments due by" in page.locator("#status").inner_text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "grange-provider")
    page.get_by_role("link", name="Quality records about your services").click()
    page.get_by_role("link", name="Meir Grange, visit on 3 November 2026").click()
    assert_accessible(page)
    page.fill("#id_comments", "Both care plans were reviewed in September; copies attached.")
    page.get_by_role("button", name="Send comments").click()
    assert "your comments are sent" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "stoke-quality")
    page.goto(reverse("quality:audit", kwargs={"council": "stoke-on-trent", "pk": audit.pk}))
    assert "reviewed in September" in page.locator("#provider-comments").inner_text()
    page.get_by_role("button", name="Publish").click()
    # 15 Good and one Poor: 2.90 is Good by score, but a Poor standard holds it down.
    assert page.locator("#rating").inner_text().startswith("Requires improvement")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "grange-provider")
    page.goto(reverse("quality:provider_audit", kwargs={"pk": audit.pk}))
    issue = audit.scores.get(standard_id=standards[0])
    page.get_by_role("button", name="Send the action plan").click()  # nothing filled in
    assert "Enter an action for" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.fill(f"#action-{issue.pk}", "Review every care plan monthly; the deputy checks.")
    page.fill(f"#owner-{issue.pk}", "Registered manager")
    page.fill(f"#by-{issue.pk}", "1/12/2026")
    page.get_by_role("button", name="Send the action plan").click()
    assert "Sent on" in page.locator("#plan-status").inner_text()
