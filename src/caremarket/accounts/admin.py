"""Django admin, for site admins only. The audit log is read-only here as everywhere."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from caremarket.accounts.models import AuditEvent, Membership, User


def site_admins_only(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = site_admins_only  # type: ignore[method-assign]
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
