"""Overdue concerns emailed to the quality team once, without personal data; details erased
at the end of the council's retention period; the council's settings checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from caremarket.accounts.models import AuditEvent
from caremarket.market.models import Location
from caremarket.quality import register
from caremarket.quality.housekeeping import DOWNGRADE_DAYS, downgrades, overdue, purge
from caremarket.quality.models import Concern, CqcRating, QualitySettings
from caremarket.quality.register import Who
from tests.quality.helpers import World, make_world

LOGGED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(db: None) -> World:
    made = make_world()
    made.officer.email = "quality@stoke.example"
    made.officer.save()
    return made


def log(world: World, council=None, place=None, risk: str = "high") -> Concern:
    return register.log_concern(
        Who(world.officer),
        council or world.stoke,
        place or world.home,
        source="family",
        risk=risk,
        what="Mr B fell twice this week.",
        raised_by="His son, 07700 900123",
        logged_at=LOGGED,
    )


def test_overdue_concerns_are_emailed_once_without_personal_data(world: World) -> None:
    high = log(world)
    log(world, risk="low")  # due 72 hours later: not overdue yet
    log(world, world.coventry, world.coventry_home)  # Coventry has no one with an email
    now = LOGGED + timedelta(hours=25)
    dry = overdue(now, dry_run=True)
    assert (dry.items, dry.emails, len(mail.outbox)) == (1, 1, 0)
    report = overdue(now)
    assert report.summary() == (
        "1 newly overdue concern(s) emailed to 1 council(s) (1 email(s)); "
        "no quality officer with an email at coventry"
    )
    message = mail.outbox[0]
    assert message.to == ["quality@stoke.example"]
    assert message.subject == "1 concern overdue in Stoke-on-Trent"
    assert high.reference in message.body and "Meir Grange" in message.body
    assert "fell" not in message.body and "07700" not in message.body
    assert overdue(now + timedelta(hours=1)).items == 0  # told once
    assert AuditEvent.objects.filter(action="emailed_overdue_concerns").count() == 1


def test_purge_erases_details_after_the_retention_period_and_keeps_the_record(
    world: World,
) -> None:
    old, recent, still_open = log(world), log(world), log(world)
    register.close_concern(Who(world.officer), old, "closed", "Falls plan in place.", LOGGED)
    register.close_concern(
        Who(world.officer), recent, "closed", "Sorted.", LOGGED + timedelta(days=300)
    )
    QualitySettings.objects.create(local_authority=world.stoke, concern_retention_days=365)
    now = LOGGED + timedelta(days=400)
    assert purge(now, dry_run=True) == 1
    assert purge(now) == 1
    assert purge(now) == 0
    old.refresh_from_db()
    assert old.details == {} and old.details_erased_at == now
    assert (old.risk, old.outcome, old.location) == ("high", "closed", world.home)
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.details["what"] == "Mr B fell twice this week."


def test_the_command_says_what_it_did(world: World) -> None:
    assert "erased the details of 0 concern(s)" in call_command("quality", "purge")
    assert "0 newly overdue concern(s)" in call_command("quality", "overdue", "--dry-run")


def test_council_settings_are_checked(world: World) -> None:
    settings = QualitySettings(local_authority=world.stoke, rating_scheme={"scale": "nonsense"})
    with pytest.raises(ValidationError, match="needs a scale"):
        settings.clean()
    settings = QualitySettings(local_authority=world.stoke, high_risk_hours=0)
    with pytest.raises(ValidationError, match="between 1 and 672"):
        settings.full_clean()


def rate(location: Location, rating: str) -> None:
    Location.objects.filter(pk=location.pk).update(latest_rating=rating)
    register.record_cqc_ratings(location.import_run)


def test_cqc_downgrades_are_emailed_to_each_council_once(world: World) -> None:
    register.record_cqc_ratings(world.home.import_run)  # first sight: Good, not a downgrade
    assert downgrades().items == 0
    register.watch(world.coventry, world.home)  # Coventry commissions Meir Grange too
    rate(world.home, "Requires improvement")
    rate(world.coventry_home, "Inadequate")
    rate(world.other_home, "Outstanding")  # better: not a downgrade
    dry = downgrades(dry_run=True)
    assert (dry.items, dry.emails, len(mail.outbox)) == (1, 1, 0)
    report = downgrades()
    assert report.summary() == (
        "1 CQC rating downgrade(s) emailed to 1 council(s) (1 email(s)); "
        "no quality officer with an email at coventry"
    )
    message = mail.outbox[0]
    assert message.to == ["quality@stoke.example"]
    assert message.subject == "1 CQC rating went down in Stoke-on-Trent"
    assert "Meir Grange: Good to Requires improvement" in message.body
    assert f"/staff/stoke-on-trent/quality/locations/{world.home.pk}/" in message.body
    assert "Longton Lodge" not in message.body and "Foleshill" not in message.body
    assert downgrades().items == 0 and len(mail.outbox) == 1  # told once
    world.coventry_officer.email = "quality@coventry.example"
    world.coventry_officer.save()
    call_command("quality", "downgrades")
    coventry = mail.outbox[1]
    assert coventry.to == ["quality@coventry.example"]
    assert coventry.subject == "2 CQC ratings went down in Coventry"
    assert "Meir Grange" in coventry.body and "Foleshill House: Good to Inadequate" in coventry.body
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="emailed_cqc_downgrades").count() == 2


def test_an_old_downgrade_is_not_news(world: World) -> None:
    register.record_cqc_ratings(world.home.import_run)
    rate(world.home, "Inadequate")
    later = CqcRating.objects.get(downgrade=True).seen_at + timedelta(days=DOWNGRADE_DAYS + 1)
    assert downgrades(later).items == 0 and not mail.outbox
