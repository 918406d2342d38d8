"""The demo's invented quality records: on the councils' register locations, all marked."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from caremarket.accounts.demo import staff_sign_in
from caremarket.accounts.models import User
from caremarket.imports.models import ImportRun
from caremarket.market.models import Location, Provider
from caremarket.quality.demo import WATCHED, invent, provider_logins, quality_officer
from caremarket.quality.models import (
    ActionPlan,
    Audit,
    Concern,
    CqcRating,
    Enquiry,
    EvidenceFile,
    Exit,
    Notice,
    PlacementStop,
    ProviderRecord,
)
from tests.quality.helpers import location, make_world


@pytest.mark.django_db
def test_invented_records_fill_the_dashboard_once(client: Client) -> None:
    world = make_world()
    run = ImportRun.objects.first()
    provider = Provider.objects.first()
    assert run is not None and provider is not None
    for n in range(20):
        location(run, f"1-9{n:08d}", f"Home {n}", world.stoke, provider)
    out = io.StringIO()
    assert invent(world.stoke, out) == WATCHED
    assert invent(world.stoke, out) == 0  # a second demo run adds nothing
    assert "invented quality records for 14 locations" in out.getvalue()
    for model in (ProviderRecord, Concern, Audit, PlacementStop, Exit, Notice, Enquiry):
        rows = model.objects.all()
        assert rows.exists(), model
        assert all(r.invented for r in rows), model
    # rating histories are invented (the demo's register sample has none), labelled, with
    # downgrades, and never written onto the location (the register's own fact)
    assert CqcRating.objects.filter(downgrade=True).count() >= 2
    assert not CqcRating.objects.filter(invented=False).exists()
    assert set(Location.objects.values_list("latest_rating", flat=True)) == {"Good"}
    assert Concern.objects.filter(closed_at__isnull=True).count() >= 3
    assert ActionPlan.objects.exists()
    assert {a.rating for a in Audit.objects.filter(status="published")} >= {
        "Good",
        "Requires improvement",
        "Poor",
    }
    assert Audit.objects.filter(status="shared").exists()
    assert not ProviderRecord.objects.filter(local_authority=world.coventry).exists()
    Location.objects.update(latest_rating="")  # as in the demo's 2016 register sample
    # the invented officer who made the records signs in with the demo's printed password,
    # and their dashboard leads to the register
    login = staff_sign_in(quality_officer(world.stoke), world.stoke, "Quality officer")
    assert login.username == "stoke-on-trent-quality"
    assert login.label == "Quality officer: Grace Mensah (invented), Stoke-on-Trent"
    assert client.login(username=login.username, password=login.password)
    dashboard = reverse("quality:dashboard", kwargs={"council": "stoke-on-trent"})
    assert f'href="{dashboard}"' in client.get(reverse("accounts:dashboard")).content.decode()
    page = client.get(dashboard)
    text = page.content.decode()
    assert "concerns overdue" in text or "concern overdue" in text
    assert "made up for the demo" in text and "Red" in text and "Green" in text
    assert "CQC rating went down" in text
    # no register rating in the demo: the dashboard shows the invented history's, labelled
    assert "Requires improvement (invented)</td>" in text
    downgraded = CqcRating.objects.filter(downgrade=True).first()
    assert downgraded is not None
    page = client.get(
        reverse(
            "quality:location",
            kwargs={"council": "stoke-on-trent", "pk": downgraded.location_id},
        )
    )
    text = page.content.decode()
    assert f"Down from {downgraded.previous_rating}" in text
    assert "(invented for the demo)" in text


@pytest.mark.django_db
def test_a_council_without_locations_says_so() -> None:
    world = make_world()
    Location.objects.filter(local_authority=world.coventry).delete()
    out = io.StringIO()
    assert invent(world.coventry, out) == 0
    assert "Coventry: no register locations" in out.getvalue()


@pytest.mark.django_db
def test_demo_provider_sign_ins_see_their_own_invented_records(client: Client) -> None:
    world = make_world()
    run = ImportRun.objects.first()
    assert run is not None
    for n in range(14):
        provider = Provider.objects.create(
            cqc_provider_id=f"1-5{n:04d}", name=f"Provider {n} Ltd", import_run=run, source_row=9
        )
        location(run, f"1-8{n:08d}", f"Home {n}", world.stoke, provider)
    invent(world.stoke, io.StringIO())
    first_run = provider_logins([world.stoke, world.coventry])
    logins = provider_logins([world.stoke, world.coventry])  # again: same accounts, new passwords
    assert [x.username for x in logins] == [
        "stoke-on-trent-provider-1",
        "stoke-on-trent-provider-2",
    ]
    assert [x.password for x in logins] != [x.password for x in first_run]
    assert all("(invented)" in x.label and "Stoke-on-Trent" in x.label for x in logins)
    assert User.objects.filter(username__contains="-provider-").count() == 2
    with_notice, with_draft = logins
    assert client.login(username=with_notice.username, password=with_notice.password)
    page = client.get(reverse("quality:provider_home")).content.decode()
    for words in (
        "your action plan is due by",
        "Notice of concern",
        "Full placement stop",
        "dealt with by Grace Mensah (invented)",
        "made up for the demo",
    ):
        assert words in page, words
    assert "draft for your comments" not in page  # the other provider's draft
    client.logout()
    assert client.login(username=with_draft.username, password=with_draft.password)
    page = client.get(reverse("quality:provider_home")).content.decode()
    assert "draft for your comments by" in page and "Notice of concern" not in page
    draft = Audit.objects.get(
        status="shared",
        location__provider__directory_organization__editors__username=with_draft.username,
    )
    draft_page = client.get(reverse("quality:provider_audit", kwargs={"pk": draft.pk}))
    assert "Visit notes (invented for the demo).pdf" in draft_page.content.decode()
    shared_file = EvidenceFile.objects.get(score__audit=draft, shared_with_provider=True)
    got = client.get(reverse("quality:provider_evidence", kwargs={"pk": shared_file.pk}))
    assert got.status_code == 200
    assert b"".join(got.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    sent = client.post(
        reverse("quality:provider_audit", kwargs={"pk": draft.pk}),
        {"action": "comment", "comments": "Standard 3: the visit was on a Tuesday."},
    )
    assert sent.status_code == 302  # the draft is recent enough to comment on
    draft.refresh_from_db()
    assert draft.provider_comments
