"""A commissioner builds, saves and compares sufficiency scenarios in the browser."""

from __future__ import annotations

import json

import pytest

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority
from tests.e2e.conftest import assert_accessible, assert_fits
from tests.planning.test_scenarios import single_years


@pytest.fixture
def commissioner(request, transactional_db):
    if request.config.getoption("--postgresql"):
        pytest.skip("browser flow runs once, on SQLite")
    council = LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")
    single_years(council)
    user = User.objects.create_user("commissioner", password="a long enough password")
    Membership.objects.create(user=user, local_authority=council, role="commissioner")
    return user


def sign_in(page):
    page.goto("/sign-in/")
    page.fill("#id_username", "commissioner")
    page.fill("#id_password", "a long enough password")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")


def test_a_scenario_built_only_from_forms_then_one_in_json_compared(page, commissioner):
    sign_in(page)
    page.goto("/staff/stoke-on-trent/sufficiency/")
    assert_fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#new_name", "Baseline")
    page.get_by_label("Residential care beds: 65 per 1,000 people", exact=False).check()
    page.get_by_role("button", name="Create and calculate").click()
    table = page.locator("#sufficiency-table").inner_text()
    assert "Residential care beds" in table and "1,040" in table  # 65 per 1,000 of 16,000
    assert "_" not in table
    assert page.locator("svg.cm-chart").count() == page.locator("svg.cm-chart[role=img]").count()
    assert_fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    models = json.loads(page.input_value("#id_models_text"))
    models[0]["per_1000"] = 58.5
    models[0].pop("preset", None)
    models[0].pop("preset_rate", None)
    models[0]["cohort"] = {"age_from": 75}
    page.goto("/staff/stoke-on-trent/sufficiency/")
    page.get_by_text("Advanced: write every model as JSON").click()
    page.fill("#id_name", "10% of residential demand met by extra care")
    page.fill("#id_models_text", json.dumps(models))
    page.get_by_role("button", name="Save and calculate").click()
    page.get_by_role("link", name="Compare with another scenario").click()
    assert page.locator("#compare-table tbody tr").count() > 0
    text = page.locator("#compare-table").inner_text()
    assert "936" in text and "1,040" in text  # 16,000 aged 75+ × 58.5 and × 65 per 1,000
    assert_accessible(page)


def test_add_a_cited_model_and_read_how_it_was_worked_out(page, commissioner):
    sign_in(page)
    page.goto("/staff/stoke-on-trent/sufficiency/")
    page.fill("#new_name", "Baseline")
    page.get_by_role("button", name="Create and calculate").click()
    page.get_by_role("link", name="Add a model").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add and calculate").click()  # nothing filled in
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.fill("#id_service", "Dementia nursing")
    page.get_by_label("Dementia specific: 6 per 1,000 people aged 75 and over", exact=False).check()
    page.fill("#id_supply", "40")
    page.get_by_role("button", name="Add and calculate").click()
    row = page.locator("#sufficiency-table tbody tr", has_text="Dementia nursing").first
    assert "96" in row.inner_text()  # 6 per 1,000 of 16,000 aged 75+
    page.locator(".govuk-details__summary-text", has_text="Dementia nursing").click()
    assert page.get_by_text("Dementia nursing: inputs by year").is_visible()
    assert_accessible(page)
