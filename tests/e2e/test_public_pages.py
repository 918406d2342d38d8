"""The public pages in a real browser: axe finds nothing, and they work with the keyboard."""

from __future__ import annotations

import pytest

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority, PopulationFigure
from tests.e2e.conftest import assert_accessible


@pytest.fixture
def council(transactional_db):
    la = LocalAuthority.objects.create(
        code="E06000021", name="Stoke-on-Trent", region="West Midlands"
    )
    for year, base in [(2024, 1000), (2029, 1100), (2034, 1250)]:
        for age_from, age_to, share in [(65, 74, 0.55), (75, 84, 0.32), (85, None, 0.13)]:
            PopulationFigure.objects.create(
                local_authority=la,
                year=year,
                age_from=age_from,
                age_to=age_to,
                kind="projection",
                value=base * share * 40,
                source="ONS 2022-based SNPP (e2e)",
            )
    return la


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/councils/",
        "/accessibility/",
        "/privacy/",
        "/cookies/",
        "/sign-in/",
        "/no-such-page/",
        "/market-opportunities/",
        "/councils/stoke-on-trent/mps/",
    ],
)
def test_public_page_has_no_axe_violations(page, council, path):
    response = page.goto(path)
    assert response.status in (200, 404)
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    assert not page.js_errors, page.js_errors


def test_council_page_shows_chart_and_table_and_passes_axe(page, council):
    page.goto(council.get_absolute_url())
    assert page.locator("svg.cm-chart[role=img]").count() == 1
    table = page.locator("#population-table")
    assert table.locator("tbody tr").count() == 3
    assert "ONS 2022-based SNPP (e2e)" in page.locator("figcaption").inner_text()
    assert_accessible(page)
    assert not page.js_errors, page.js_errors


def test_pages_work_without_javascript(browser, live_server, council):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(council.get_absolute_url())
    assert page.locator("#population-table tbody tr").count() == 3
    context.close()


def test_staff_sign_in_with_the_keyboard_only(page, council):
    user = User.objects.create_user("ada", password="a long enough password")
    Membership.objects.create(user=user, local_authority=council, role="council_admin")
    page.goto("/sign-in/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.focus("#id_username")
    page.keyboard.type("ada")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.fill("#id_password", "a long enough password")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")
    assert "Your work" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Audit log for Stoke-on-Trent").click()
    assert page.locator("table tbody tr").count() >= 1
    assert_accessible(page)
