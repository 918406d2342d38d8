"""Keeping the directory true: who may change a listing, and how a change becomes live.

A provider (an account that is an editor of the organisation *and* holds the provider role
for the listing's council) proposes a change; nothing on the live listing moves until a
council officer approves it. The officer sees a side-by-side diff of the listing as it was when
the change was proposed, as it is now and as proposed. Approving applies only the fields the
proposer changed, so an edit the council made in the meantime to another field survives, and
starts a new review period. Rejecting needs a reason. The proposer is emailed the decision.

Council side: :data:`DIRECTORY_ROLES`, commissioners and council admins. Commissioners own
the council's information offer under the Care Act (s.4) and the Market Position Statement's
"one directory" promise; council admins stand in for them. Quality officers watch providers'
quality and are deliberately not editors of what residents read.

For a CQC-registered listing the register import owns the name and the kind of service (as
well as address, rating and registration, which are not listing fields at all): a proposal
cannot change them even if posted, and applying one never touches them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.accounts.models import Membership, User
from caremarket.accounts.roles import Role
from caremarket.directory.models import (
    InformationReport,
    ListingChange,
    Organization,
    Service,
    TaxonomyTerm,
)
from caremarket.emails import Email
from caremarket.places.models import LocalAuthority

#: Council roles that approve listing changes, keep review dates and read public reports.
DIRECTORY_ROLES = (Role.COMMISSIONER, Role.COUNCIL_ADMIN)

#: The listing fields a provider may propose, in the order forms and diffs show them.
EDITABLE_FIELDS: tuple[str, ...] = (
    "name",
    "kind",
    "description",
    "categories",
    "client_groups",
    "age_min",
    "age_max",
    "areas_served",
    "access",
    "how_to_access",
    "costs",
    "cost_detail",
    "accessibility",
    "languages",
    "email",
    "phone",
    "url",
)

#: Fields the CQC register import owns on a registered listing.
CQC_OWNED_FIELDS: frozenset[str] = frozenset({"name", "kind"})

LABELS: dict[str, str] = {
    "name": "Name",
    "kind": "Kind of service",
    "description": "Description",
    "categories": "Categories",
    "client_groups": "Who it is for",
    "age_min": "Youngest age",
    "age_max": "Oldest age",
    "areas_served": "Areas served",
    "access": "How people get it",
    "how_to_access": "How to get it",
    "costs": "Cost",
    "cost_detail": "Cost details",
    "accessibility": "Accessibility",
    "languages": "Languages",
    "email": "Email",
    "phone": "Phone",
    "url": "Website",
}

LIST_FIELDS = frozenset({"categories", "client_groups", "costs", "languages"})


class EditorialError(Exception):
    """A change that cannot be made (not pending, no reason given, nobody's listing)."""


# --- Who may edit what -------------------------------------------------------------------------


def council_of(service: Service) -> LocalAuthority | None:
    """The council whose directory keeps a listing: its own, its organisation's, or the
    council the CQC register places it in."""
    if service.local_authority_id is not None:
        return service.local_authority
    if service.organization.local_authority_id is not None:
        return service.organization.local_authority
    if service.cqc_location_id is not None and service.cqc_location is not None:
        return service.cqc_location.local_authority
    return None


def in_council(council: LocalAuthority | Iterable[LocalAuthority], prefix: str = "") -> models.Q:
    """Q for listings (or rows with a `service` via `prefix`) kept by these councils,
    matching :func:`council_of`."""
    op = "in" if not isinstance(council, LocalAuthority) else "exact"
    return (
        models.Q(**{f"{prefix}local_authority__{op}": council})
        | models.Q(
            **{
                f"{prefix}local_authority__isnull": True,
                f"{prefix}organization__local_authority__{op}": council,
            }
        )
        | models.Q(
            **{
                f"{prefix}local_authority__isnull": True,
                f"{prefix}organization__local_authority__isnull": True,
                f"{prefix}cqc_location__local_authority__{op}": council,
            }
        )
    )


def provider_councils(user: User) -> models.QuerySet[LocalAuthority]:
    """Councils for which this account holds the provider role (not every council for site
    admins: listings are edited by the organisation's own people)."""
    return LocalAuthority.objects.filter(
        memberships__user=user, memberships__role=Role.PROVIDER
    ).distinct()


def editable_organizations(user: User) -> models.QuerySet[Organization]:
    """Organisations the user is an editor of, in a council where they are a provider (or
    national organisations, whose listings are kept by the council each one is in)."""
    councils = provider_councils(user)
    return (
        Organization.objects.filter(editors=user)
        .filter(models.Q(local_authority__in=councils) | models.Q(local_authority__isnull=True))
        .distinct()
    )


def editable_services(user: User) -> models.QuerySet[Service]:
    """Listings the user may propose changes to."""
    return (
        Service.objects.filter(organization__editors=user)
        .filter(in_council(provider_councils(user)))
        .select_related("organization", "local_authority", "cqc_location")
        .distinct()
    )


def can_edit(user: User, service: Service) -> bool:
    if not user.is_active:
        return False
    council = council_of(service)
    if council is None or not service.organization.editors.filter(pk=user.pk).exists():
        return False
    return Role.PROVIDER in user.roles_for(council)


def locked_fields(service: Service | None) -> frozenset[str]:
    """Fields a proposal for this listing may not change."""
    return CQC_OWNED_FIELDS if service is not None and service.is_registered else frozenset()


# --- Snapshots and diffs -----------------------------------------------------------------------


def snapshot(service: Service) -> dict[str, Any]:
    """The listing's editable fields as JSON (categories by code, sorted)."""
    data: dict[str, Any] = {}
    for field in EDITABLE_FIELDS:
        if field == "categories":
            data[field] = sorted(service.categories.values_list("code", flat=True))
        else:
            value = getattr(service, field)
            data[field] = list(value) if field in LIST_FIELDS else value
    return data


def normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    """Form data as snapshot JSON: every editable field, lists as lists, text stripped."""
    out: dict[str, Any] = {}
    for field in EDITABLE_FIELDS:
        value = data.get(field)
        if field in LIST_FIELDS:
            value = [str(v) for v in (value or [])]
            if field == "categories":
                value = sorted(set(value))
        elif field in ("age_min", "age_max"):
            value = None if value in (None, "") else int(value)
        else:
            value = "" if value is None else str(value).strip()
        out[field] = value
    return out


def _display(field: str, value: Any) -> str:
    """A stored value in words, for the diff."""
    if value in (None, "", []):
        return ""
    if field == "kind":
        return str(dict(Service.Kind.choices).get(value, value))
    if field == "access":
        return str(dict(Service.Access.choices).get(value, value))
    if field == "costs":
        labels = dict(Service.Cost.choices)
        return "; ".join(str(labels.get(v, v)) for v in value)
    if field == "client_groups":
        labels = dict(Service.ClientGroup.choices)
        return "; ".join(str(labels.get(v, v)) for v in value)
    if field == "categories":
        names = dict(TaxonomyTerm.objects.filter(code__in=value).values_list("code", "name"))
        return "; ".join(names.get(v, v) for v in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class DiffRow:
    field: str
    label: str
    original: str
    current: str
    proposed: str
    #: The proposer changed this field (proposed differs from the listing they edited).
    changed: bool
    #: The live listing changed this field since the proposal was made.
    moved: bool
    locked: bool

    @property
    def conflict(self) -> bool:
        """Both the proposer and someone else changed it, to different values."""
        return self.changed and self.moved and self.current != self.proposed


def diff(change: ListingChange) -> list[DiffRow]:
    """One row per editable field: as proposed-against, as live now (read afresh), as proposed."""
    service = (
        Service.objects.select_related("cqc_location").filter(pk=change.service_id).first()
        if change.service_id
        else None
    )
    current = snapshot(service) if service is not None else {}
    locked = locked_fields(service)
    rows = []
    for field in EDITABLE_FIELDS:
        original = change.original.get(field) if change.original else None
        proposed = change.proposed.get(field)
        now = current.get(field) if service is not None else None
        rows.append(
            DiffRow(
                field=field,
                label=LABELS[field],
                original=_display(field, original),
                current=_display(field, now),
                proposed=_display(field, proposed),
                changed=_differs(proposed, original),
                moved=service is not None and _differs(now, original),
                locked=field in locked,
            )
        )
    return rows


def _differs(a: Any, b: Any) -> bool:
    empty = (None, "", [])
    if a in empty and b in empty:
        return False
    return bool(a != b)


def _listing_words(service: Service | None) -> str:
    """The listing an audit entry is about, by name (a new one has none yet)."""
    return f"listing {service.name}" if service else "a new listing"


def changed_fields(change: ListingChange) -> list[str]:
    return [f for f in EDITABLE_FIELDS if _differs(change.proposed.get(f), change.original.get(f))]


# --- The workflow ------------------------------------------------------------------------------


def propose(
    *,
    user: User,
    data: Mapping[str, Any],
    service: Service | None = None,
    organization: Organization | None = None,
    council: LocalAuthority | None = None,
) -> ListingChange:
    """Record a proposed edit of `service`, or a new listing for `organization`.

    CQC-owned fields of a registered listing keep their current value whatever was posted. A
    newer proposal for the same listing replaces (withdraws) the one still waiting.
    """
    proposed = normalise(data)
    if service is not None:
        if not can_edit(user, service):
            raise EditorialError("you cannot change this listing")
        original = snapshot(service)
        for field in locked_fields(service):
            proposed[field] = original[field]
        if not any(_differs(proposed[f], original[f]) for f in EDITABLE_FIELDS):
            raise EditorialError("you have not changed anything")
        organization = service.organization
        council = council_of(service)
    else:
        if organization is None:
            raise EditorialError("a new listing needs an organisation")
        if not editable_organizations(user).filter(pk=organization.pk).exists():
            raise EditorialError("you cannot add listings for this organisation")
        council = organization.local_authority or council
        if council is None or Role.PROVIDER not in user.roles_for(council):
            raise EditorialError("choose a council where you are a provider")
        original = {}
    assert council is not None
    with transaction.atomic():
        if service is not None:
            ListingChange.objects.filter(service=service, state=ListingChange.State.PENDING).update(
                state=ListingChange.State.WITHDRAWN,
                decided_at=timezone.now(),
                decision_note="Replaced by a newer proposal.",
            )
        change = ListingChange.objects.create(
            service=service,
            organization=organization,
            local_authority=council,
            proposed=proposed,
            original=original,
            submitted_by=user,
        )
    record(
        "proposed_listing_change",
        user=user,
        local_authority=council,
        obj=change,
        detail=f"{_listing_words(service)}; "
        + ", ".join(LABELS[f].lower() for f in changed_fields(change)),
    )
    return change


def _claim(change: ListingChange, **decision: Any) -> ListingChange:
    """Decide a waiting change, exactly once.

    The state moves with a conditional UPDATE, so of two officers deciding at the same moment
    (or a withdrawal racing an approval) one wins and the other is told it is already decided,
    on SQLite as on PostgreSQL. Call inside the transaction that applies the decision.
    """
    claimed = ListingChange.objects.filter(pk=change.pk, state=ListingChange.State.PENDING).update(
        decided_at=timezone.now(), **decision
    )
    current = ListingChange.objects.get(pk=change.pk)
    if not claimed:
        raise EditorialError(f"this change is already {current.get_state_display().lower()}")
    return current


def apply(change: ListingChange) -> Service:
    """Write the proposer's changed fields to the listing (all fields for a new listing)."""
    service = change.service
    if service is None:
        service = Service(
            organization=change.organization,
            local_authority=change.local_authority,
            status=Service.Status.ACTIVE,
        )
        fields = list(EDITABLE_FIELDS)
    else:
        service = Service.objects.select_for_update().get(pk=service.pk)
        fields = [f for f in changed_fields(change) if f not in locked_fields(service)]
    categories: list[str] | None = None
    for field in fields:
        value = change.proposed.get(field)
        if field == "categories":
            categories = list(value or [])
        elif field in LIST_FIELDS:
            setattr(service, field, list(value or []))
        elif field in ("age_min", "age_max"):
            setattr(service, field, value)
        else:
            setattr(service, field, value or "")
    service.mark_reviewed()
    service.save()
    if categories is not None:
        service.categories.set(TaxonomyTerm.objects.filter(code__in=categories))
    return service


def approve(change: ListingChange, user: User, note: str = "", base_url: str = "") -> ListingChange:
    """Apply the change, start a new review period, audit it and tell the proposer."""
    with transaction.atomic():
        change = _claim(
            change,
            state=ListingChange.State.APPROVED,
            decided_by=user,
            decision_note=note.strip(),
        )
        service = apply(change)
        if change.service_id is None:
            change.service = service
            change.save(update_fields=["service"])
    record(
        "approved_listing_change",
        user=user,
        local_authority=change.local_authority,
        obj=change,
        detail=_listing_words(service),
    )
    notify_decision(change, base_url)
    return change


def reject(change: ListingChange, user: User, reason: str, base_url: str = "") -> ListingChange:
    """Refuse the change with a reason the proposer is sent; the listing is untouched."""
    if not reason.strip():
        raise EditorialError("give a reason for rejecting the change")
    change = _claim(
        change,
        state=ListingChange.State.REJECTED,
        decided_by=user,
        decision_note=reason.strip(),
    )
    record(
        "rejected_listing_change",
        user=user,
        local_authority=change.local_authority,
        obj=change,
        detail=_listing_words(change.service),
    )
    notify_decision(change, base_url)
    return change


def withdraw(change: ListingChange, user: User) -> ListingChange:
    """The proposer (or another editor of the organisation) takes a waiting change back."""
    if not change.organization.editors.filter(pk=user.pk).exists():
        raise EditorialError("you cannot withdraw this change")
    change = _claim(change, state=ListingChange.State.WITHDRAWN)
    record("withdrew_listing_change", user=user, local_authority=change.local_authority, obj=change)
    return change


def confirm_current(service: Service, user: User) -> Service:
    """The organisation checked its listing and nothing has changed: a new review period.

    Nothing on the listing changes, so no approval is needed; the audit log keeps who said so.
    """
    if not can_edit(user, service):
        raise EditorialError("you cannot review this listing")
    service.mark_reviewed()
    service.save(update_fields=["last_reviewed", "review_due", "review_reminder_sent", "modified"])
    record("confirmed_listing", user=user, local_authority=council_of(service), obj=service)
    return service


def mark_reviewed(service: Service, user: User, council: LocalAuthority) -> Service:
    """An officer checked the listing and it is still right: start a new review period."""
    service.mark_reviewed()
    service.save(update_fields=["last_reviewed", "review_due", "review_reminder_sent", "modified"])
    record("reviewed_listing", user=user, local_authority=council, obj=service)
    return service


#: How long a reporter's email is kept after their report is resolved (to answer follow-ups).
REPORTER_EMAIL_DAYS = 90


def forget_reporters(days: int = REPORTER_EMAIL_DAYS, *, dry_run: bool = False) -> int:
    """Blank the email of reports resolved more than `days` ago: it was only for a reply.

    The report itself stays (what was wrong and what was done); it holds nothing personal.
    """
    reports = InformationReport.objects.filter(
        resolved_at__lt=timezone.now() - timedelta(days=days)
    ).exclude(reporter_email="")
    count = reports.count()
    if not dry_run and count:
        reports.update(reporter_email="")
        record(
            "forgot_reporter_emails",
            detail=f"{count} report{'' if count == 1 else 's'} older than {days} days",
        )
    return count


def site_url() -> str:
    """The site's address for links in emails sent without a request (the reminders):
    CAREMARKET_SITE_URL, else the first allowed host."""
    configured = os.environ.get("CAREMARKET_SITE_URL", "").strip().rstrip("/")
    if configured:
        return configured
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    scheme = "https" if getattr(settings, "SESSION_COOKIE_SECURE", False) else "http"
    return f"{scheme}://{hosts[0] if hosts else 'localhost:8000'}"


def notify_decision(change: ListingChange, base_url: str = "") -> bool:
    """Email the proposer the decision; False when their account has no email address.
    `base_url` is the site's address as the officer reached it (else :func:`site_url`)."""
    address = change.submitted_by.email
    if not address:
        return False
    context = {
        "change": change,
        "name": change.proposed.get("name") or "your listing",
        "approved": change.state == ListingChange.State.APPROVED,
        "note": change.decision_note,
        "council": change.local_authority,
        "service_name": getattr(settings, "SERVICE_NAME", "caremarket"),
        "site_url": base_url.rstrip("/") or site_url(),
    }
    Email.render("directory/email/decision", context).send([address])
    return True


def directory_staff(council: LocalAuthority) -> models.QuerySet[User]:
    """The council's directory staff (for the lapsed-listings email)."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(local_authority=council, role__in=DIRECTORY_ROLES).values(
            "user"
        ),
    )
