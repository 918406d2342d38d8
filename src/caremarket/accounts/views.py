"""Staff sign-in (rate limited), sign-out, the staff dashboard and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import resolve, reverse
from django.views.decorators.http import require_POST

from caremarket.access import ALL_STAFF, public, rule_for, staff
from caremarket.accounts.audit import record
from caremarket.accounts.forms import SignInForm
from caremarket.accounts.limits import Attempt
from caremarket.accounts.models import AuditEvent
from caremarket.accounts.roles import AUDIT_READERS, Role
from caremarket.places.models import LocalAuthority


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # The one limit on guessing (caremarket.accounts.limits): Django admin's sign-in
        # redirects here, so no other way in escapes it.
        self.attempt = Attempt(request, str(request.POST.get("username", "")))
        if self.attempt.refused:
            form = self.get_form()
            form.is_valid()  # keep what was typed
            form.errors.clear()
            form.add_error(None, self.attempt.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        self.attempt.succeeded()
        response = super().form_valid(form)
        record("signed_in", request=self.request)
        return response


login = public(SignInView.as_view())


@public
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record("signed_out", request=request)
    return auth_views.LogoutView.as_view()(request)


@staff(*ALL_STAFF)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Each council the person works for, with the pages their roles there open."""
    user = request.user
    memberships = list(user.memberships.select_related("local_authority"))  # type: ignore[union-attr]
    held = {m.local_authority for m in memberships}
    site_admin = user.is_site_admin  # type: ignore[union-attr]
    # A site admin may act for every council (153 of them: every council's pages at once made
    # a page over 100,000 pixels tall), so sees the councils they hold roles for and chooses
    # any other one to list its pages.
    chosen = str(request.GET.get("council", ""))[:100] if site_admin else ""
    other = LocalAuthority.objects.filter(slug=chosen).first() if chosen else None
    councils = sorted(held | ({other} if other else set()), key=lambda c: c.name)
    work = [(council, work_links(user, council)) for council in councils]
    provider = any(m.role == Role.PROVIDER for m in memberships)
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": memberships,
            "work": [(c, links) for c, links in work if links],
            "all_councils": LocalAuthority.objects.order_by("name").only("name", "slug")
            if site_admin
            else [],
            "chosen": chosen,
            "unknown_council": bool(chosen) and other is None,
            "provider_listings": reverse("listings:manage") if provider else "",
            "provider_quality": reverse("quality:provider_home") if provider else "",
            "provider_requests": reverse("sourcing:provider_requests") if provider else "",
        },
    )


#: (url name, link text) of the council pages in "Your work", in reading order.
WORK_PAGES = (
    ("statements:staff_list", "Market Position Statements"),
    ("statements:la_staff_list", "Local Accounts"),
    ("planning:sufficiency", "Sufficiency and gaps"),
    ("imports:imports", "Data imports"),
    ("needs:findings", "Figure checks: what does not add up"),
    ("listings:staff_queue", "Directory changes to approve"),
    ("listings:staff_reviews", "Directory listings due for review"),
    ("listings:staff_reports", "Reports of wrong directory information"),
    ("assessments:inbox", "Referrals"),
    ("quality:dashboard", "Quality: concerns, audits and placement stops"),
    ("quality:log_concern", "Log a concern about a care provider"),
    ("quality:settings", "Quality settings: concern clocks, rating bands and standards"),
    ("sourcing:requests", "Brokerage: care requests and offers"),
    ("sourcing:report", "Time to source care"),
    ("outcomes:ascof", "ASCOF from Client Level Data"),
    ("outcomes:activity", "Activity from Client Level Data"),
    ("outcomes:targets", "Targets for the council's figures"),
    ("outcomes:safeguarding", "Safeguarding and Deprivation of Liberty Safeguards figures"),
    ("outcomes:complaints", "Compliments, complaints and comments"),
    ("assessments:charging_figures", "Charging figures"),
    ("assessments:settings", "Front door settings"),
    ("accounts:audit_log", "Audit log"),
)


def work_links(user: Any, council: LocalAuthority) -> list[tuple[str, str]]:
    """(url, text) of the council pages this person may open, asked of each view's own access
    rule, so the list can never offer a page the view would refuse."""
    links = []
    for name, text in WORK_PAGES:
        url = reverse(name, kwargs={"council": council.slug})
        rule = rule_for(name, resolve(url).func)
        if rule is not None and rule.allows(user, council):
            links.append((url, text))
    return links


@staff(*AUDIT_READERS)
def audit_log(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    # Record first: reading the log is itself an event, and the page counts it.
    record("viewed_audit_log", request=request, local_authority=council)
    events = AuditEvent.objects.filter(local_authority=council).select_related("user")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"council": council, "page": page})
