"""What `caremarket quality overdue|purge` does (run hourly and nightly from cron or a timer).

- `overdue()`: each council's quality team (quality officers and council admins with an email
  address) gets one email listing the concerns that have become overdue since the last run,
  by reference, location, risk and due time. It never carries what happened or who raised it:
  those stay behind the sign-in. Each concern is emailed about once.
- `downgrades()`: each council's quality team gets one email listing the CQC rating downgrades
  (seen by the register imports in the last `DOWNGRADE_DAYS`) of the locations in its area or
  on its register, each downgrade once per council. Ratings are public: no personal data.
- `purge()`: what happened, who raised it and the outcome notes of concerns closed longer ago
  than the council's retention period are erased; the record of the concern (location, risk,
  source, dates, outcome) stays for the council's statistics.

Reports count; they name no one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.directory.editorial import site_url
from caremarket.emails import Email
from caremarket.places.models import LocalAuthority
from caremarket.quality.forms import quality_officers
from caremarket.quality.models import Concern, CqcRating, ProviderRecord, QualitySettings


@dataclass
class TeamReport:
    """What an email round to the councils' quality teams did (or would do, dry)."""

    what: str  # "newly overdue concern(s)"
    dry_run: bool = False
    items: int = 0
    councils_told: int = 0
    emails: int = 0
    councils_without_team: list[str] = field(default_factory=list)
    #: Who the team is, in the summary's words (sourcing's reminders tell brokers).
    team: str = "quality officer"

    def summary(self) -> str:
        prefix = "dry run, nothing sent: " if self.dry_run else ""
        text = (
            f"{prefix}{self.items} {self.what} emailed to "
            f"{self.councils_told} council(s) ({self.emails} email(s))"
        )
        if self.councils_without_team:
            text += f"; no {self.team} with an email at " + ", ".join(self.councils_without_team)
        return text


def _tell_teams(
    report: TeamReport,
    by_council: dict[int, list[Any]],
    template: str,
    mark: Callable[[LocalAuthority, list[Any]], None],
    action: str,
) -> None:
    """Email each council's quality team its items (`template` gets them as `items`), then
    `mark` them told and write `action` to the audit log. A council with no one to email is
    left unmarked: told once someone can be.
    """
    for council in LocalAuthority.objects.filter(pk__in=by_council).order_by("name"):
        items = by_council[council.pk]
        addresses = sorted({u.email for u in quality_officers(council) if u.email})
        if not addresses:
            report.councils_without_team.append(council.slug)
            continue
        report.items += len(items)
        report.councils_told += 1
        report.emails += len(addresses)
        if report.dry_run:
            continue
        email = Email.render(
            template,
            {
                "council": council,
                "items": items,
                "site_url": site_url(),
                "service_name": settings.SERVICE_NAME,
            },
        )
        for address in addresses:
            email.send([address])
        mark(council, items)
        record(
            action,
            local_authority=council,
            detail=f"{len(items)} {report.what.split()[-1]} to {len(addresses)} address(es)",
        )


def overdue(now: datetime | None = None, dry_run: bool = False) -> TeamReport:
    now = now or timezone.now()
    report = TeamReport("newly overdue concern(s)", dry_run=dry_run)
    by_council: dict[int, list[Concern]] = defaultdict(list)
    for concern in (
        Concern.objects.filter(closed_at__isnull=True, due_at__lt=now, overdue_emailed_at=None)
        .select_related("location", "dealt_with_by")
        .order_by("due_at")
    ):
        by_council[concern.local_authority_id].append(concern)

    def mark(council: LocalAuthority, concerns: list[Concern]) -> None:
        Concern.objects.filter(pk__in=[c.pk for c in concerns]).update(overdue_emailed_at=now)

    _tell_teams(
        report, by_council, "quality/email/overdue_concerns", mark, "emailed_overdue_concerns"
    )
    return report


#: A downgrade older than this when first seen by `downgrades()` is not news: not emailed.
DOWNGRADE_DAYS = 30


def downgrades(now: datetime | None = None, dry_run: bool = False) -> TeamReport:
    """Email each council's quality team the CQC downgrades it has not been told about."""
    now = now or timezone.now()
    report = TeamReport("CQC rating downgrade(s)", dry_run=dry_run)
    recent = list(
        CqcRating.objects.filter(downgrade=True, seen_at__gte=now - timedelta(days=DOWNGRADE_DAYS))
        .select_related("location")
        .prefetch_related("councils_told")
        .order_by("seen_at", "id")
    )
    watchers: dict[int, set[int]] = defaultdict(set)
    for location_id, council_id in ProviderRecord.objects.filter(
        location_id__in={r.location_id for r in recent}
    ).values_list("location_id", "local_authority_id"):
        watchers[location_id].add(council_id)
    by_council: dict[int, list[CqcRating]] = defaultdict(list)
    for rating in recent:
        told = {c.pk for c in rating.councils_told.all()}
        councils = watchers[rating.location_id] | {rating.location.local_authority_id}
        for council_id in councils - told - {None}:
            by_council[council_id].append(rating)

    def mark(council: LocalAuthority, ratings: list[CqcRating]) -> None:
        for rating in ratings:
            rating.councils_told.add(council)

    _tell_teams(report, by_council, "quality/email/cqc_downgrades", mark, "emailed_cqc_downgrades")
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
