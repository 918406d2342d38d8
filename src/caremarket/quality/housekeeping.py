"""What `caremarket quality overdue|purge` does (run hourly and nightly from cron or a timer).

- `overdue()`: each council's quality team (quality officers and council admins with an email
  address) gets one email listing the concerns that have become overdue since the last run,
  by reference, location, risk and due time. It never carries what happened or who raised it:
  those stay behind the sign-in. Each concern is emailed about once.
- `purge()`: what happened, who raised it and the outcome notes of concerns closed longer ago
  than the council's retention period are erased; the record of the concern (location, risk,
  source, dates, outcome) stays for the council's statistics.

Reports count; they name no one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.directory.editorial import site_url
from caremarket.emails import Email
from caremarket.places.models import LocalAuthority
from caremarket.quality.forms import quality_officers
from caremarket.quality.models import Concern, QualitySettings


@dataclass
class OverdueReport:
    dry_run: bool = False
    concerns: int = 0
    councils_told: int = 0
    emails: int = 0
    councils_without_team: list[str] = field(default_factory=list)

    def summary(self) -> str:
        prefix = "dry run, nothing sent: " if self.dry_run else ""
        text = (
            f"{prefix}{self.concerns} newly overdue concern(s) emailed to "
            f"{self.councils_told} council(s) ({self.emails} email(s))"
        )
        if self.councils_without_team:
            text += "; no quality officer with an email at " + ", ".join(self.councils_without_team)
        return text


def overdue(now: datetime | None = None, dry_run: bool = False) -> OverdueReport:
    now = now or timezone.now()
    report = OverdueReport(dry_run=dry_run)
    by_council: dict[int, list[Concern]] = defaultdict(list)
    for concern in (
        Concern.objects.filter(closed_at__isnull=True, due_at__lt=now, overdue_emailed_at=None)
        .select_related("location", "dealt_with_by")
        .order_by("due_at")
    ):
        by_council[concern.local_authority_id].append(concern)
    for council in LocalAuthority.objects.filter(pk__in=by_council).order_by("name"):
        concerns = by_council[council.pk]
        addresses = sorted({u.email for u in quality_officers(council) if u.email})
        if not addresses:
            report.councils_without_team.append(council.slug)
            continue  # not marked: told once someone can be
        report.concerns += len(concerns)
        report.councils_told += 1
        report.emails += len(addresses)
        if dry_run:
            continue
        email = Email.render(
            "quality/email/overdue",
            {
                "council": council,
                "concerns": concerns,
                "site_url": site_url(),
                "service_name": settings.SERVICE_NAME,
            },
        )
        for address in addresses:
            email.send([address])
        Concern.objects.filter(pk__in=[c.pk for c in concerns]).update(overdue_emailed_at=now)
        record(
            "emailed_overdue_concerns",
            local_authority=council,
            detail=f"{len(concerns)} concern(s) to {len(addresses)} address(es)",
        )
    return report


def purge(now: datetime | None = None, dry_run: bool = False) -> int:
    """Erase the details of concerns closed longer ago than each council keeps them."""
    now = now or timezone.now()
    erased = 0
    for council in LocalAuthority.objects.filter(concerns__isnull=False).distinct():
        days = QualitySettings.for_council(council).concern_retention_days
        due = Concern.objects.filter(
            local_authority=council,
            closed_at__lt=now - timedelta(days=days),
            details_erased_at=None,
        )
        count = due.count()
        erased += count
        if dry_run or not count:
            continue
        # Fields are encrypted per row, so the erased value is written row by row.
        for concern in due:
            concern.details = {}
            concern.details_erased_at = now
            concern.save(update_fields=["details", "details_erased_at"])
        record("erased_concern_details", local_authority=council, detail=f"{count} concern(s)")
    return erased
