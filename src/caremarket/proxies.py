"""The client's address behind the council's own proxies, for the sign-in limit and the audit.

Behind a TLS-terminating proxy every request comes from the proxy's address, so a limit per
address would lock every member of staff out together. With `CAREMARKET_PROXIES` set to the
number of proxies in front (each appending the address it saw to `X-Forwarded-For`), REMOTE_ADDR
becomes the address the outermost of them saw. Unset (0), `X-Forwarded-For` is ignored: anyone
can write it, so trusting it without a proxy would let a guesser pick a new address each time.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_address(remote_addr: str, forwarded_for: str, proxies: int) -> str:
    if proxies <= 0:
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote_addr
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.TRUSTED_PROXIES:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                settings.TRUSTED_PROXIES,
            )
        return self.get_response(request)
