"""Emails about care requests: who gets which, what they never say, and turning them off."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from caremarket.accounts.models import User
from caremarket.sourcing import notify
from caremarket.sourcing.models import CareRequest, EmailSettings, Offer
from tests.sourcing.helpers import Brokerage, make_brokerage
from tests.sourcing.test_views import ADDRESS, NAME, offer, post_request, url


@pytest.fixture
def b(db: None) -> Brokerage:
    brokerage = make_brokerage()
    w = brokerage.world
    for person, address in (
        (w.provider, "grange@example.org"),
        (w.other_provider, "other@example.org"),
        (brokerage.broker, "broker@stoke.example"),
    ):
        person.email = address
        person.save()
    return brokerage


@pytest.fixture
def sends(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """`with sends():` runs what the changes inside left to run once saved (the emails), as a
    real commit would; the test's own transaction never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


def no_person(message: mail.EmailMessage) -> None:
    text = message.subject + message.body
    assert NAME not in text and ADDRESS not in text and "Needs prompting" not in text


def test_each_step_emails_the_right_people_and_never_the_person(
    client: Client, b: Brokerage, sends: Any
) -> None:
    w = b.world
    with sends():
        item = post_request(client, b)
    new = [m for m in mail.outbox if m.subject.startswith("New care request")]
    assert sorted(m.to[0] for m in new) == ["grange@example.org", "other@example.org"]
    assert f"/sourcing/provider/requests/{item.pk}/" in new[0].body
    assert "home care, 4 calls a day, 30 minutes each, 7 days a week (14 hours a week)" in (
        new[0].body
    )
    assert "/sourcing/provider/emails/" in new[0].body

    mail.outbox.clear()
    with sends():
        offer(client, w.provider, item, w.home, "399.28")
    with sends():
        offer(client, w.other_provider, item, w.other_home, "420.00")
    received = sent_to("broker@stoke.example")
    assert [m.subject for m in received] == [
        f"Offer from Meir Grange on {item.reference}",
        f"Offer from Longton Lodge on {item.reference}",
    ]
    assert "£399.28 a week" in received[0].body

    mail.outbox.clear()
    client.force_login(b.broker)
    with sends():
        client.post(url("accept", b, pk=item.pk), {"offer": Offer.objects.get(location=w.home).pk})
    (accepted,) = sent_to("grange@example.org")
    (not_chosen,) = sent_to("other@example.org")
    assert accepted.subject == f"Your offer on {item.reference} is accepted"
    assert "Sign in to see who the care is for" in accepted.body
    assert not_chosen.subject == f"Your offer on {item.reference} was not chosen"
    for message in mail.outbox:
        no_person(message)


def test_a_withdrawal_tells_every_provider_it_was_sent_to(
    client: Client, b: Brokerage, sends: Any
) -> None:
    item = post_request(client, b)
    with sends():
        client.post(url("withdraw", b, pk=item.pk), {"because": "needs_changed"})
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert subjects == [
        ("grange@example.org", f"Care request {item.reference} is withdrawn"),
        ("other@example.org", f"Care request {item.reference} is withdrawn"),
    ]
    for message in mail.outbox:
        no_person(message)
        assert "needs changed" not in message.body  # told it is withdrawn, not why


def test_providers_turn_off_emails_by_kind(client: Client, b: Brokerage, sends: Any) -> None:
    w = b.world
    client.force_login(w.provider)
    page = reverse("sourcing:provider_emails")
    html = client.get(page).content.decode()
    assert html.count("checked") == 4 and "A new request is sent to your services" in html
    response = client.post(page, {"wanted": ["accepted", "not_chosen"]}, follow=True)
    assert "Your email choices are saved" in response.content.decode()
    assert EmailSettings.objects.get(user=w.provider).turned_off == ["new_request", "withdrawn"]
    assert client.get(page).content.decode().count("checked") == 2

    with sends():
        item = post_request(client, b)
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    mail.outbox.clear()
    with sends():
        client.post(url("withdraw", b, pk=item.pk), {"because": "needs_changed"})
    assert [m.to for m in mail.outbox] == [["other@example.org"]]

    client.force_login(w.provider)
    bad = client.post(page, {"wanted": ["spam"]})
    assert "Choose emails from the list" in bad.content.decode()
    assert EmailSettings.objects.get(user=w.provider).turned_off == ["new_request", "withdrawn"]


def test_the_emails_page_is_the_accounts_own(client: Client, b: Brokerage) -> None:
    client.force_login(b.world.other_provider)
    client.post(reverse("sourcing:provider_emails"), {"wanted": []})
    assert EmailSettings.objects.get(user=b.world.other_provider).turned_off == [
        "accepted",
        "new_request",
        "not_chosen",
        "withdrawn",
    ]
    assert not EmailSettings.objects.filter(user=b.world.provider).exists()
    client.force_login(b.broker)
    assert client.get(reverse("sourcing:provider_emails")).status_code == 403


def test_an_account_that_cannot_see_the_location_is_not_told(
    client: Client, b: Brokerage, sends: Any
) -> None:
    """An editor of the organisation without the provider role hears nothing."""
    b.world.other_provider.memberships.all().delete()
    assert notify.provider_accounts([b.world.other_home.pk], "new_request") == {}
    with sends():
        post_request(client, b)
    assert [m.to for m in mail.outbox] == [["grange@example.org"]]


def test_a_mail_server_down_loses_nothing(
    client: Client, b: Brokerage, settings: Any, sends: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    with sends():
        item = post_request(client, b)
    assert item.sent.count() == 2


def unsourced_world(b: Brokerage) -> list[CareRequest]:
    items = []
    for days_ago in (20, 15, 14, 3):
        referred = date(2026, 6, 30) - timedelta(days=days_ago)
        items.append(
            CareRequest.objects.create(
                local_authority=b.world.stoke,
                service_kind="home_care",
                area=b.ward,
                calls_per_day=2,
                minutes=30,
                days_per_week=7,
                hours_per_week=7,
                referred_on=referred,
                start_on=referred,
                funding="council",
                person_name=NAME,
                person_address=ADDRESS,
            )
        )
    return items


def test_unsourced_requests_are_emailed_to_the_brokers_once(b: Brokerage) -> None:
    items = unsourced_world(b)
    today = date(2026, 6, 30)
    dry = notify.unsourced(14, today=today, dry_run=True)
    assert (dry.items, dry.emails, len(mail.outbox)) == (2, 1, 0)
    report = notify.unsourced(14, today=today)
    assert report.summary() == (
        "2 request(s) unsourced after 14 days emailed to 1 council(s) (1 email(s))"
    )
    (message,) = mail.outbox
    assert message.to == ["broker@stoke.example"]
    assert message.subject == "2 care requests unsourced after 14 days in Stoke-on-Trent"
    body = message.body
    assert body.index(items[0].reference) < body.index(items[1].reference)
    assert items[2].reference not in body and "20 days since referral, 0 offers" in body
    no_person(message)
    assert notify.unsourced(14, today=today).items == 0  # told once
    assert len(mail.outbox) == 1


def test_unsourced_without_brokers_waits_and_the_command_checks_its_days(b: Brokerage) -> None:
    unsourced_world(b)
    User.objects.filter(pk=b.broker.pk).update(email="")
    report = notify.unsourced(14, today=date(2026, 6, 30))
    assert report.councils_without_team == ["stoke-on-trent"] and not mail.outbox
    assert "no broker with an email at stoke-on-trent" in report.summary()
    assert not CareRequest.objects.exclude(unsourced_emailed_at=None).exists()
    out = io.StringIO()
    call_command("sourcing", "unsourced", "--days", "0", "--dry-run", stdout=out)
    assert "dry run, nothing sent" in out.getvalue()
    for days in ("-1", "x", "99999"):
        with pytest.raises(CommandError, match="whole number from 0 to 3650"):
            call_command("sourcing", "unsourced", "--days", days)
