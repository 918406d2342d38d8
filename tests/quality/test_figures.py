"""The quality register's public figures: on the council page and in the MPS quality block."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.quality import register
from caremarket.quality.figures import register_tables
from caremarket.quality.register import Who
from caremarket.statements.data import build_block
from tests.quality.helpers import World, make_world
from tests.quality.test_views import shared_audit


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def test_nothing_published_means_no_tables(world: World) -> None:
    shared_audit(world)  # a draft is not a figure
    assert register_tables(world.stoke) == []


def test_latest_published_audit_by_rating_and_exits_in_12_months(world: World) -> None:
    who = Who(world.officer)
    old = shared_audit(world)
    register.publish_audit(who, old, date(2026, 1, 10))  # Requires improvement
    newer = shared_audit(world, worst=None)
    register.publish_audit(who, newer, date(2026, 6, 1))  # Good: replaces the older one
    other = shared_audit(world)
    other.location = world.other_home
    other.save()
    register.publish_audit(who, other, date(2026, 3, 1))
    today = date(2026, 11, 1)
    for days, kind, people in ((30, "planned", 12), (200, "unplanned", 5), (400, "planned", 9)):
        register.record_exit(
            who, world.stoke, world.home, kind=kind, exit_on=today - timedelta(days=days),
            people_affected=people, moved_to="Homes nearby", reason="",
        )  # fmt: skip
    audits, exits = register_tables(world.stoke, today)
    assert audits.rows == [
        ["Excellent", 0],
        ["Good", 1],
        ["Requires improvement", 1],
        ["Poor", 0],
        ["All audited services", 2],
    ]
    assert "published between 1 March 2026 and 1 June 2026" in audits.notes[0]
    assert exits.rows == [
        ["Planned exit", 1, 12],
        ["Unplanned closure or failure", 1, 5],
        ["All exits", 2, 17],
    ]
    assert register_tables(world.coventry, today) == []


def test_shown_on_the_council_page_and_in_the_mps_quality_block(
    client: Client, world: World
) -> None:
    audit = shared_audit(world)
    register.publish_audit(Who(world.officer), audit, timezone.localdate())
    audit.invented = True
    audit.save()
    page = client.get(reverse("front:council", kwargs={"council": "stoke-on-trent"}))
    text = page.content.decode()
    assert "Services audited by Stoke-on-Trent, by latest overall rating" in text
    assert "invented for the demo" in text
    block = build_block("quality", world.stoke, None)
    assert block is not None
    assert "council-audits-by-rating" in [t["id"] for t in block["tables"]]
