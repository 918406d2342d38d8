"""A commissioner drafts, a second commissioner reviews and publishes, a provider reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority
from caremarket.statements import workflow
from tests.e2e.conftest import assert_accessible, assert_fits
from tests.statements.test_workflow import add_population


@pytest.fixture
def council(request, transactional_db):
    if request.config.getoption("--postgresql"):
        pytest.skip("browser flow runs once, on SQLite")
    la = LocalAuthority.objects.create(code="E08000026", name="Coventry", region="West Midlands")
    add_population(la)
    for name in ("writer", "reviewer"):
        user = User.objects.create_user(name, password="a long enough password")
        Membership.objects.create(user=user, local_authority=la, role="commissioner")
    provider = User.objects.create_user("provider", password="a long enough password")
    Membership.objects.create(user=provider, local_authority=la, role="provider")
    workflow.create_statement(la, period="2024–2029", slug="mps-2024-29", user=None)
    return la


def sign_in(page, username: str) -> None:
    page.goto("/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a long enough password")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")


def test_draft_review_publish_and_read(page, council):
    base = "/staff/coventry/mps/mps-2024-29/1/"
    sign_in(page, "writer")
    page.goto(base)
    page.get_by_role("link", name="Edit Introduction and purpose").click()
    page.fill(
        "#id_body",
        "Coventry wants **more home care** in the north of the city. Write to "
        "adultsocialcarecommissioningandcontracts@coventry.gov.uk.",
    )
    page.get_by_role("button", name="Save section").click()
    assert "saved" in page.locator(".govuk-notification-banner").inner_text()
    assert "more home care" in page.locator(".cm-preview").inner_text()
    page.get_by_role("button", name="Send for review").click()
    assert "You edited this edition last" in page.content()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "reviewer")
    page.goto(base)
    for box in page.locator("input[name=acknowledge]").all():
        box.check()
    page.get_by_role("button", name="Approve and publish").click()
    assert "Edition 1 published" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "provider")
    page.goto("/councils/coventry/mps/")
    assert_accessible(page)
    page.get_by_role(
        "link", name="Adult Social Care Market Position Statement 2024–2029, edition 1"
    ).click()
    assert "more home care" in page.locator("main").inner_text()
    assert page.locator("svg.cm-chart").count() >= 1
    assert page.locator("table.cm-data-table").count() >= 1
    assert_fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download this table as CSV").first.click()
    assert "Aged 65 and over" in Path(csv_download.value.path()).read_text(encoding="utf-8")
    response = page.request.get(
        page.get_by_role(
            "link", name="Download the Market Position Statement as a PDF"
        ).get_attribute("href")
    )
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    assert not page.js_errors, page.js_errors
