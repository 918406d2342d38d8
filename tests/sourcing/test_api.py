"""The sourcing API with API tokens: councils post and read, providers offer, nobody sees
another's data, and no body — however malformed — gets a 500 or writes half of anything."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caremarket.accounts import tokens
from caremarket.accounts.models import ApiToken, AuditEvent
from caremarket.directory.models import Organization
from caremarket.sourcing.api import OFFER_FIELDS, PLACEMENT_FIELDS, REQUEST_FIELDS
from caremarket.sourcing.models import CareRequest, Offer, Package, SentTo
from tests.sourcing.helpers import Brokerage, make_brokerage

API = "/api/v1/sourcing"
NAME, ADDRESS = "Edith Invented-Person", "12 Imaginary Road, Meir, ST3 7ZZ"
WARD = "E05008473"


class Keys:
    def __init__(self, b: Brokerage) -> None:
        self.stoke = tokens.create("Mosaic live", "sourcing", council=b.world.stoke)[1]
        self.coventry = tokens.create("Liquidlogic", "sourcing", council=b.world.coventry)[1]
        grange = Organization.objects.get(name="Grange Care Ltd")
        other = Organization.objects.get(name="Other Care Ltd")
        self.grange = tokens.create("Grange rota", "sourcing", organization=grange)[1]
        self.other = tokens.create("Other rota", "sourcing", organization=other)[1]


@pytest.fixture
def b(db: None) -> Brokerage:
    brokerage = make_brokerage()
    brokerage.ward.code = WARD
    brokerage.ward.save()
    return brokerage


@pytest.fixture
def keys(b: Brokerage) -> Keys:
    return Keys(b)


def call(
    client: Client, method: str, path: str, key: str | None, body: Any = None, raw: bytes = b""
) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    data = raw or (json.dumps(body) if body is not None else "")
    return getattr(client, method)(
        f"{API}{path}", data=data, content_type="application/json", **headers
    )


def new_request(**changes: Any) -> dict[str, Any]:
    return {
        "service_kind": "home_care",
        "ward": WARD,
        "calls_per_day": 4,
        "minutes": 30,
        "days_per_week": 7,
        "referred_on": "2024-05-31",
        "start_on": "2024-06-03",
        "needs": ["dementia"],
        "funding": "council",
        "summary": "Needs prompting with medicines at each call.",
        "person_name": NAME,
        "person_address": ADDRESS,
        "their_reference": "MOSAIC-123",
        **changes,
    }


def posted(client: Client, keys: Keys) -> dict[str, Any]:
    response = call(client, "post", "/requests", keys.stoke, new_request())
    assert response.status_code == 201, response.content
    return response.json()


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (CareRequest, SentTo, Offer, Package))


# --- Tokens ------------------------------------------------------------------------------------


def test_a_token_is_printed_once_and_only_its_hash_is_kept(b: Brokerage) -> None:
    out = io.StringIO()
    call_command("tokens", "create", "--council", "E06000021", "--name", "Mosaic", "--scope",
                 "sourcing", stdout=out)  # fmt: skip
    key = next(w for w in out.getvalue().split() if w.startswith("cm_"))
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert token.prefix == key[:10] and token.local_authority == b.world.stoke

    out = io.StringIO()
    call_command("tokens", "list", stdout=out)
    assert token.prefix in out.getvalue() and key not in out.getvalue()
    assert "in use" in out.getvalue()

    call_command("tokens", "revoke", token.prefix, stdout=io.StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(CommandError, match="already revoked"):
        call_command("tokens", "revoke", str(token.pk))
    assert key not in " ".join(AuditEvent.objects.values_list("detail", flat=True))


def test_an_organisation_token_by_cqc_provider_id_and_bad_commands(b: Brokerage) -> None:
    out = io.StringIO()
    call_command("tokens", "create", "--organisation", "1-1", "--name", "Rota", "--scope",
                 "sourcing", stdout=out)  # fmt: skip
    assert ApiToken.objects.get().organization.name == "Grange Care Ltd"
    for args, message in [
        (["--council", "E99999999", "--name", "x"], "No council"),
        (["--organisation", "nobody", "--name", "x"], "No provider organisation"),
        (["--council", "E06000021", "--name", "  "], "a name of 1 to 100"),
        (["--council", "E06000021", "--name", "x" * 101], "a name of 1 to 100"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("tokens", "create", *args, "--scope", "sourcing")
    with pytest.raises(CommandError):
        call_command("tokens", "revoke", "cm_nothing")
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer cm_" + "x" * 43, "Basic dXNlcjpwYXNz", "Bearer " + "y" * 5000],
)
def test_no_or_an_unknown_token_is_a_401_and_audited(
    client: Client, keys: Keys, header: str | None
) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(f"{API}/requests", **extra)
    assert response.status_code == 401
    assert "token" in response.json()["detail"]
    event = AuditEvent.objects.get(action="api call refused")
    assert event.detail == "GET /api/v1/sourcing/requests 401"


def test_a_revoked_token_is_refused(client: Client, keys: Keys) -> None:
    assert call(client, "get", "/requests", keys.stoke).status_code == 200
    tokens.revoke(ApiToken.objects.get(name="Mosaic live").prefix)
    response = call(client, "get", "/requests", keys.stoke)
    assert response.status_code == 401
    assert response.json()["detail"] == "This API token has been revoked"
    refused = AuditEvent.objects.get(action="api call refused")
    assert refused.username.startswith("API token cm_") and refused.local_authority is not None


def test_a_token_of_the_wrong_kind_or_scope_is_a_403(client: Client, keys: Keys) -> None:
    item = posted(client, keys)
    response = call(client, "post", "/requests", keys.grange, new_request())
    assert response.status_code == 403
    assert response.json()["detail"] == "This needs a council token with the sourcing scope"
    body = {"location": "1-000000001", "start_on": "2024-06-03", "weekly_price": "399.28"}
    response = call(client, "post", f"/requests/{item['id']}/offers", keys.stoke, body)
    assert response.status_code == 403
    ApiToken.objects.filter(name="Grange rota").update(scope="reports")
    assert call(client, "get", "/requests", keys.grange).status_code == 403
    assert counts() == (1, 2, 0, 0)


def test_a_signed_in_session_is_not_a_token(client: Client, b: Brokerage, keys: Keys) -> None:
    client.force_login(b.broker)
    assert client.get(f"{API}/requests").status_code == 401


# --- The flow ----------------------------------------------------------------------------------


def test_council_posts_providers_offer_and_read_only_what_is_theirs(
    client: Client, b: Brokerage, keys: Keys
) -> None:
    w = b.world
    item = posted(client, keys)
    assert item["sent_to"] == 2 and item["reference"].startswith("CR-")
    assert item["hours_per_week"] == "14.00" and item["their_reference"] == "MOSAIC-123"
    saved = CareRequest.objects.get()
    assert saved.created_by is None and saved.their_reference == "MOSAIC-123"
    posted_event = AuditEvent.objects.get(action="sourcing: request posted")
    assert posted_event.username == f"API token {keys.stoke[:10]}… Mosaic live"
    calls = AuditEvent.objects.filter(action="api call")
    assert [e.detail for e in calls] == ["POST /api/v1/sourcing/requests 201"]

    # The provider reads the anonymised summary, in the list and alone.
    listed = call(client, "get", "/requests", keys.grange).json()
    assert listed["count"] == 1
    one = call(client, "get", f"/requests/{item['id']}", keys.grange).json()
    for shape in (listed["items"][0], one):
        text = json.dumps(shape)
        assert NAME not in text and ADDRESS not in text and "MOSAIC-123" not in text
        assert shape["ward"] == {"code": WARD, "name": "Meir North"}

    # Offers from their own services; not from another's, not twice.
    path = f"/requests/{item['id']}/offers"
    body = {"location": w.other_home.cqc_location_id, "start_on": "2024-06-03"}
    response = call(client, "post", path, keys.grange, {**body, "weekly_price": "1"})
    assert response.status_code == 403
    body["location"] = w.home.cqc_location_id
    response = call(client, "post", path, keys.grange, {**body, "weekly_price": 399.28})
    assert response.status_code == 201, response.content
    assert response.json()["weekly_price"] == "399.28"
    again = call(client, "post", path, keys.grange, {**body, "weekly_price": "300"})
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "location"
    body = {"location": w.other_home.cqc_location_id, "start_on": "2024-06-04"}
    response = call(client, "post", path, keys.other, {**body, "weekly_price": "420.00"})
    assert response.status_code == 201
    offer = Offer.objects.get(location=w.home)
    assert offer.made_by is None

    # Each provider reads only its own offer; the council reads both.
    assert [o["weekly_price"] for o in call(client, "get", path, keys.grange).json()] == ["399.28"]
    assert len(call(client, "get", path, keys.stoke).json()) == 2

    # The broker accepts Grange's offer on the web page.
    client.force_login(b.broker)
    accept = reverse("sourcing:accept", kwargs={"council": "stoke-on-trent", "pk": item["id"]})
    client.post(accept, {"offer": offer.pk})
    client.logout()

    one = call(client, "get", f"/requests/{item['id']}", keys.grange).json()
    assert one["person"] == {"name": NAME, "address": ADDRESS} and one["status"] == "sourced"
    shown = AuditEvent.objects.filter(action="sourcing: person's details shown to provider")
    assert shown.count() == 1
    assert "person" not in call(client, "get", f"/requests/{item['id']}", keys.other).json()
    statuses = {o["status"] for o in call(client, "get", path, keys.other).json()}
    assert statuses == {"not_chosen"}

    packages = call(client, "get", "/packages", keys.stoke).json()
    assert packages["count"] == 1
    package = packages["items"][0]
    assert package["weekly_cost"] == "399.28" and package["location"]["name"] == "Meir Grange"
    assert call(client, "get", f"/packages/{package['id']}", keys.grange).status_code == 200
    assert call(client, "get", "/packages", keys.other).json()["count"] == 0
    assert call(client, "get", f"/packages/{package['id']}", keys.other).status_code == 404
    assert call(client, "get", f"/packages/{package['id']}", keys.coventry).status_code == 404

    # The council's own read shows the person, audited.
    full = call(client, "get", f"/requests/{item['id']}", keys.stoke).json()
    assert full["person"]["name"] == NAME and full["package_id"] == package["id"]
    assert AuditEvent.objects.filter(action="sourcing: request viewed").count() == 1


def test_other_councils_and_organisations_get_404(client: Client, b: Brokerage, keys: Keys) -> None:
    item = posted(client, keys)
    SentTo.objects.filter(location=b.world.home).delete()
    for path in (f"/requests/{item['id']}", f"/requests/{item['id']}/offers"):
        assert call(client, "get", path, keys.coventry).status_code == 404
        assert call(client, "get", path, keys.grange).status_code == 404
    assert call(client, "get", "/requests", keys.coventry).json()["count"] == 0
    assert call(client, "get", "/requests", keys.grange).json()["count"] == 0
    body = {"location": b.world.home.cqc_location_id, "start_on": "2024-06-03", "weekly_price": 1}
    assert (
        call(client, "post", f"/requests/{item['id']}/offers", keys.grange, body).status_code == 404
    )
    withdraw = f"/requests/{item['id']}/withdraw"
    assert (
        call(client, "post", withdraw, keys.coventry, {"because": "not_needed"}).status_code == 404
    )
    for ident in ("abc", "0", "99999999999999999999", "-1"):
        assert call(client, "get", f"/requests/{ident}", keys.stoke).status_code == 404
        assert call(client, "get", f"/packages/{ident}", keys.stoke).status_code == 404
    assert counts() == (1, 1, 0, 0)


def test_the_council_withdraws_by_api_and_offers_close(
    client: Client, b: Brokerage, keys: Keys
) -> None:
    item = posted(client, keys)
    body = {"location": b.world.home.cqc_location_id, "start_on": "2024-06-03", "weekly_price": 9}
    call(client, "post", f"/requests/{item['id']}/offers", keys.grange, body)
    withdraw = f"/requests/{item['id']}/withdraw"
    bad = call(client, "post", withdraw, keys.stoke, {"because": "bored"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "because"
    done = call(client, "post", withdraw, keys.stoke, {"because": "not_needed"})
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert Offer.objects.get().status == Offer.Status.WITHDRAWN
    assert call(client, "post", withdraw, keys.stoke, {"because": "not_needed"}).status_code == 409
    body["location"] = b.world.other_home.cqc_location_id
    late = call(client, "post", f"/requests/{item['id']}/offers", keys.other, body)
    assert late.status_code == 409
    listed = call(client, "get", "/requests?status=withdrawn", keys.grange).json()
    assert listed["count"] == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_on": "2024-05-30"}, "start_on", "on or after the referral date"),
        ({"calls_per_day": 9}, "calls_per_day", "whole number from 1 to 8"),
        ({"calls_per_day": "lots"}, "calls_per_day", "whole number from 1 to 8"),
        ({"calls_per_day": True}, "calls_per_day", "must be text or a number"),
        ({"calls_per_day": 10**200}, "calls_per_day", "whole number from 1 to 8"),
        ({"minutes": 5}, "minutes", "Choose the length of each call"),
        ({"referred_on": "2024-02-31"}, "referred_on", "must be a real date"),
        ({"ward": "E05999999"}, "ward", "ONS code of one of the council's wards"),
        ({"ward": None}, "ward", "Choose the ward the person lives in"),
        ({"needs": ["flying"]}, "needs", "Choose specialist needs from the list"),
        ({"needs": "dementia"}, "needs", "must be a list"),
        ({"needs": [{"a": 1}]}, "needs", "must be text or a number"),
        ({"person_name": ""}, "person_name", "Enter person"),
        ({"person_name": "A\x00B"}, "person_name", "not allowed"),
        ({"summary": "x" * 5000}, "summary", "2000 characters or fewer"),
        ({"their_reference": "x" * 101}, "their_reference", "100 characters or fewer"),
        ({"person": {"name": NAME}}, "person", "is not a field here"),
    ],
)
def test_bad_requests_are_400_by_field_and_save_nothing(
    client: Client, keys: Keys, changes: dict[str, Any], field: str, message: str
) -> None:
    response = call(client, "post", "/requests", keys.stoke, new_request(**changes))
    assert response.status_code == 400
    problems = response.json()["errors"]
    assert any(p["field"] == field and message in p["message"] for p in problems), problems
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[1, 2]", b'"text"', b"null", b'{"calls_per_day": NaN}',
     b"[" * 100_000, b"\xff\xfe", b'{"a": 1' ],
)  # fmt: skip
def test_bodies_that_are_not_a_json_object_are_400(client: Client, keys: Keys, raw: bytes) -> None:
    response = call(client, "post", "/requests", keys.stoke, raw=raw or b" ")
    assert response.status_code == 400
    assert counts() == (0, 0, 0, 0)


def test_a_huge_body_is_refused_before_it_is_read(client: Client, keys: Keys) -> None:
    body = new_request(summary="x" * 3_000_000)
    assert call(client, "post", "/requests", keys.stoke, body).status_code == 413
    assert counts() == (0, 0, 0, 0)


def test_paging_is_checked(client: Client, keys: Keys) -> None:
    posted(client, keys)
    assert call(client, "get", "/requests?per_page=1&page=1", keys.stoke).json()["count"] == 1
    assert call(client, "get", "/requests?page=2", keys.stoke).json()["items"] == []
    for query in ("page=0", "per_page=201", "page=x", "status=lost", "page=" + "9" * 50):
        response = call(client, "get", f"/requests?{query}", keys.stoke)
        assert response.status_code == 400, query


def test_the_api_is_in_the_openapi_document(client: Client, db: None) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/sourcing/requests"]
    body = paths["/api/v1/sourcing/requests"]["post"]["requestBody"]["content"]
    properties = body["application/json"]["schema"]["properties"]
    assert set(properties) == set(REQUEST_FIELDS) | set(PLACEMENT_FIELDS)
    offers = paths["/api/v1/sourcing/requests/{request_id}/offers"]["post"]["requestBody"]
    assert set(offers["content"]["application/json"]["schema"]["properties"]) == set(OFFER_FIELDS)
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= next(iter(schemes.values())).items()


# --- Malformed payloads ------------------------------------------------------------------------

JSON_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=60)
    | st.sampled_from(
        [
            "2024-06-03",
            "31/05/2024",
            WARD,
            "dementia",
            "home_care",
            "care_home",
            "30",
            "1-000000001",
        ]
    )
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


def payloads(fields: tuple[str, ...], good: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Mostly a good body with some fields broken, dropped or added; sometimes anything."""
    broken = st.fixed_dictionaries(
        {},
        optional={f: JSON_VALUE for f in (*fields, "extra", "")},
    ).map(lambda changes: {**good, **changes})
    return st.one_of(broken, JSON_VALUE)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=payloads(REQUEST_FIELDS, new_request()))
def test_malformed_request_bodies_never_500_nor_write_half(
    client: Client, keys: Keys, payload: Any
) -> None:
    before = counts()
    response = call(client, "post", "/requests", keys.stoke, raw=json.dumps(payload).encode())
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert counts() == before
    else:
        assert CareRequest.objects.count() == before[0] + 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=payloads(
        OFFER_FIELDS, {"location": "1-000000001", "start_on": "2024-06-03", "weekly_price": "9"}
    )
)
def test_malformed_offer_bodies_never_500_nor_write_half(
    client: Client, keys: Keys, payload: Any
) -> None:
    item = CareRequest.objects.first() or CareRequest.objects.get(pk=posted(client, keys)["id"])
    Offer.objects.all().delete()
    response = call(
        client, "post", f"/requests/{item.pk}/offers", keys.grange, raw=json.dumps(payload).encode()
    )
    assert response.status_code in (201, 400, 403), response.content
    assert Offer.objects.count() == (1 if response.status_code == 201 else 0)


# --- Vacancies ---------------------------------------------------------------------------------


def vacancy_updates() -> int:
    from caremarket.sourcing.models import VacancyUpdate

    return VacancyUpdate.objects.count()


def test_a_provider_updates_its_care_homes_vacancies(
    client: Client, b: Brokerage, keys: Keys
) -> None:
    home = b.world.home.cqc_location_id
    body = {"location": home, "vacancies": {"general_residential": 2, "dementia_nursing": 0}}
    response = call(client, "post", "/vacancies", keys.grange, body)
    assert response.status_code == 201, response.content
    shape = response.json()
    assert shape["vacancies"] == {"general_residential": 2, "dementia_nursing": 0}
    assert shape["source"] == "The home's own update, by API"
    listed = {
        v["location"]["cqc_location_id"]: v
        for v in call(client, "get", "/vacancies", keys.grange).json()
    }
    assert listed[home]["vacancies"]["general_residential"] == 2
    event = AuditEvent.objects.get(action="sourcing: vacancies updated")
    assert event.username.startswith("API token") and event.local_authority == b.world.stoke

    other = b.world.other_home.cqc_location_id
    response = call(client, "post", "/vacancies", keys.grange, {**body, "location": other})
    assert response.status_code == 403
    assert call(client, "post", "/vacancies", keys.stoke, body).status_code == 403
    assert vacancy_updates() == 1


HOME = "1-000000001"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"location": "1-999", "vacancies": {"general_residential": 1}}, "location", "No CQC"),
        ({"location": 5, "vacancies": {}}, "location", "CQC location id"),
        ({"location": HOME, "vacancies": {}}, "vacancies", "at least one kind"),
        ({"location": HOME, "vacancies": [1]}, "vacancies", "object of counts"),
        ({"location": HOME, "vacancies": {"moon": 1}}, "vacancies", "Unknown kind"),
        ({"location": HOME, "vacancies": {"general_residential": -1}}, "vacancies", "0 to 999"),
        ({"location": HOME, "vacancies": {"general_residential": "2"}}, "vacancies", "whole"),
        ({"location": HOME, "vacancies": {"general_residential": True}}, "vacancies", "whole"),
        ({"location": HOME, "vacancies": {"general_residential": 1}, "beds": 3}, "beds", "not a"),
    ],
)
def test_bad_vacancies_are_400_and_write_nothing(
    client: Client, keys: Keys, body: dict[str, Any], field: str, message: str
) -> None:
    response = call(client, "post", "/vacancies", keys.grange, body)
    assert response.status_code == 400
    problems = response.json()["errors"]
    assert any(p["field"] == field and message in p["message"] for p in problems), problems
    assert vacancy_updates() == 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    payload=payloads(
        ("location", "vacancies"),
        {"location": "1-000000001", "vacancies": {"general_residential": 1}},
    )
)
def test_malformed_vacancy_bodies_never_500_nor_write_half(
    client: Client, keys: Keys, payload: Any
) -> None:
    before = vacancy_updates()
    response = call(client, "post", "/vacancies", keys.grange, raw=json.dumps(payload).encode())
    assert response.status_code in (201, 400, 403), response.content
    assert vacancy_updates() == before + (1 if response.status_code == 201 else 0)


def test_a_care_home_placement_by_api_matched_on_vacancies_posted_by_api(
    client: Client, b: Brokerage, keys: Keys
) -> None:
    w = b.world
    for home in (w.home, w.other_home):
        home.area = b.ward
        home.save(update_fields=["area"])
    body = {"location": w.home.cqc_location_id, "vacancies": {"dementia_residential": 1}}
    assert call(client, "post", "/vacancies", keys.grange, body).status_code == 201
    placement = {
        "service_kind": "care_home",
        "bed_kind": "dementia_residential",
        "ward": WARD,
        "referred_on": "2024-05-31",
        "start_on": "2024-06-03",
        "funding": "council",
        "person_name": NAME,
        "person_address": ADDRESS,
    }
    wrong = call(client, "post", "/requests", keys.stoke, {**placement, "calls_per_day": 4})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "calls_per_day"
    bad = call(client, "post", "/requests", keys.stoke, {**placement, "bed_kind": "igloo"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "bed_kind"
    assert counts() == (0, 0, 0, 0)

    response = call(client, "post", "/requests", keys.stoke, placement)
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["sent_to"] == 1 and item["bed_kind"] == "dementia_residential"
    assert item["hours_per_week"] is None
    assert call(client, "get", f"/requests/{item['id']}", keys.other).status_code == 404
    offer = {"location": w.home.cqc_location_id, "start_on": "2024-06-05", "weekly_price": "812.50"}
    made = call(client, "post", f"/requests/{item['id']}/offers", keys.grange, offer)
    assert made.status_code == 201, made.content
    assert made.json()["weekly_price"] == "812.50"
