"""The one limit on guessing passwords, shared by every way to sign in.

Failed sign-ins are counted per address (an IPv6 address by its /64 network) and per username
(compared as the sign-in form compares it, ignoring case and surrounding spaces, from whatever
address); either reaching `settings.LOGIN_RATE` refuses further attempts, even with the right
password, until the window ends. An attempt is counted before the password is checked, so
parallel guesses cannot slip past the limit, and a successful sign-in takes its count back: good
sign-ins from a shared office address never lock anyone out. The counts live in the database
cache, so they hold across server workers.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import ipaddress
import re
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

RATE = re.compile(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
UNIT_WORDS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


@dataclass(frozen=True)
class Rate:
    attempts: int
    seconds: int
    wait: str  # "15 minutes", for the refusal message


@functools.lru_cache(maxsize=8)  # read on every sign-in attempt; the setting rarely changes
def parse_rate(text: str) -> Rate:
    """`10/15m` → 10 attempts per 15 minutes; ValueError naming the expected shape otherwise."""
    match = RATE.fullmatch(text)
    if not match or int(match[1]) < 1 or match[2] == "0":
        raise ValueError(f"must look like 10/15m (attempts / count and s, m, h or d), not {text!r}")
    count = int(match[2] or 1)
    unit = UNIT_WORDS[match[3]]
    return Rate(
        attempts=int(match[1]),
        seconds=count * UNIT_SECONDS[match[3]],
        wait=f"{count} {unit}{'' if count == 1 else 's'}",
    )


def address_of(request: HttpRequest) -> str:
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def username_key(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _keys(request: HttpRequest, username: str, rate: Rate) -> list[str]:
    window = int(time.time()) // rate.seconds
    keys = []
    for kind, value in (("address", address_of(request)), ("user", username_key(username))):
        digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
        keys.append(f"sign-in:{kind}:{rate.seconds}:{window}:{digest}")
    return keys


class Attempt:
    """One sign-in attempt: counted on creation; `succeeded()` takes the count back."""

    def __init__(self, request: HttpRequest, username: str) -> None:
        self.rate = parse_rate(settings.LOGIN_RATE)
        self.keys = _keys(request, username, self.rate)
        counts = []
        for key in self.keys:
            cache.add(key, 0, self.rate.seconds + 60)
            try:
                counts.append(cache.incr(key))
            except ValueError:  # expired between add and incr
                cache.add(key, 1, self.rate.seconds + 60)
                counts.append(1)
        self.refused = any(count > self.rate.attempts for count in counts)

    @property
    def message(self) -> str:
        return f"Too many attempts to sign in. Wait {self.rate.wait}, then try again."

    def succeeded(self) -> None:
        for key in self.keys:
            with contextlib.suppress(ValueError):  # the window ended meanwhile
                cache.decr(key)
