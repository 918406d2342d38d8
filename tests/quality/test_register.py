"""The quality register's steps: clocks, escalation, audits, CQC history and red/amber/green."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from caremarket.accounts.models import AuditEvent
from caremarket.market.models import Location
from caremarket.quality import register
from caremarket.quality.models import (
    ActionPlan,
    Audit,
    Concern,
    CqcRating,
    Notice,
    PlacementStop,
    ProviderRecord,
    QualitySettings,
)
from caremarket.quality.register import QualityError, Who
from caremarket.rules.quality import GOOD, POOR, REQUIRES_IMPROVEMENT, Rag
from tests.market.helpers import FIXTURES, edit, run, variant
from tests.quality.helpers import World, make_world

LOGGED = datetime(2026, 10, 24, 8, 0, tzinfo=UTC)  # 09:00 BST, the day before the clocks change


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def concern(world: World, risk: str = "high", **kwargs: object) -> Concern:
    return register.log_concern(
        Who(world.officer),
        world.stoke,
        world.home,
        source="family",
        risk=risk,
        what="Mrs A was left without a drink overnight.",
        raised_by="Her daughter, 07700 900000",
        logged_at=LOGGED,
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_concern_is_due_by_the_council_clock_and_its_details_are_encrypted(world: World) -> None:
    high = concern(world)
    assert high.due_at == LOGGED + timedelta(hours=24)
    assert concern(world, risk="low").due_at == LOGGED + timedelta(hours=72)
    QualitySettings.objects.create(local_authority=world.stoke, high_risk_hours=4, other_hours=48)
    assert concern(world).due_at == LOGGED + timedelta(hours=4)
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM quality_concern WHERE id = %s", [high.pk])
        stored = cursor.fetchone()[0]
    assert "drink" not in stored and "07700" not in stored
    assert Concern.objects.get(pk=high.pk).details["what"].startswith("Mrs A")
    event = AuditEvent.objects.filter(action="logged_concern").first()
    assert event is not None and "Mrs A" not in event.detail
    assert ProviderRecord.objects.filter(local_authority=world.stoke, location=world.home).exists()


def test_overdue_is_by_the_clock(world: World) -> None:
    item = concern(world)
    assert not item.is_overdue(LOGGED + timedelta(hours=23, minutes=59))
    assert item.is_overdue(LOGGED + timedelta(hours=24, seconds=1))
    views = register.location_views(world.stoke, [world.home], LOGGED + timedelta(hours=25))
    assert views[0].rag == Rag.RED
    assert views[0].reasons[0] == "1 concern overdue"
    assert "1 high-risk concern open" not in views[0].reasons  # counted once, as overdue
    before = register.location_views(world.stoke, [world.home], LOGGED + timedelta(hours=1))
    assert "1 high-risk concern open" in before[0].reasons


def test_a_concern_ending_in_a_notice_issues_one_and_cannot_close_twice(world: World) -> None:
    item = concern(world)
    notice = register.close_concern(Who(world.officer), item, "notice", "Notice sent.", LOGGED)
    assert notice is not None and notice.kind == Notice.Kind.CONCERN and notice.concern == item
    item.refresh_from_db()
    assert item.outcome == "notice" and item.details["outcome"] == "Notice sent."
    with pytest.raises(QualityError, match="already closed"):
        register.close_concern(Who(world.officer), item, "closed", "", LOGGED)
    other = concern(world)
    with pytest.raises(QualityError, match="Choose what happened"):
        register.close_concern(Who(world.officer), other, "", "", LOGGED)
    assert register.close_concern(Who(world.officer), other, "safeguarding", "Ref.") is None


def test_a_placement_stop_starts_once_and_is_lifted(world: World) -> None:
    who = Who(world.officer)
    start = date(2026, 10, 25)
    with pytest.raises(QualityError, match="review date must be on or after"):
        register.start_stop(
            who,
            world.stoke,
            world.home,
            scope="full",
            reason="x",
            started_on=start,
            review_on=start - timedelta(days=1),
        )
    with pytest.raises(QualityError, match="which placements a partial stop covers"):
        register.start_stop(
            who,
            world.stoke,
            world.home,
            scope="partial",
            reason="x",
            started_on=start,
            review_on=start,
        )
    stop = register.start_stop(
        who,
        world.stoke,
        world.home,
        scope="full",
        reason="Medicines errors",
        started_on=start,
        review_on=start + timedelta(days=28),
    )
    with pytest.raises(QualityError, match="already in force"):
        register.start_stop(
            who,
            world.stoke,
            world.home,
            scope="full",
            reason="x",
            started_on=start,
            review_on=start,
        )
    assert register.stops_in_force(world.home, [world.stoke]) == [stop]
    assert register.stops_in_force(world.home, [world.coventry]) == []
    assert register.location_views(world.stoke, [world.home])[0].reasons[0] == (
        "Placement stop: no new placements"
    )
    register.lift_stop(who, stop, "Improved", start + timedelta(days=30))
    assert not PlacementStop.objects.in_force().exists()
    assert stop.lifted_by == world.officer
    with pytest.raises(QualityError, match="already been lifted"):
        register.lift_stop(who, stop, "", start + timedelta(days=31))


def rate_all(audit: Audit, rating: str, worst: str | None = None) -> None:
    scores = {s.standard_id: (rating, "Seen on the visit.") for s in audit.scores.all()}
    if worst:
        first = audit.scores.first()
        assert first is not None
        scores[first.standard_id] = (worst, "Records missing.")
    register.save_scores(Who(audit.officer), audit, scores, "Summary.")


def test_an_audit_from_draft_to_action_plan(world: World) -> None:
    who = Who(world.officer)
    audit = register.start_audit(who, world.stoke, world.home, date(2026, 1, 10))
    assert audit.scores.count() == 16
    with pytest.raises(QualityError, match="Choose a rating"):
        register.save_scores(who, audit, {audit.scores.first().standard_id: ("Superb", "")}, "")
    with pytest.raises(Exception, match="Rate at least one standard"):
        register.share_audit(who, audit, date(2026, 1, 20))
    rate_all(audit, GOOD, worst=POOR)
    register.share_audit(who, audit, date(2026, 1, 20))
    assert audit.comments_due == date(2026, 2, 3)
    provider = Who(world.provider)
    with pytest.raises(QualityError, match="Comments were due by 3 February 2026"):
        register.comment_on_audit(provider, audit, "Late.", date(2026, 2, 4))
    register.comment_on_audit(provider, audit, "The records were in the office.", date(2026, 2, 1))
    result = register.publish_audit(who, audit, date(2026, 2, 20))
    # 15 Good and one Poor: (57 + 1) / 20 = 2.9 is Good by score; the Poor caps it.
    assert (result.rating, audit.rating) == (REQUIRES_IMPROVEMENT, REQUIRES_IMPROVEMENT)
    assert audit.reaudit_due == date(2026, 8, 20)
    plan = ActionPlan.objects.get(audit=audit)
    assert plan.due_on == date(2026, 3, 6)
    issues = register.issues_of(audit)
    assert len(issues) == 1
    with pytest.raises(QualityError, match="at least one action for each standard"):
        register.submit_plan(provider, plan, [], date(2026, 3, 1))
    register.submit_plan(
        provider,
        plan,
        [(issues[0], "Keep records on the unit.", "Manager", date(2026, 4, 1))],
        date(2026, 3, 1),
    )
    assert plan.actions.count() == 1 and plan.submitted_by == world.provider
    with pytest.raises(QualityError, match="already published"):
        register.publish_audit(who, audit, date(2026, 2, 21))
    with pytest.raises(QualityError, match="cannot be changed"):
        rate_all(audit, GOOD)


def test_a_good_audit_opens_no_plan(world: World) -> None:
    audit = register.start_audit(Who(world.officer), world.stoke, world.home, date(2026, 1, 10))
    rate_all(audit, GOOD)
    register.publish_audit(Who(world.officer), audit, date(2026, 1, 11))
    assert not ActionPlan.objects.exists()
    view = register.location_views(world.stoke, [world.home])[0]
    assert view.audit == audit


def test_cqc_rating_history_and_downgrade(world: World, tmp_path: Path) -> None:
    from caremarket.demo import load_councils

    load_councils()
    hsca = FIXTURES / "cqc" / "HSCA_Active_Locations.csv"
    run("cqc-hsca", hsca)
    abbey = Location.objects.get(cqc_location_id="1-101000001")
    assert list(CqcRating.objects.filter(location=abbey).values_list("rating", "downgrade")) == [
        ("Good", False)
    ]
    run("cqc-hsca", hsca)  # the same file again records nothing new
    assert CqcRating.objects.filter(location=abbey).count() == 1
    # an invented (demo) rating is not what imports compare with
    CqcRating.objects.create(location=abbey, rating="Outstanding", invented=True)
    worse = variant(
        hsca,
        tmp_path / "hsca.csv",
        rows=edit(
            0, {"Location Latest Overall Rating": "Inadequate", "Publication Date": "2026-09-01"}
        ),
    )
    run("cqc-hsca", worse)
    abbey.refresh_from_db()
    latest = CqcRating.objects.filter(location=abbey).first()
    assert latest is not None
    assert (latest.rating, latest.previous_rating, latest.downgrade) == ("Inadequate", "Good", True)
    view = register.location_views(abbey.local_authority, [abbey])[0]
    assert view.rag == Rag.RED and "CQC rating went down" in view.reasons


def test_compliance_gaps_are_amber(world: World) -> None:
    register.watch(
        world.stoke,
        world.home,
        bcp_on_file=True,
        bcp_review_date=date(2020, 1, 1),
        asc_wds_complete=True,
        capacity_tracker_complete=True,
    )
    view = register.location_views(world.stoke, [world.home])[0]
    assert (view.rag, view.reasons) == (Rag.AMBER, ["Business continuity plan review overdue"])
