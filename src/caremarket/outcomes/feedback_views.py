"""Staff pages: the council's safeguarding and DoLS figures, and its compliments, complaints
and comments log with the yearly summary and the council's deadline in working days.

Commissioners and council admins read and keep the log (every change is in the audit log);
council admins set the deadline. The log holds no personal data.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from caremarket.access import staff
from caremarket.accounts.audit import record
from caremarket.accounts.roles import Role
from caremarket.needs.checks import return_findings
from caremarket.outcomes.api import ASCOF_ROLES
from caremarket.outcomes.forms import UNDECIDED, DeadlineForm, FeedbackForm
from caremarket.outcomes.models import Feedback, OutcomesSettings
from caremarket.outcomes.safeguarding import (
    complaint_tables,
    deadline_days,
    feedback_years,
    return_years,
    safeguarding_tables,
    year_log,
)
from caremarket.places.models import LocalAuthority
from caremarket.rules.complaints import financial_year
from caremarket.rules.working_days import deadline
from caremarket.statements.render import prepare_table

#: Who keeps the log and reads the figures: the council's commissioners and admins.
FEEDBACK_ROLES = ASCOF_ROLES


def _year(request: HttpRequest, years: list[str]) -> str:
    asked = request.GET.get("year", "")
    return asked if asked in years else years[0]


@staff(*FEEDBACK_ROLES)
def safeguarding(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    years = return_years(council)
    year = _year(request, years) if years else ""
    tables = (
        [prepare_table(t.as_json()) for t in safeguarding_tables(council, year)] if year else []
    )
    findings = [f for f in return_findings(council) if f.period == year] if year else []
    return render(
        request,
        "outcomes/safeguarding.html",
        {"council": council, "years": years, "year": year, "tables": tables, "findings": findings},
    )


#: Entries of the log on one page.
LOG_PAGE = 50


@staff(*FEEDBACK_ROLES)
def complaints(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    years = feedback_years(council)
    year = _year(request, years)
    days = deadline_days(council)
    log = year_log(council, year)
    # a year's log is long (Stoke-on-Trent's 2020/21 has 171 entries): 50 to a page
    page = Paginator(log.order_by("-received", "-id"), LOG_PAGE).get_page(request.GET.get("page"))
    entries = [
        {
            "entry": f,
            "due": deadline(f.received, days) if f.kind == Feedback.Kind.COMPLAINT else None,
        }
        for f in page
    ]
    return render(
        request,
        "outcomes/complaints.html",
        {
            "council": council,
            "years": years,
            "year": year,
            "days": days,
            "tables": [prepare_table(t.as_json()) for t in complaint_tables(council, year)],
            "entries": entries,
            "page": page,
            "today": timezone.localdate(),
            "can_set_deadline": _is_admin(request, council),
            "deadline_form": DeadlineForm(initial={"days": days}),
        },
    )


def _is_admin(request: HttpRequest, council: LocalAuthority) -> bool:
    user: Any = request.user
    return bool(
        user.is_superuser
        or user.memberships.filter(local_authority=council, role=Role.COUNCIL_ADMIN).exists()
    )


@staff(*FEEDBACK_ROLES)
def record_feedback(
    request: HttpRequest, council: LocalAuthority, pk: int | None = None
) -> HttpResponse:
    """Record a new entry, or change one (its response and outcome come later)."""
    entry = get_object_or_404(Feedback, pk=pk, local_authority=council) if pk else None
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                if entry is None:
                    entry = Feedback(local_authority=council, recorded_at=timezone.now())
                    action = "recorded feedback"
                else:
                    action = "changed feedback"
                entry.kind, entry.received = data["kind"], data["received"]
                entry.service_area = " ".join(data["service_area"].split())
                entry.reference = data["reference"].strip()
                entry.upheld = data["upheld"] or ""
                entry.responded = data["responded"]
                entry.recorded_by = request.user  # type: ignore[assignment]
                entry.save()
                record(
                    action,
                    request=request,
                    local_authority=council,
                    obj=entry,
                    detail=_detail(entry),
                )
            url = reverse("outcomes:complaints", kwargs={"council": council.slug})
            return redirect(f"{url}?{urlencode({'year': financial_year(entry.received)})}")
    elif entry is not None:
        form = FeedbackForm(
            initial={
                "kind": entry.kind,
                "received": entry.received.strftime("%d/%m/%Y"),
                "service_area": entry.service_area,
                "reference": entry.reference,
                "upheld": entry.upheld or UNDECIDED,
                "responded": entry.responded.strftime("%d/%m/%Y") if entry.responded else "",
            }
        )
    else:
        form = FeedbackForm()
    return render(
        request,
        "outcomes/feedback_form.html",
        {"council": council, "form": form, "entry": entry},
    )


def _detail(entry: Feedback) -> str:
    """What the audit log says of an entry: what, when and where (no reference, no person)."""
    return f"{entry.get_kind_display()} received {entry.received:%d %b %Y}, {entry.service_area}"


@staff(*FEEDBACK_ROLES)
def remove_feedback(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    entry = get_object_or_404(Feedback, pk=pk, local_authority=council)
    if request.method == "POST":
        record(
            "removed feedback",
            request=request,
            local_authority=council,
            obj=entry,
            detail=_detail(entry),
        )
        entry.delete()
    return redirect("outcomes:complaints", council=council.slug)


@staff(Role.COUNCIL_ADMIN.value)
def complaint_deadline(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    form = DeadlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        settings, _ = OutcomesSettings.objects.get_or_create(local_authority=council)
        before = settings.complaint_deadline_working_days
        settings.complaint_deadline_working_days = form.cleaned_data["days"]
        settings.save(update_fields=["complaint_deadline_working_days"])
        record(
            "changed the complaint deadline",
            request=request,
            local_authority=council,
            obj=settings,
            detail=f"{before} to {settings.complaint_deadline_working_days} working days",
        )
        return redirect("outcomes:complaints", council=council.slug)
    return render(
        request,
        "outcomes/complaint_deadline.html",
        {"council": council, "form": form, "days": deadline_days(council)},
    )
