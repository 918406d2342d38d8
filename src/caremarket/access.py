"""Who may use each view: one declared rule per view, checked in one place.

Every view in the URL conf carries an `access_rule` attribute set by `public`, `staff` or
`site_admin`. `tests/test_access.py` walks the URL conf and fails on any view without one, then
requests every URL as every role and checks the answer against the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from caremarket.accounts.roles import COUNCIL_ROLES, Role
from caremarket.places.models import LocalAuthority

View = TypeVar("View", bound=Callable[..., HttpResponse])

ALL_STAFF = frozenset(r.value for r in (*COUNCIL_ROLES, Role.SITE_ADMIN))


@dataclass(frozen=True)
class AccessRule:
    """`roles` empty means anyone, signed in or not. Site admins pass every staff rule.

    A `token` rule is an API operation for API tokens only (caremarket.accounts.tokens): its
    `roles` name the kinds of token, and no signed-in person passes it, site admins included.
    """

    roles: frozenset[str]
    description: str
    token: bool = False

    @property
    def is_public(self) -> bool:
        return not self.roles

    def allows(self, user: Any, council: LocalAuthority | None) -> bool:
        if self.is_public:
            return True
        if self.token or not user.is_authenticated:
            return False
        if user.is_site_admin:
            return True
        return bool(self.roles & user.roles_for(council))


PUBLIC = AccessRule(frozenset(), "anyone")


def public(view: View) -> View:
    """Mark a view as open to everyone, residents included."""
    view.access_rule = PUBLIC  # type: ignore[attr-defined]
    return view


def staff(*roles: str) -> Callable[[View], View]:
    """Require a signed-in user holding one of `roles`.

    When the URL has a `council` slug, the role must be held for that council and the view
    receives the LocalAuthority instead of the slug; otherwise for any council.
    """
    rule = AccessRule(frozenset(roles) | {Role.SITE_ADMIN.value}, ", ".join(roles))

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            council = None
            if "council" in kwargs:
                council = get_object_or_404(LocalAuthority, slug=kwargs["council"])
                kwargs["council"] = council
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule.allows(request.user, council):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access_rule = rule  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def site_admin(view: View) -> View:
    return staff(Role.SITE_ADMIN)(view)


def roles_of(rule: AccessRule) -> Iterable[str]:
    return sorted(rule.roles) if rule.roles else ["anyone"]


#: Views the frameworks create, which cannot carry a decorator: their rules, by URL name.
FRAMEWORK_RULES = {
    "api-1:openapi-json": PUBLIC,
    "api-1:api-root": PUBLIC,
}
SITE_ADMIN_RULE = AccessRule(frozenset({Role.SITE_ADMIN.value}), "site admin")


def rule_for(url_name: str, callback: Callable[..., Any]) -> AccessRule | None:
    """The declared rule of a view, or None when it declares none (a test failure)."""
    if url_name in FRAMEWORK_RULES:
        return FRAMEWORK_RULES[url_name]
    if url_name.startswith("admin:"):
        return SITE_ADMIN_RULE
    view = getattr(callback, "view_class", None) or callback
    return getattr(callback, "access_rule", None) or getattr(view, "access_rule", None)
