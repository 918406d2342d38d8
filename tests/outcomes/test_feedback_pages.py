"""The staff pages for safeguarding figures and the complaints log: tables in words, the log
kept with wrong, missing and huge input refused in words, every change audited, the deadline
in working days set by council admins only."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine

from caremarket.accounts.models import AuditEvent, Membership, User
from caremarket.outcomes.demo import PUBLISHED, invent_feedback
from caremarket.outcomes.models import Feedback, OutcomesSettings
from caremarket.outcomes.safeguarding import complaint_summary
from tests.imports.helpers import run
from tests.outcomes.test_safeguarding_import import STOKE_FILE

BASE = "/staff/stoke-on-trent/outcomes"


@pytest.fixture
def commissioner(councils: list, client) -> User:
    user = User.objects.create_user("commissioner", password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=councils[0], role="commissioner")
    client.force_login(user)
    return user


def entry(**changes: str) -> dict[str, str]:
    return {
        "kind": "complaint",
        "received": "23/12/2020",
        "service_area": "Reablement",
        "reference": "CR-1042",
        "upheld": "undecided",
        "responded": "",
        **changes,
    }


def test_the_safeguarding_page_shows_the_return_in_words(commissioner: User, client) -> None:
    empty = client.get(f"{BASE}/safeguarding/").content.decode()
    assert "No safeguarding figures have been imported" in empty
    run("safeguarding", STOKE_FILE)
    page = client.get(f"{BASE}/safeguarding/").content.decode()
    for words in (
        "Safeguarding concerns and enquiries, 2020/21",
        "Safeguarding concerns and enquiries by type of abuse, 2020/21",
        "Safeguarding concerns and enquiries by location of risk, 2020/21",
        "Deprivation of Liberty Safeguards, 2020/21",
        "Financial or material abuse",
        "Care home (residential)",
        "Neglect and acts of omission",
        "Section 42 enquiries",
        "4,193",
        "1,437",
        "Deprivation of Liberty Safeguards assessments completed",
        "1 of these figures does not add up",
    ):
        assert words in page, words
    for code in ("financial_or_material_abuse", "s42_enquiries", "care_home_residential"):
        assert code not in page


@time_machine.travel(date(2021, 6, 1))
def test_an_entry_is_recorded_changed_and_removed_with_each_step_audited(
    commissioner: User, client
) -> None:
    form = client.get(f"{BASE}/complaints/record/").content.decode()
    assert "Do not enter names" in form
    response = client.post(f"{BASE}/complaints/record/", entry())
    assert response.status_code == 302 and response["Location"].endswith("?year=2020%2F21")
    saved = Feedback.objects.get()
    assert (saved.kind, saved.received, saved.upheld, saved.responded) == (
        "complaint",
        date(2020, 12, 23),
        "",
        None,
    )
    page = client.get(response["Location"]).content.decode()
    # 15 working days from 23 December 2020: 18 January 2021, now passed
    assert "18 Jan 2021" in page and "Overdue" in page
    assert "Not decided yet" in page
    assert (
        'value="undecided" checked' in client.get(f"{BASE}/complaints/{saved.pk}/").content.decode()
    )
    changed = client.post(
        f"{BASE}/complaints/{saved.pk}/",
        entry(upheld="partly", responded="18/01/2021", service_area="  Reablement "),
    )
    assert changed.status_code == 302
    assert Feedback.objects.get().service_area == "Reablement"
    page = client.get(f"{BASE}/complaints/?year=2020/21").content.decode()
    assert "Partly upheld" in page and "(in time)" in page
    assert "Answered within 15 working days" in page and "100%" in page
    client.post(f"{BASE}/complaints/{saved.pk}/remove/")
    assert not Feedback.objects.exists()
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["recorded feedback", "changed feedback", "removed feedback"]
    assert all("CR-1042" not in e.detail for e in AuditEvent.objects.all())


@time_machine.travel(date(2021, 6, 1))
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": ""}, "kind", "Choose whether it is a compliment, a complaint or a comment"),
        ({"kind": "grumble"}, "kind", "Choose whether it is a compliment"),
        ({"received": ""}, "received", "Enter date received"),
        ({"received": "31/02/2021"}, "received", "must be a real date"),
        ({"received": "02/06/2021"}, "received", "cannot be in the future"),
        ({"received": "01/01/1900"}, "received", "between 2000 and 2100"),
        ({"service_area": ""}, "service_area", "Enter service area"),
        ({"service_area": "x" * 101}, "service_area", "100 characters or fewer"),
        ({"reference": "r" * 41}, "reference", "40 characters or fewer"),
        ({"responded": "22/12/2020"}, "responded", "on or after the date received"),
        ({"upheld": "maybe"}, "upheld", "Choose whether the complaint was upheld"),
        ({"kind": "compliment", "upheld": "fully"}, "upheld", "Only a complaint is upheld"),
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_is_lost(
    commissioner: User, client, changes: dict[str, str], field: str, message: str
) -> None:
    response = client.post(f"{BASE}/complaints/record/", entry(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and f'id="id_{field}-error"' in page
    assert "CR-1042" in page or field == "reference"  # what was typed is kept
    assert not Feedback.objects.exists()


def test_the_deadline_is_set_by_a_council_admin_only(commissioner: User, client, councils) -> None:
    assert client.get(f"{BASE}/complaints/deadline/").status_code == 403
    assert "Change the deadline" not in client.get(f"{BASE}/complaints/").content.decode()
    admin = User.objects.create_user("admin", password="a-long-password-1")
    Membership.objects.create(user=admin, local_authority=councils[0], role="council_admin")
    client.force_login(admin)
    assert "Change the deadline" in client.get(f"{BASE}/complaints/").content.decode()
    for bad, words in (("0", "at least 1"), ("61", "at most 60"), ("ten", "whole number")):
        page = client.post(f"{BASE}/complaints/deadline/", {"days": bad}).content.decode()
        assert words in page
    assert not OutcomesSettings.objects.exists()
    assert client.post(f"{BASE}/complaints/deadline/", {"days": "20"}).status_code == 302
    assert OutcomesSettings.objects.get().complaint_deadline_working_days == 20
    assert AuditEvent.objects.filter(
        action="changed the complaint deadline", detail="15 to 20 working days"
    ).exists()
    assert "within <strong>20 working days</strong>" in (
        client.get(f"{BASE}/complaints/").content.decode()
    )


def test_another_councils_entry_cannot_be_opened(commissioner: User, client, councils) -> None:
    other = Feedback.objects.create(
        local_authority=councils[1],
        kind="compliment",
        received=date(2021, 1, 4),
        service_area="Reablement",
        recorded_at="2021-01-04T10:00:00Z",
    )
    assert client.get(f"{BASE}/complaints/{other.pk}/").status_code == 404
    assert client.post(f"{BASE}/complaints/{other.pk}/remove/").status_code == 404
    assert Feedback.objects.filter(pk=other.pk).exists()


def test_the_demo_log_is_invented_and_totals_the_published_counts(councils: list) -> None:
    """Seed 001, section 11: 82 compliments, 88 complaints, 1 comment, 26 upheld, 72% of
    complaints answered within 15 working days; by service area as published."""
    stoke = councils[0]
    invent_feedback(stoke, io.StringIO())
    invent_feedback(stoke, io.StringIO())  # again: replaced, not doubled
    assert Feedback.objects.filter(invented=False).count() == 0
    assert all(f.reference.startswith("INVENTED-") for f in Feedback.objects.all())
    total = complaint_summary(stoke, "2020/21").total
    assert (total.compliments, total.complaints, total.comments) == (82, 88, 1)
    assert (total.upheld, total.answered, total.open) == (26, 88, 0)
    assert round(total.in_time_share or 0) == 72
    areas = {a.service_area: a for a in complaint_summary(stoke, "2020/21").areas}
    for name, counts in PUBLISHED.items():
        found = areas.get(name)
        got = (found.compliments, found.complaints, found.comments) if found else (0, 0, 0)
        assert got == counts, name


def test_the_log_is_shown_fifty_entries_to_a_page(commissioner: User, client, councils) -> None:
    """The demo year's 171 entries made a staff page 18,000 pixels tall on a phone."""
    invent_feedback(councils[0], io.StringIO())
    first = client.get(f"{BASE}/complaints/?year=2020/21").content.decode()
    log = first.split("The log for 2020/21")[1]
    assert log.count("Change<span") == 50
    assert "newest first: 1 to 50 of 171" in log and "Page 1 of 4" in log
    assert 'href="?year=2020/21&amp;page=2"' in log
    last = client.get(f"{BASE}/complaints/?year=2020/21&page=4").content.decode()
    assert last.split("The log for 2020/21")[1].count("Change<span") == 21
    assert "151 to 171 of 171" in last
    # a page past the end or not a number shows the nearest page, not an error
    assert client.get(f"{BASE}/complaints/?year=2020/21&page=99").status_code == 200
    assert client.get(f"{BASE}/complaints/?year=2020/21&page=x").status_code == 200
