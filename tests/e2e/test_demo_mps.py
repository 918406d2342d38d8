"""The demo's published statement and directory, from the seeds, in the browser; axe-clean."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.e2e.conftest import assert_accessible


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
    assert "Sources of the figures in this statement" in main.inner_text()
    assert_accessible(page)
    page.goto("/market-opportunities/")
    assert "Residential care beds" in page.locator("main").inner_text()
    assert_accessible(page)
    # The demo directory: the three councils' services from their own documents.
    page.goto("/directory/?q=carers&postcode=Stoke-on-Trent")
    results = page.locator("main").inner_text()
    assert "Carers" in results and "We could not find" not in results
    assert_accessible(page)
