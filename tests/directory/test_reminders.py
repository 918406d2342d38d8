"""`caremarket directory remind`: editors hear once per review period; staff see lapsed ones."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from caremarket.directory import editorial
from caremarket.directory.models import Service
from caremarket.directory.reminders import due_for_reminder, remind
from tests.directory.test_editorial import World, edited, make_world


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def due_in(service: Service, days: int) -> None:
    Service.objects.filter(pk=service.pk).update(
        review_due=timezone.localdate() + timedelta(days=days), review_reminder_sent=None
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command("directory", "remind", *args, stdout=out)
    return out.getvalue()


def test_editors_are_reminded_once_per_period(world: World) -> None:
    due_in(world.service, 20)
    output = run()
    assert "1 listing(s) due for review at 1 organisation(s) (1 email(s) to editors)" in output
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["editor@meir.example"]
    assert "Meir Lunch Club" in message.body
    assert f"/directory/manage/services/{world.service.pk}/" in message.body
    world.service.refresh_from_db()
    assert world.service.review_reminder_sent == timezone.localdate()
    # Running again (tomorrow, next week) sends nothing more this period.
    run()
    remind(today=timezone.localdate() + timedelta(days=7))
    assert len(mail.outbox) == 1
    # An approved change starts a new period; a year on, they are reminded again.
    change = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, phone="01782 1")
    )
    editorial.approve(change, world.commissioner)
    world.service.refresh_from_db()
    assert world.service.review_reminder_sent is None
    mail.outbox.clear()
    remind(today=world.service.review_due - timedelta(days=10))
    editors = [m.to for m in mail.outbox if m.to != ["directory@stoke.example"]]
    assert editors == [["editor@meir.example"]]


def test_listings_not_yet_due_are_left(world: World) -> None:
    due_in(world.service, 60)
    assert due_for_reminder(timezone.localdate(), 28) == []
    assert [s.pk for s in due_for_reminder(timezone.localdate(), 90)] == [world.service.pk]
    run("--days", "28")
    assert mail.outbox == []


def test_a_dry_run_sends_and_changes_nothing(world: World) -> None:
    due_in(world.service, 5)
    Service.objects.filter(pk=world.other_service.pk).update(
        review_due=timezone.localdate() - timedelta(days=3)
    )
    output = run("--dry-run")
    assert output.startswith("dry run, nothing sent:")
    assert "1 listing(s) due for review" in output and "1 lapsed listing(s)" in output
    assert mail.outbox == []
    world.service.refresh_from_db()
    assert world.service.review_reminder_sent is None


def test_lapsed_listings_are_listed_to_the_councils_directory_staff(world: World) -> None:
    Service.objects.filter(pk=world.other_service.pk).update(
        review_due=timezone.localdate() - timedelta(days=3)
    )
    output = run()
    assert "1 lapsed listing(s) listed to 1 council(s) (1 email(s) to directory staff)" in output
    staff_mail = [m for m in mail.outbox if m.to == ["directory@stoke.example"]]
    assert len(staff_mail) == 1
    assert "Longton Coffee Morning" in staff_mail[0].body
    assert "Meir Lunch Club" not in staff_mail[0].body
    assert "/staff/stoke-on-trent/directory/reviews/" in staff_mail[0].body
    # Lapsed listings are not "due": their editors get no reminder from this run.
    assert all(m.to != ["editor@other.example"] for m in mail.outbox)


def test_listings_with_no_editor_to_remind_go_to_staff(world: World) -> None:
    world.org.editors.clear()
    due_in(world.service, 10)
    output = run()
    assert "1 due with no editor to remind" in output
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["directory@stoke.example"]
    assert "no one at their organisation can be reminded" in mail.outbox[0].body
    world.service.refresh_from_db()
    assert world.service.review_reminder_sent is None  # an editor added later still hears


def test_the_output_names_no_one(world: World) -> None:
    due_in(world.service, 10)
    Service.objects.filter(pk=world.other_service.pk).update(
        review_due=timezone.localdate() - timedelta(days=3)
    )
    output = run()
    for personal in ("editor@", "directory@", "provider", "commissioner"):
        assert personal not in output


def test_closed_listings_are_not_reminded(world: World) -> None:
    due_in(world.service, 10)
    Service.objects.filter(pk=world.service.pk).update(status=Service.Status.DEFUNCT)
    run()
    assert mail.outbox == []


def test_bad_days_are_refused(world: World) -> None:
    with pytest.raises(CommandError, match="--days"):
        run("--days", "0")
