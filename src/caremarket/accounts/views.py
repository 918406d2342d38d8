"""Staff sign-in (rate limited), sign-out, the staff dashboard and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from caremarket.access import ALL_STAFF, public, staff
from caremarket.accounts.audit import record
from caremarket.accounts.forms import SignInForm
from caremarket.accounts.models import AuditEvent
from caremarket.accounts.roles import AUDIT_READERS, Role
from caremarket.places.models import LocalAuthority


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # Count attempts per address and per username, so neither a botnet on one account nor
        # one address trying many accounts gets unlimited guesses.
        limited = is_ratelimited(
            request, group="login-ip", key="ip", rate=settings.LOGIN_RATE, increment=True
        ) | is_ratelimited(
            request,
            group="login-user",
            key="post:username",
            rate=settings.LOGIN_RATE,
            increment=True,
        )
        if limited:
            form = self.get_form()
            form.is_valid()  # keep what was typed
            form.errors.clear()
            form.add_error(None, "Too many attempts to sign in. Wait 15 minutes, then try again.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
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
    memberships = request.user.memberships.select_related("local_authority")  # type: ignore[union-attr]
    audit_councils = request.user.councils_with(*AUDIT_READERS)  # type: ignore[union-attr]
    front_door = request.user.councils_with(Role.PRACTITIONER, Role.COUNCIL_ADMIN)  # type: ignore[union-attr]
    admin_of = set(
        request.user.councils_with(Role.COUNCIL_ADMIN).values_list("pk", flat=True)  # type: ignore[union-attr]
    )
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": memberships,
            "audit_councils": audit_councils,
            "front_door": [(c, c.pk in admin_of) for c in front_door],
        },
    )


@staff(*AUDIT_READERS)
def audit_log(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    # Record first: reading the log is itself an event, and the page counts it.
    record("viewed_audit_log", request=request, local_authority=council)
    events = AuditEvent.objects.filter(local_authority=council).select_related("user")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"council": council, "page": page})
