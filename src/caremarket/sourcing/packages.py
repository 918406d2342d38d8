"""Care bought, after acceptance: a package's changes of hours, calls or cost and a placement's
changes of weekly cost or kind of bed, and their ends, each kept in its history (`PackageChange`,
`PlacementChange`) and written to the audit log; the package or placement row holds what is in
force now. Commissioned hours are read from the history, so a figure for any day is the
care in force that day, not what was typed somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.quality.register import day_words
from caremarket.rules import sourcing as rules
from caremarket.sourcing.brokerage import BrokerageError
from caremarket.sourcing.models import (
    BED_KINDS,
    HistoryEntry,
    Package,
    PackageChange,
    Placement,
    PlacementChange,
)

#: Care bought after acceptance: both keep their history in `changes` (a `HistoryEntry`).
Bought = Package | Placement


def _locked(item: Bought) -> Bought:
    locked = type(item).objects.select_for_update().get(pk=item.pk)
    if locked.end_on is not None:
        raise BrokerageError(
            f"{locked.reference} ended on {locked.end_on:%-d %B %Y}; it cannot be changed"
        )
    return locked


def _latest_day(item: Bought) -> date:
    return max([item.start_on, *item.changes.values_list("effective_on", flat=True)])


def _record_change(
    item: Bought,
    from_day: date,
    reason: str,
    now: dict[str, Any],
    user: User,
    http: HttpRequest | None,
    detail: str,
) -> HistoryEntry:
    """`now` (the bought row's fields as changed, which the entry keeps too) in force from
    `from_day`, not before the latest start or change; audited with `detail`."""
    with transaction.atomic():
        locked = _locked(item)
        latest = _latest_day(locked)
        if from_day < latest:
            raise BrokerageError(
                f"A change must start on or after {latest:%-d %B %Y}, the latest start or change"
            )
        entry: HistoryEntry = locked.changes.create(
            kind=HistoryEntry.Kind.CHANGE,
            effective_on=from_day,
            reason=reason,
            made_by=user,
            **now,
        )
        fields = [f for f in now if hasattr(type(locked), f)]
        for field in fields:
            setattr(locked, field, now[field])
        locked.save(update_fields=fields)
        record(
            "sourcing: package changed"
            if isinstance(locked, Package)
            else "sourcing: placement changed",
            request=http,
            user=user,
            local_authority=locked.local_authority,
            obj=locked,
            detail=f"{detail} from {day_words(from_day)}",
        )
    item.refresh_from_db()
    return entry


@dataclass(frozen=True)
class Change:
    pattern: rules.CallPattern
    weekly_cost: Decimal
    from_day: date
    reason: str


def change(package: Package, data: Change, user: User, http: HttpRequest | None) -> PackageChange:
    """New hours, calls or cost from a day on; the day may not be before the latest change."""
    p = data.pattern
    now = {"calls_per_day": p.calls_per_day, "minutes": p.minutes,
           "days_per_week": p.days_per_week, "hours_per_week": p.hours_per_week,
           "weekly_cost": data.weekly_cost}  # fmt: skip
    detail = f"{p.hours_per_week.normalize():f} hours a week"
    entry = _record_change(package, data.from_day, data.reason, now, user, http, detail)
    return entry  # type: ignore[return-value]


def change_placement(
    placement: Placement,
    bed_kind: str,
    weekly_cost: Decimal,
    from_day: date,
    reason: str,
    user: User,
    http: HttpRequest | None,
) -> PlacementChange:
    """A new weekly cost or kind of bed from a day on, as `change` does for a package."""
    now = {"bed_kind": bed_kind, "weekly_cost": weekly_cost}
    words = dict(BED_KINDS).get(bed_kind, bed_kind).lower()
    detail = f"a {words} bed at £{weekly_cost:,.2f} a week"
    entry = _record_change(placement, from_day, reason, now, user, http, detail)
    return entry  # type: ignore[return-value]


def end(
    item: Bought, last_day: date, reason: str, user: User, http: HttpRequest | None
) -> HistoryEntry:
    """The package or placement ends after `last_day` (the last day of care, on or after its
    latest change less one day: care may end the day before a change it no longer needs)."""
    with transaction.atomic():
        locked = _locked(item)
        latest = _latest_day(locked)
        if last_day < latest - timedelta(days=1):
            raise BrokerageError(
                f"The last day of care must be on or after {latest - timedelta(days=1):%-d %B %Y}"
            )
        zero = {"hours_per_week": Decimal(0)} if isinstance(locked, Package) else {}
        entry: HistoryEntry = locked.changes.create(
            kind=HistoryEntry.Kind.END,
            effective_on=last_day,
            weekly_cost=Decimal(0),
            reason=reason,
            made_by=user,
            **zero,
        )
        locked.end_on = last_day
        fields = ["end_on"]
        if isinstance(locked, Placement):
            locked.end_reason = reason
            fields.append("end_reason")
        locked.save(update_fields=fields)
        record(
            "sourcing: package ended"
            if isinstance(locked, Package)
            else "sourcing: placement ended",
            request=http,
            user=user,
            local_authority=locked.local_authority,
            obj=locked,
            detail=f"last day of care {day_words(last_day)}",
        )
    item.refresh_from_db()
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
