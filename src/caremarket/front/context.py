from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, object]:
    """The service's name on every page; apps add menu links through `extra_navigation`."""
    return {"service_name": settings.SERVICE_NAME, "extra_navigation": []}
