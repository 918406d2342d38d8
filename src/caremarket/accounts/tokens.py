"""API tokens: made, found, revoked, and the check every token-authenticated operation passes.

A token is `cm_` and 43 random URL-safe characters (256 bits). Only its SHA-256 hash is stored
(a slow password hash buys nothing against a key that long) and its first 10 characters, to
tell tokens apart in `caremarket tokens list` and the audit log. The key itself is printed once,
by `caremarket tokens create`, and is never logged: not on success, not when refused.

An operation declares who may call it with :func:`token_access` (council tokens, provider
tokens or either, and the scope), which is also the access rule `tests/test_access.py` reads.
Every call with a token — answered, refused or failed — writes one audit event naming the token
(its prefix and name), the method, the path (ids only) and the status; never a body.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from caremarket.access import AccessRule
from caremarket.accounts.audit import record
from caremarket.accounts.models import ApiToken
from caremarket.places.models import LocalAuthority

TOKEN_START = "cm_"  # noqa: S105 (the start of every token, not a secret)
PREFIX_LENGTH = 10
#: A token as printed: cm_ then 43 URL-safe base64 characters. Anything else is not looked up.
TOKEN_SHAPE = re.compile(r"cm_[A-Za-z0-9_-]{43}")
KINDS = {"council": "council", "provider": "provider organisation"}


class TokenError(Exception):
    """A token cannot be made or found as asked; the message says why."""


def hash_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def find_council(code: str) -> LocalAuthority:
    found = LocalAuthority.objects.filter(Q(code__iexact=code) | Q(slug=code.lower())).first()
    if found is None:
        raise TokenError(f"No council has the code or name {code!r} (e.g. E06000021)")
    return found


def find_organisation(ident: str) -> Any:
    """A directory organisation by its id (a UUID) or its CQC provider id (e.g. 1-101641243)."""
    from caremarket.directory.models import Organization

    try:
        return Organization.objects.get(pk=uuid.UUID(ident))
    except (ValueError, Organization.DoesNotExist):
        pass
    found = Organization.objects.filter(cqc_provider__cqc_provider_id=ident).first()
    if found is None:
        raise TokenError(
            f"No provider organisation has the id or CQC provider id {ident!r} "
            "(its id is on its directory page; a CQC provider id looks like 1-101641243)"
        )
    return found


def create(
    name: str, scope: str, council: LocalAuthority | None = None, organization: Any = None
) -> tuple[ApiToken, str]:
    """Make a token for a council or a provider organisation; returns it and the key, which is
    shown once and kept nowhere."""
    name = " ".join(name.split())
    if not name or len(name) > 100 or not name.isprintable():
        raise TokenError("Give the token a name of 1 to 100 characters, e.g. 'Mosaic live'")
    if scope not in ApiToken.Scope.values:
        raise TokenError(f"The scope must be one of: {', '.join(ApiToken.Scope.values)}")
    if (council is None) == (organization is None):
        raise TokenError("A token is for one council or for one provider organisation")
    key = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        scope=scope,
        local_authority=council,
        organization=organization,
        key_hash=hash_of(key),
        prefix=key[:PREFIX_LENGTH],
    )
    record(
        "api token created",
        local_authority=council,
        obj=token,
        detail=f"{token.prefix}… {name}, {scope}",
    )
    return token, key


def revoke(ident: str) -> ApiToken:
    """Revoke a token by its number or its prefix (as `caremarket tokens list` shows them)."""
    ident = ident.strip().rstrip("…")
    matches = ApiToken.objects.filter(
        Q(pk=int(ident)) if ident.isdigit() and len(ident) < 10 else Q(prefix=ident)
    )
    if matches.count() != 1:
        raise TokenError(f"No single token has the number or prefix {ident!r}")
    token = matches.get()
    if token.revoked_at is not None:
        raise TokenError(f"{token} was already revoked on {token.revoked_at:%-d %B %Y}")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        "api token revoked",
        local_authority=token.local_authority,
        obj=token,
        detail=f"{token.prefix}… {token.name}",
    )
    return token


def actor(token: ApiToken) -> str:
    """How the audit log names a token's calls (in place of a user name)."""
    return f"API token {token.prefix}… {token.name}"[:150]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cm_…`. Unknown and revoked tokens are refused with 401 and
    audited (by prefix only when the token is real); the key is never logged."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return self._refuse(
                request, None, "Send your API token as the header Authorization: Bearer cm_…"
            )
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = (
            ApiToken.objects.select_related("local_authority", "organization")
            .filter(key_hash=hash_of(token))
            .first()
            if TOKEN_SHAPE.fullmatch(token)
            else None
        )
        if found is None:
            return self._refuse(request, None, "This API token is not one caremarket knows")
        if found.revoked_at is not None:
            return self._refuse(request, found, "This API token has been revoked")
        request.api_actor = actor(found)  # type: ignore[attr-defined]
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found

    def _refuse(self, request: HttpRequest, token: ApiToken | None, why: str) -> None:
        _audit_call("api call refused", request, token, 401)
        raise HttpError(401, why)


def _audit_call(action: str, request: HttpRequest, token: ApiToken | None, status: int) -> None:
    if token is not None:
        request.api_actor = actor(token)  # type: ignore[attr-defined]
    record(
        action,
        request=request,
        local_authority=token.local_authority if token else None,
        obj=token,
        detail=f"{request.method} {request.path} {status}",
    )


def token_access(
    *kinds: str, scope: str = ApiToken.Scope.SOURCING
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Allow tokens of these kinds ("council", "provider") holding `scope`; a token of another
    kind or scope is a 403 that says which is needed. Every call is audited with its status."""
    needed = " or ".join(f"a {KINDS[k]} token" for k in kinds)
    rule = AccessRule(
        frozenset(f"{k} token" for k in kinds), f"{needed} with the {scope} scope", token=True
    )

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token: ApiToken = request.auth  # type: ignore[attr-defined]
            if token.kind not in kinds or token.scope != scope:
                _audit_call("api call refused", request, token, 403)
                raise HttpError(403, f"This needs {needed} with the {scope} scope")
            try:
                response = view(request, *args, **kwargs)
            except HttpError as error:
                _audit_call("api call", request, token, error.status_code)
                raise
            except Exception:
                _audit_call("api call", request, token, 500)
                raise
            _audit_call("api call", request, token, response.status_code)
            return response

        wrapper.access_rule = rule  # type: ignore[attr-defined]
        return wrapper

    return decorate
