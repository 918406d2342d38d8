"""The demo's published statement and directory, from the seeds, in the browser; axe-clean."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_accessible, assert_fits


@pytest.fixture
def demo(transactional_db, settings):
    call_command("demo", "--no-migrate", stdout=io.StringIO())


def test_the_demo_statements_are_published_and_accessible(page, demo):
    page.goto("/councils/stoke-on-trent/mps/")
    page.get_by_role(
        "link", name="Adult Social Care Market Position Statement 2024–2028, edition 1"
    ).click()
    main = page.locator("main")
    assert "Sufficiency and gaps" in main.inner_text()
    assert page.locator("#table-sufficiency-gaps").count() == 1
    assert page.locator("#table-market-opportunities").count() == 1
    assert page.locator("#table-commissioning-pipeline").count() == 1
    assert page.locator("#table-expenditure-gbp-service").count() == 1
    assert "Sources of the figures in this Market Position Statement" in main.inner_text()
    assert_fits(page)  # the real statement: long sources, emails and tables on a phone
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/market-opportunities/")
    assert "Residential care beds" in page.locator("main").inner_text()
    assert_accessible(page)
    # The demo directory: the three councils' services from their own documents.
    page.goto("/directory/?q=carers&postcode=Stoke-on-Trent")
    results = page.locator("main").inner_text()
    assert "Carers" in results and "We could not find" not in results
    assert_accessible(page)
    find_care_near_you(page)
    council_data_and_opportunities(page)


SEARCHES = ("ST4 1AA", "ST4", "Burslem", "Longton", "CV1 4HT", "BA1")


def distances(page) -> list[float]:
    texts = page.locator(".cm-result dd").all_inner_texts()
    return [float(t.split()[0]) for t in texts if t.endswith("miles away")]


def find_care_near_you(page):
    """Searches near a postcode, an outward code, two of Stoke's towns, a Coventry postcode
    and a Bath outward code find register locations nearest first, with distances, on a
    desktop and on a phone (run inside the demo test: the demo loads once)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    for place in SEARCHES:
        page.goto(f"/directory/?postcode={place}&radius=5")
        heading = page.locator("#results-heading").inner_text()
        assert "within 5 miles of" in heading, (place, heading)
        miles = distances(page)
        assert len(miles) >= 3 and miles == sorted(miles), (place, miles)
    # What the place box matched, in words; the register's date; the OS attribution.
    page.goto("/directory/?postcode=Longtn&radius=5")
    matched = page.locator("#place-matched").inner_text()
    assert "We could not find “Longtn” exactly, so we searched near Longton, Stoke-on-Trent" in (
        matched
    )
    main = page.locator("main").inner_text()
    assert "From the CQC register of February 2016, a sample of the register" in main
    assert "Covers all of Stoke-on-Trent" in main
    assert "Contains OS data © Crown copyright" in page.locator("footer").inner_text()
    assert_accessible(page)
    page.locator(".cm-result h3 a").first.click()
    assert "Register details" in page.locator("main").inner_text()
    assert_accessible(page)
    # The ORUK API answers the same question.
    answer = page.request.get("/api/v1/oruk/service_at_locations?postcode=ST4+1AA&proximity=8000")
    assert answer.ok and answer.json()["total_items"] > 0

    # A phone: the first result on the first screen, the filters behind a control.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/directory/?postcode=Burslem")
    first = page.locator(".cm-result h3").first.bounding_box()
    assert first is not None and first["y"] + first["height"] <= 844, first
    filters = page.locator("details.cm-filters")
    assert filters.get_attribute("open") is None
    assert not page.get_by_label("Who it is for").is_visible()
    page.get_by_text("Filter results").click()
    assert page.get_by_label("Who it is for").is_visible()
    assert_accessible(page)


def council_data_and_opportunities(page):
    """A council's data page and the market opportunities, axe-clean with no sideways
    scrolling on a desktop and a phone (run inside the demo test: the demo loads once)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/councils/stoke-on-trent/")
    main = page.locator("main").text_content()  # the folded sections' tables too
    for words in ("Safeguarding", "Workforce", "Money", "COPD", "Stroke and TIA"):
        assert words in main, words
    assert "E06000021" not in main and ".csv" not in main
    assert page.locator("svg.cm-chart").count() > 10
    assert_fits(page)
    # a phone reader gets the sections first (it was 96,000 pixels tall): each folded
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.documentElement.scrollHeight") < 8000
    need = page.locator("#theme-need ~ details").first
    need.locator("summary").click()
    assert need.locator("svg.cm-chart").first.is_visible()
    assert need.locator("table").first.is_visible()
    assert_fits(page, (390,))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Market opportunities for care providers").click()
    main = page.locator("main").inner_text()
    assert "What Stoke-on-Trent says it needs" in main
    page.goto("/market-opportunities/?council=coventry")
    main = page.locator("main").inner_text()
    assert "A surplus of 165 residential care beds" in main and "Why they differ" in main
    assert_fits(page)
