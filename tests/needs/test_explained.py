"""Staff explain a check finding: who and when are kept, the explanation survives re-importing
the same figures and lapses when they change, and the MPS lists it in its technical appendix
instead of asking for an acknowledgement."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from caremarket.accounts.models import AuditEvent, Membership, User
from caremarket.needs.checks import council_findings
from caremarket.needs.models import ExplainedFinding
from caremarket.places.models import LocalAuthority
from caremarket.statements import workflow
from tests.imports.helpers import figures_csv as figures
from tests.imports.helpers import run

#: Complaints by service area: 7 + 23 = 30, but the total is printed as 31.
ROWS = [
    "E06000021,2020/21,complaints,service_area,domiciliary_care,7,count,Test Local Account s11",
    "E06000021,2020/21,complaints,service_area,community_teams,23,count,Test Local Account s11",
    "E06000021,2020/21,complaints,service_area,Total,31,count,Test Local Account s11",
]


@pytest.fixture
def stoke(councils: list[LocalAuthority]) -> LocalAuthority:
    return councils[0]


def signed_in(client: Client, council: LocalAuthority, name: str = "alice") -> User:
    user = User.objects.create_user(name)
    Membership.objects.create(user=user, local_authority=council, role="commissioner")
    client.force_login(user)
    return user


def page(council: LocalAuthority) -> str:
    return reverse("needs:findings", kwargs={"council": council.slug})


def explained_one(client: Client, council: LocalAuthority, tmp_path: Path) -> tuple[User, Any]:
    """Import the complaints table, sign in and explain its one finding: (who, the finding)."""
    run("figures", figures(tmp_path, ROWS))
    user = signed_in(client, council)
    (item,) = council_findings(council)
    client.post(page(council), {"key": item.key, "action": "explain", "explanation": "Known."})
    return user, item


def test_a_commissioner_explains_a_finding_and_it_is_kept_with_who_and_when(
    client: Client, stoke: LocalAuthority, tmp_path: Path
) -> None:
    run("figures", figures(tmp_path, ROWS))
    user = signed_in(client, stoke)
    listing = client.get(page(stoke)).content.decode()
    assert "To look at (1)" in listing and "the stated total is 31 but its 2 rows sum to 30" in (
        listing
    )
    (item,) = council_findings(stoke)
    response = client.post(
        page(stoke),
        {"key": item.key, "action": "explain", "explanation": "A complaint was withdrawn."},
    )
    assert response.status_code == 302
    explained = ExplainedFinding.objects.get()
    assert (explained.explanation, explained.explained_by, explained.rule) == (
        "A complaint was withdrawn.",
        user,
        "total",
    )
    assert AuditEvent.objects.filter(action="finding_explained", user=user).count() == 1
    listing = client.get(page(stoke)).content.decode()
    assert "To look at (0)" in listing and "Explained (1)" in listing
    assert "A complaint was withdrawn." in listing and "alice" in listing


def test_an_explanation_must_say_something_and_not_too_much(
    client: Client, stoke: LocalAuthority, tmp_path: Path
) -> None:
    run("figures", figures(tmp_path, ROWS))
    signed_in(client, stoke)
    (item,) = council_findings(stoke)
    empty = client.post(page(stoke), {"key": item.key, "action": "explain", "explanation": " "})
    assert empty.status_code == 400
    text = empty.content.decode()
    assert "There is a problem" in text and 'href="#explanation-1"' in text
    long = client.post(
        page(stoke), {"key": item.key, "action": "explain", "explanation": "x" * 2001}
    )
    assert long.status_code == 400 and "2,000 characters or fewer" in long.content.decode()
    gone = client.post(
        page(stoke), {"key": "0" * 32, "action": "explain", "explanation": "ok"}, follow=True
    )
    assert "This finding is no longer raised" in gone.content.decode()
    assert ExplainedFinding.objects.count() == 0


def test_it_stays_explained_on_reimport_and_lapses_when_a_figure_changes(
    client: Client, stoke: LocalAuthority, tmp_path: Path
) -> None:
    user, item = explained_one(client, stoke, tmp_path)
    # The same figures again, from a file of another name with the rows in another order.
    run("figures", figures(tmp_path, list(reversed(ROWS)), "again.csv"))
    (again,) = council_findings(stoke)
    assert again.explained is not None and again.explained.explained_by == user
    # A corrected part changes the finding: it is open again, the explanation kept aside.
    changed = [ROWS[0].replace(",7,", ",6,"), *ROWS[1:]]
    run("figures", figures(tmp_path, changed, "changed.csv"))
    (after,) = council_findings(stoke)
    assert after.explained is None and after.key != item.key
    assert ExplainedFinding.objects.count() == 1


def test_an_explanation_can_be_withdrawn(
    client: Client, stoke: LocalAuthority, tmp_path: Path
) -> None:
    user, item = explained_one(client, stoke, tmp_path)
    response = client.post(page(stoke), {"key": item.key, "action": "withdraw"})
    assert response.status_code == 302
    assert ExplainedFinding.objects.count() == 0
    assert council_findings(stoke)[0].explained is None
    assert AuditEvent.objects.filter(action="finding_explanation_withdrawn", user=user).exists()


def test_another_councils_commissioner_cannot_explain(
    client: Client, councils: list[LocalAuthority], tmp_path: Path
) -> None:
    stoke, coventry = councils[0], councils[1]
    run("figures", figures(tmp_path, ROWS))
    signed_in(client, coventry)
    (item,) = council_findings(stoke)
    response = client.post(
        page(stoke), {"key": item.key, "action": "explain", "explanation": "Not mine."}
    )
    assert response.status_code == 403 and ExplainedFinding.objects.count() == 0


def test_publishing_lists_explained_findings_in_the_appendix_without_acknowledging(
    client: Client, stoke: LocalAuthority, tmp_path: Path
) -> None:
    run("figures", figures(tmp_path, ROWS))
    writer = User.objects.create_user("writer")
    reviewer = User.objects.create_user("reviewer")
    for user in (writer, reviewer):
        Membership.objects.create(user=user, local_authority=stoke, role="commissioner")
    edition = workflow.create_statement(stoke, period="2024–2028", slug="mps", user=writer)
    workflow.submit_for_review(edition, writer)
    (finding,) = [f for f in workflow.findings_for(edition) if not f.code.startswith("no-")]
    with pytest.raises(workflow.WorkflowError, match="acknowledge every finding"):
        workflow.publish(edition, reviewer, set())
    from caremarket.needs.checks import explain

    explain(stoke, finding.code, "One complaint was withdrawn after the table was made.", writer)
    (explained,) = [f for f in workflow.findings_for(edition) if f.code == finding.code]
    assert explained.explained
    workflow.publish(edition, reviewer, set())
    edition.refresh_from_db()
    (recorded,) = [f for f in edition.acknowledged_findings if f["code"] == finding.code]
    assert recorded["explanation"].startswith("One complaint was withdrawn")
    assert "Findings the council has explained" in edition.html
    assert "One complaint was withdrawn after the table was made." in edition.html
    # Readers get the finding's words, not the data file and line numbers it was read from.
    assert "Stated total does not add up" in edition.html
    assert ".csv line" not in edition.html and ".csv line" in recorded["message"]
