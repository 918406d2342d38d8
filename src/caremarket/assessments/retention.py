"""Deleting what the councils' retention periods say must go, and re-encrypting after a key
rotation. Called by `caremarket assessments purge|rotate-key`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from caremarket.assessments.crypto import EncryptedJSONField
from caremarket.assessments.models import Assessment, FrontDoorSettings, Referral, ReferralEvent
from caremarket.places.models import LocalAuthority

DONE = (Referral.Status.PASSED, Referral.Status.SIGNPOSTED, Referral.Status.CLOSED)


@dataclass
class PurgeReport:
    assessments: int = 0
    referrals: int = 0

    def summary(self) -> str:
        return (
            f"deleted {self.assessments} self-assessment{'s' if self.assessments != 1 else ''} "
            f"and {self.referrals} referral{'s' if self.referrals != 1 else ''}"
        )


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
    return report


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
