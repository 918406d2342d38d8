"""Django admin, for site admins only. The audit log is read-only here as everywhere."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from caremarket.accounts.models import AuditEvent, Membership, User


def site_admins_only(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


def sign_in_instead(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """Django admin's own sign-in form would escape the sign-in limit and the audit log, so
    /admin/login/ signs no one in: it sends people to the product's sign-in and back."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    if not site_admins_only(request):
        raise PermissionDenied
    return HttpResponseRedirect(next_url)


admin.site.has_permission = site_admins_only  # type: ignore[method-assign]
admin.site.login = sign_in_instead  # type: ignore[method-assign,assignment]
admin.site.site_header = "caremarket site administration"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class CaremarketUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "local_authority", "action", "object_type", "object_id")
    list_filter = ("action", "local_authority")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
