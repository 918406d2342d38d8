"""An analyst imports the council's Client Level Data, reads 2A with its explanation, sets a
target on it and drafts the Local Account; a second commissioner publishes it; anyone reads
the measure against its target on the published page (axe-clean at a desktop and a phone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority
from tests.e2e.conftest import assert_fits
from tests.e2e.test_mps import sign_in  # the same password
from tests.outcomes.helpers import STOKE, sample_rows, write_cld
from tests.outcomes.test_ascof_command import add_population

PASSWORD = "a long enough password"  # as sign_in types it


@pytest.fixture
def stoke(transactional_db) -> LocalAuthority:
    council = LocalAuthority.objects.create(
        code=STOKE, name="Stoke-on-Trent", region="West Midlands", slug="stoke-on-trent"
    )
    add_population(council)
    for name in ("analyst", "reviewer"):
        user = User.objects.create_user(name, password=PASSWORD)
        Membership.objects.create(user=user, local_authority=council, role="commissioner")
    return council


def banner(page) -> str:
    return page.locator(".govuk-notification-banner").inner_text()


@pytest.mark.sqlite_only
def test_import_read_target_and_publish_the_local_account(page, stoke, tmp_path: Path) -> None:
    sign_in(page, "analyst")
    page.goto("/staff/stoke-on-trent/imports/")
    page.check("input[name=format][value=cld]")
    page.set_input_files("#id_file", str(write_cld(tmp_path, sample_rows())))
    page.get_by_role("button", name="Import").click()
    assert "written" in page.locator("main").inner_text()

    page.goto("/staff/stoke-on-trent/outcomes/ascof/?year=2024/25")
    measure = page.locator("#measure-2A")
    assert "People who had reablement" in measure.inner_text()
    assert "Reablement episodes of new clients" in page.locator("main").inner_text()
    page.get_by_role("link", name="Set a target for 2A, All ages").click()
    page.fill("#id_value", "80")
    page.check("input[name=direction][value=higher]")
    page.get_by_role("button", name="Set the target").click()
    assert "ASCOF 2A: All ages" in page.locator("main").inner_text()

    page.goto("/staff/stoke-on-trent/local-accounts/")
    page.fill("#id_period", "2024-25")
    page.fill("#id_slug", "local-account-2024-25")
    page.get_by_role("button", name="Create the Local Account").click()
    assert "Local Account created" in banner(page)
    preview = page.locator(".cm-preview").inner_text()
    assert "Met the target" in preview and "Market Position Statement" not in preview
    page.get_by_role("button", name="Send for review").click()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "reviewer")
    page.goto("/staff/stoke-on-trent/local-accounts/local-account-2024-25/1/")
    for box in page.locator("input[name=acknowledge]").all():
        box.check()
    page.get_by_role("button", name="Approve and publish").click()
    assert "Edition 1 published" in banner(page)
    page.get_by_role("button", name="Sign out").click()

    page.goto("/councils/stoke-on-trent/")
    page.get_by_role("link", name="Adult Social Care Local Account 2024/25").click()
    row = page.locator("#table-ascof-measures tr", has_text="New clients who needed")
    assert row.locator("td").all_inner_texts() == [
        "All ages", "1", "1", "100.0%", "80.0%", "Met the target"
    ]  # fmt: skip
    assert "Target 80.0%, actual 100.0%: met the target" in page.locator("main").inner_text()
    assert_fits(page)
    assert not page.js_errors, page.js_errors
