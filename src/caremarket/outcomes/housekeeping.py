"""Retention: Client Level Data is kept as long as the council chose, then deleted."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.outcomes.models import CldEvent, CldSubmission, OutcomesSettings
from caremarket.places.models import LocalAuthority
from caremarket.rules.quality import add_months


def cutoff(council: LocalAuthority, today: date) -> date:
    """Submissions whose period ended before this date are past the council's retention."""
    settings = OutcomesSettings.objects.filter(local_authority=council).first()
    months = settings.cld_retention_months if settings else OutcomesSettings().cld_retention_months
    return add_months(today, -months)


def purge(*, dry_run: bool = False, today: date | None = None) -> tuple[int, int]:
    """Delete expired submissions with their events; (submissions, events) deleted or due."""
    today = today or timezone.localdate()
    subs = events = 0
    councils = LocalAuthority.objects.filter(cld_submissions__isnull=False).distinct()
    for council in councils:
        expired = CldSubmission.objects.filter(
            local_authority=council, period_end__lt=cutoff(council, today)
        )
        n_subs = expired.count()
        if not n_subs:
            continue
        n_events = CldEvent.objects.filter(submission__in=expired).count()
        subs, events = subs + n_subs, events + n_events
        if dry_run:
            continue
        with transaction.atomic():
            expired.delete()
            record(
                "purged client level data",
                local_authority=council,
                detail=f"{n_subs} submission(s), {n_events} event(s) past retention",
            )
    return subs, events
