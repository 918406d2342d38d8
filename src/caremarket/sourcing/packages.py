"""Packages after acceptance: changes of hours, calls or cost, and ends, each kept in the
package's history (`PackageChange`) and written to the audit log; the package row holds what is
in force now. Commissioned hours are read from the history, so a figure for any day is the
care in force that day, not what was typed somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest

from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.quality.register import day_words
from caremarket.rules import sourcing as rules
from caremarket.sourcing.brokerage import BrokerageError
from caremarket.sourcing.models import Package, PackageChange


def _locked(package: Package) -> Package:
    locked = Package.objects.select_for_update().get(pk=package.pk)
    if locked.end_on is not None:
        raise BrokerageError(
            f"{locked.reference} ended on {locked.end_on:%-d %B %Y}; it cannot be changed"
        )
    return locked


def _latest_day(package: Package) -> date:
    return max(
        [package.start_on, *package.changes.values_list("effective_on", flat=True)],
    )


@dataclass(frozen=True)
class Change:
    pattern: rules.CallPattern
    weekly_cost: Decimal
    from_day: date
    reason: str


def change(package: Package, data: Change, user: User, http: HttpRequest | None) -> PackageChange:
    """New hours, calls or cost from a day on; the day may not be before the latest change."""
    with transaction.atomic():
        locked = _locked(package)
        latest = _latest_day(locked)
        if data.from_day < latest:
            raise BrokerageError(
                f"A change must start on or after {latest:%-d %B %Y}, the package's latest "
                "start or change"
            )
        entry = PackageChange.objects.create(
            package=locked,
            kind=PackageChange.Kind.CHANGE,
            effective_on=data.from_day,
            calls_per_day=data.pattern.calls_per_day,
            minutes=data.pattern.minutes,
            days_per_week=data.pattern.days_per_week,
            hours_per_week=data.pattern.hours_per_week,
            weekly_cost=data.weekly_cost,
            reason=data.reason,
            made_by=user,
        )
        locked.hours_per_week, locked.weekly_cost = entry.hours_per_week, entry.weekly_cost
        locked.save(update_fields=["hours_per_week", "weekly_cost"])
        record(
            "sourcing: package changed",
            request=http,
            user=user,
            local_authority=locked.local_authority,
            obj=locked,
            detail=f"{entry.hours_per_week.normalize():f} hours a week from "
            f"{day_words(entry.effective_on)}",
        )
    package.refresh_from_db()
    return entry


def end(
    package: Package, last_day: date, reason: str, user: User, http: HttpRequest | None
) -> PackageChange:
    """The package ends after `last_day` (the last day of care, on or after its latest change
    less one day: a package may end the day before a change it no longer needs)."""
    with transaction.atomic():
        locked = _locked(package)
        latest = _latest_day(locked)
        if last_day < latest - timedelta(days=1):
            raise BrokerageError(
                f"The last day of care must be on or after {latest - timedelta(days=1):%-d %B %Y}"
            )
        entry = PackageChange.objects.create(
            package=locked,
            kind=PackageChange.Kind.END,
            effective_on=last_day,
            hours_per_week=Decimal(0),
            weekly_cost=Decimal(0),
            reason=reason,
            made_by=user,
        )
        locked.end_on = last_day
        locked.save(update_fields=["end_on"])
        record(
            "sourcing: package ended",
            request=http,
            user=user,
            local_authority=locked.local_authority,
            obj=locked,
            detail=f"last day of care {day_words(last_day)}",
        )
    package.refresh_from_db()
    return entry


def versions(changes: list[PackageChange]) -> list[rules.Version]:
    """A package's history as the rules read it: an end is 0 hours from the next day."""
    ordered = []
    for c in changes:
        ended = c.kind == PackageChange.Kind.END
        starts = c.effective_on + timedelta(days=1) if ended else c.effective_on
        ordered.append((starts, ended, c.pk or 0, c.hours_per_week))
    # an end wins over a change from the same day: nothing is in force after the end
    return [rules.Version(day, hours) for day, _, _, hours in sorted(ordered)]
