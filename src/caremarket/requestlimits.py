"""Refuse what is too big before reading it: over-long addresses and request bodies.

Runs in the middleware chain before anything reads the body (CSRF checking reads it later, in
its process_view), so an anonymous 300 MB POST is answered 413 from its `Content-Length` without
a byte of it spooled to disk. A body sent without a length (chunked) is refused with 411: Django
would read none of it anyway. The staff upload page (`UPLOAD_URL_NAMES`) has the larger
`MAX_UPLOAD_BYTES` for signed-in staff; every other route, and anyone not signed in, has
`MAX_REQUEST_BYTES`. On the JSON API the refusals are JSON with CORS, like its other errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

#: URL names whose POST may carry a data file, for signed-in staff.
UPLOAD_URL_NAMES = frozenset({"imports:imports", "quality:upload_evidence"})
#: Room for the multipart framing and the other fields beside the file.
UPLOAD_FRAMING_BYTES = 1024 * 1024


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


def body_limit(request: HttpRequest) -> int:
    if request.user.is_authenticated:
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = ""
        if name in UPLOAD_URL_NAMES:
            return int(settings.MAX_UPLOAD_BYTES) + UPLOAD_FRAMING_BYTES
    return int(settings.MAX_REQUEST_BYTES)


def refusal(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        response = HttpResponse(
            json.dumps({"message": message, "errors": [message]}),
            status=status,
            content_type="application/json",
        )
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response = render(
            request, "request_refused.html", {"title": title, "message": message}, status=status
        )
    return response


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.get_full_path()) > settings.MAX_URL_LENGTH:
            return refusal(
                request,
                414,
                "This web address is too long",
                f"This web address is too long: the most is {settings.MAX_URL_LENGTH:,} "
                "characters. Shorten the search or the filters.",
            )
        raw_length = request.META.get("CONTENT_LENGTH") or ""
        if not raw_length.strip():
            if request.META.get("HTTP_TRANSFER_ENCODING"):
                return refusal(
                    request,
                    411,
                    "The request must say how long it is",
                    "Send the request with a Content-Length: a body sent in chunks is not read.",
                )
            return self.get_response(request)
        try:
            length = int(raw_length)
        except ValueError:
            length = -1
        if length < 0:
            return refusal(
                request, 400, "The request cannot be read", "The request's length is not a number."
            )
        limit = body_limit(request)
        if length > limit:
            return refusal(
                request,
                413,
                "What you sent is too large",
                f"What you sent is too large: the most this page takes is {size_text(limit)}.",
            )
        return self.get_response(request)
