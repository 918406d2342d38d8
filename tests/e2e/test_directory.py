"""The directory in Chromium: search by text, by need and by postcode, the place suggestions,
a service's page and the shortlist, with axe finding nothing on any of them."""

from __future__ import annotations

import re

import pytest

from caremarket.directory.models import Service
from caremarket.places.models import Area, LocalAuthority, Postcode
from tests.directory.test_search import BURSLEM, HANLEY, LONGTON, make_service
from tests.e2e.conftest import assert_accessible


@pytest.fixture
def directory(transactional_db):
    stoke = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
    Postcode.objects.create(
        postcode="ST1 1AA",
        outward="ST1",
        latitude=HANLEY[0],
        longitude=HANLEY[1],
        local_authority_code=stoke.code,
    )
    Area.objects.create(
        local_authority=stoke,
        kind="ward",
        name="Burslem Central",
        latitude=BURSLEM[0],
        longitude=BURSLEM[1],
    )
    make_service(
        "Longton memory café",
        description="A friendly afternoon for people with dementia and their carers.",
        organization="Alzheimer's Society",
        categories=["memory-problems", "carers-support"],
        point=LONGTON,
        council=stoke,
        phone="01782 222222",
    )
    make_service(
        "Burslem garden club",
        description="Gardening together every week.",
        categories=["social-groups"],
        point=BURSLEM,
        council=stoke,
    )
    make_service(
        "Stoke carers' helpline",
        kind=Service.Kind.CARERS_SUPPORT,
        categories=["carers-support"],
        council=stoke,
    )
    return stoke


def result_names(page) -> list[str]:
    return page.locator(".cm-result h3").all_inner_texts()


def test_search_by_text_then_open_a_service(page, directory):
    page.goto("/directory/")
    assert_accessible(page)
    page.fill("#id_q", "gardening")
    page.get_by_role("button", name="Search", exact=True).click()
    assert result_names(page) == ["Burslem garden club"]
    assert "1 result" in page.locator("#results-heading").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Burslem garden club").click()
    assert page.locator("h1").inner_text() == "Burslem garden club"
    assert_accessible(page)
    assert not page.js_errors, page.js_errors


def test_search_by_need_from_the_list_of_needs(page, directory):
    page.goto("/directory/")
    page.get_by_role("link", name="Memory problems").click()
    assert result_names(page) == ["Longton memory café"]
    assert page.locator("#category-memory-problems").is_checked()
    page.check("#category-carers-support")
    page.get_by_role("button", name="Apply filters").click()
    assert sorted(result_names(page)) == ["Longton memory café", "Stoke carers' helpline"]
    assert_accessible(page)
    assert not page.js_errors, page.js_errors


def test_search_by_postcode_nearest_first_with_miles(page, directory):
    page.goto("/directory/")
    page.fill("#id_postcode", "st1 1aa")
    page.select_option("#id_radius", "5")
    page.get_by_role("button", name="Search", exact=True).click()
    assert result_names(page) == [
        "Burslem garden club",
        "Longton memory café",
        "Stoke carers' helpline",
    ]
    text = page.locator(".cm-results").inner_text()
    assert "1.7 miles away" in text and "3.0 miles away" in text
    assert "Covers all of Stoke-on-Trent" in text
    assert "within 5 miles of ST1 1AA" in page.locator("#results-heading").inner_text()
    assert_accessible(page)
    assert not page.js_errors, page.js_errors


def test_an_unknown_postcode_gets_the_error_summary(page, directory):
    page.goto("/directory/?postcode=ZZ9+9ZZ")
    summary = page.locator(".govuk-error-summary")
    assert "We could not find the postcode ZZ9 9ZZ" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_the_place_box_suggests_places(page, directory):
    page.goto("/directory/")
    page.locator("#id_postcode").press_sequentially("Bursl")
    option = page.get_by_role("option", name="Burslem Central")
    option.wait_for()
    assert_accessible(page)
    option.click()
    page.get_by_role("button", name="Search", exact=True).click()
    assert result_names(page)[0] == "Burslem garden club"
    assert "Burslem Central, Stoke-on-Trent" in page.locator("#results-heading").inner_text()
    assert not page.js_errors, page.js_errors


def test_the_shortlist_add_print_and_remove(page, directory):
    page.goto("/directory/?q=memory")
    page.get_by_role(
        "button", name=re.compile(r"^Add to shortlist\s*: Longton memory café$")
    ).click()
    assert "Longton memory café is on your shortlist." in page.locator("main").inner_text()
    assert page.get_by_role(
        "button", name=re.compile(r"^Remove from shortlist\s*: Longton memory café$")
    ).count()
    page.goto("/directory/shortlist/")
    assert "01782 222222" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Print your shortlist").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Email it to yourself").click()
    assert_accessible(page)
    page.fill("#id_email", "resident@example.org")
    page.get_by_role("button", name="Send the email").click()
    assert "We have emailed your shortlist to you." in page.locator("main").inner_text()
    page.get_by_role(
        "button", name=re.compile(r"^Remove\s*Longton memory café\s*from shortlist$")
    ).click()
    assert "Your shortlist is empty" in page.locator("main").inner_text()
    assert_accessible(page)
    assert not page.js_errors, page.js_errors


def test_search_works_without_javascript(browser, live_server, directory):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/directory/")
    page.fill("#id_q", "café")
    page.fill("#id_postcode", "ST1")
    page.get_by_role("button", name="Search", exact=True).click()
    assert result_names(page) == ["Longton memory café"]
    page.get_by_role(
        "button", name=re.compile(r"^Add to shortlist\s*: Longton memory café$")
    ).click()
    page.goto("/directory/shortlist/")
    assert "Longton memory café" in page.locator("main").inner_text()
    assert not page.get_by_role("button", name="Print your shortlist").is_visible()
    context.close()
