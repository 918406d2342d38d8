"""`POST /api/v1/calc/<name>`: the calculators' JSON contract over HTTP (400 on bad input)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from caremarket.access import public
from caremarket.calc.calculators import CALCULATORS, CalculatorInputError, parse_json, to_json

router = Router(tags=["calculators"])

ERRORS_SCHEMA = {
    "type": "object",
    "properties": {"errors": {"type": "array", "items": {"type": "string"}}},
    "required": ["errors"],
}


def _respond(name: str, request: HttpRequest) -> HttpResponse:
    try:
        result = CALCULATORS[name].run(parse_json(request.body))
    except CalculatorInputError as error:
        body = to_json({"errors": error.problems})
        return HttpResponse(body, status=400, content_type="application/json")
    return HttpResponse(to_json(result), content_type="application/json")


_NUMBER_OR_NULL = {"type": ["number", "null"]}
SUFFICIENCY_RESULT_SCHEMA = {
    "type": "object",
    "required": ["years", "rows", "inputs"],
    "properties": {
        "years": {"type": "array", "items": {"type": "integer"}, "description": "As asked"},
        "rows": {
            "type": "array",
            "description": "By model, then year, then tenure (a split model's total last)",
            "items": {
                "type": "object",
                "required": ["service", "tenure", "year", "demand", "supply", "gap"],
                "properties": {
                    "service": {"type": "string"},
                    "tenure": {"type": ["string", "null"]},
                    "year": {"type": "integer"},
                    "demand": {"type": "number"},
                    "supply": _NUMBER_OR_NULL,
                    "gap": _NUMBER_OR_NULL,
                },
            },
        },
        "inputs": {
            "type": "object",
            "description": "Per service, what made its rows: method, cohort, rates, fitted "
            "trend and preset citation, and `by_year` lists aligned with `years`",
            "additionalProperties": {
                "type": "object",
                "required": ["method", "by_year"],
                "properties": {
                    "method": {"enum": ["ratio", "prevalence", "trend"]},
                    "by_year": {
                        "type": "object",
                        "additionalProperties": {"type": "array"},
                    },
                },
            },
        },
    },
}


def _openapi(
    example: dict[str, Any], description: str, result: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": {"type": "object"}, "example": example}},
        },
        "responses": {
            200: {
                "description": "The result",
                "content": {"application/json": {"schema": result or {"type": "object"}}},
            },
            400: {
                "description": "Invalid input: one message per problem, naming the JSON path",
                "content": {"application/json": {"schema": ERRORS_SCHEMA}},
            },
        },
    }


SUFFICIENCY_EXAMPLE = {
    "years": [2024, 2034],
    "population": [
        {"year": 2024, "age_from": 75, "age_to": None, "sex": "all", "value": 20000},
        {"year": 2034, "age_from": 75, "age_to": None, "sex": "all", "value": 23000},
    ],
    "models": [
        {
            "service": "residential_beds",
            "method": "ratio",
            "cohort": {"age_from": 75},
            "per_1000": 65,
            "supply": 811,
        }
    ],
}
CHARGE_EXAMPLE = {
    "financial_year": "2025/26",
    "setting": "home",
    "age": 70,
    "capital": 18400,
    "weekly_income": [
        {"type": "state_pension", "amount": 230.25},
        {"type": "attendance_allowance", "rate": "higher", "amount": 110.40},
    ],
    "night_care_provided": False,
    "disability_related_expenditure": 20,
    "housing_costs": 0,
    "weekly_cost_of_care": 300,
}


@router.post(
    "/sufficiency",
    summary=CALCULATORS["sufficiency"].summary,
    openapi_extra=_openapi(
        SUFFICIENCY_EXAMPLE,
        "years, population rows (year, age_from, age_to or null, sex, value) and models "
        "(ratio, prevalence or trend), as for `caremarket calc sufficiency`.",
        SUFFICIENCY_RESULT_SCHEMA,
    ),
)
@public
def sufficiency(request: HttpRequest) -> HttpResponse:
    return _respond("sufficiency", request)


@router.post(
    "/charge",
    summary=CALCULATORS["charge"].summary,
    openapi_extra=_openapi(
        CHARGE_EXAMPLE,
        "A person's financial circumstances, as for `caremarket calc charge`. An estimate, "
        "not a financial assessment.",
    ),
)
@public
def charge(request: HttpRequest) -> HttpResponse:
    return _respond("charge", request)
