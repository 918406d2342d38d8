"""Remind organisations before their listings lapse, and tell council staff which have.

`remind()` is what `caremarket directory remind` runs (weekly, from cron or a systemd timer).
Each listed service whose review falls within `days` is put in one email per organisation to
its editors, and marked reminded, so an organisation hears once per review period however
often the command runs (`Service.mark_reviewed` clears the mark when a new period starts).
Each council's directory staff get the list of their lapsed listings, and of due listings no
one could be reminded about, on every run that finds any. The report counts; it names no one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from caremarket.directory.editorial import council_of, directory_staff, site_url
from caremarket.directory.models import REVIEW_INTERVAL, Organization, Service
from caremarket.emails import Email
from caremarket.places.models import LocalAuthority

DEFAULT_DAYS = 28


@dataclass
class RemindReport:
    dry_run: bool = False
    organizations_reminded: int = 0
    listings_reminded: int = 0
    emails_to_editors: int = 0
    listings_without_editor: int = 0
    lapsed: int = 0
    councils_told: int = 0
    emails_to_staff: int = 0
    councils_without_staff: list[str] = field(default_factory=list)

    def summary(self) -> str:
        prefix = "dry run, nothing sent: " if self.dry_run else ""
        text = (
            f"{prefix}{self.listings_reminded} listing(s) due for review at "
            f"{self.organizations_reminded} organisation(s) ({self.emails_to_editors} email(s) "
            f"to editors); {self.listings_without_editor} due with no editor to remind; "
            f"{self.lapsed} lapsed listing(s) listed to {self.councils_told} council(s) "
            f"({self.emails_to_staff} email(s) to directory staff)"
        )
        if self.councils_without_staff:
            text += "; no directory staff with an email at " + ", ".join(
                self.councils_without_staff
            )
        return text


def due_for_reminder(today: date, days: int) -> list[Service]:
    """Listed services due within `days` whose organisation has not been reminded this period."""
    services = (
        Service.objects.listed()
        .filter(review_due__gte=today, review_due__lte=today + timedelta(days=days))
        .select_related("organization", "local_authority", "cqc_location")
        .order_by("organization_id", "review_due", "name")
    )
    return [
        s
        for s in services
        # Reminded in this period: on or after the period began (review_due - interval).
        if s.review_reminder_sent is None or s.review_reminder_sent < s.review_due - REVIEW_INTERVAL
    ]


def _editor_addresses(organization: Organization) -> list[str]:
    return sorted(
        {u.email for u in organization.editors.filter(is_active=True).exclude(email="") if u.email}
    )


def remind(
    *, days: int = DEFAULT_DAYS, dry_run: bool = False, today: date | None = None
) -> RemindReport:
    today = today or timezone.localdate()
    report = RemindReport(dry_run=dry_run)
    base = site_url()
    service_name = getattr(settings, "SERVICE_NAME", "caremarket")

    by_org: dict[Organization, list[Service]] = defaultdict(list)
    for service in due_for_reminder(today, days):
        by_org[service.organization].append(service)
    no_editor: dict[int, list[Service]] = defaultdict(list)
    for organization, services in by_org.items():
        addresses = _editor_addresses(organization)
        if not addresses:
            report.listings_without_editor += len(services)
            for s in services:
                council = council_of(s)
                if council is not None:
                    no_editor[council.pk].append(s)
            continue
        report.organizations_reminded += 1
        report.listings_reminded += len(services)
        report.emails_to_editors += len(addresses)
        if dry_run:
            continue
        context = {
            "organization": organization,
            "services": services,
            "first_due": min(s.review_due for s in services if s.review_due),
            "site_url": base,
            "service_name": service_name,
        }
        email = Email.render("directory/email/reminder", context)
        for address in addresses:  # one each: editors of one organisation need not see each other
            email.send([address])
        Service.objects.filter(pk__in=[s.pk for s in services]).update(review_reminder_sent=today)

    lapsed = (
        Service.objects.listed()
        .lapsed(today)
        .select_related("organization", "local_authority", "cqc_location")
        .order_by("review_due", "name")
    )
    by_council: dict[int, list[Service]] = defaultdict(list)
    for service in lapsed:
        council = council_of(service)
        if council is not None:
            by_council[council.pk].append(service)
    report.lapsed = sum(len(v) for v in by_council.values())
    for council in LocalAuthority.objects.filter(
        Q(pk__in=by_council.keys()) | Q(pk__in=no_editor.keys())
    ).order_by("name"):
        addresses = sorted({u.email for u in directory_staff(council).exclude(email="") if u.email})
        if not addresses:
            report.councils_without_staff.append(council.slug)
            continue
        report.councils_told += 1
        report.emails_to_staff += len(addresses)
        if dry_run:
            continue
        context = {
            "council": council,
            "services": by_council.get(council.pk, []),
            "no_editor": no_editor.get(council.pk, []),
            "site_url": base,
            "service_name": service_name,
        }
        email = Email.render("directory/email/lapsed", context)
        for address in addresses:
            email.send([address])
    return report
