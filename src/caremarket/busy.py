"""A database too busy to write to right now answers "busy, try again" (503), never a 500.

On SQLite one connection writes at a time; a request that waits longer than the busy timeout
gets `OperationalError: database is locked`. (PostgreSQL's equivalent is a lock that could not
be obtained in time.) Nothing was saved, and trying again shortly works, so the person is told
exactly that, with `Retry-After`. `DatabaseBusyMiddleware` catches it from views;
`front.views.server_error` (handler500) from anything else, such as saving the session after
the view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 10
#: PostgreSQL's "lock not available" (lock_timeout, NOWAIT).
LOCK_NOT_AVAILABLE = "55P03"


def is_database_busy(error: BaseException | None) -> bool:
    if not isinstance(error, OperationalError):
        return False
    if "is locked" in str(error):  # "database is locked", "database table is locked: …"
        return True
    return getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE


def busy_response(request: HttpRequest) -> HttpResponse:
    logger.warning("database busy: %s %s answered 503", request.method, request.path)
    response = render(request, "503.html", {"retry_after": RETRY_AFTER_SECONDS}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request) if is_database_busy(exception) else None
