"""Emails about care requests, sent through Django's email backend once the change is saved.

To providers (each kind may be turned off on their emails page, `EmailKind`): a new request sent
to their services, their offer accepted, not chosen, or the request withdrawn. To the council's
brokers: an offer received, and (by `caremarket sourcing unsourced`) requests still unsourced
after N days.

Emails carry what is already on a provider's page before acceptance: the reference, council,
service, area, hours and start date, and a link. Never the person's name or address, the
broker's summary or the council's case reference — not even after acceptance: those stay
behind the sign-in, where each showing is audited. A provider account is told about a location
only if it can see that location's requests (the same rule as the provider pages). A mail
server that fails is logged (kind and count, no addresses) and does not undo the change.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.accounts.roles import Role
from caremarket.directory.editorial import site_url
from caremarket.emails import Email
from caremarket.places.models import LocalAuthority
from caremarket.quality.housekeeping import TeamReport
from caremarket.quality.views import provider_locations
from caremarket.sourcing.models import CareRequest, EmailKind, EmailSettings, Offer

log = logging.getLogger(__name__)

#: Council roles that broker requests and hear about offers and unsourced requests.
BROKER_ROLES = (Role.PRACTITIONER, Role.COUNCIL_ADMIN)


def turned_off(user: User) -> set[str]:
    found = EmailSettings.objects.filter(user=user).first()
    return set(found.turned_off) if found else set()


def set_turned_off(user: User, kinds: Iterable[str]) -> None:
    kept = sorted(set(kinds) & set(EmailKind.values))
    EmailSettings.objects.update_or_create(user=user, defaults={"turned_off": kept})


def provider_accounts(location_ids: Iterable[int], kind: str) -> dict[int, list[User]]:
    """For each location, the provider accounts with an email address that see its requests
    and have not turned off `kind`."""
    ids = set(location_ids)
    candidates = (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.PROVIDER,
            directory_organizations__isnull=False,
        )
        .exclude(email="")
        .filter(
            Q(directory_organizations__cqc_provider__locations__in=ids)
            | Q(directory_organizations__services__cqc_location__in=ids)
        )
        .distinct()
        .order_by("username")
    )
    found: dict[int, list[User]] = defaultdict(list)
    for user in candidates:
        if kind in turned_off(user):
            continue
        for location_id in provider_locations(user).filter(pk__in=ids).values_list("pk", flat=True):
            found[location_id].append(user)
    return found


def brokers(council: LocalAuthority) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__local_authority=council,
            memberships__role__in=BROKER_ROLES,
        )
        .exclude(email="")
        .distinct()
        .order_by("username")
    )


def _context(**more: Any) -> dict[str, Any]:
    return {"site_url": site_url(), "service_name": settings.SERVICE_NAME, **more}


def _send(template: str, context: dict[str, Any], addresses: Iterable[str]) -> int:
    to = sorted(set(addresses))
    if not to:
        return 0
    email = Email.render(f"sourcing/email/{template}", _context(**context))
    sent = 0
    for address in to:
        try:
            email.send([address])
            sent += 1
        except OSError:  # smtplib's errors are OSErrors: a mail server down or refusing
            log.warning("sourcing email %s: %d of %d not sent", template, len(to) - sent, len(to))
            break
    return sent


def _tell_providers(item: CareRequest, location_ids: Iterable[int], kind: str, **more: Any) -> None:
    for location_id, users in provider_accounts(location_ids, kind).items():
        _send(
            kind,
            {"item": item, "location": _location_name(item, location_id), **more},
            (u.email for u in users),
        )


def _location_name(item: CareRequest, location_id: int) -> str:
    from caremarket.market.models import Location

    return Location.objects.filter(pk=location_id).values_list("name", flat=True).first() or ""


def after_commit(function: Any, *args: Any) -> None:
    """Send once the change is saved: never for a change that was rolled back."""
    transaction.on_commit(lambda: function(*args))


# --- What each change sends --------------------------------------------------------------------


def request_posted(item: CareRequest) -> None:
    _tell_providers(item, item.sent.values_list("location_id", flat=True), EmailKind.NEW_REQUEST)


def offer_made(offer: Offer) -> None:
    item = offer.request
    creator = item.created_by
    to = (
        [creator.email]
        if creator is not None and creator.is_active and creator.email
        else [u.email for u in brokers(item.local_authority)]
    )
    _send("offer_received", {"item": item, "offer": offer}, to)


def offer_decided(item: CareRequest) -> None:
    """The accepted provider and every provider not chosen are told."""
    for offer in item.offers.select_related("location"):
        if offer.status == Offer.Status.ACCEPTED:
            _tell_providers(item, [offer.location_id], EmailKind.ACCEPTED, offer=offer)
        elif offer.status == Offer.Status.NOT_CHOSEN:
            _tell_providers(item, [offer.location_id], EmailKind.NOT_CHOSEN, offer=offer)


def request_withdrawn(item: CareRequest) -> None:
    _tell_providers(item, item.sent.values_list("location_id", flat=True), EmailKind.WITHDRAWN)


# --- Unsourced requests (`caremarket sourcing unsourced`) ---------------------------------------


def unsourced(days: int, today: date | None = None, dry_run: bool = False) -> TeamReport:
    """Email each council's brokers its open requests waiting more than `days` days since
    referral (as the time-to-source report counts them) that they have not been told about;
    each request once."""
    from caremarket.sourcing.figures import unsourced as waiting_past

    today = today or timezone.localdate()
    report = TeamReport(f"request(s) unsourced after {days} days", dry_run=dry_run, team="broker")
    councils = LocalAuthority.objects.filter(
        care_requests__status=CareRequest.Status.OPEN,
        care_requests__unsourced_emailed_at=None,
        care_requests__referred_on__lt=today - timedelta(days=days),
    ).distinct()
    for council in councils.order_by("name"):
        rows = [(i, d) for i, d in waiting_past(council, days, today) if not i.unsourced_emailed_at]
        addresses = [u.email for u in brokers(council)]
        if not rows:
            continue
        if not addresses:
            report.councils_without_team.append(council.slug)
            continue
        report.items += len(rows)
        report.councils_told += 1
        report.emails += len(set(addresses))
        if dry_run:
            continue
        if _send("unsourced", {"council": council, "rows": rows, "days": days}, addresses):
            CareRequest.objects.filter(pk__in=[i.pk for i, _ in rows]).update(
                unsourced_emailed_at=timezone.now()
            )
            record(
                "sourcing: unsourced requests emailed",
                local_authority=council,
                detail=f"{len(rows)} request(s) to {len(set(addresses))} address(es)",
            )
    return report
