"""Write the audit log. One function, called by every view, import and publication that
shows or changes personal data; it records identifiers only, never the data itself."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest

from caremarket.accounts.models import AuditEvent, User
from caremarket.places.models import LocalAuthority


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is what the WSGI server saw, or, with CAREMARKET_PROXIES set, what the
    # council's outermost proxy saw (caremarket.proxies); X-Forwarded-For is not read here.
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    local_authority: LocalAuthority | None = None,
    obj: models.Model | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event. `detail` must not contain personal data: names, answers, notes.

    A call with an API token has no user: the event names the token (`request.api_actor`).
    """
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user  # type: ignore[assignment]
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username() if user else getattr(request, "api_actor", ""),
        local_authority=local_authority,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        detail=detail[:300],
    )
