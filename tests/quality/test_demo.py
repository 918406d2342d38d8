"""The demo's invented quality records: on the councils' register locations, all marked."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from caremarket.accounts.models import User
from caremarket.imports.models import ImportRun
from caremarket.market.models import Location, Provider
from caremarket.quality.demo import WATCHED, invent
from caremarket.quality.models import (
    ActionPlan,
    Audit,
    Concern,
    CqcRating,
    Enquiry,
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
    assert not CqcRating.objects.exists()  # CQC ratings are never invented
    assert Concern.objects.filter(closed_at__isnull=True).count() >= 3
    assert ActionPlan.objects.exists()
    assert {a.rating for a in Audit.objects.filter(status="published")} >= {
        "Good",
        "Requires improvement",
        "Poor",
    }
    assert Audit.objects.filter(status="shared").exists()
    assert not ProviderRecord.objects.filter(local_authority=world.coventry).exists()
    client.force_login(User.objects.get(username="stoke-on-trent-quality"))
    page = client.get(reverse("quality:dashboard", kwargs={"council": "stoke-on-trent"}))
    text = page.content.decode()
    assert "concerns overdue" in text or "concern overdue" in text
    assert "made up for the demo" in text and "Red" in text and "Green" in text


@pytest.mark.django_db
def test_a_council_without_locations_says_so() -> None:
    world = make_world()
    Location.objects.filter(local_authority=world.coventry).delete()
    out = io.StringIO()
    assert invent(world.coventry, out) == 0
    assert "Coventry: no register locations" in out.getvalue()
