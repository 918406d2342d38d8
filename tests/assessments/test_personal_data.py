"""Encryption at rest, save and return, deletion by reference, purge and key rotation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import AuditEvent
from caremarket.assessments.crypto import _fernet
from caremarket.assessments.models import Assessment, FrontDoorSettings, Referral
from caremarket.assessments.retention import purge


def q(journey: str, step: str) -> str:
    return reverse("assessments:question", kwargs={"journey": journey, "step": step})


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_answers_are_encrypted_at_rest(client, postcodes):
    client.post(q("finance", "where"), {"postcode": "ST4 1AA"})
    assessment = Assessment.objects.get()
    raw = raw_column("assessments_assessment", "answers", assessment.pk)
    assert "ST4" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert assessment.answers["where"]["postcode"] == "ST4 1AA"


def test_referral_details_are_encrypted_at_rest(stoke):
    referral = Referral.objects.create(
        local_authority=stoke,
        kind="resident",
        source="ask",
        consent=True,
        details={"name": "Ada Lovelace", "needs": "help washing"},
    )
    raw = raw_column("assessments_referral", "details", referral.pk)
    assert "Ada" not in raw
    assert "washing" not in raw


def test_save_and_return_by_reference(client, postcodes):
    client.post(q("finance", "where"), {"postcode": "ST4 1AA"})
    response = client.post(q("finance", "year"), {"year": "2025/26", "save": "1"})
    assert response["Location"] == reverse("assessments:saved", kwargs={"journey": "finance"})
    assessment = Assessment.objects.get()
    page = client.get(response["Location"])
    assert assessment.reference in page.content.decode()
    client.logout()
    client.cookies.clear()
    form = client.get(reverse("assessments:return"))
    assert form.status_code == 200
    back = client.post(reverse("assessments:return"), {"reference": assessment.reference.lower()})
    assert back["Location"] == q("finance", "setting")
    assert client.get(back["Location"]).status_code == 200


def test_a_wrong_reference_is_an_error_not_a_crash(client, db):
    response = client.post(reverse("assessments:return"), {"reference": "ABCDEFGHJK"})
    assert "We cannot find answers" in response.content.decode()
    response = client.post(reverse("assessments:return"), {"reference": "x" * 5000})
    assert "There is a problem" in response.content.decode()


def test_save_and_return_by_email_link_keeps_no_address(client, postcodes, mailoutbox):
    client.post(q("finance", "where"), {"postcode": "ST4 1AA"})
    url = reverse("assessments:saved", kwargs={"journey": "finance"})
    client.post(url, {"email": "ada@example.com"})
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    link = next(word for word in body.split() if "/help/return/" in word)
    assessment = Assessment.objects.get()
    assert "ada@example.com" not in str(assessment.answers)
    client.cookies.clear()
    path = link.replace("http://testserver", "")
    assert "Continue" in client.get(path).content.decode()
    response = client.post(path)
    assert response["Location"] == q("finance", "year")
    assert client.get("/help/return/forged-token/").status_code == 404


def email_link(client, mailoutbox) -> str:
    client.post(
        reverse("assessments:saved", kwargs={"journey": "finance"}), {"email": "ada@example.com"}
    )
    body = mailoutbox[-1].body
    return next(w for w in body.split() if "/help/return/" in w).replace("http://testserver", "")


def test_a_carry_on_link_works_only_once(client, postcodes, mailoutbox):
    client.post(q("finance", "where"), {"postcode": "ST4 1AA"})
    link = email_link(client, mailoutbox)
    assert "works once, for 7 days" in mailoutbox[-1].body
    assert "works once, for 7 days" in mailoutbox[-1].alternatives[0][0]
    client.cookies.clear()
    assert client.get(link).status_code == 200  # a mail scanner's look does not spend it
    assert client.post(link)["Location"] == q("finance", "year")
    client.cookies.clear()
    assert client.post(link).status_code == 404
    again = client.get(link)
    assert again.status_code == 404
    assert "works once, for 7 days" in again.content.decode()


def test_a_carry_on_link_stops_working_after_7_days(client, postcodes, mailoutbox):
    import time_machine

    client.post(q("finance", "where"), {"postcode": "ST4 1AA"})
    link = email_link(client, mailoutbox)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(link).status_code == 404
        assert client.post(link).status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert client.get(link).status_code == 200


def test_a_newer_carry_on_email_replaces_the_older_link(client, postcodes, mailoutbox):
    client.post(q("finance", "where"), {"postcode": "ST4 1AA"})
    first = email_link(client, mailoutbox)
    second = email_link(client, mailoutbox)
    assert client.get(first).status_code == 404
    assert client.post(second).status_code == 302


def test_a_person_deletes_their_answers_by_reference(client, postcodes):
    client.post(q("finance", "where"), {"postcode": "ST4 1AA"})
    reference = Assessment.objects.get().reference
    response = client.post(reverse("assessments:delete"), {"reference": reference})
    assert "Confirm that you want it deleted" in response.content.decode()
    response = client.post(reverse("assessments:delete"), {"reference": reference, "confirm": "on"})
    assert response.status_code == 200
    assert not Assessment.objects.exists()
    assert AuditEvent.objects.filter(action="assessment_deleted_by_person").exists()


def test_deleting_a_sent_referral_flags_it_for_the_council(client, stoke):
    referral = Referral.objects.create(
        local_authority=stoke, kind="resident", source="ask", consent=True, details={"name": "Ada"}
    )
    client.post(reverse("assessments:delete"), {"reference": referral.reference, "confirm": "on"})
    referral.refresh_from_db()
    assert referral.deletion_requested_at is not None


def test_purge_deletes_only_what_is_past_each_councils_period(stoke, coventry):
    FrontDoorSettings.objects.create(
        local_authority=coventry, assessment_retention_days=7, referral_retention_days=10
    )
    now = timezone.now()
    old_stoke = Assessment.objects.create(journey="needs", local_authority=stoke)
    new_stoke = Assessment.objects.create(journey="needs", local_authority=stoke)
    old_cov = Assessment.objects.create(journey="needs", local_authority=coventry)
    nowhere = Assessment.objects.create(journey="finance")
    Assessment.objects.filter(pk=old_stoke.pk).update(updated_at=now - timedelta(days=31))
    Assessment.objects.filter(pk=new_stoke.pk).update(updated_at=now - timedelta(days=29))
    Assessment.objects.filter(pk=old_cov.pk).update(updated_at=now - timedelta(days=8))
    Assessment.objects.filter(pk=nowhere.pk).update(updated_at=now - timedelta(days=31))
    closed = Referral.objects.create(
        local_authority=coventry,
        kind="resident",
        source="ask",
        consent=True,
        status="closed",
        decided_at=now - timedelta(days=11),
    )
    open_old = Referral.objects.create(
        local_authority=coventry, kind="resident", source="ask", consent=True
    )
    Referral.objects.filter(pk=open_old.pk).update(created_at=now - timedelta(days=400))
    assert purge(dry_run=True).assessments == 3
    assert Assessment.objects.count() == 4
    report = purge()
    assert (report.assessments, report.referrals) == (3, 1)
    assert list(Assessment.objects.all()) == [new_stoke]
    assert list(Referral.objects.all()) == [open_old]
    assert not Referral.objects.filter(pk=closed.pk).exists()


def test_purge_command_prints_one_line(db, capsys):
    call_command("assessments", "purge")
    assert "deleted 0 self-assessments and 0 referrals" in capsys.readouterr().out


def test_key_rotation_reencrypts_with_the_new_key(settings, stoke):
    referral = Referral.objects.create(
        local_authority=stoke, kind="resident", source="ask", consent=True, details={"name": "Ada"}
    )
    old_key = settings.DATA_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.DATA_KEYS = [new_key, old_key]
    _fernet.cache_clear()
    assert Referral.objects.get().details == {"name": "Ada"}  # old key still reads
    call_command("assessments", "rotate-key")
    raw = raw_column("assessments_referral", "details", referral.pk)
    assert Fernet(new_key.encode()).decrypt(raw.encode())
    settings.DATA_KEYS = [new_key]
    assert Referral.objects.get().details == {"name": "Ada"}
    settings.DATA_KEYS = [old_key]
    with pytest.raises(ValueError, match="cannot be read"):
        Referral.objects.get()


def referral_from(assessment: Assessment, council, **extra) -> Referral:
    return Referral.objects.create(
        local_authority=council,
        kind="resident",
        source="needs",
        consent=True,
        details={"name": "Ada"},
        assessment=assessment,
        **extra,
    )


def test_deleting_by_the_assessment_reference_flags_every_referral_made_from_it(
    client, stoke, stoke_practitioner
):
    assessment = Assessment.objects.create(journey="needs", local_authority=stoke)
    first, second = referral_from(assessment, stoke), referral_from(assessment, stoke)
    other = referral_from(None, stoke)
    response = client.post(
        reverse("assessments:delete"), {"reference": assessment.reference, "confirm": "on"}
    )
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    for referral in (first, second):
        referral.refresh_from_db()
        assert referral.deletion_requested_at is not None
    other.refresh_from_db()
    assert other.deletion_requested_at is None
    page = response.content.decode()
    assert "Your answers have been deleted" in page
    assert "What happens next" in page
    assert "We have asked Stoke-on-Trent's adult social care team to delete" in page
    assert AuditEvent.objects.filter(action="referral_deletion_requested").count() == 2
    client.force_login(stoke_practitioner)
    inbox = client.get(reverse("assessments:inbox", kwargs={"council": "stoke-on-trent"}))
    assert inbox.content.decode().count("Deletion requested") == 2


def test_deleting_by_the_referral_reference_deletes_the_assessment_too(client, stoke):
    assessment = Assessment.objects.create(journey="needs", local_authority=stoke)
    referral = referral_from(assessment, stoke)
    response = client.post(
        reverse("assessments:delete"), {"reference": referral.reference, "confirm": "on"}
    )
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    referral.refresh_from_db()
    assert referral.deletion_requested_at is not None
    assert "What happens next" in response.content.decode()


def test_deleting_from_the_result_page_flags_the_referral_too(client, postcodes, stoke):
    client.post(q("needs", "where"), {"postcode": "ST4 1AA"})
    assessment = Assessment.objects.get()
    referral = referral_from(assessment, stoke)
    response = client.post(reverse("assessments:forget", kwargs={"journey": "needs"}))
    assert not Assessment.objects.exists()
    referral.refresh_from_db()
    assert referral.deletion_requested_at is not None
    assert "What happens next" in response.content.decode()


def test_deleting_answers_never_sent_says_only_that_they_are_gone(client, stoke):
    assessment = Assessment.objects.create(journey="needs", local_authority=stoke)
    response = client.post(
        reverse("assessments:delete"), {"reference": assessment.reference, "confirm": "on"}
    )
    page = response.content.decode()
    assert "Your answers have been deleted" in page and "What happens next" not in page


def test_purge_deletes_unsent_email_files_once_their_links_have_stopped_working(
    db, settings, tmp_path
):
    import os

    settings.EMAIL_BACKEND = "caremarket.emails.PrivateFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("To: ada@example.com")
    new.write_text("To: bob@example.com")
    eight_days_ago = (timezone.now() - timedelta(days=8)).timestamp()
    os.utime(old, (eight_days_ago, eight_days_ago))
    assert purge(dry_run=True).email_files == 1 and old.exists()
    report = purge()
    assert report.email_files == 1 and "1 unsent email file" in report.summary()
    assert not old.exists() and new.exists()
