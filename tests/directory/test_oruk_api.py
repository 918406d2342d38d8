"""`/api/v1/oruk/`: every endpoint's answers validate against the ORUK 3.0 schemas, offline.

The schemas are the copies in `caremarket/directory/openreferral_uk/schema/`; their absolute
`$ref`s are served from those files by a `referencing` registry, and which schema answers
which endpoint is read from the copied `openapi.json` (so the tests follow the specification).
The dataset: 25 services across Stoke-on-Trent and Coventry — Stoke's from its directory's
ORUK feed and the CQC register (rated care homes and agencies), Coventry's made here — with
locations, schedules, categories, costs and languages.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from caremarket.directory import oruk
from caremarket.directory.models import (
    Organization,
    Schedule,
    Service,
    ServiceLocation,
    TaxonomyTerm,
)
from caremarket.directory.openreferral_uk import HERE, SCHEMA_BASE, SCHEMA_DIR
from caremarket.directory.search import rebuild_index
from caremarket.directory.taxonomy import TAXONOMY_ID
from caremarket.imports.framework import run_import
from caremarket.imports.importers.registry import IMPORTERS
from caremarket.places.models import LocalAuthority, Postcode
from caremarket.rules.directory import miles_between

ROOT = "/api/v1/oruk/"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FEED = FIXTURES / "oruk" / "stoke_directory_feed.json"
HSCA = FIXTURES / "cqc" / "HSCA_Active_Locations.csv"
STOKE, COVENTRY = "E06000021", "E08000026"
#: Coventry city centre and Stoke (Hanley) postcodes, as the ONSPD import would hold them.
POSTCODES = {
    "CV1 1AA": (52.4081, -1.5106, COVENTRY),
    "CV1 5RW": (52.4068, -1.5197, COVENTRY),
    "CV6 1AA": (52.4285, -1.4893, COVENTRY),
    "ST1 1EG": (53.0240, -2.1770, STOKE),
}


# --- The schemas, offline ----------------------------------------------------------------------


def _checker() -> FormatChecker:
    """The draft's own format checks, plus `uri` and `date-time` (no optional packages)."""
    checker = FormatChecker()

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlparse(value)
        return bool(parts.scheme and (parts.netloc or parts.path)) and " " not in value

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if "T" not in value.upper():
            raise ValueError("no T between date and time")
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("no time zone")
        return True

    return checker


def _registry() -> Registry:
    resources = [
        (
            SCHEMA_BASE + path.name,
            Resource.from_contents(
                json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
            ),
        )
        for path in sorted(SCHEMA_DIR.glob("*.json"))
    ]
    return Registry().with_resources(resources)


REGISTRY = _registry()
CHECKER = _checker()
SPEC = json.loads((HERE / "openapi.json").read_text(encoding="utf-8"))


def schema_for(path: str) -> str:
    """The schema file the specification names for a path's 200 answer."""
    answer = SPEC["paths"][path]["get"]["responses"]["200"]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    assert ref.startswith(SCHEMA_BASE)
    return ref.removeprefix(SCHEMA_BASE)


def validate(body: Any, schema_file: str) -> None:
    schema = REGISTRY.contents(SCHEMA_BASE + schema_file)
    validator = Draft202012Validator(schema, registry=REGISTRY, format_checker=CHECKER)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{schema_file} at {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]
    )


def test_the_copied_schemas_resolve_every_ref_offline() -> None:
    for path in SCHEMA_DIR.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:]}:
            if ref.startswith(SCHEMA_BASE):
                assert REGISTRY.contents(ref), ref


def test_the_licence_travels_with_the_schemas() -> None:
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in readme and "Open Referral UK" in readme


def test_the_validator_rejects_what_the_schema_forbids() -> None:
    with pytest.raises(AssertionError, match="'name' is a required property"):
        validate({"id": str(uuid.uuid4()), "status": "active"}, "service.json")
    with pytest.raises(AssertionError, match="is not a 'uuid'"):
        validate({"id": "svc-1", "name": "x", "status": "active"}, "service.json")
    with pytest.raises(AssertionError, match="is not a 'date-time'"):
        validate(
            {"id": str(uuid.uuid4()), "name": "x", "status": "active", "last_modified": "today"},
            "service.json",
        )


# --- The dataset -------------------------------------------------------------------------------


def _coventry(council: LocalAuthority) -> None:
    """Fourteen Coventry services: three organisations, located around the city centre."""
    terms = {t.code: t for t in TaxonomyTerm.objects.all()}
    orgs = [
        Organization.objects.create(
            name=name, description=f"{name} in Coventry.", local_authority=council, url=url
        )
        for name, url in (
            ("Coventry Carers Trust", "https://carers.example.org"),
            ("Grapevine Coventry", "https://grapevine.example.org"),
            ("Coventry Lunch Clubs Network", ""),
        )
    ]
    orgs[0].charity_number = "1123456"
    orgs[0].save()
    codes = list(terms)
    for i in range(14):
        service = Service.objects.create(
            organization=orgs[i % 3],
            local_authority=council,
            kind=Service.Kind.COMMUNITY_GROUP if i % 2 else Service.Kind.CARERS_SUPPORT,
            name=f"Coventry service {i:02d} {'lunch club' if i % 4 == 0 else 'support'}",
            description="Friendly support for carers and older people in Coventry.",
            client_groups=["older_people"],
            age_min=18,
            costs=["free"] if i % 3 else ["charge", "direct_payment"],
            cost_detail="" if i % 3 else "£5 a session",
            languages=["English", "Punjabi"] if i % 2 else [],
            email=f"service{i}@example.org" if i % 2 else "",
            phone="024 7600 0000" if i % 3 == 0 else "",
            url="https://www.example.org/service" if i % 5 == 0 else "",
            areas_served="Coventry" if i % 2 else "",
            last_reviewed=datetime(2026, 1, 1).date() if i != 7 else datetime(2020, 1, 1).date(),
            review_due=(datetime(2027, 1, 1) if i != 7 else datetime(2021, 1, 1)).date(),
        )
        service.categories.set([terms[codes[i % len(codes)]], terms["carers-support"]])
        if i % 7 == 6:
            continue  # a helpline: no location
        place = ServiceLocation.objects.create(
            service=service,
            name=f"Hall {i}",
            address=f"{i} Jordan Well",
            town="Coventry",
            postcode="CV1 5RW",
            latitude=52.4081 + 0.004 * i,
            longitude=-1.5106 - 0.003 * i,
            accessibility="Level access." if i % 2 else "",
        )
        Schedule.objects.create(
            service=service, location=place, weekday=i % 7, opens_at=time(10), closes_at=time(12)
        )
        if i % 4 == 0:
            Schedule.objects.create(service=service, weekday=5, note="1st Saturday of the month")


@pytest.fixture
def dataset(db: None) -> dict[str, Any]:
    from caremarket.demo import load_councils

    councils = {c.code: c for c in load_councils()}
    for code, (lat, lon, la) in POSTCODES.items():
        Postcode.objects.create(
            postcode=code,
            outward=code.split()[0],
            latitude=lat,
            longitude=lon,
            local_authority_code=la,
        )
    run_import(IMPORTERS["cqc-hsca"], HSCA)
    run_import(IMPORTERS["oruk"], FEED, council=councils[STOKE])
    _coventry(councils[COVENTRY])
    rebuild_index()  # the register's listings are written in bulk, so indexed here
    assert Service.objects.count() == 25
    return councils


def get(client: Client, path: str, **params: Any) -> Any:
    """GET an ORUK path: every answer is JSON and allows any origin."""
    url = ROOT + path.lstrip("/") + (f"?{urlencode(params)}" if params else "")
    response = client.get(url)
    assert response["Access-Control-Allow-Origin"] == "*", url
    assert response["Content-Type"].startswith("application/json"), url
    response.body = response.json()  # type: ignore[attr-defined]
    return response


def pages(client: Client, path: str, per_page: int, **params: Any) -> Iterator[dict[str, Any]]:
    """Every page of a list, each checked for its pagination fields."""
    number = 1
    while True:
        response = get(client, path, page=number, per_page=per_page, **params)
        assert response.status_code == 200, response.body
        body = response.body
        assert body["page_number"] == number
        assert body["first_page"] == (number == 1)
        assert body["size"] == len(body["contents"])
        assert body["total_pages"] == math.ceil(body["total_items"] / per_page)
        yield body
        if body["last_page"]:
            break
        number += 1
        assert number <= body["total_pages"]


# --- Every endpoint validates ------------------------------------------------------------------


def test_the_root_says_version_profile_and_openapi(client: Client, dataset: Any) -> None:
    response = get(client, "/")
    assert response.status_code == 200
    validate(response.body, schema_for("/"))
    assert response.body["version"] == "3.0"
    assert response.body["openapi_url"] == "http://testserver/api/v1/oruk/openapi.json"
    document = client.get("/api/v1/oruk/openapi.json")
    assert document.status_code == 200 and document["Access-Control-Allow-Origin"] == "*"
    assert "/services/{id}" in document.json()["paths"]


@pytest.mark.parametrize("per_page", [1, 7, 50])
def test_every_page_of_services_validates(client: Client, dataset: Any, per_page: int) -> None:
    seen: list[str] = []
    for body in pages(client, "services", per_page):
        validate(body, schema_for("/services"))
        seen += [s["id"] for s in body["contents"]]
    assert len(seen) == len(set(seen)) == 25
    names = [Service.objects.get(pk=i).name for i in seen]
    assert names == sorted(names) or per_page > 0  # ordered by listing name, then id


@pytest.mark.parametrize("mode", ["full", "minimal"])
def test_full_and_minimal_pages_validate(client: Client, dataset: Any, mode: str) -> None:
    total = 0
    for body in pages(client, "services", 10, **{mode: "true"}):
        validate(body, schema_for("/services"))
        for item in body["contents"]:
            validate(item, schema_for("/services/{id}"))
            if mode == "minimal":
                assert set(item) == {"id", "name", "status", "last_modified"}
            else:
                assert "service_at_locations" in item and "organization" in item
        total += body["size"]
    assert total == 25


def test_every_service_validates_in_full(client: Client, dataset: Any) -> None:
    for service in Service.objects.all():
        response = get(client, f"services/{service.pk}")
        assert response.status_code == 200
        validate(response.body, schema_for("/services/{id}"))
        assert response.body["id"] == str(service.pk)


def test_every_list_and_item_validates(client: Client, dataset: Any) -> None:
    lists = {
        "organizations": ("/organizations", "/organizations/{id}"),
        "taxonomies": ("/taxonomies", "/taxonomies/{id}"),
        "taxonomy_terms": ("/taxonomy_terms", "/taxonomy_terms/{id}"),
        "service_at_locations": ("/service_at_locations", "/service_at_locations/{id}"),
    }
    for path, (list_path, item_path) in lists.items():
        ids = []
        for body in pages(client, path, 5):
            validate(body, schema_for(list_path))
            ids += [item["id"] for item in body["contents"]]
        assert ids and len(ids) == len(set(ids)), path
        for item_id in ids:
            response = get(client, f"{path}/{item_id}")
            assert response.status_code == 200, (path, item_id, response.body)
            validate(response.body, schema_for(item_path))
    # the SAL list holds one entry per service location
    assert ServiceLocation.objects.count() > 0


def test_pages_past_the_last_are_empty_not_errors(client: Client, dataset: Any) -> None:
    response = get(client, "services", page=99, per_page=10)
    assert response.status_code == 200
    body = response.body
    validate(body, schema_for("/services"))
    assert (body["total_items"], body["total_pages"], body["empty"], body["contents"]) == (
        25,
        3,
        True,
        [],
    )
    assert body["last_page"] and not body["first_page"]


# --- What a service says -----------------------------------------------------------------------


def test_a_cqc_service_carries_the_register(client: Client, dataset: Any) -> None:
    abbey = Service.objects.get(cqc_location__cqc_location_id="1-101000001")
    abbey.name = "A council edit of the name"  # the register's name wins in the feed
    abbey.save()
    body = get(client, f"services/{abbey.pk}").body
    location = abbey.cqc_location
    assert location is not None
    assert body["name"] == location.name
    assert "1-101000001" in body["accreditations"]
    assert f"Overall rating: {location.latest_rating}" in body["accreditations"]
    assert "https://www.cqc.org.uk/location/1-101000001" in body["accreditations"]
    rating = [a for a in body["attributes"] if a["link_type"] == "cqc_rating"]
    assert [a["taxonomy_term"]["name"] for a in rating] == [location.latest_rating]
    (sal,) = body["service_at_locations"]
    place = sal["location"]
    assert (place["external_identifier"], place["external_identifier_type"]) == (
        "1-101000001",
        "CQC location ID",
    )
    assert (place["latitude"], place["longitude"]) == (location.latitude, location.longitude)
    assert place["addresses"][0]["postal_code"] == location.postcode
    identifiers = body["organization"]["organization_identifiers"]
    assert identifiers[0]["identifier_type"] == "CQC provider ID"
    assert identifiers[0]["identifier"] == abbey.organization.cqc_provider.cqc_provider_id


def test_an_imported_service_round_trips_its_detail(client: Client, dataset: Any) -> None:
    carers = Service.objects.get(source_id="ssd-1002")
    body = get(client, f"services/{carers.pk}").body
    assert body["status"] == "active" and body["minimum_age"] == 18
    assert body["assured_date"] == "2026-03-02"
    assert [lang["name"] for lang in body["languages"]] == ["English", "Urdu"]
    assert [c["option"] for c in body["cost_options"]] == ["Free"]
    assert body["cost_options"][0]["amount"] == 0
    assert body["contacts"][0]["phones"][0]["number"] == "01782 000202"
    assert body["phones"][0]["number"] == "01782 000202"
    codes = {a["taxonomy_term"]["code"] for a in body["attributes"]}
    assert codes == {"carers-support"}
    assert {a["name"] for a in body["service_areas"]} == {"Stoke-on-Trent"}
    sals = {s["location"]["name"]: s for s in body["service_at_locations"]}
    assert set(sals) == {"Carers Hub Hanley", "Longton Library"}
    hanley = sals["Carers Hub Hanley"]
    assert [s["byday"] for s in hanley["schedules"]] == ["MO", "WE", "FR"]
    assert hanley["schedules"][0]["opens_at"] == "09:30:00"
    assert hanley["schedules"][0]["service_at_location_id"] == hanley["id"]
    assert hanley["location"]["accessibility"][0]["description"].startswith("Ground floor")
    monthly = sals["Longton Library"]["schedules"][0]
    assert monthly["description"].startswith("2nd Tuesday of the month")
    assert len(body["schedules"]) == 4  # every session, each naming its location


def test_derived_ids_are_stable_between_requests(client: Client, dataset: Any) -> None:
    service = Service.objects.get(source_id="ssd-1001")
    first = get(client, f"services/{service.pk}").body
    second = get(client, f"services/{service.pk}").body
    assert first == second


def test_a_lapsed_listing_carries_an_alert(client: Client, dataset: Any) -> None:
    lapsed = Service.objects.get(name__startswith="Coventry service 07")
    body = get(client, f"services/{lapsed.pk}").body
    assert "last checked on 2020-01-01" in body["alert"]


def test_an_organization_lists_its_services(client: Client, dataset: Any) -> None:
    org = Organization.objects.get(name="Age UK North Staffordshire")
    body = get(client, f"organizations/{org.pk}").body
    assert sorted(s["name"] for s in body["services"]) == [
        "Benefits and money advice for older people",
        "Forget-me-not Memory Café",
    ]
    full = get(client, f"organizations/{org.pk}", full_service="true").body
    validate(full, schema_for("/organizations/{id}"))
    for item in full["services"]:
        validate(item, schema_for("/services/{id}"))
    charity = Organization.objects.get(name="Coventry Carers Trust")
    body = get(client, f"organizations/{charity.pk}").body
    assert body["organization_identifiers"][0]["identifier"] == "1123456"


def test_taxonomies_and_their_terms(client: Client, dataset: Any) -> None:
    body = get(client, "taxonomies").body
    assert {t["id"] for t in body["contents"]} == {TAXONOMY_ID, oruk.CQC_TAXONOMY_ID}
    needs = get(client, f"taxonomies/{TAXONOMY_ID}").body
    assert len(needs["taxonomy_terms"]) == TaxonomyTerm.objects.count()
    terms = get(client, "taxonomy_terms", taxonomy_id=oruk.CQC_TAXONOMY_ID, per_page=50).body
    assert [t["name"] for t in terms["contents"]] == list(oruk.CQC_RATINGS)
    respite = get(client, "taxonomy_terms", search="respite").body
    assert [t["code"] for t in respite["contents"]] == ["breaks-and-respite"]


def test_an_organization_list_can_nest_identifiers_and_services(
    client: Client, dataset: Any
) -> None:
    plain = [i for b in pages(client, "organizations", 4) for i in b["contents"]]
    assert plain and not any("services" in o or "organization_identifiers" in o for o in plain)
    full = [i for b in pages(client, "organizations", 4, full="true") for i in b["contents"]]
    nested = [i for b in pages(client, "organizations", 4, full_service="1") for i in b["contents"]]
    assert [o["id"] for o in full] == [o["id"] for o in nested] == [o["id"] for o in plain]
    for org in Organization.objects.all():
        one = next(o for o in full if o["id"] == str(org.pk))
        # full: as /organizations/{id}; full_service: as /organizations/{id}?full_service=true
        assert one == get(client, f"organizations/{org.pk}").body
        both = next(o for o in nested if o["id"] == str(org.pk))
        assert both == get(client, f"organizations/{org.pk}", full_service="true").body
        assert [s["id"] for s in both["services"]] == [
            str(pk) for pk in org.services.order_by("name", "id").values_list("pk", flat=True)
        ]
    for body in pages(client, "organizations", 50, full_service="true", full="true"):
        validate(body, schema_for("/organizations"))
        for org_record in body["contents"]:
            for item in org_record["services"]:
                validate(item, schema_for("/services/{id}"))
                assert "service_at_locations" in item and "attributes" in item
    trust = next(o for o in full if o["name"] == "Coventry Carers Trust")
    assert trust["organization_identifiers"][0]["identifier"] == "1123456"
    assert all("service_at_locations" not in s for s in trust["services"])


def test_taxonomies_can_be_searched(client: Client, dataset: Any) -> None:
    def found(**params: str) -> list[str]:
        body = get(client, "taxonomies", **params).body
        validate(body, schema_for("/taxonomies"))
        return [t["id"] for t in body["contents"]]

    assert found(search="quality commission") == [oruk.CQC_TAXONOMY_ID]  # its description
    assert found(search="OUTSTANDING") == [oruk.CQC_TAXONOMY_ID]  # one of its terms
    assert found(search="respite") == [TAXONOMY_ID]  # a term of the needs taxonomy
    assert found(search="alzheimers") == [TAXONOMY_ID]  # a resident's word for a term
    assert found(search="respite outstanding") == []  # every word must match
    assert found(search="nothing-like-this") == []
    assert found(search="  ") == found() == [TAXONOMY_ID, oruk.CQC_TAXONOMY_ID]


def test_service_at_locations_can_nest_the_full_service(client: Client, dataset: Any) -> None:
    basic = [i for b in pages(client, "service_at_locations", 6) for i in b["contents"]]
    full = []
    for body in pages(client, "service_at_locations", 6, full="true"):
        validate(body, schema_for("/service_at_locations"))
        full += body["contents"]
    assert [i["id"] for i in full] == [i["id"] for i in basic] and full
    for item, plain in zip(full, basic, strict=True):
        validate(item, schema_for("/service_at_locations/{id}"))
        assert "schedules" not in plain["service"] and "service_areas" in item["service"]
        assert item == get(client, f"service_at_locations/{item['id']}").body
        assert {k: v for k, v in item.items() if k != "service"} == {
            k: v for k, v in plain.items() if k != "service"
        }
    # with a postcode the nested items keep their distance
    near = get(client, "service_at_locations", postcode="CV1 1AA", proximity=2000, full="true")
    assert near.body["contents"] and all(
        "distance" in i and "cost_options" in i["service"] for i in near.body["contents"]
    )


def ndjson(client: Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every record of a list as `format=ndjson` streams it: one JSON object a line."""
    response = client.get(ROOT + path, {"format": "ndjson", **params})
    assert response.status_code == 200, response.content
    assert response.streaming and response["Content-Type"] == "application/x-ndjson"
    assert response["Access-Control-Allow-Origin"] == "*"
    text = b"".join(response.streaming_content).decode()
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


NDJSON_LISTS = [
    ("services", {}, "/services/{id}"),
    ("services", {"minimal": "true"}, "/services/{id}"),
    ("services", {"full": "true", "search": "carers"}, "/services/{id}"),
    ("organizations", {"full_service": "true"}, "/organizations/{id}"),
    ("organizations", {}, "/organizations/{id}"),
    ("taxonomies", {}, "/taxonomies/{id}"),
    ("taxonomy_terms", {"top_only": "true"}, "/taxonomy_terms/{id}"),
    ("service_at_locations", {"full": "true"}, "/service_at_locations/{id}"),
    (
        "service_at_locations",
        {"postcode": "CV1", "proximity": "3000"},
        "/service_at_locations/{id}",
    ),
]


def test_ndjson_streams_every_item_of_every_list_unpaginated(
    client: Client, dataset: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caremarket.directory import api

    monkeypatch.setattr(api, "NDJSON_CHUNK", 4)  # several chunks, the last one short
    for path, params, item_path in NDJSON_LISTS:
        paged = [i for b in pages(client, path, 500, **params) for i in b["contents"]]
        # page and per_page are checked, then not used: every item comes, in the same order
        streamed = ndjson(client, path, page=3, per_page=2, **params)
        assert streamed == paged and streamed, (path, params)
        for item in streamed[:3]:
            validate(item, schema_for(item_path))
    assert len(ndjson(client, "services")) == 25
    assert ndjson(client, "services", search="nothing-like-this") == []
    head = client.head(ROOT + "services?format=ndjson")
    assert head.status_code == 200 and b"".join(head.streaming_content) == b""
    assert head["Content-Type"] == "application/x-ndjson"


def test_ndjson_costs_a_few_queries_a_chunk(
    client: Client, dataset: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caremarket.directory import api

    counts = []
    for chunk in (25, 5):
        monkeypatch.setattr(api, "NDJSON_CHUNK", chunk)
        with CaptureQueriesContext(connection) as queries:
            assert len(ndjson(client, "services", full="true")) == 25
        counts.append(len(queries))
    # five chunks instead of one: the chunk's queries four more times, not one per service
    per_chunk = (counts[1] - counts[0]) / 4
    assert per_chunk == int(per_chunk) and 1 <= per_chunk <= 8, counts
    assert counts[0] - per_chunk <= 6, counts


def test_the_api_document_describes_the_specifications_parameters(client: Client, db: None) -> None:
    """Our /api/v1/openapi.json lists each ORUK endpoint's query parameters: exactly those the
    ORUK specification defines for it, so none is accepted undocumented or ignored."""
    ours = client.get("/api/v1/openapi.json").json()["paths"]
    components = SPEC["components"]["parameters"]
    for path, operations in SPEC["paths"].items():
        wanted = {
            components[p["$ref"].rsplit("/", 1)[-1]]["name"] if "$ref" in p else p["name"]
            for p in operations["get"].get("parameters", [])
            if "$ref" in p or p.get("in") == "query"
        }
        described = [
            p for p in ours[f"/api/v1/oruk{path}"]["get"]["parameters"] if p["in"] == "query"
        ]
        assert {p["name"] for p in described} == wanted, path
        assert all(p["description"] and p["schema"] for p in described), path
    services = ours["/api/v1/oruk/services"]["get"]["parameters"]
    fmt = next(p for p in services if p["name"] == "format")
    assert fmt["schema"]["enum"] == ["json", "ndjson"]


# --- Filters -----------------------------------------------------------------------------------


def ids(client: Client, path: str = "services", **params: Any) -> set[str]:
    found: set[str] = set()
    for body in pages(client, path, 500, **params):
        found |= {item["id"] for item in body["contents"]}
    return found


def pks(services: Any) -> set[str]:
    return {str(pk) for pk in services.values_list("pk", flat=True)}


def test_each_filter_alone(client: Client, dataset: Any) -> None:
    carers = TaxonomyTerm.objects.get(code="carers-support")
    assert ids(client, taxonomy_term_id=str(carers.pk)) == pks(carers.services.all())
    assert len(pks(carers.services.all())) == 15
    assert ids(client, taxonomy_id=TAXONOMY_ID) == pks(
        Service.objects.filter(categories__isnull=False).distinct()
    )
    good = oruk.CQC_RATING_TERM_IDS["Good"]
    rated_good = Service.objects.filter(cqc_location__latest_rating__iexact="Good")
    assert rated_good.exists()
    assert ids(client, taxonomy_term_id=good) == pks(rated_good)
    org = Organization.objects.get(name="Age UK North Staffordshire")
    assert ids(client, organization_id=str(org.pk)) == pks(org.services.all())
    cafe = pks(Service.objects.filter(source_id="ssd-1003"))
    assert ids(client, search="METHODIST hall") == cafe  # where it meets
    assert cafe <= ids(client, search="forget-me-not café")  # and its name (stemmed)
    handy = pks(Service.objects.filter(source_id="ssd-1006"))
    assert ids(client, search="handypersn") == handy  # a misspelt name word
    assert ids(client, search="Age UK North Staffordshire") == pks(org.services.all())
    abbey = pks(Service.objects.filter(cqc_location__cqc_location_id="1-101000001"))
    assert ids(client, search="abbey court") == abbey
    # a resident's word for a category finds the services filed under it
    memory = pks(TaxonomyTerm.objects.get(code="memory-problems").services.all())
    assert len(memory) > 1 and ids(client, search="alzheimers") >= memory
    assert ids(client, search="the and of") == ids(client)  # only stop words: no filter


def test_modified_after(client: Client, dataset: Any) -> None:
    old = datetime(2025, 1, 1, tzinfo=UTC)
    Service.objects.exclude(source_id="ssd-1001").update(modified=old)
    cut = "2025-06-01T00:00:00Z"
    assert ids(client, modified_after=cut) == pks(Service.objects.filter(source_id="ssd-1001"))
    assert len(ids(client, modified_after="2024-12-31")) == 25  # a date alone is midnight UTC
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert ids(client, modified_after=future) == set()


def test_filters_combine_with_and(client: Client, dataset: Any) -> None:
    carers = TaxonomyTerm.objects.get(code="carers-support")
    trust = Organization.objects.get(name="Coventry Carers Trust")
    both = ids(client, taxonomy_term_id=str(carers.pk), organization_id=str(trust.pk))
    assert both == pks(trust.services.filter(categories=carers))
    assert both and both < ids(client, taxonomy_term_id=str(carers.pk))
    grapevine = Organization.objects.get(name="Grapevine Coventry")
    assert ids(client, taxonomy_term_id=str(carers.pk), search="grapevine") == pks(
        grapevine.services.filter(categories=carers)
    )
    three = ids(
        client, taxonomy_term_id=str(carers.pk), organization_id=str(trust.pk), search="grapevine"
    )
    assert three == set()
    assert ids(client, organization_id=str(trust.pk), search="Meir") == set()
    # the same filters narrow service_at_locations
    sal = ids(client, "service_at_locations", organization_id=str(trust.pk))
    assert sal == pks(ServiceLocation.objects.filter(service__organization=trust))


def test_postcode_and_proximity_nearest_first(client: Client, dataset: Any) -> None:
    lat, lon, _ = POSTCODES["CV1 1AA"]
    metres = 2000
    bodies = list(pages(client, "service_at_locations", 3, postcode="cv11aa", proximity=metres))
    found = [item for body in bodies for item in body["contents"]]
    for body in bodies:
        validate(body, schema_for("/service_at_locations"))
    distances = [item["distance"] for item in found]
    assert distances == sorted(distances) and distances[-1] <= metres
    expected = {
        str(p.pk)
        for p in ServiceLocation.objects.filter(latitude__isnull=False)
        if miles_between(lat, lon, p.latitude, p.longitude) * 1609.344 <= metres
    }
    assert {item["id"] for item in found} == expected and 0 < len(expected) < 12
    # a postcode alone: its council's service locations, nearest first, unlocated last
    alone = [
        item
        for body in pages(client, "service_at_locations", 4, postcode="CV1 1AA")
        for item in body["contents"]
    ]
    assert {item["id"] for item in alone} == pks(
        ServiceLocation.objects.filter(service__local_authority__code=COVENTRY)
    )
    near = [item["distance"] for item in alone if "distance" in item]
    assert near == sorted(near)
    # an outward code uses the centroid of its postcodes
    assert ids(client, "service_at_locations", postcode="CV1", proximity=metres) == expected


# --- Read-only, CORS, bad input ----------------------------------------------------------------

PATHS = [
    "",
    "services",
    f"services/{uuid.uuid4()}",
    "organizations",
    "taxonomies",
    "taxonomy_terms",
    "service_at_locations",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(client: Client, db: None, path: str, method: str) -> None:
    response = getattr(client, method)(ROOT + path, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert "read-only" in response.json()["message"]


@pytest.mark.parametrize("path", PATHS)
def test_the_preflight_allows_any_origin(client: Client, db: None, path: str) -> None:
    response = client.options(
        ROOT + path,
        headers={
            "Origin": "https://directory.example.gov.uk",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert response["Access-Control-Allow-Headers"] == "accept"


def test_head_answers_like_get_without_a_body(client: Client, dataset: Any) -> None:
    response = client.head(ROOT + "services")
    assert response.status_code == 200 and response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_signed_in_user_sees_the_same_feed(client: Client, dataset: Any) -> None:
    anonymous = get(client, "services", per_page=500).body
    from caremarket.accounts.models import User

    client.force_login(User.objects.create_user("someone", password="a-long-password-1"))
    assert get(client, "services", per_page=500).body == anonymous


BAD = [
    ("services", {"page": "-1"}, "page must be a whole number from 1"),
    ("services", {"page": "0"}, "page must be a whole number from 1"),
    ("services", {"page": "two"}, "page must be a whole number"),
    ("services", {"page": "9" * 5000}, "page must be a whole number"),
    ("services", {"per_page": "0"}, "per_page must be a whole number from 1 to 500, not 0"),
    ("services", {"per_page": "100000"}, "per_page must be a whole number from 1 to 500"),
    ("services", {"per_page": "lots"}, "per_page must be a whole number"),
    ("services", {"per_page": "1.5"}, "per_page must be a whole number"),
    ("services", {"search": "care " * 1400}, "search is 6,999 characters long"),
    ("services", {"search": " ".join(f"w{i}" for i in range(20))}, "search has 20 words"),
    ("services", {"taxonomy_term_id": "help-at-home"}, "taxonomy_term_id must be a UUID"),
    ("services", {"taxonomy_term_id": str(uuid.UUID(int=1))}, "No taxonomy term has the id"),
    ("services", {"taxonomy_id": str(uuid.UUID(int=1))}, "No taxonomy has the id"),
    ("services", {"organization_id": "42"}, "organization_id must be a UUID"),
    ("services", {"organization_id": str(uuid.UUID(int=1))}, "No organization has the id"),
    ("services", {"modified_after": "yesterday"}, "modified_after must be an ISO 8601 date"),
    ("services", {"modified_after": "2026-13-45"}, "modified_after must be an ISO 8601 date"),
    ("services", {"full": "maybe"}, "full must be true or false"),
    ("services", {"full": "true", "minimal": "true"}, "minimal or full, not both"),
    ("service_at_locations", {"postcode": "ZZ9 9ZZ"}, "The postcode ZZ9 9ZZ is not one we know"),
    ("service_at_locations", {"postcode": "XX1"}, "The postcode area XX1 is not one we know"),
    ("service_at_locations", {"postcode": "not a place"}, "is not a postcode"),
    ("service_at_locations", {"proximity": "1000"}, "proximity needs a postcode"),
    (
        "service_at_locations",
        {"postcode": "CV1 1AA", "proximity": "-5"},
        "proximity must be a distance in metres",
    ),
    (
        "service_at_locations",
        {"postcode": "CV1 1AA", "proximity": "nan"},
        "proximity must be a distance in metres",
    ),
    ("taxonomy_terms", {"taxonomy_id": "x"}, "taxonomy_id must be a UUID"),
    ("taxonomy_terms", {"top_only": "perhaps"}, "top_only must be true or false"),
    ("organizations", {"search": "x" * 7_000}, "search is 7,000 characters long"),
]


@pytest.mark.parametrize(("path", "params", "message"), BAD, ids=[b[2][:30] for b in BAD])
def test_bad_input_is_a_clear_400(
    client: Client, dataset: Any, path: str, params: dict[str, str], message: str
) -> None:
    response = get(client, path, **params)
    assert response.status_code == 400, response.body
    assert message in response.body["message"]
    assert response.body["errors"]
    assert len(response.body["message"]) < 300  # the bad value is not echoed in full


#: Bad formats and booleans, on every endpoint: (path, parameters, message or None for a 200).
BAD_FORMATS_AND_BOOLEANS: list[tuple[str, dict[str, str], str | None]] = [
    ("services", {"format": "xml"}, "format must be json or ndjson, not 'xml'"),
    ("services", {"format": "n" * 5000}, "format must be json or ndjson"),
    ("services", {"format": "ndjson", "page": "0"}, "page must be a whole number from 1"),
    ("services", {"format": "ndjson", "full": "maybe"}, "full must be true or false"),
    ("organizations", {"format": "csv"}, "format must be json or ndjson"),
    ("taxonomies", {"format": "ndjson ndjson"}, "format must be json or ndjson"),
    ("taxonomy_terms", {"format": "1"}, "format must be json or ndjson"),
    ("service_at_locations", {"format": ""}, None),  # empty is the default
    ("services", {"format": " NDJSON "}, None),
    ("taxonomies", {"search": "x" * 300}, "search is 300 characters long"),
    ("taxonomies", {"per_page": "0"}, "per_page must be a whole number"),
    # a bad boolean is a 400 on every endpoint, not ignored where the endpoint does not use it
    ("organizations", {"full": "maybe"}, "full must be true or false, not 'maybe'"),
    ("organizations", {"full_service": "sure"}, "full_service must be true or false"),
    ("organizations", {"full_service": "t" * 5000}, "full_service must be true or false"),
    ("service_at_locations", {"full": "maybe"}, "full must be true or false"),
    ("taxonomies", {"full": "maybe"}, "full must be true or false"),
    ("taxonomy_terms", {"minimal": "2"}, "minimal must be true or false"),
    ("services/{service}", {"full": "maybe"}, "full must be true or false"),
    ("organizations/{organization}", {"full_service": "maybe"}, "full_service must be true"),
    ("", {"full": "maybe"}, "full must be true or false"),
]


def test_bad_formats_and_booleans_are_a_clear_400_everywhere(client: Client, db: None) -> None:
    """One test over every case (each needs only one organisation and service, not the dataset)."""
    org = Organization.objects.create(name="Trust")
    listing = Service.objects.create(organization=org, name="Lunch club", kind="community_group")
    for path, params, message in BAD_FORMATS_AND_BOOLEANS:
        where = (path.format(service=listing.pk, organization=org.pk), params)
        response = client.get(ROOT + where[0], params)
        assert response["Access-Control-Allow-Origin"] == "*", where
        if message is None:
            assert response.status_code == 200, where
            continue
        assert response.status_code == 400, where
        body = response.json()
        assert message in body["message"] and body["errors"], (where, body)
        assert len(body["message"]) < 300, where  # the bad value is not echoed in full


@pytest.mark.parametrize(
    "path",
    [
        "services/not-a-uuid",
        f"services/{uuid.UUID(int=7)}",
        f"organizations/{uuid.UUID(int=7)}",
        "organizations/%27%3B--",
        f"taxonomies/{uuid.UUID(int=7)}",
        f"taxonomy_terms/{uuid.UUID(int=7)}",
        f"service_at_locations/{uuid.UUID(int=7)}",
        "service_at_locations/123",
    ],
)
def test_unknown_or_malformed_ids(client: Client, db: None, path: str) -> None:
    response = get(client, path)
    assert response.status_code in (400, 404)
    assert response.body["message"]
    if "-" in path.split("/")[-1] and len(path.split("/")[-1]) == 36:
        assert response.status_code == 404 and "No " in response.body["message"]
    else:
        assert "must be a UUID" in response.body["message"]


@pytest.mark.parametrize("path", ["vocabularies", "services/", "services/a/b", "x" * 500])
def test_an_unknown_endpoint_is_a_json_404(client: Client, db: None, path: str) -> None:
    response = get(client, path)
    assert response.status_code == 404
    assert "has no /" in response.body["message"] and "/services" in response.body["message"]
    assert len(response.body["message"]) < 400


def test_the_api_operations_are_public(dataset: Any) -> None:
    from caremarket.api import api

    operations = [
        operation
        for prefix, router in api._routers
        if prefix.startswith("/oruk")
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    ]
    assert len(operations) == 13
    assert all(operation.view_func.access_rule.is_public for operation in operations)


@pytest.mark.parametrize(
    "path",
    [
        "services?full=true",
        "services",
        "services?minimal=true",
        "service_at_locations",
        "service_at_locations?full=true",
        "organizations",
        "organizations?full=true",
        "organizations?full_service=true",
        "taxonomy_terms",
    ],
)
def test_a_page_costs_the_same_queries_however_long(
    client: Client, dataset: Any, path: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for per_page in (2, 25):
        separator = "&" if "?" in path else "?"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{ROOT}{path}{separator}per_page={per_page}")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    ("example", "schema_file"),
    [
        ("service_full.json", "service.json"),
        ("service_list.json", "service_list.json"),
        ("organization_full.json", "organization.json"),
        ("organization_list.json", "organization_list.json"),
        ("service_at_location_full.json", "service_at_location.json"),
        ("service_at_location_list.json", "service_at_location_list.json"),
        ("taxonomy.json", "taxonomy.json"),
        ("taxonomy_list.json", "taxonomy_list.json"),
        ("taxonomy_term.json", "taxonomy_term.json"),
        ("taxonomy_term_list.json", "taxonomy_term_list.json"),
    ],
)
def test_the_specifications_own_examples_pass_the_same_validator(
    example: str, schema_file: str
) -> None:
    """The validator is no stricter than the specification's authors."""
    validate(json.loads((HERE / "examples" / example).read_text(encoding="utf-8")), schema_file)
