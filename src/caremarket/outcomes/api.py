"""`GET /api/v1/outcomes/{council}/ascof?year=2024/25`: the council's ASCOF from its CLD, and
`GET /api/v1/outcomes/{council}/activity?year=2024/25`: its activity tables from the same data.

Council staff who prepare the council's figures only (commissioners and council admins of that
council, and site admins), signed in as for the pages. A bad year, missing data or a missing
population is a JSON 400 with one line per problem.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from caremarket.access import staff
from caremarket.accounts.roles import Role
from caremarket.jsonresponse import json_response
from caremarket.outcomes.service import AscofInputError, activity, ascof
from caremarket.places.models import LocalAuthority

router = Router(tags=["outcomes"])

#: Who reads the council's ASCOF and the pseudonymised people behind it.
ASCOF_ROLES = (Role.COMMISSIONER.value, Role.COUNCIL_ADMIN.value)

ROW = {
    "type": "object",
    "required": ["group", "numerator", "denominator", "value"],
    "properties": {
        "part": {"enum": ["1a", "2a", "1b", "2b"]},
        "cohort": {"enum": ["all", "learning disability"]},
        "group": {"enum": ["18 to 64", "65 and above", "Total"]},
        "gender": {"enum": ["Female", "Male", "Total"]},
        "numerator": {"type": "integer"},
        "denominator": {"type": "integer"},
        "value": {"type": "number", "description": "Rounded to one decimal place, as DHSC"},
    },
}
RESULT_SCHEMA = {
    "type": "object",
    "required": ["council", "year", "measures", "problems"],
    "properties": {
        "council": {"type": "string", "example": "E06000021"},
        "year": {"type": "string", "example": "2024/25"},
        "measures": {
            "type": "object",
            "properties": {
                m: {"type": "array", "items": ROW} for m in ("2A", "2B", "2C", "2E", "3D")
            },
        },
        "population": {"type": "object"},
        "problems": {"type": "array", "items": {"type": "string"}},
    },
}


def _responses(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI answers both outcomes operations give: the result, or one line per problem."""
    return {
        "responses": {
            200: {"description": "OK", "content": {"application/json": {"schema": schema}}},
            400: {"description": "One line per problem, as `errors`"},
        }
    }


def _answer(compute: Callable[[str, str], Any], council: LocalAuthority, year: str) -> HttpResponse:
    """The computed result as JSON, or a 400 listing what is wrong with the year or the data."""
    try:
        result = compute(council.code, year)
    except AscofInputError as error:
        return json_response({"errors": error.problems}, status=400)
    return json_response(result.as_json())


@router.get(
    "/{council}/ascof",
    summary="ASCOF 2A, 2B, 2C, 2E and 3D from the council's Client Level Data",
    openapi_extra=_responses(RESULT_SCHEMA),
)
@staff(*ASCOF_ROLES)
def council_ascof(request: HttpRequest, council: str, year: str = "") -> HttpResponse:
    """DHSC's method on the council's imported CLD, for a reporting year such as 2024/25."""
    return _answer(ascof, council, year)  # type: ignore[arg-type]  # the staff rule resolves it


COUNTS = {
    "type": "object",
    "description": "Counts by age band: 18 to 64, 65 and above, Under 18, Unknown, Total",
    "additionalProperties": {"type": "integer"},
}
ACTIVITY_ROW = {
    "type": "object",
    "required": ["label", "counts"],
    "properties": {"label": {"type": "string"}, "group": {"type": "string"}, "counts": COUNTS},
}
ACTIVITY_SCHEMA = {
    "type": "object",
    "required": ["council", "year", "tables", "problems"],
    "properties": {
        "council": {"type": "string", "example": "E06000021"},
        "year": {"type": "string", "example": "2024/25"},
        "tables": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "table": {"type": "string"},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "unit": {"type": "string"},
                    "columns": {"type": "array", "items": {"type": "string"}},
                    "rows": {"type": "array", "items": ACTIVITY_ROW},
                    "total": {"oneOf": [ACTIVITY_ROW, {"type": "null"}]},
                },
            },
        },
        "problems": {"type": "array", "items": {"type": "string"}},
    },
}


@router.get(
    "/{council}/activity",
    summary="Requests, assessments, reviews, long-term and short-term support from CLD",
    openapi_extra=_responses(ACTIVITY_SCHEMA),
)
@staff(*ASCOF_ROLES)
def council_activity(request: HttpRequest, council: str, year: str = "") -> HttpResponse:
    """The council's activity tables for a reporting year such as 2024/25, built from the same
    cleaned and deduplicated Client Level Data as its ASCOF."""
    return _answer(activity, council, year)  # type: ignore[arg-type]  # the staff rule resolves it
