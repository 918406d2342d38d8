"""`/api/v1/oruk/`: the directory as an Open Referral UK 3.0 API (read-only, anonymous, CORS *).

ORUK feeds are read by other councils' and the NHS's directories from browsers and servers,
so every answer of these endpoints — errors, 405s and the OPTIONS preflight included — carries
`Access-Control-Allow-Origin: *`, and every bad parameter gets a 400 whose JSON names it
(`{"message": …, "errors": [...]}`) rather than an empty list or a server error.

Query parameters are read by hand (not by ninja's typing) so that the messages are ours and
combine: every filter narrows the others (AND). Text search (`search`) uses the public
search's full-text index (every word, stemmed, a misspelt name word corrected); results stay
in name order so that pages are stable while a consumer walks them.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.db import connections
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from ninja import Router
from ninja.operation import PathView

from caremarket.access import public
from caremarket.directory import oruk
from caremarket.directory.models import Organization, Service, ServiceLocation, TaxonomyTerm
from caremarket.directory.openreferral_uk import HERE as SPEC_DIR
from caremarket.directory.search import (
    CHUNK,
    PlaceNotFound,
    corrections_for,
    db_id,
    located_near,
    resolve_postcode,
    text_match,
)
from caremarket.directory.taxonomy import TAXONOMY_ID
from caremarket.jsonresponse import json_response
from caremarket.rules.directory import (
    PostcodeKind,
    miles_between,
    normalise_postcode,
    postcode_kind,
    query_words,
)

ORUK_VERSION = "3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_SEARCH = 200
MAX_WORDS = 12
#: 500 km covers England from any point; more is a mistake, not a wish.
MAX_PROXIMITY_METRES = 500_000
METRES_PER_MILE = 1609.344
#: `format=ndjson` streams a list this many records at a time (one query's worth each).
NDJSON_CHUNK = 200
NDJSON_TYPE = "application/x-ndjson"
#: The specification's boolean parameters: a value that is not true or false is a 400 on every
#: endpoint, whether or not that endpoint uses it, so a typo is never silently ignored.
BOOLEANS = ("full", "minimal", "full_service", "top_only")
ALLOWED = "GET, HEAD, OPTIONS"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ALLOWED,
    "Access-Control-Max-Age": "86400",
}


# --- CORS and 405 on every answer --------------------------------------------------------------


def _error(status: int, *messages: str) -> HttpResponse:
    return json_response({"message": " ".join(messages), "errors": list(messages)}, status=status)


class CorsPathView(PathView):
    """A ninja path whose every answer allows any origin; OPTIONS answered, other verbs 405.

    ninja answers an unsupported method itself (before any operation decorator runs), so the
    header and the JSON 405 are added here, where every request of the path passes.
    """

    def clone(self) -> CorsPathView:
        cloned = CorsPathView()
        cloned.is_async = self.is_async
        cloned.url_name = self.url_name
        cloned.operations = [op.clone() for op in self.operations]
        return cloned

    def _sync_view(self, request: HttpRequest, *a: Any, **kw: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            asked = request.headers.get("Access-Control-Request-Headers", "")
            response["Access-Control-Allow-Headers"] = asked[:500] or "Accept"
            response["Allow"] = ALLOWED
        elif request.method == "HEAD":
            # monitors ask HEAD: the GET answer's status and headers, without the body
            request.method = "GET"
            response = super()._sync_view(request, *a, **kw)
            if isinstance(response, HttpResponse):
                response.content = b""
            elif isinstance(response, StreamingHttpResponse):
                response.streaming_content = []
        else:
            response = super()._sync_view(request, *a, **kw)
        for key, value in CORS_HEADERS.items():
            response[key] = value
        return response

    def _not_allowed(self) -> HttpResponse:
        response = _error(405, "This Open Referral UK API is read-only: use GET.")
        response["Allow"] = ALLOWED
        return response


class CorsRouter(Router):
    """A Router whose paths are `CorsPathView`s."""

    def add_api_operation(self, path: str, *args: Any, **kwargs: Any) -> None:
        if path not in self.path_operations:
            self.path_operations[path] = CorsPathView()
        super().add_api_operation(path, *args, **kwargs)


router = CorsRouter(tags=["Open Referral UK"])


# --- Parameters ---------------------------------------------------------------------------------


class BadRequest(Exception):
    """A parameter the API cannot use: answered 400 (or `status`) with the messages."""

    def __init__(self, *messages: str, status: int = 400) -> None:
        super().__init__(*messages)
        self.messages = messages
        self.status = status


def answers(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Check the boolean parameters, and turn BadRequest into its JSON answer."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            for name in BOOLEANS:
                _flag(request, name)
            return view(request, *args, **kwargs)
        except BadRequest as bad:
            return _error(bad.status, *bad.messages)

    return wrapper


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _whole(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or len(text) > 12:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, not {_shown(text)}.")
    value = int(text)
    if not low <= value <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, not {value}.")
    return value


def _flag(request: HttpRequest, name: str) -> bool:
    text = request.GET.get(name, "").strip().lower()
    if text in ("", "false", "0", "no"):
        return False
    if text in ("true", "1", "yes"):
        return True
    raise BadRequest(f"{name} must be true or false, not {_shown(text)}.")


def _uuid(text: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise BadRequest(f"{name} must be a UUID, not {_shown(text)}.") from None


def _search_text(request: HttpRequest) -> list[str]:
    text = " ".join(request.GET.get("search", "").split())
    if len(text) > MAX_SEARCH:
        raise BadRequest(
            f"search is {len(text):,} characters long; the most is {MAX_SEARCH}: use a few words."
        )
    words = list(dict.fromkeys(text.split(" "))) if text else []
    if len(words) > MAX_WORDS:
        raise BadRequest(f"search has {len(words)} words; the most is {MAX_WORDS}.")
    return words


def _modified_after(request: HttpRequest) -> datetime | None:
    text = request.GET.get("modified_after", "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            f"modified_after must be an ISO 8601 date and time such as "
            f"2026-01-31T09:00:00Z, not {_shown(text)}."
        ) from None
    return when if timezone.is_aware(when) else when.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @classmethod
    def of(cls, request: HttpRequest) -> Page:
        return cls(
            _whole(request, "page", 1, 1, 10**9),
            _whole(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        )

    def slice(self, total: int) -> tuple[int, int] | None:
        """(start, stop) of this page, or None past the last page (no query needed)."""
        start = (self.number - 1) * self.size
        return (start, start + self.size) if start < total else None

    def body(self, total: int, contents: list[Any]) -> dict[str, Any]:
        pages = math.ceil(total / self.size) if total else 0
        return {
            "total_items": total,
            "total_pages": pages,
            "page_number": self.number,
            "size": len(contents),
            "first_page": self.number == 1,
            "last_page": self.number >= pages,
            "empty": not contents,
            "contents": contents,
        }


def _ndjson(request: HttpRequest) -> bool:
    text = request.GET.get("format", "").strip().lower()
    if text in ("", "json"):
        return False
    if text == "ndjson":
        return True
    raise BadRequest(f"format must be json or ndjson, not {_shown(text)}.")


Records = Callable[[Sequence[Any]], list[Any]]


def _listing(
    request: HttpRequest, keys: QuerySet[Any] | Sequence[Any], records: Records
) -> HttpResponseBase:
    """A list endpoint's answer: `records` of one page of `keys`, paginated JSON; or, with
    `format=ndjson`, every record as one JSON object a line, streamed `NDJSON_CHUNK` at a time
    and not paginated (page and per_page are still checked, then not used).

    `keys` are the list's ordered ids (a query of them, or the records themselves for short
    lists); `records` turns a run of keys into their records, in the same order.
    """
    ndjson = _ndjson(request)
    page = Page.of(request)
    if ndjson:
        every = list(keys)

        def lines() -> Iterator[str]:
            for start in range(0, len(every), NDJSON_CHUNK):
                for record in records(every[start : start + NDJSON_CHUNK]):
                    yield json.dumps(record, ensure_ascii=False) + "\n"

        return StreamingHttpResponse(lines(), content_type=NDJSON_TYPE)
    total = keys.count() if isinstance(keys, QuerySet) else len(keys)
    span = page.slice(total)
    return json_response(page.body(total, records(list(keys[span[0] : span[1]])) if span else []))


def _by_key(objects: QuerySet[Any], render: Callable[[Any], Any]) -> Records:
    """`records` for `_listing` that loads a run of primary keys from `objects` in one go."""

    def records(keys: Sequence[Any]) -> list[Any]:
        found = {row.pk: row for row in objects.filter(pk__in=keys)}
        return [render(found[key]) for key in keys]

    return records


def _as_is(keys: Sequence[Any]) -> list[Any]:
    """`records` for a list whose keys are already its records."""
    return list(keys)


def _every_word_in(words: list[str], texts: Sequence[str]) -> bool:
    lowered = [text.lower() for text in texts]
    return all(any(word.lower() in text for text in lowered) for word in words)


# --- Filters ------------------------------------------------------------------------------------


def _text_filter(services: QuerySet[Service], text: str) -> QuerySet[Service]:
    """Every word (or a near spelling of a name word) in the public search's full-text index.

    The index (`directory.search`: FTS5 on SQLite, tsvector with GIN on PostgreSQL) holds the
    name, organisation, description, categories with their residents' words, client groups,
    languages and places, stemmed. Words that are all stop words ("the", "and") filter nothing.
    """
    terms = query_words(text)
    if not terms:
        return services
    vendor = connections[services.db].vendor
    match = text_match(terms, corrections_for(terms, services.db), vendor)
    # One uncorrelated sub-query driven by the index (the tables of search.py's migration):
    # evaluated once, whatever else filters the services, and usable from service locations.
    # The rank is not used: ORUK pages stay in name order.
    if vendor == "postgresql":
        sql = (
            "SELECT service_id FROM directory_search "
            "WHERE document @@ to_tsquery('english'::regconfig, %s)"
        )
    else:
        sql = (
            "SELECT d.service_id FROM directory_search_fts f "
            "JOIN directory_search d ON d.id = f.rowid WHERE directory_search_fts MATCH %s"
        )
    return services.filter(pk__in=RawSQL(sql, [match.expression]))  # noqa: S611 (parameters)


def _rating_for_term(term_id: uuid.UUID) -> str | None:
    return next((r for r, i in oruk.CQC_RATING_TERM_IDS.items() if i == str(term_id)), None)


def _term_filter(
    services: QuerySet[Service], text: str, per_service: bool = False
) -> QuerySet[Service]:
    term_id = _uuid(text, "taxonomy_term_id")
    rating = _rating_for_term(term_id)
    if rating is not None:
        return services.filter(cqc_location__latest_rating__iexact=rating)
    if not TaxonomyTerm.objects.filter(pk=term_id).exists():
        raise BadRequest(f"No taxonomy term has the id {term_id}: see /taxonomy_terms.")
    links = Service.categories.through.objects.filter(taxonomyterm_id=term_id)
    if per_service:
        return services.filter(Exists(links.filter(service_id=OuterRef("pk"))))
    return services.filter(
        pk__in=Service.categories.through.objects.filter(taxonomyterm_id=term_id).values(
            "service_id"
        )
    )


def _taxonomy_filter(services: QuerySet[Service], text: str) -> QuerySet[Service]:
    taxonomy_id = str(_uuid(text, "taxonomy_id"))
    if taxonomy_id == TAXONOMY_ID:
        return services.filter(pk__in=Service.categories.through.objects.values("service_id"))
    if taxonomy_id == oruk.CQC_TAXONOMY_ID:
        query = Q()
        for rating in oruk.CQC_RATINGS:
            query |= Q(cqc_location__latest_rating__iexact=rating)
        return services.filter(query)
    raise BadRequest(f"No taxonomy has the id {taxonomy_id}: see /taxonomies.")


def _organization_filter(services: QuerySet[Service], text: str) -> QuerySet[Service]:
    org_id = _uuid(text, "organization_id")
    if not Organization.objects.filter(pk=org_id).exists():
        raise BadRequest(f"No organization has the id {org_id}: see /organizations.")
    return services.filter(organization_id=org_id)


def filtered_services(
    request: HttpRequest, per_service: bool = False, words: bool = True
) -> QuerySet[Service]:
    """The services the query parameters ask for, every filter combined with AND.

    `per_service`: the words and the term are asked of each service (an index probe each)
    rather than listed once for all: for a few services already picked, such as a place's.
    `words=False` leaves the words out (the index has already matched them)."""
    services = Service.objects.all()
    text = " ".join(_search_text(request)) if words else ""
    if text:
        services = _text_filter(services, text)
    if request.GET.get("taxonomy_term_id", "").strip():
        services = _term_filter(services, request.GET["taxonomy_term_id"], per_service)
    if request.GET.get("taxonomy_id", "").strip():
        services = _taxonomy_filter(services, request.GET["taxonomy_id"])
    if request.GET.get("organization_id", "").strip():
        services = _organization_filter(services, request.GET["organization_id"])
    after = _modified_after(request)
    if after is not None:
        services = services.filter(modified__gte=after)
    return services.order_by("name", "id")


# --- Endpoints ----------------------------------------------------------------------------------

#: The query parameters, described in this API's own OpenAPI document (/api/v1/openapi.json):
#: the views read them by hand, so ninja cannot see them. name: (schema, description).
PARAMETERS: dict[str, tuple[dict[str, Any], str]] = {
    "search": (
        {"type": "string", "maxLength": MAX_SEARCH},
        f"Words that must all match (at most {MAX_WORDS}): stemmed, a misspelt name word "
        "corrected.",
    ),
    "page": ({"type": "integer", "minimum": 1, "default": 1}, "Page number, from 1."),
    "per_page": (
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        "Items on a page.",
    ),
    "format": (
        {"type": "string", "enum": ["json", "ndjson"], "default": "json"},
        "json: one page. ndjson: every item, one JSON object a line, streamed without "
        f"pagination ({NDJSON_TYPE}; page and per_page are not used).",
    ),
    "taxonomy_term_id": ({"type": "string", "format": "uuid"}, "Services filed under this term."),
    "taxonomy_id": (
        {"type": "string", "format": "uuid"},
        "Services with any term of this taxonomy.",
    ),
    "organization_id": (
        {"type": "string", "format": "uuid"},
        "Services this organization provides.",
    ),
    "modified_after": (
        {"type": "string", "format": "date-time"},
        "Changed on or after this ISO 8601 date and time (UTC when no zone is given).",
    ),
    "minimal": ({"type": "boolean"}, "Only each service's id, name, status and last_modified."),
    "full": ({"type": "boolean"}, "Fully nested records."),
    "full_service": ({"type": "boolean"}, "Each organization's services fully nested."),
    "top_only": ({"type": "boolean"}, "Only terms without a parent."),
    "parent_id": ({"type": "string", "format": "uuid"}, "Only the children of this term."),
    "postcode": (
        {"type": "string"},
        "A full postcode or an outward code (its postcodes' centre): without proximity, the "
        "service locations of its council, nearest first.",
    ),
    "proximity": (
        {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_PROXIMITY_METRES},
        "Metres from the postcode: every service location within it, nearest first, each with "
        "its distance.",
    ),
}


def _described(*names: str, **descriptions: str) -> dict[str, Any]:
    """`openapi_extra` listing these query parameters (`descriptions` overrides a few)."""
    return {
        "parameters": [
            {
                "in": "query",
                "name": name,
                "required": False,
                "schema": PARAMETERS[name][0],
                "description": descriptions.get(name, PARAMETERS[name][1]),
            }
            for name in names
        ]
    }


LIST = ("page", "per_page", "format")
FILTERS = ("search", "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after")


@router.get("/", summary="About this Open Referral UK API", url_name="oruk_root")
@public
@answers
def api_details(request: HttpRequest) -> HttpResponse:
    """Which ORUK version and profile this is, and where its OpenAPI document lives."""
    return json_response(
        {
            "version": ORUK_VERSION,
            "profile": PROFILE_URL,
            "openapi_url": request.build_absolute_uri("openapi.json"),
        }
    )


@router.get("/openapi.json", summary="The ORUK 3.0 OpenAPI document", url_name="oruk_openapi")
@public
@answers
def openapi_document(request: HttpRequest) -> HttpResponse:
    """The published ORUK 3.0 OpenAPI document (CC BY-SA 4.0, Open Referral UK)."""
    return HttpResponse((SPEC_DIR / "openapi.json").read_bytes(), content_type="application/json")


@router.get(
    "/services",
    summary="Services (paginated, filtered)",
    url_name="oruk_services",
    openapi_extra=_described(*FILTERS, *LIST, "minimal", "full"),
)
@public
@answers
def services(request: HttpRequest) -> HttpResponseBase:
    """search, page, per_page, format, taxonomy_term_id, taxonomy_id, organization_id,
    modified_after, minimal, full."""
    minimal, full = _flag(request, "minimal"), _flag(request, "full")
    if minimal and full:
        raise BadRequest("Ask for minimal or full, not both.")
    keys = filtered_services(request).values_list("pk", flat=True)
    if minimal:
        records = _by_key(Service.objects.select_related("cqc_location"), oruk.service_minimal)
    elif full:
        records = _by_key(oruk.services_for_oruk(Service.objects.all()), oruk.service_full)
    else:
        records = _by_key(
            Service.objects.select_related("organization", "cqc_location"), oruk.service_basic
        )
    return _listing(request, keys, records)


def _service(text: str) -> Service:
    service_id = _uuid(text, "id")
    service = oruk.services_for_oruk(Service.objects.filter(pk=service_id)).first()
    if service is None:
        raise BadRequest(f"No service has the id {service_id}.", status=404)
    return service


@router.get("/services/{id}", summary="One service, fully nested", url_name="oruk_service")
@public
@answers
def service(request: HttpRequest, id: str) -> HttpResponse:
    return json_response(oruk.service_full(_service(id)))


@router.get(
    "/organizations",
    summary="Organizations",
    url_name="oruk_organizations",
    openapi_extra=_described(
        "search",
        *LIST,
        "full",
        "full_service",
        search="Words that must all be in the organization's name.",
        full="Each organization with its identifiers and its services.",
    ),
)
@public
@answers
def organizations(request: HttpRequest) -> HttpResponseBase:
    """search (every word in the name), page, per_page, format; full (identifiers and
    services), full_service (services fully nested)."""
    full_service = _flag(request, "full_service")
    full = _flag(request, "full") or full_service
    found = Organization.objects.order_by("name", "id")
    for word in _search_text(request):
        found = found.filter(name__icontains=word)
    keys = found.values_list("pk", flat=True)
    if not full:
        return _listing(request, keys, _by_key(Organization.objects.all(), oruk.organization))
    return _listing(
        request,
        keys,
        _by_key(_organizations_with_services(full_service), _organization_full(full_service)),
    )


def _organizations_with_services(full_service: bool) -> QuerySet[Organization]:
    """Organisations with their services (in name order) loaded in a fixed number of queries."""
    its = Service.objects.order_by("name", "id")
    its = (
        oruk.services_for_oruk(its)
        if full_service
        else its.select_related("organization", "cqc_location")
    )
    return Organization.objects.select_related("cqc_provider").prefetch_related(
        Prefetch("services", queryset=its)
    )


def _organization_full(full_service: bool) -> Callable[[Organization], dict[str, Any]]:
    """An organisation with its identifiers and its services, basic or fully nested."""
    render = oruk.service_full if full_service else oruk.service_basic

    def record(org: Organization) -> dict[str, Any]:
        found = oruk.organization(org, full=True)
        found["services"] = [render(service) for service in org.services.all()]
        return found

    return record


@router.get(
    "/organizations/{id}",
    summary="One organization and its services",
    url_name="oruk_organization",
    openapi_extra=_described("full_service"),
)
@public
@answers
def organization(request: HttpRequest, id: str) -> HttpResponse:
    """With `full_service=true` its services are fully nested."""
    full_service = _flag(request, "full_service")
    org_id = _uuid(id, "id")
    org = _organizations_with_services(full_service).filter(pk=org_id).first()
    if org is None:
        raise BadRequest(f"No organization has the id {org_id}.", status=404)
    return json_response(_organization_full(full_service)(org))


def _all_terms() -> list[dict[str, Any]]:
    needs = [oruk.taxonomy_term(t) for t in TaxonomyTerm.objects.order_by("position", "name")]
    return needs + [oruk.cqc_rating_term(r) for r in oruk.CQC_RATINGS]


@router.get(
    "/taxonomies",
    summary="Taxonomies",
    url_name="oruk_taxonomies",
    openapi_extra=_described(
        "search",
        *LIST,
        search="Words that must all be in the taxonomy's name, description or terms.",
    ),
)
@public
@answers
def taxonomies(request: HttpRequest) -> HttpResponseBase:
    """search (every word in the taxonomy's name or description, or its terms' names and
    residents' words), page, per_page, format."""
    found = [oruk.needs_taxonomy(), oruk.cqc_taxonomy()]
    words = _search_text(request)
    if words:
        terms: dict[str, list[str]] = {t["id"]: [] for t in found}
        for term in _all_terms():
            terms[term["taxonomy_id"]] += [term["name"], *term.get("synonyms", [])]
        found = [
            t
            for t in found
            if _every_word_in(words, [t["name"], t["description"], *terms[t["id"]]])
        ]
    return _listing(request, found, _as_is)


@router.get("/taxonomies/{id}", summary="One taxonomy with its terms", url_name="oruk_taxonomy")
@public
@answers
def taxonomy(request: HttpRequest, id: str) -> HttpResponse:
    taxonomy_id = str(_uuid(id, "id"))
    if taxonomy_id == TAXONOMY_ID:
        return json_response(oruk.needs_taxonomy(TaxonomyTerm.objects.order_by("position", "name")))
    if taxonomy_id == oruk.CQC_TAXONOMY_ID:
        return json_response(oruk.cqc_taxonomy(with_terms=True))
    raise BadRequest(f"No taxonomy has the id {taxonomy_id}.", status=404)


@router.get(
    "/taxonomy_terms",
    summary="Taxonomy terms",
    url_name="oruk_taxonomy_terms",
    openapi_extra=_described(
        "search",
        *LIST,
        "taxonomy_id",
        "parent_id",
        "top_only",
        search="Words that must all be in the term's name or residents' words for it.",
        taxonomy_id="Only the terms of this taxonomy.",
    ),
)
@public
@answers
def taxonomy_terms(request: HttpRequest) -> HttpResponseBase:
    """taxonomy_id, parent_id, top_only, search (every word in the name or residents' words),
    page, per_page, format."""
    terms = _all_terms()
    if request.GET.get("taxonomy_id", "").strip():
        wanted = str(_uuid(request.GET["taxonomy_id"], "taxonomy_id"))
        if wanted not in (TAXONOMY_ID, oruk.CQC_TAXONOMY_ID):
            raise BadRequest(f"No taxonomy has the id {wanted}: see /taxonomies.")
        terms = [t for t in terms if t["taxonomy_id"] == wanted]
    if request.GET.get("parent_id", "").strip():
        parent = str(_uuid(request.GET["parent_id"], "parent_id"))
        terms = [t for t in terms if t.get("parent_id") == parent]
    if _flag(request, "top_only"):
        terms = [t for t in terms if not t.get("parent_id")]
    words = _search_text(request)
    if words:
        terms = [t for t in terms if _every_word_in(words, [t["name"], *t.get("synonyms", [])])]
    return _listing(request, terms, _as_is)


@router.get("/taxonomy_terms/{id}", summary="One taxonomy term", url_name="oruk_taxonomy_term")
@public
@answers
def taxonomy_term(request: HttpRequest, id: str) -> HttpResponse:
    term_id = str(_uuid(id, "id"))
    found = next((t for t in _all_terms() if t["id"] == term_id), None)
    if found is None:
        raise BadRequest(f"No taxonomy term has the id {term_id}.", status=404)
    return json_response(found)


def _point(request: HttpRequest) -> tuple[float, float, str] | None:
    """(latitude, longitude, council code) of the `postcode` parameter, resolved as the
    public search resolves it (an outward code is its postcodes' centroid)."""
    text = " ".join(request.GET.get("postcode", "").split())
    if not text:
        return None
    code = normalise_postcode(text)
    try:
        place = resolve_postcode(text)
    except PlaceNotFound:
        area = "postcode area" if postcode_kind(text) is PostcodeKind.OUTWARD else "postcode"
        raise BadRequest(f"The {area} {code} is not one we know: check it.") from None
    if place is None:
        raise BadRequest(f"{_shown(text)} is not a postcode (like ST4 1AA, or ST4).")
    assert place.latitude is not None and place.longitude is not None
    return place.latitude, place.longitude, place.council.code if place.council else ""


def _proximity(request: HttpRequest) -> float | None:
    text = request.GET.get("proximity", "").strip()
    if not text:
        return None
    try:
        metres = float(text)
    except ValueError:
        metres = math.nan
    if not math.isfinite(metres) or not 0 < metres <= MAX_PROXIMITY_METRES:
        raise BadRequest(
            f"proximity must be a distance in metres from 1 to {MAX_PROXIMITY_METRES:,}, "
            f"not {_shown(text)}."
        )
    return metres


@dataclass(frozen=True)
class Located:
    """A place (its id and its service's) and its distance in metres, if it has a point."""

    pk: Any
    service_id: Any
    metres: float | None


def _located(places: QuerySet[ServiceLocation], lat: float, lon: float) -> list[Located]:
    """Places nearest first with their distance in metres; places with no point last."""
    found: list[Located] = []
    unlocated: list[Located] = []
    rows = places.values_list("id", "service_id", "latitude", "longitude")
    for pk, service_id, latitude, longitude in rows:
        if latitude is None or longitude is None:
            unlocated.append(Located(pk, service_id, None))
            continue
        distance = miles_between(lat, lon, latitude, longitude) * METRES_PER_MILE
        found.append(Located(pk, service_id, distance))
    found.sort(key=lambda place: (place.metres, str(place.pk)))
    return found + unlocated


def _within(request: HttpRequest, lat: float, lon: float, metres: float) -> list[Located]:
    """Every place within `metres` whose service passes the filters, nearest first: the
    public search's `located_near` finds the places near the point with the words and the
    need, then the filters are asked of their few services (a chunk of ids a query)."""
    services = filtered_services(request, per_service=True, words=False)
    terms = query_words(" ".join(_search_text(request)))
    using = services.db
    vendor = connections[using].vendor
    match = text_match(terms, corrections_for(terms, using), vendor) if terms else None
    term = request.GET.get("taxonomy_term_id", "").strip()
    term_id = _uuid(term, "taxonomy_term_id") if term else None
    needs: list[str] = []
    if term_id is not None and _rating_for_term(term_id) is None:  # a need, not a CQC rating
        needs = list(TaxonomyTerm.objects.filter(pk=term_id).values_list("code", flat=True))
    nearby = located_near(lat, lon, metres / METRES_PER_MILE, match, needs, using)
    ids = list(dict.fromkeys(near.service_id for near in nearby))
    passing: set[Any] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = services.filter(pk__in=ids[start : start + CHUNK]).order_by()
        passing.update(db_id(pk, using) for pk in chunk.values_list("pk", flat=True))
    return [
        Located(_as_uuid(near.location_id), near.service_id, near.miles * METRES_PER_MILE)
        for near in nearby
        if near.service_id in passing
    ]


def _as_uuid(value: Any) -> uuid.UUID:
    """A UUID as the database returned it (SQLite: 32 hex digits) made a UUID."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _places_for_oruk(ids: list[Any]) -> dict[Any, ServiceLocation]:
    places = (
        ServiceLocation.objects.filter(pk__in=ids)
        .select_related(
            "service",
            "service__organization",
            "service__organization__cqc_provider",
            "service__cqc_location",
            "service__local_authority",
        )
        .prefetch_related("service__categories", "service__locations", "service__schedules")
    )
    return {p.pk: p for p in places}


@router.get(
    "/service_at_locations",
    summary="Services at locations (postcode and proximity in metres)",
    url_name="oruk_service_at_locations",
    openapi_extra=_described(*FILTERS, *LIST, "full", "postcode", "proximity"),
)
@public
@answers
def service_at_locations(request: HttpRequest) -> HttpResponseBase:
    """The /services filters, plus `postcode` (the postcode's council's services, nearest
    first) and `proximity` (metres from the postcode, nearest first); page, per_page, format;
    `full` nests each service fully."""
    full = _flag(request, "full")
    point = _point(request)
    metres = _proximity(request)
    if metres is not None and point is None:
        raise BadRequest("proximity needs a postcode to measure from.")
    keys: QuerySet[Any] | list[Any]
    distances: dict[Any, float | None] = {}
    if point is None:
        places = ServiceLocation.objects.filter(service__in=filtered_services(request))
        ordered = places.order_by("service__name", "service_id", "name", "id")
        keys = ordered.values_list("id", flat=True)
    else:
        lat, lon, council_code = point
        if metres is None:
            places = ServiceLocation.objects.filter(
                service__in=filtered_services(request), service__local_authority__code=council_code
            )
            located = _located(places, lat, lon)
        else:
            located = _within(request, lat, lon, metres)
        keys = [place.pk for place in located]
        distances = {place.pk: place.metres for place in located}

    def records(ids: Sequence[Any]) -> list[Any]:
        loaded = _places_for_oruk(list(ids))
        found = []
        for pk in ids:
            record = oruk.service_at_location_item(loaded[pk], full)
            if distances.get(pk) is not None:
                record["distance"] = round(distances[pk] or 0.0)
            found.append(record)
        return found

    return _listing(request, keys, records)


@router.get(
    "/service_at_locations/{id}",
    summary="One service at a location",
    url_name="oruk_service_at_location",
)
@public
@answers
def service_at_location(request: HttpRequest, id: str) -> HttpResponse:
    place_id = _uuid(id, "id")
    found = _places_for_oruk([place_id])
    if place_id not in found:
        raise BadRequest(f"No service_at_location has the id {place_id}.", status=404)
    return json_response(oruk.service_at_location_item(found[place_id], full=True))


ENDPOINTS = (
    "/",
    "/services",
    "/services/{id}",
    "/organizations",
    "/organizations/{id}",
    "/taxonomies",
    "/taxonomies/{id}",
    "/taxonomy_terms",
    "/taxonomy_terms/{id}",
    "/service_at_locations",
    "/service_at_locations/{id}",
)


@router.get(
    "/{path:rest}",
    summary="Any other path: a JSON 404",
    url_name="oruk_unknown",
    include_in_schema=False,
)
@public
@answers
def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    """A consumer asking for an endpoint we do not serve gets JSON (with CORS), not a page."""
    raise BadRequest(
        f"This Open Referral UK API has no /{rest[:60]}; it serves {', '.join(ENDPOINTS)}.",
        status=404,
    )
