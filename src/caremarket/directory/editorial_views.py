"""Pages for keeping listings true: providers propose, council officers decide, the public
reports what is wrong.

Provider pages (`/directory/manage/…`) need the provider role; each listing is then checked
against the organisations the account edits, and another organisation's listing is a 404 so
its existence never leaks. Council pages (`/staff/<council>/directory/…`) are for
:data:`~caremarket.directory.editorial.DIRECTORY_ROLES` of that council only; a change or
report from another council is a 404. Pages that show a reporter's email write the audit log.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from caremarket.access import public, staff
from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.accounts.roles import Role
from caremarket.directory import editorial
from caremarket.directory.editorial import DIRECTORY_ROLES, EditorialError
from caremarket.directory.forms import (
    DecisionForm,
    ListingForm,
    NewListingForm,
    ReportForm,
    ResolveForm,
    initial_from,
)
from caremarket.directory.models import (
    REVIEW_DUE_SOON,
    REVIEW_STATUSES,
    InformationReport,
    ListingChange,
    Service,
)
from caremarket.places.models import LocalAuthority

#: Reports per address: enough for a person correcting several listings, not for a flood.
REPORT_RATE = "10/h"
#: Listings due within this many days show as "due soon" to staff and providers.
DUE_SOON_DAYS = REVIEW_DUE_SOON.days


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def public_service_url(service: Service | None) -> str:
    """The public listing page, once the public directory provides one."""
    if service is None:
        return ""
    try:
        return reverse("directory:service", kwargs={"pk": service.pk})
    except NoReverseMatch:
        return ""


# --- Provider side ----------------------------------------------------------------------------


@staff(Role.PROVIDER)
def manage(request: HttpRequest) -> HttpResponse:
    """My organisations' listings, their review dates and changes waiting for the council."""
    user = _user(request)
    services = list(editorial.editable_services(user).order_by("organization__name", "name"))
    pending = {
        c.service_id: c
        for c in ListingChange.objects.filter(
            service__in=services, state=ListingChange.State.PENDING
        )
    }
    today = timezone.localdate()
    rows = [
        {
            "service": s,
            "pending": pending.get(s.pk),
            "review": REVIEW_STATUSES[s.review_status(today)],
        }
        for s in services
    ]
    changes = ListingChange.objects.filter(
        organization__in=editorial.editable_organizations(user)
    ).select_related("service", "organization")[:50]
    return render(
        request,
        "directory/manage_list.html",
        {
            "rows": rows,
            "changes": changes,
            "organizations": editorial.editable_organizations(user),
        },
    )


def _editable_service(request: HttpRequest, pk: Any) -> Service:
    """A listing this account may change; anyone else's is a 404."""
    service = get_object_or_404(editorial.editable_services(_user(request)), pk=pk)
    if not editorial.can_edit(_user(request), service):
        raise Http404
    return service


@staff(Role.PROVIDER)
def manage_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    """Propose changes to one listing; the live listing stays as it is until approved."""
    service = _editable_service(request, pk)
    current = editorial.snapshot(service)
    pending = service.changes.filter(state=ListingChange.State.PENDING).first()
    # Start from the waiting proposal, so a second edit builds on the first.
    initial = initial_from(pending.proposed if pending else current)
    for field in editorial.locked_fields(service):
        initial[field] = current[field]
    if request.method == "POST" and request.POST.get("action") == "confirm":
        editorial.confirm_current(service, _user(request))
        due = f"{service.review_due:%d %B %Y}".lstrip("0")
        messages.success(request, f"Thank you: {service.name} is reviewed until {due}.")
        return redirect("listings:manage")
    form = ListingForm(_posted(request), initial=initial, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            change = editorial.propose(
                user=_user(request), data=form.listing_data(), service=service
            )
        except EditorialError as error:
            form.add_error(None, _sentence(str(error)))
        else:
            messages.success(
                request,
                f"Your changes to {service.name} are waiting for the council to approve them.",
            )
            return redirect("listings:manage_change", pk=change.pk)
    return render(
        request,
        "directory/manage_form.html",
        {
            "form": form,
            "service": service,
            "pending": pending,
            "location": service.cqc_location,
            "public_url": public_service_url(service),
        },
        status=400 if form.errors else 200,
    )


@staff(Role.PROVIDER)
def manage_new(request: HttpRequest) -> HttpResponse:
    """Propose a new listing for one of my organisations."""
    user = _user(request)
    organizations = editorial.editable_organizations(user)
    if not organizations.exists():
        return render(request, "directory/manage_new_none.html", status=200)
    form = NewListingForm(
        _posted(request),
        organizations=organizations,
        councils=editorial.provider_councils(user),
        initial={"access": Service.Access.SELF_REFERRAL},
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = editorial.propose(
                user=user,
                data=form.listing_data(),
                organization=form.cleaned_data["organization"],
                council=form.cleaned_data.get("council"),
            )
        except EditorialError as error:
            form.add_error(None, _sentence(str(error)))
        else:
            messages.success(request, "Your new listing is waiting for the council to approve it.")
            return redirect("listings:manage_change", pk=change.pk)
    return render(
        request,
        "directory/manage_form.html",
        {"form": form, "service": None},
        status=400 if form.errors else 200,
    )


@staff(Role.PROVIDER)
def manage_change(request: HttpRequest, pk: int) -> HttpResponse:
    """One of my proposals: what I changed, its decision, and withdrawing it while it waits."""
    user = _user(request)
    change = get_object_or_404(
        ListingChange.objects.filter(
            organization__in=editorial.editable_organizations(user)
        ).select_related("service", "organization", "local_authority"),
        pk=pk,
    )
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            editorial.withdraw(change, user)
        except EditorialError as error:
            messages.error(request, _sentence(str(error)))
        else:
            messages.success(request, "You withdrew the change. The listing is unchanged.")
        return redirect("listings:manage_change", pk=change.pk)
    rows = editorial.diff(change)
    return render(
        request,
        "directory/manage_change.html",
        {
            "change": change,
            "rows": rows,
            "changed_rows": [r for r in rows if r.changed],
            "is_new": not change.original,
            "public_url": public_service_url(change.service),
        },
    )


# --- Council side -----------------------------------------------------------------------------


@staff(*DIRECTORY_ROLES)
def staff_queue(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """Changes waiting for a decision, oldest first, with counts of what else needs doing."""
    pending = (
        ListingChange.objects.filter(local_authority=council, state=ListingChange.State.PENDING)
        .select_related("service", "organization", "submitted_by")
        .order_by("submitted_at")
    )
    decided = (
        ListingChange.objects.filter(local_authority=council)
        .exclude(state=ListingChange.State.PENDING)
        .select_related("service", "organization", "decided_by")
        .order_by("-decided_at")[:20]
    )
    services = Service.objects.listed().filter(editorial.in_council(council))
    today = timezone.localdate()
    return render(
        request,
        "directory/staff_queue.html",
        {
            "council": council,
            "pending": [(c, len(editorial.changed_fields(c))) for c in pending],
            "decided": decided,
            "lapsed_count": services.lapsed(today).count(),
            "due_count": services.filter(
                review_due__gte=today, review_due__lte=today + timedelta(days=DUE_SOON_DAYS)
            ).count(),
            "open_reports": InformationReport.objects.filter(
                editorial.in_council(council, "service__"), resolved_at__isnull=True
            ).count(),
        },
    )


@staff(*DIRECTORY_ROLES)
def staff_change(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """The side-by-side diff of one change, the decision, and the listing's history."""
    change = get_object_or_404(
        ListingChange.objects.select_related(
            "service", "organization", "submitted_by", "decided_by"
        ),
        local_authority=council,
        pk=pk,
    )
    form = DecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        user = _user(request)
        base = request.build_absolute_uri("/")
        try:
            if form.cleaned_data["decision"] == "approve":
                editorial.approve(change, user, form.cleaned_data["note"], base)
                messages.success(request, "Change approved: the listing is updated.")
            else:
                editorial.reject(change, user, form.cleaned_data["note"], base)
                messages.success(request, "Change rejected: the provider has been told why.")
        except EditorialError as error:
            messages.error(request, _sentence(str(error)))
        return redirect("listings:staff_change", council=council.slug, pk=change.pk)
    rows = editorial.diff(change)
    history = (
        ListingChange.objects.filter(service=change.service).select_related(
            "submitted_by", "decided_by"
        )
        if change.service_id
        else ListingChange.objects.none()
    )
    return render(
        request,
        "directory/staff_change.html",
        {
            "council": council,
            "change": change,
            "rows": rows,
            "any_moved": any(r.moved for r in rows) and change.state == "pending",
            "changed_count": sum(r.changed for r in rows),
            "is_new": not change.original,
            "form": form,
            "history": history,
            "public_url": public_service_url(change.service),
        },
        status=400 if form.errors else 200,
    )


@staff(*DIRECTORY_ROLES)
def staff_reviews(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """Lapsed and due-soon listings; an officer can mark one as checked and still right."""
    services = Service.objects.listed().filter(editorial.in_council(council))
    if request.method == "POST":
        service = get_object_or_404(services, pk=_uuid_or_404(request.POST.get("service", "")))
        editorial.mark_reviewed(service, _user(request), council)
        due = f"{service.review_due:%d %B %Y}".lstrip("0")
        messages.success(request, f"{service.name} marked as reviewed: next review {due}.")
        return redirect("listings:staff_reviews", council=council.slug)
    today = timezone.localdate()
    lapsed = services.lapsed(today).select_related("organization").order_by("review_due", "name")
    due = (
        services.filter(
            review_due__gte=today, review_due__lte=today + timedelta(days=DUE_SOON_DAYS)
        )
        .select_related("organization")
        .order_by("review_due", "name")
    )
    unreviewed = services.filter(review_due__isnull=True).count()
    return render(
        request,
        "directory/staff_reviews.html",
        {
            "council": council,
            "lapsed": Paginator(lapsed, 100).get_page(request.GET.get("page")),
            "due": due[:200],
            "due_days": DUE_SOON_DAYS,
            "unreviewed": unreviewed,
        },
    )


@staff(*DIRECTORY_ROLES)
def staff_reports(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """The public's reports on this council's listings (open first); reporters' emails show."""
    show = request.GET.get("show", "open")
    reports = InformationReport.objects.filter(
        editorial.in_council(council, "service__")
    ).select_related("service", "resolved_by")
    if show == "resolved":
        reports = reports.filter(resolved_at__isnull=False)
    else:
        show = "open"
        reports = reports.filter(resolved_at__isnull=True)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    record(
        "viewed_information_reports",
        request=request,
        local_authority=council,
        detail=f"{'open' if show == 'open' else 'all'} reports, page {page.number}, "
        f"{len(page.object_list)} shown",
    )
    return render(
        request,
        "directory/staff_reports.html",
        {"council": council, "page": page, "show": show},
    )


@staff(*DIRECTORY_ROLES)
def staff_report(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """One report: what is wrong, who to reply to, and resolving it with a note."""
    report = get_object_or_404(
        InformationReport.objects.filter(editorial.in_council(council, "service__")).select_related(
            "service", "resolved_by"
        ),
        pk=pk,
    )
    form = ResolveForm(_posted(request))
    if request.method == "POST" and form.is_valid() and report.resolved_at is None:
        report.resolved_at = timezone.now()
        report.resolved_by = _user(request)
        report.resolution = form.cleaned_data["resolution"]
        report.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        record("resolved_information_report", request=request, local_authority=council, obj=report)
        messages.success(request, "Report resolved.")
        return redirect("listings:staff_reports", council=council.slug)
    record("viewed_information_report", request=request, local_authority=council, obj=report)
    return render(
        request,
        "directory/staff_report.html",
        {
            "council": council,
            "report": report,
            "form": form,
            "public_url": public_service_url(report.service),
            "pending": report.service.changes.filter(state=ListingChange.State.PENDING).first(),
        },
        status=400 if form.errors else 200,
    )


# --- The public's report ----------------------------------------------------------------------


@public
def report(request: HttpRequest, pk: Any) -> HttpResponse:
    """ "This information is wrong": a short description and, if they want a reply, an email."""
    service = get_object_or_404(Service.objects.listed(), pk=pk)
    form = ReportForm(_posted(request))
    status = 200
    if request.method == "POST":
        limited = is_ratelimited(
            request, group="directory-report", key="ip", rate=REPORT_RATE, increment=True
        )
        if limited:
            form.is_valid()
            form.errors.clear()
            form.add_error(None, "Too many reports sent from here. Try again in an hour.")
            status = 429
        elif form.is_valid():
            item = InformationReport.objects.create(
                service=service,
                problem=form.cleaned_data["problem"],
                reporter_email=form.cleaned_data["email"],
            )
            record(
                "reported_listing",
                request=request,
                local_authority=editorial.council_of(service),
                obj=item,
                detail=f"listing {service.name}",
            )
            return redirect("listings:report_sent", pk=service.pk)
        else:
            status = 400
    return render(
        request,
        "directory/report.html",
        {"service": service, "form": form, "public_url": public_service_url(service)},
        status=status,
    )


@public
def report_sent(request: HttpRequest, pk: Any) -> HttpResponse:
    service = get_object_or_404(Service.objects.listed(), pk=pk)
    return render(
        request,
        "directory/report_sent.html",
        {"service": service, "public_url": public_service_url(service)},
    )


# --- helpers ----------------------------------------------------------------------------------


def _posted(request: HttpRequest) -> Any:
    """The posted data, even when empty (an empty POST must show errors, not a fresh form)."""
    return request.POST if request.method == "POST" else None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _uuid_or_404(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Http404 from None
