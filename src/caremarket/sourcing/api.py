"""`/api/v1/sourcing/`: care requests, offers and packages for case management systems.

Authenticated by API tokens only (`Authorization: Bearer cm_…`, made by `caremarket tokens
create`, see caremarket.accounts.tokens), never by a signed-in session:

- a **council token** posts requests for its council, withdraws them, and reads its council's
  requests (the person's name and address only on a single request, audited), every offer on
  them and its packages;
- a **provider token** (one provider organisation) reads the requests sent to its services, as
  the anonymised summary providers see until the council accepts its offer, posts offers from
  its own services, and reads its own offers and packages.

Another council's or another organisation's request is a 404, as if it did not exist. Bodies
are JSON objects whose fields are checked by the same forms as the web pages (`RequestForm`,
`OfferForm`, `WithdrawForm`) and written by the same services (caremarket.sourcing.brokerage),
so a rule lives in one place. A bad body is a 400 listing every problem by field, and writes
nothing. Money and hours are strings of pounds and pence (`"399.28"`), dates ISO 8601.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import MultipleObjectsReturned
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router

from caremarket.accounts.audit import record
from caremarket.accounts.models import ApiToken
from caremarket.accounts.tokens import TokenAuth, token_access
from caremarket.jsonresponse import json_response
from caremarket.market.models import Location
from caremarket.quality.views import locations_run_by
from caremarket.rules.placements import BED_KIND_WORDS
from caremarket.sourcing import brokerage
from caremarket.sourcing.brokerage import BrokerageError
from caremarket.sourcing.forms import OfferForm, PlacementRequestForm, RequestForm, WithdrawForm
from caremarket.sourcing.models import CareRequest, Offer, Package, ServiceKind
from caremarket.sourcing.vacancies import SOURCE_WORDS, VacancyError, current, record_vacancies

router = Router(tags=["sourcing"], auth=TokenAuth())

PER_PAGE, MAX_PER_PAGE = 50, 200
#: API names of the form fields where they differ (the API takes a ward by its ONS code).
API_NAMES = {"area": "ward"}
FORM_NAMES = {v: k for k, v in API_NAMES.items()}
REQUEST_FIELDS = (
    "service_kind",
    "ward",
    "calls_per_day",
    "minutes",
    "days_per_week",
    "referred_on",
    "start_on",
    "needs",
    "funding",
    "summary",
    "person_name",
    "person_address",
    "their_reference",
)
#: A care home placement (`service_kind` "care_home") asks for a kind of bed, not calls.
PLACEMENT_FIELDS = (
    "service_kind",
    "bed_kind",
    *(
        f
        for f in REQUEST_FIELDS
        if f not in ("service_kind", "calls_per_day", "minutes", "days_per_week")
    ),
)
OFFER_FIELDS = ("location", "start_on", "weekly_price", "note")
#: Messages in the API's own words where the web form's speak of its page.
API_MESSAGES = {
    "ward": "ward must be the ONS code of one of the council's wards (for a care home place, "
    "a ward or locality), like E05008473",
    "location": "location must be the CQC location id of one of your services this request "
    "was sent to that has not offered yet, like 1-000000001",
}


# --- Bodies -------------------------------------------------------------------------------------


class BadBody(Exception):
    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number in JSON")


def json_object(request: HttpRequest, fields: Iterable[str]) -> dict[str, Any]:
    """The body as a JSON object, or a BadBody saying it is not JSON, or not an object."""
    try:
        body = json.loads(request.body or b"null", parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise BadBody([_problem("", "The body must be JSON (UTF-8)")]) from None
    if not isinstance(body, dict):
        raise BadBody(
            [_problem("", "The body must be a JSON object with the fields " + ", ".join(fields))]
        )
    return body


def read_body(request: HttpRequest, fields: Iterable[str], lists: Iterable[str] = ()) -> dict:
    """The JSON object of the body as form data (see `form_data`)."""
    return form_data(json_object(request, fields), fields, lists)


def form_data(body: dict[str, Any], fields: Iterable[str], lists: Iterable[str] = ()) -> dict:
    """A JSON object as form data (text, and lists of text for `lists`).

    Anything else — an unknown field, a nested object, true/false for a number, a NUL
    character — is a BadBody naming each field, before any form sees it.
    """
    fields = tuple(fields)
    allowed, lists = set(fields), set(lists)
    problems = [
        _problem(
            str(key)[:60],
            f"{str(key)[:60]!r} is not a field here; the fields are: " + ", ".join(fields),
        )
        for key in body
        if key not in allowed
    ]
    data: dict[str, Any] = {}
    for key in fields:
        value = body.get(key)
        try:
            if key in lists:
                values = [] if value is None else value
                if not isinstance(values, list):
                    raise ValueError(f"{key} must be a list")
                data[FORM_NAMES.get(key, key)] = [_text(key, v) for v in values]
            else:
                data[FORM_NAMES.get(key, key)] = _text(key, value)
        except ValueError as error:
            problems.append(_problem(key, str(error)))
    if problems:
        raise BadBody(problems)
    return data


def _text(key: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{key} must be text or a number")
    text = str(value)
    if "\x00" in text:
        raise ValueError(f"{key} contains a character that is not allowed (NUL)")
    return text


def form_problems(form: forms.Form) -> list[dict[str, str]]:
    """The form's messages by API field name; a choice not found is said in the API's terms."""
    problems = []
    for name, errors in form.errors.as_data().items():
        field = "" if name == "__all__" else API_NAMES.get(name, name)
        for error in errors:
            if error.code == "invalid_choice" and field in API_MESSAGES:
                problems.append(_problem(field, API_MESSAGES[field]))
            else:
                problems.extend(_problem(field, message) for message in error.messages)
    return problems


def _error(status: int, detail: str, problems: list[dict[str, str]] | None = None) -> HttpResponse:
    return json_response({"detail": detail, "errors": problems or []}, status=status)


def _invalid(problems: list[dict[str, str]]) -> HttpResponse:
    return _error(400, "The body has problems; nothing was saved", problems)


def _not_found(what: str = "request") -> HttpResponse:
    return _error(404, f"No such {what} for this token")


# --- What a token may see ----------------------------------------------------------------------


def _places(token: ApiToken) -> QuerySet[Location]:
    return locations_run_by([token.organization])


def _requests(token: ApiToken) -> QuerySet[CareRequest]:
    found = (
        CareRequest.objects.filter(local_authority=token.local_authority)
        if token.kind == "council"
        else brokerage.provider_requests(_places(token))
    )
    return found.select_related("area", "local_authority", "package").order_by("-id")


def _request_of(token: ApiToken, ident: str) -> CareRequest | None:
    if not ident.isdigit() or len(ident) > 9:
        return None
    return _requests(token).filter(pk=int(ident)).first()


def _offers(token: ApiToken, item: CareRequest | None = None) -> QuerySet[Offer]:
    found = Offer.objects.select_related("location")
    if item is not None:
        found = found.filter(request=item)
    if token.kind == "council":
        return found.filter(request__local_authority=token.local_authority)
    return found.filter(location__in=_places(token))


def _packages(token: ApiToken) -> QuerySet[Package]:
    found = Package.objects.select_related("location", "request")
    if token.kind == "council":
        return found.filter(local_authority=token.local_authority)
    return found.filter(location__in=_places(token))


def _page(request: HttpRequest) -> tuple[int, int]:
    def whole(name: str, default: int, high: int) -> int:
        text = request.GET.get(name, "").strip()
        if not text:
            return default
        if not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= high:
            raise BadBody([_problem(name, f"{name} must be a whole number from 1 to {high}")])
        return int(text)

    return whole("page", 1, 999_999), whole("per_page", PER_PAGE, MAX_PER_PAGE)


def _listing(request: HttpRequest, found: QuerySet[Any], shape: Any) -> HttpResponse:
    try:
        page, per_page = _page(request)
    except BadBody as bad:
        return _error(400, "Bad query", bad.problems)
    start = (page - 1) * per_page
    return json_response(
        {
            "count": found.count(),
            "page": page,
            "per_page": per_page,
            "items": [shape(x) for x in found[start : start + per_page]],
        }
    )


# --- Shapes ------------------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _location(place: Location) -> dict[str, str]:
    return {"cqc_location_id": place.cqc_location_id, "name": place.name}


def request_json(item: CareRequest, token: ApiToken, person: bool = False) -> dict[str, Any]:
    """A request as the token may see it: a provider sees the anonymised summary."""
    shape: dict[str, Any] = {
        "id": item.pk,
        "reference": item.reference,
        "council": {"code": item.local_authority.code, "name": item.local_authority.name},
        "status": item.status,
        "service_kind": item.service_kind,
        "bed_kind": item.bed_kind or None,
        "ward": {"code": item.area.code, "name": item.area.name},
        "calls_per_day": item.calls_per_day,
        "minutes": item.minutes,
        "days_per_week": item.days_per_week,
        "hours_per_week": _money(item.hours_per_week),
        "referred_on": item.referred_on.isoformat(),
        "start_on": item.start_on.isoformat(),
        "needs": list(item.needs),
        "funding": item.funding,
        "summary": item.summary,
    }
    if token.kind == "council":
        shape["their_reference"] = item.their_reference
        shape["withdrawn_because"] = item.withdrawn_because or None
        package = getattr(item, "package", None)
        shape["package_id"] = package.pk if package is not None else None
    if person:
        shape["person"] = {"name": item.person_name, "address": item.person_address}
    return shape


def offer_json(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "request_id": offer.request_id,
        "location": _location(offer.location),
        "start_on": offer.start_on.isoformat(),
        "weekly_price": _money(offer.weekly_price),
        "note": offer.note,
        "status": offer.status,
        "made_at": offer.made_at.isoformat(),
        "decided_at": offer.decided_at.isoformat() if offer.decided_at else None,
    }


def package_json(package: Package) -> dict[str, Any]:
    return {
        "id": package.pk,
        "request_id": package.request_id,
        "reference": package.request.reference,
        "offer_id": package.offer_id,
        "location": _location(package.location),
        "hours_per_week": _money(package.hours_per_week),
        "weekly_cost": _money(package.weekly_cost),
        "start_on": package.start_on.isoformat(),
        "end_on": package.end_on.isoformat() if package.end_on else None,
    }


# --- OpenAPI -----------------------------------------------------------------------------------

DATE = {"type": "string", "format": "date", "example": "2026-06-03"}
MONEY = {"type": "string", "pattern": r"^\d+\.\d\d$", "example": "399.28"}
ERRORS = {
    "description": "What is wrong; nothing was saved",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "detail": {"type": "string"},
                    "errors": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "field": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
            }
        }
    },
}
REFUSED = {
    401: {"description": "No token, or an unknown or revoked one"},
    403: {"description": "A token of the wrong kind or scope"},
}
LOCATION = {
    "type": "object",
    "properties": {"cqc_location_id": {"type": "string"}, "name": {"type": "string"}},
}
REQUEST = {
    "type": "object",
    "description": "Council tokens also see their_reference, withdrawn_because and package_id; "
    "person (name and address) only on GET of one request by the council, or by the provider "
    "whose offer was accepted.",
    "properties": {
        "id": {"type": "integer"},
        "reference": {"type": "string", "example": "CR-000042"},
        "council": {"type": "object"},
        "status": {"enum": CareRequest.Status.values},
        "service_kind": {"type": "string"},
        "bed_kind": {"type": ["string", "null"], "description": "Care home placements only"},
        "ward": {"type": "object", "description": "A ward, or a locality for a placement"},
        "calls_per_day": {"type": "integer"},
        "minutes": {"type": "integer"},
        "days_per_week": {"type": "integer"},
        "hours_per_week": MONEY,
        "referred_on": DATE,
        "start_on": DATE,
        "needs": {"type": "array", "items": {"type": "string"}},
        "funding": {"type": "string"},
        "summary": {"type": "string"},
        "their_reference": {"type": "string"},
        "withdrawn_because": {"type": ["string", "null"]},
        "package_id": {"type": ["integer", "null"]},
        "person": {"type": "object"},
    },
}
OFFER = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "request_id": {"type": "integer"},
        "location": LOCATION,
        "start_on": DATE,
        "weekly_price": MONEY,
        "note": {"type": "string"},
        "status": {"enum": Offer.Status.values},
        "made_at": {"type": "string", "format": "date-time"},
        "decided_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
PACKAGE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "request_id": {"type": "integer"},
        "reference": {"type": "string"},
        "offer_id": {"type": "integer"},
        "location": LOCATION,
        "hours_per_week": MONEY,
        "weekly_cost": MONEY,
        "start_on": DATE,
        "end_on": {"type": ["string", "null"], "format": "date"},
    },
}


def _choices(field: forms.Field) -> list[str]:
    return [str(value) for value, _ in field.choices]  # type: ignore[attr-defined]


def _request_body_schema() -> dict[str, Any]:
    fields = RequestForm.base_fields
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [
            API_NAMES.get(n, n) for n, f in fields.items() if f.required and n != "__all__"
        ],
        "properties": {
            "service_kind": {
                "enum": [*_choices(fields["service_kind"]), ServiceKind.CARE_HOME.value],
                "description": "care_home: a care home placement, with bed_kind and no calls",
            },
            "bed_kind": {"enum": _choices(PlacementRequestForm.base_fields["bed_kind"])},
            "ward": {"type": "string", "description": "ONS ward code", "example": "E05008473"},
            "calls_per_day": {"type": "integer", "minimum": 1, "maximum": 8},
            "minutes": {"enum": [int(m) for m in _choices(fields["minutes"])]},
            "days_per_week": {"type": "integer", "minimum": 1, "maximum": 7},
            "referred_on": DATE,
            "start_on": {**DATE, "description": "On or after referred_on"},
            "needs": {"type": "array", "items": {"enum": _choices(fields["needs"])}},
            "funding": {"enum": _choices(fields["funding"])},
            "summary": {
                "type": "string",
                "maxLength": 2000,
                "description": "What providers read: no names, addresses or dates of birth",
            },
            "person_name": {"type": "string", "maxLength": 200},
            "person_address": {"type": "string", "maxLength": 500},
            "their_reference": {"type": "string", "maxLength": 100},
        },
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _ok(
    schema: dict[str, Any], status: int = 200, more: dict[int, Any] | None = None
) -> dict[str, Any]:
    return {
        "responses": {
            status: {"description": "OK", "content": {"application/json": {"schema": schema}}},
            **REFUSED,
            **(more or {}),
        }
    }


def _list_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "items": {"type": "array", "items": schema},
        },
    }


PAGING = [
    {"in": "query", "name": n, "required": False, "schema": {"type": "integer", "minimum": 1}}
    for n in ("page", "per_page")
]


# --- Operations --------------------------------------------------------------------------------


@router.post(
    "/requests",
    summary="Post a care request (council token)",
    openapi_extra={
        "requestBody": _body(_request_body_schema()),
        **_ok(
            {**REQUEST, "properties": {**REQUEST["properties"], "sent_to": {"type": "integer"}}},
            201,
            more={400: ERRORS},
        ),
    },
)
@token_access("council")
def post_request(request: HttpRequest) -> HttpResponse:
    """Posted as a broker posts one: checked by the same rules, sent at once to every eligible
    provider (`sent_to` counts them). `service_kind` "care_home" is a care home placement: it
    takes `bed_kind` instead of the calls, and is matched on the homes' vacancies. Providers
    never see `person_name`, `person_address` or `their_reference` before the council accepts
    their offer."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    council = token.local_authority
    assert council is not None
    try:
        body = json_object(request, REQUEST_FIELDS)
        placement = body.get("service_kind") == ServiceKind.CARE_HOME
        data = form_data(body, PLACEMENT_FIELDS if placement else REQUEST_FIELDS, ("needs",))
    except BadBody as bad:
        return _invalid(bad.problems)
    form: RequestForm | PlacementRequestForm
    if placement:
        areas = brokerage.placement_areas(council).exclude(code="")
        form = PlacementRequestForm(data, wards=areas, ward_by="code")
    else:
        form = RequestForm(data, wards=brokerage.wards_of(council).exclude(code=""), ward_by="code")
    try:
        valid = form.is_valid()
    except MultipleObjectsReturned:
        return _invalid([_problem("ward", "Two of the council's areas have that code")])
    if not valid:
        return _invalid(form_problems(form))
    fields = (
        {"service_kind": ServiceKind.CARE_HOME, "bed_kind": form.cleaned_data["bed_kind"]}
        if placement
        else brokerage.home_care_fields(form.cleaned_data)
    )
    item, found = brokerage.post_from_form(council, form.cleaned_data, None, request, **fields)
    shape = request_json(item, token)
    shape["sent_to"] = sum(1 for m in found if m.eligible)
    return json_response(shape, status=201)


@router.get(
    "/requests",
    summary="Requests: the council's own, or those sent to the provider",
    openapi_extra={"parameters": PAGING, **_ok(_list_of(REQUEST), more={400: ERRORS})},
)
@token_access("council", "provider")
def list_requests(request: HttpRequest) -> HttpResponse:
    """Newest first, without the person's details; `status=open|sourced|withdrawn` narrows."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    found = _requests(token)
    status = request.GET.get("status", "").strip()
    if status:
        if status not in CareRequest.Status.values:
            choices = ", ".join(CareRequest.Status.values)
            return _error(400, "Bad query", [_problem("status", f"status must be {choices}")])
        found = found.filter(status=status)
    return _listing(request, found, lambda item: request_json(item, token))


@router.get(
    "/requests/{request_id}",
    summary="One request",
    openapi_extra=_ok(REQUEST, more={404: {"description": "Not this token's"}}),
)
@token_access("council", "provider")
def get_request(request: HttpRequest, request_id: str) -> HttpResponse:
    """With the person's name and address for the council, and for the provider whose offer
    was accepted; each such showing is audited."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    item = _request_of(token, request_id)
    if item is None:
        return _not_found()
    if token.kind == "council":
        person = True
        action = "sourcing: request viewed"
    else:
        person = _offers(token, item).filter(status=Offer.Status.ACCEPTED).exists()
        action = "sourcing: person's details shown to provider"
    if person:
        record(action, request=request, local_authority=item.local_authority, obj=item)
    return json_response(request_json(item, token, person=person))


@router.post(
    "/requests/{request_id}/withdraw",
    summary="Withdraw an open request (council token)",
    openapi_extra={
        "requestBody": _body(
            {
                "type": "object",
                "required": ["because"],
                "properties": {"because": {"enum": CareRequest.WithdrawnBecause.values}},
            }
        ),
        **_ok(REQUEST, more={400: ERRORS, 404: {"description": "Not this council's"}, 409: ERRORS}),
    },
)
@token_access("council")
def withdraw_request(request: HttpRequest, request_id: str) -> HttpResponse:
    """Offers on it close; every provider it was sent to is told it is withdrawn (not why)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    item = _request_of(token, request_id)
    if item is None:
        return _not_found()
    try:
        form = WithdrawForm(read_body(request, ("because",)))
    except BadBody as bad:
        return _invalid(bad.problems)
    if not form.is_valid():
        return _invalid(form_problems(form))
    try:
        brokerage.withdraw(item, form.cleaned_data["because"], None, request)
    except BrokerageError as error:
        return _error(409, str(error))
    return json_response(request_json(item, token))


@router.get(
    "/requests/{request_id}/offers",
    summary="Offers on a request: all of them for the council, its own for a provider",
    openapi_extra=_ok({"type": "array", "items": OFFER}, more={404: {"description": "Not found"}}),
)
@token_access("council", "provider")
def list_offers(request: HttpRequest, request_id: str) -> HttpResponse:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    item = _request_of(token, request_id)
    if item is None:
        return _not_found()
    return json_response([offer_json(o) for o in _offers(token, item)])


@router.post(
    "/requests/{request_id}/offers",
    summary="Offer to provide the care (provider token)",
    openapi_extra={
        "requestBody": _body(
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["location", "start_on", "weekly_price"],
                "properties": {
                    "location": {
                        "type": "string",
                        "description": "CQC location id of the service that will provide it",
                    },
                    "start_on": {**DATE, "description": "On or after the referral date"},
                    "weekly_price": {**MONEY, "description": "Pounds a week, under 100,000"},
                    "note": {"type": "string", "maxLength": 2000},
                },
            }
        ),
        **_ok(
            OFFER,
            201,
            more={
                400: ERRORS,
                404: {"description": "Not a request sent to your services"},
                409: ERRORS,
            },
        ),
    },
)
@token_access("provider")
def post_offer(request: HttpRequest, request_id: str) -> HttpResponse:
    """From one of the organisation's services the request was sent to, once per service,
    while the request is open. A location the organisation does not run is a 403."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    item = _request_of(token, request_id)
    if item is None:
        return _not_found()
    try:
        data = read_body(request, OFFER_FIELDS)
    except BadBody as bad:
        return _invalid(bad.problems)
    places = _places(token)
    asked = data["location"].strip()
    if asked and Location.objects.filter(cqc_location_id=asked).exclude(pk__in=places).exists():
        return _error(403, "That location is not run by your organisation")
    if item.status != CareRequest.Status.OPEN:
        return _error(409, "This request is no longer taking offers")
    form = OfferForm(
        data,
        locations=brokerage.offerable(item, places),
        referred_on=item.referred_on,
        location_by="cqc_location_id",
    )
    if not form.is_valid():
        return _invalid(form_problems(form))
    try:
        offer = brokerage.offer_from_form(item, form.cleaned_data, None, request)
    except BrokerageError as error:
        return _error(409, str(error))
    return json_response(offer_json(offer), status=201)


@router.get(
    "/packages",
    summary="Packages: the council's, or the provider's own",
    openapi_extra={"parameters": PAGING, **_ok(_list_of(PACKAGE), more={400: ERRORS})},
)
@token_access("council", "provider")
def list_packages(request: HttpRequest) -> HttpResponse:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return _listing(request, _packages(token).order_by("-id"), package_json)


@router.get(
    "/packages/{package_id}",
    summary="One package",
    openapi_extra=_ok(PACKAGE, more={404: {"description": "Not this token's"}}),
)
@token_access("council", "provider")
def get_package(request: HttpRequest, package_id: str) -> HttpResponse:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if not package_id.isdigit() or len(package_id) > 9:
        return _not_found("package")
    package = _packages(token).filter(pk=int(package_id)).first()
    if package is None:
        return _not_found("package")
    return json_response(package_json(package))


# --- Care homes' vacancies ---------------------------------------------------------------------

VACANCY_FIELDS = ("location", "vacancies")
VACANCIES = {
    "type": "object",
    "properties": {
        "location": LOCATION,
        "vacancies": {
            "type": "object",
            "description": "Vacancies by kind of bed: " + ", ".join(BED_KIND_WORDS),
            "additionalProperties": {"type": "integer"},
        },
        "source": {"type": ["string", "null"]},
        "reported_at": {"type": ["string", "null"], "format": "date-time"},
    },
}


def _vacancies_json(place: Location, report: Any) -> dict[str, Any]:
    return {
        "location": _location(place),
        "vacancies": dict(report.counts) if report else {},
        "source": SOURCE_WORDS.get(report.source, report.source) if report else None,
        "reported_at": report.at.isoformat() if report else None,
    }


@router.get(
    "/vacancies",
    summary="Vacancies believed for the organisation's care homes (provider token)",
    openapi_extra=_ok({"type": "array", "items": VACANCIES}),
)
@token_access("provider")
def list_vacancies(request: HttpRequest) -> HttpResponse:
    """For each of its care homes, the fresher of its own last update and the NHS Capacity
    Tracker's, with where it came from and when."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    homes = list(_places(token).filter(care_home=True).order_by("name"))
    found = current(homes)
    return json_response([_vacancies_json(h, found[h.pk]) for h in homes])


@router.post(
    "/vacancies",
    summary="Update a care home's vacancies (provider token)",
    openapi_extra={
        "requestBody": _body(
            {
                "type": "object",
                "additionalProperties": False,
                "required": list(VACANCY_FIELDS),
                "properties": {
                    "location": {"type": "string", "description": "The home's CQC location id"},
                    "vacancies": {
                        "type": "object",
                        "description": "Whole numbers from 0 to 999 by kind of bed ("
                        + ", ".join(BED_KIND_WORDS)
                        + "); a kind left out is one the home does not offer",
                        "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 999},
                    },
                },
            }
        ),
        **_ok(VACANCIES, 201, more={400: ERRORS}),
    },
)
@token_access("provider")
def post_vacancies(request: HttpRequest) -> HttpResponse:
    """Recorded as the portal's form records it (the same checks, audited); the fresher of
    this and the Capacity Tracker is what matching reads. A home the organisation does not
    run is a 403."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    try:
        body = json_object(request, VACANCY_FIELDS)
    except BadBody as bad:
        return _invalid(bad.problems)
    unknown = [
        _problem(str(k)[:60], "is not a field here") for k in body if k not in VACANCY_FIELDS
    ]
    asked, counts = body.get("location"), body.get("vacancies")
    if not isinstance(asked, str) or not asked.strip() or "\x00" in asked:
        unknown.append(_problem("location", "location must be the home's CQC location id"))
    if not isinstance(counts, dict):
        unknown.append(
            _problem("vacancies", "vacancies must be an object of counts by kind of bed")
        )
    if unknown:
        return _invalid(unknown)
    assert isinstance(asked, str) and isinstance(counts, dict)
    home = _places(token).filter(cqc_location_id=asked.strip()).first()
    if home is None:
        if Location.objects.filter(cqc_location_id=asked.strip()).exists():
            return _error(403, "That location is not run by your organisation")
        return _invalid([_problem("location", "No CQC location has that id")])
    try:
        update = record_vacancies(home, counts, source="api", http=request)
    except VacancyError as error:
        return _invalid([_problem("vacancies", str(error))])
    return json_response(
        _vacancies_json(home, current([home])[home.pk])
        | {"reported_at": update.reported_at.isoformat()},
        status=201,
    )
