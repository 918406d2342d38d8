"""Content-Security-Policy header from `settings.CONTENT_SECURITY_POLICY`.

Django 6 has this built in; on Django 5.2 (the release that runs on Python 3.11) this small
middleware does the same job with the same setting shape, so moving to Django 6 means deleting it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def build_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = build_policy(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        else:
            # Django admin uses inline styles; scripts stay same-origin only.
            response.headers.setdefault(
                "Content-Security-Policy",
                self.policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
            )
        return response
