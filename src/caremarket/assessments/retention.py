"""Deleting what the councils' retention periods say must go, and re-encrypting after a key
rotation. Called by `caremarket assessments purge|rotate-key`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from caremarket.assessments.crypto import EncryptedJSONField
from caremarket.assessments.models import (
    RETURN_LINK_DAYS,
    Assessment,
    FrontDoorSettings,
    Referral,
    ReferralEvent,
)
from caremarket.places.models import LocalAuthority

DONE = (Referral.Status.PASSED, Referral.Status.SIGNPOSTED, Referral.Status.CLOSED)


@dataclass
class PurgeReport:
    assessments: int = 0
    referrals: int = 0
    email_files: int = 0

    def summary(self) -> str:
        text = (
            f"deleted {self.assessments} self-assessment{'s' if self.assessments != 1 else ''} "
            f"and {self.referrals} referral{'s' if self.referrals != 1 else ''}"
        )
        if self.email_files:
            text += f", and {self.email_files} unsent email file(s)"
        return text


def _periods() -> list[tuple[LocalAuthority | None, FrontDoorSettings]]:
    councils: list[LocalAuthority | None] = [None, *LocalAuthority.objects.all()]
    return [(c, FrontDoorSettings.for_council(c)) for c in councils]


def purge(now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Delete unsent self-assessments past their council's retention period, and referrals
    dealt with longer ago than the council keeps them. Sent ones are copied into the referral,
    so the self-assessment itself goes on the same clock."""
    now = now or timezone.now()
    report = PurgeReport()
    with transaction.atomic():
        for council, choices in _periods():
            cutoff = now - timedelta(days=choices.assessment_retention_days)
            old = Assessment.objects.filter(local_authority=council, updated_at__lt=cutoff)
            report.assessments += old.count()
            if not dry_run:
                old.delete()
            if council is None:
                continue
            cutoff = now - timedelta(days=choices.referral_retention_days)
            done = Referral.objects.filter(
                local_authority=council, status__in=DONE, decided_at__lt=cutoff
            )
            report.referrals += done.count()
            if not dry_run:
                done.delete()
    report.email_files = purge_email_files(now, dry_run)
    return report


def purge_email_files(now: datetime, dry_run: bool = False) -> int:
    """Emails written to var/sent-email/ when no mail server is set carry residents' addresses
    and carry-on links: they go once the links in them have stopped working."""
    if settings.EMAIL_BACKEND != "caremarket.emails.PrivateFileBackend":
        return 0
    folder = Path(settings.EMAIL_FILE_PATH)
    if not folder.is_dir():
        return 0
    cutoff = (now - timedelta(days=RETURN_LINK_DAYS)).timestamp()
    old = [f for f in folder.glob("*.txt") if f.is_file() and f.stat().st_mtime < cutoff]
    if not dry_run:
        for file in old:
            file.unlink(missing_ok=True)
    return len(old)


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    out = []
    for model in (Assessment, Referral, ReferralEvent):
        names = [f.name for f in model._meta.fields if isinstance(f, EncryptedJSONField)]
        out.append((model, names))
    return out


def rotate_keys() -> int:
    """Re-encrypt every encrypted column with the newest key; returns rows rewritten."""
    count = 0
    for model, names in encrypted_fields():
        for row in model.objects.all().iterator(chunk_size=500):  # type: ignore[attr-defined]
            # Saving writes with the first key; only the encrypted columns, so timestamps
            # (which drive retention) do not move.
            model.objects.filter(pk=row.pk).update(  # type: ignore[attr-defined]
                **{name: getattr(row, name) for name in names}
            )
            count += 1
    return count
