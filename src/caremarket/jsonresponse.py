"""JSON answers of the API's hand-written operations: UTF-8 as written, any status."""

from __future__ import annotations

import json

from django.http import HttpResponse


def json_response(body: object, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )
