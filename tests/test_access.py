"""Every URL × every role: the declared rule and the real answer.

The table below names every URL in the URL conf with sample arguments and the roles allowed
(site admins are always allowed). A new URL without a row, or a view without a declared rule,
fails here. Each URL is then requested as each persona and the answer compared with the rule.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.views import LoginView
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from caremarket.access import FRAMEWORK_RULES, rule_for
from caremarket.accounts.models import Membership, User
from caremarket.accounts.roles import COUNCIL_ROLES
from caremarket.api import api
from caremarket.places.models import LocalAuthority

ANYONE = "anyone"
STAFF = {r.value for r in COUNCIL_ROLES}
COUNCIL = {"council": "stoke-on-trent"}
MPS_EDITION = {**COUNCIL, "statement": "mps", "number": "1"}
LA_EDITION = {**COUNCIL, "statement": "local-account-2024-25", "number": "1"}
QUALITY = {"quality_officer", "council_admin"}
BROKERS = {"practitioner", "council_admin"}
#: API operations for API tokens only (no signed-in person, not even a site admin).
COUNCIL_TOKEN, PROVIDER_TOKEN = {"council token"}, {"provider token"}
EITHER_TOKEN = COUNCIL_TOKEN | PROVIDER_TOKEN

#: url name → (sample kwargs, allowed roles or ANYONE). Site admin is always allowed.
URL_ACCESS: dict[str, tuple[dict[str, str], set[str] | str]] = {
    "front:home": ({}, ANYONE),
    "front:councils": ({}, ANYONE),
    "front:council": (COUNCIL, ANYONE),
    "front:council_table_csv": ({**COUNCIL, "table": "population-age-band"}, ANYONE),
    "front:council_table_json": ({**COUNCIL, "table": "population-age-band"}, ANYONE),
    "front:measure_compare": ({"measure": "population"}, ANYONE),
    "front:accessibility": ({}, ANYONE),
    "front:privacy": ({}, ANYONE),
    "front:cookies": ({}, ANYONE),
    "accounts:login": ({}, ANYONE),
    "accounts:logout": ({}, ANYONE),
    "accounts:dashboard": ({}, STAFF),
    "accounts:audit_log": (COUNCIL, {"council_admin", "quality_officer"}),
    "planning:sufficiency": (COUNCIL, {"commissioner", "council_admin"}),
    "planning:compare": (COUNCIL, {"commissioner", "council_admin"}),
    "planning:scenario": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "planning:scenario_csv": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "planning:delete_scenario": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "planning:add_model": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "planning:remove_model": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "statements:staff_list": (COUNCIL, {"commissioner", "council_admin"}),
    "statements:logo": (COUNCIL, {"council_admin"}),
    "statements:compare": ({**COUNCIL, "statement": "mps"}, {"commissioner", "council_admin"}),
    "statements:draft": (MPS_EDITION, {"commissioner", "council_admin"}),
    "statements:transition": (MPS_EDITION, {"commissioner", "council_admin"}),
    "statements:edit_section": (
        {**MPS_EDITION, "key": "introduction"},
        {"commissioner", "council_admin"},
    ),
    "statements:published_list": (COUNCIL, ANYONE),
    "statements:market_opportunities": ({}, ANYONE),
    "statements:edition": (MPS_EDITION, ANYONE),
    "statements:edition_pdf": (MPS_EDITION, ANYONE),
    "statements:edition_table_csv": ({**MPS_EDITION, "table": "population-older-people"}, ANYONE),
    "statements:la_staff_list": (COUNCIL, {"commissioner", "council_admin"}),
    "statements:la_compare": (
        {**COUNCIL, "statement": "local-account-2024-25"},
        {"commissioner", "council_admin"},
    ),
    "statements:la_draft": (LA_EDITION, {"commissioner", "council_admin"}),
    "statements:la_transition": (LA_EDITION, {"commissioner", "council_admin"}),
    "statements:la_edit_section": (
        {**LA_EDITION, "key": "introduction"},
        {"commissioner", "council_admin"},
    ),
    "statements:la_published_list": (COUNCIL, ANYONE),
    "statements:la_edition": (LA_EDITION, ANYONE),
    "statements:la_edition_pdf": (LA_EDITION, ANYONE),
    "statements:la_edition_table_csv": ({**LA_EDITION, "table": "ascof-measures"}, ANYONE),
    "assessments:index": ({}, ANYONE),
    "assessments:return": ({}, ANYONE),
    "assessments:return_link": ({"token": "not-a-token"}, ANYONE),
    "assessments:delete": ({}, ANYONE),
    "assessments:privacy": ({"form_key": "needs"}, ANYONE),
    "assessments:ask": ({}, ANYONE),
    "assessments:professional": ({}, ANYONE),
    "assessments:sent": ({}, ANYONE),
    "assessments:start": ({"journey": "needs"}, ANYONE),
    "assessments:question": ({"journey": "carer", "step": "where"}, ANYONE),
    "assessments:urgent": ({"journey": "needs"}, ANYONE),
    "assessments:check": ({"journey": "finance"}, ANYONE),
    "assessments:result": ({"journey": "needs"}, ANYONE),
    "assessments:saved": ({"journey": "finance"}, ANYONE),
    "assessments:forget": ({"journey": "needs"}, ANYONE),
    "assessments:refer": ({"journey": "needs"}, ANYONE),
    "assessments:inbox": (COUNCIL, {"practitioner", "council_admin"}),
    "assessments:referral": (
        {**COUNCIL, "reference": "ABCDEFGHJK"},
        {"practitioner", "council_admin"},
    ),
    "assessments:charging_figures": (COUNCIL, {"council_admin"}),
    "assessments:settings": (COUNCIL, {"council_admin"}),
    "imports:imports": (COUNCIL, {"commissioner", "council_admin"}),
    "imports:run": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "needs:findings": (COUNCIL, {"commissioner", "council_admin"}),
    "needs:provenance": (COUNCIL, {"commissioner", "council_admin"}),
    # directory: public search, listings and shortlist (caremarket.directory.urls)
    "directory:search": ({}, ANYONE),
    "directory:places": ({}, ANYONE),
    "directory:service": ({"pk": "00000000-0000-0000-0000-000000000000"}, ANYONE),
    "directory:shortlist": ({}, ANYONE),
    "directory:shortlist_add": ({}, ANYONE),
    "directory:shortlist_remove": ({}, ANYONE),
    "directory:shortlist_email": ({}, ANYONE),
    # directory: listings kept true (caremarket.directory.editorial_urls)
    "listings:manage": ({}, {"provider"}),
    "listings:manage_new": ({}, {"provider"}),
    "listings:manage_edit": ({"pk": "6f1c0a52-6d4e-4b8e-9a61-3c1e2b7d9f00"}, {"provider"}),
    "listings:manage_change": ({"pk": "1"}, {"provider"}),
    "listings:staff_queue": (COUNCIL, {"commissioner", "council_admin"}),
    "listings:staff_change": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "listings:staff_reviews": (COUNCIL, {"commissioner", "council_admin"}),
    "listings:staff_reports": (COUNCIL, {"commissioner", "council_admin"}),
    "listings:staff_report": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "listings:report": ({"pk": "6f1c0a52-6d4e-4b8e-9a61-3c1e2b7d9f00"}, ANYONE),
    "listings:report_sent": ({"pk": "6f1c0a52-6d4e-4b8e-9a61-3c1e2b7d9f00"}, ANYONE),
    # quality: the council's quality team, and providers' own records (caremarket.quality.urls)
    "quality:dashboard": (COUNCIL, QUALITY),
    "quality:location": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:start_stop": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:issue_notice": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:record_exit": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:start_audit": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:open_enquiry": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:enquiry": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:log_concern": (COUNCIL, {"practitioner", "commissioner", *QUALITY}),
    "quality:concern": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:stop": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:notice": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:audit": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:upload_evidence": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:evidence_file": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:delete_evidence": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:share_evidence": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:shared_audit": ({**COUNCIL, "pk": "1"}, QUALITY),
    "quality:exits": (COUNCIL, QUALITY),
    "quality:settings": (COUNCIL, {"council_admin", "quality_officer"}),
    "quality:public_audit": ({"pk": "1"}, ANYONE),
    "quality:provider_home": ({}, {"provider"}),
    "quality:provider_audit": ({"pk": "1"}, {"provider"}),
    "quality:provider_evidence": ({"pk": "1"}, {"provider"}),
    # outcomes: ASCOF from Client Level Data (caremarket.outcomes.urls)
    "outcomes:ascof": (COUNCIL, {"commissioner", "council_admin"}),
    "outcomes:ascof_people": (
        {**COUNCIL, "measure": "2A", "index": "0"},
        {"commissioner", "council_admin"},
    ),
    "outcomes:activity": (COUNCIL, {"commissioner", "council_admin"}),
    "outcomes:activity_csv": ({**COUNCIL, "table": "summary"}, {"commissioner", "council_admin"}),
    "outcomes:targets": (COUNCIL, {"commissioner", "council_admin"}),
    "outcomes:delete_target": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "outcomes:safeguarding": (COUNCIL, {"commissioner", "council_admin"}),
    "outcomes:complaints": (COUNCIL, {"commissioner", "council_admin"}),
    "outcomes:record_feedback": (COUNCIL, {"commissioner", "council_admin"}),
    "outcomes:change_feedback": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "outcomes:remove_feedback": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "outcomes:complaint_deadline": (COUNCIL, {"council_admin"}),
    # sourcing: brokers' requests, offers and packages (caremarket.sourcing.urls)
    "sourcing:requests": (COUNCIL, BROKERS),
    "sourcing:new_request": (COUNCIL, BROKERS),
    "sourcing:request": ({**COUNCIL, "pk": "1"}, BROKERS),
    "sourcing:accept": ({**COUNCIL, "pk": "1"}, BROKERS),
    "sourcing:withdraw": ({**COUNCIL, "pk": "1"}, BROKERS),
    "sourcing:report": (COUNCIL, {"practitioner", "commissioner", "council_admin"}),
    "sourcing:contracts": (COUNCIL, {"practitioner", "commissioner", "council_admin"}),
    "sourcing:packages": (COUNCIL, {"practitioner", "commissioner", "council_admin"}),
    "sourcing:contract": (
        {**COUNCIL, "pk": "1"},
        {"practitioner", "commissioner", "council_admin"},
    ),
    "sourcing:contract_new": (COUNCIL, {"commissioner", "council_admin"}),
    "sourcing:contract_edit": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "sourcing:lot_new": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "sourcing:lot_edit": ({**COUNCIL, "pk": "1", "lot": "1"}, {"commissioner", "council_admin"}),
    "sourcing:uplift_new": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "sourcing:uplift_edit": (
        {**COUNCIL, "pk": "1", "uplift": "1"},
        {"commissioner", "council_admin"},
    ),
    "sourcing:holding_new": ({**COUNCIL, "pk": "1"}, {"commissioner", "council_admin"}),
    "sourcing:holding_edit": (
        {**COUNCIL, "pk": "1", "holding": "1"},
        {"commissioner", "council_admin"},
    ),
    "sourcing:package": ({**COUNCIL, "pk": "1"}, BROKERS),
    "sourcing:provider_requests": ({}, {"provider"}),
    "sourcing:provider_emails": ({}, {"provider"}),
    "sourcing:provider_request": ({"pk": "1"}, {"provider"}),
    # sourcing: care home placements and vacancies (caremarket.sourcing.homes)
    "sourcing:new_placement": (COUNCIL, BROKERS),
    "sourcing:vacancies": (COUNCIL, {"practitioner", "commissioner", "council_admin"}),
    "sourcing:placements": (COUNCIL, {"practitioner", "commissioner", "council_admin"}),
    "sourcing:end_placement": ({**COUNCIL, "pk": "1"}, BROKERS),
    "sourcing:change_placement": ({**COUNCIL, "pk": "1"}, BROKERS),
    "sourcing:provider_vacancies": ({}, {"provider"}),
    "sourcing:provider_vacancy": ({"pk": "1"}, {"provider"}),
    # sourcing: extra care nominations (caremarket.sourcing.nominations)
    "sourcing:extra_care": (COUNCIL, BROKERS),
    "sourcing:new_referral": (COUNCIL, BROKERS),
    "sourcing:referral": ({**COUNCIL, "pk": "1"}, BROKERS),
    "sourcing:scheme_terms": ({**COUNCIL, "pk": "1"}, BROKERS),
    "sourcing:extra_care_table": (COUNCIL, {"practitioner", "commissioner", "council_admin"}),
    "sourcing:extra_care_csv": (COUNCIL, {"practitioner", "commissioner", "council_admin"}),
    "api-1:openapi-json": ({}, ANYONE),
    "api-1:api-root": ({}, ANYONE),
    "api-1:health": ({}, ANYONE),
}

#: API operations by "METHOD path" → allowed roles, checked against each operation's rule.
API_ACCESS: dict[str, set[str] | str] = {
    "GET /health": ANYONE,
    "POST /calc/sufficiency": ANYONE,
    "POST /calc/charge": ANYONE,
    # directory: the Open Referral UK API (caremarket.directory.api)
    "GET /oruk/": ANYONE,
    "GET /oruk/openapi.json": ANYONE,
    "GET /oruk/services": ANYONE,
    "GET /oruk/services/{id}": ANYONE,
    "GET /oruk/organizations": ANYONE,
    "GET /oruk/organizations/{id}": ANYONE,
    "GET /oruk/taxonomies": ANYONE,
    "GET /oruk/taxonomies/{id}": ANYONE,
    "GET /oruk/taxonomy_terms": ANYONE,
    "GET /oruk/taxonomy_terms/{id}": ANYONE,
    "GET /oruk/service_at_locations": ANYONE,
    "GET /oruk/service_at_locations/{id}": ANYONE,
    "GET /oruk/{path:rest}": ANYONE,
    # outcomes: ASCOF from the council's Client Level Data (caremarket.outcomes.api)
    "GET /outcomes/{council}/ascof": {"commissioner", "council_admin"},
    "GET /outcomes/{council}/activity": {"commissioner", "council_admin"},
    # sourcing for case management systems and providers: API tokens only (caremarket.sourcing.api)
    "POST /sourcing/requests": COUNCIL_TOKEN,
    "GET /sourcing/requests": EITHER_TOKEN,
    "GET /sourcing/requests/{request_id}": EITHER_TOKEN,
    "POST /sourcing/requests/{request_id}/withdraw": COUNCIL_TOKEN,
    "GET /sourcing/requests/{request_id}/offers": EITHER_TOKEN,
    "POST /sourcing/requests/{request_id}/offers": PROVIDER_TOKEN,
    "GET /sourcing/packages": EITHER_TOKEN,
    "GET /sourcing/packages/{package_id}": EITHER_TOKEN,
    "GET /sourcing/vacancies": PROVIDER_TOKEN,
    "POST /sourcing/vacancies": PROVIDER_TOKEN,
}


def walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, object]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, pattern.callback


def app_urls() -> list[tuple[str, object]]:
    return [(n, cb) for n, cb in walk(get_resolver().url_patterns) if not n.startswith("admin:")]


def expected_roles(allowed: set[str] | str) -> set[str] | str:
    if allowed == ANYONE or allowed <= EITHER_TOKEN:
        return allowed
    return set(allowed) | {"site_admin"}


def test_every_url_has_a_row_and_a_matching_declared_rule():
    problems = []
    for name, callback in app_urls():
        if name.startswith("api-1:") and name not in FRAMEWORK_RULES:
            continue  # API operations declare their rules per method: checked below
        rule = rule_for(name, callback)
        if rule is None:
            problems.append(f"{name}: the view declares no access rule (@public or @staff)")
            continue
        if name not in URL_ACCESS:
            problems.append(f"{name}: add it to URL_ACCESS in tests/test_access.py")
            continue
        declared = ANYONE if rule.is_public else set(rule.roles)
        if declared != expected_roles(URL_ACCESS[name][1]):
            problems.append(f"{name}: declares {declared}, table says {URL_ACCESS[name][1]}")
    assert not problems, "\n".join(problems)


def test_every_api_operation_declares_a_rule_listed_in_the_table():
    problems = []
    seen = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    key = f"{method} {(prefix + path).replace('//', '/')}"
                    seen.add(key)
                    rule = getattr(operation.view_func, "access_rule", None)
                    if rule is None:
                        problems.append(f"{key}: the operation declares no access rule")
                    elif key not in API_ACCESS:
                        problems.append(f"{key}: add it to API_ACCESS in tests/test_access.py")
                    else:
                        declared = ANYONE if rule.is_public else set(rule.roles)
                        if declared != expected_roles(API_ACCESS[key]):
                            problems.append(
                                f"{key}: declares {declared}, table says {API_ACCESS[key]}"
                            )
    problems += [f"{key}: in API_ACCESS but not in the API" for key in set(API_ACCESS) - seen]
    assert not problems, "\n".join(problems)


TOKEN_OPERATIONS = [k for k, v in API_ACCESS.items() if v != ANYONE and v <= EITHER_TOKEN]


@pytest.mark.parametrize("persona", ["resident", "site_admin"])
def test_token_operations_refuse_everyone_without_a_token(client, councils, persona):
    """Signed in or not, site admin or not: no token, no answer (401), and nothing written."""
    user = persona_user(persona, *councils)
    if user is not None:
        client.force_login(user)
    for key in TOKEN_OPERATIONS:
        method, path = key.split(" ", 1)
        url = "/api/v1" + path.replace("{request_id}", "1").replace("{package_id}", "1")
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data="{}", content_type="application/json")
        assert response.status_code == 401, f"{key} as {persona}: {response.status_code}"


def test_the_table_has_no_stale_rows():
    names = {name for name, _ in app_urls()}
    assert not set(URL_ACCESS) - names


PERSONAS = ["resident", *sorted(STAFF), "site_admin", "commissioner_elsewhere"]


@pytest.fixture
def councils(db):
    stoke = LocalAuthority.objects.create(
        code="E06000021", name="Stoke-on-Trent", slug="stoke-on-trent"
    )
    coventry = LocalAuthority.objects.create(code="E08000026", name="Coventry", slug="coventry")
    return stoke, coventry


def persona_user(persona: str, stoke: LocalAuthority, coventry: LocalAuthority) -> User | None:
    if persona == "resident":
        return None
    user = User.objects.create_user(persona, password="a-long-password-1")
    if persona == "site_admin":
        user.is_superuser = user.is_staff = True
        user.save()
    elif persona == "commissioner_elsewhere":
        Membership.objects.create(user=user, local_authority=coventry, role="commissioner")
    else:
        Membership.objects.create(user=user, local_authority=stoke, role=persona)
    return user


def should_allow(persona: str, allowed: set[str] | str, council_scoped: bool) -> bool:
    if allowed == ANYONE or persona == "site_admin":
        return True
    if persona == "commissioner_elsewhere":
        return not council_scoped and "commissioner" in allowed
    return persona in allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_declared_answer_on_every_url(client, councils, persona):
    user = persona_user(persona, *councils)
    if user is not None:
        client.force_login(user)
    login_url = reverse("accounts:login")
    problems = []
    for name, (kwargs, allowed) in URL_ACCESS.items():
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        allow = should_allow(persona, allowed, "council" in kwargs)
        denied = response.status_code in (401, 403) or (
            response.status_code == 302 and response["Location"].startswith(login_url)
        )
        if response.status_code >= 500:
            problems.append(f"{name} as {persona}: server error {response.status_code}")
        elif allow and denied:
            problems.append(
                f"{name} as {persona}: denied ({response.status_code}) but should be allowed"
            )
        elif not allow and not denied:
            problems.append(
                f"{name} as {persona}: allowed ({response.status_code}) but should be denied"
            )
        elif not allow and user is None and response.status_code != 302:
            problems.append(
                f"{name} as resident: should be sent to sign in, got {response.status_code}"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("persona", PERSONAS)
def test_django_admin_is_for_site_admins_only(client, councils, persona):
    user = persona_user(persona, *councils)
    if user is not None:
        user.is_staff = True  # even a staff flag must not open the admin without site admin
        user.save()
        client.force_login(user)
    response = client.get(reverse("admin:index"))
    if persona == "site_admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


#: Every way to sign in. Each must be held by the one sign-in limit (caremarket.accounts.limits):
#: the product's form counts failures; Django admin's sends people to it and signs no one in.
SIGN_IN_ROUTES = {"accounts:login", "admin:login"}


def is_sign_in(name: str, callback: object) -> bool:
    view = getattr(callback, "view_class", None)
    return name.rsplit(":", 1)[-1] in ("login", "sign_in", "signin") or (
        isinstance(view, type) and issubclass(view, LoginView)
    )


def test_every_sign_in_route_is_listed():
    found = {name for name, cb in walk(get_resolver().url_patterns) if is_sign_in(name, cb)}
    assert found == SIGN_IN_ROUTES


@pytest.mark.parametrize("route", sorted(SIGN_IN_ROUTES))
def test_no_sign_in_route_gives_unlimited_guesses(client, councils, settings, route):
    settings.LOGIN_RATE = "3/15m"
    persona_user("site_admin", *councils)
    wrong = {"username": "site_admin", "password": "a-wrong-password"}
    right = {"username": "site_admin", "password": "a-long-password-1"}
    login_url = reverse("accounts:login")
    for _ in range(4):
        response = client.post(reverse(route), wrong)
    refused = response.status_code == 429 or (
        response.status_code == 302 and response["Location"].startswith(login_url)
    )
    assert refused, f"{route}: the fourth wrong password got {response.status_code}"
    # Once the product's form has refused, no route signs in even with the right password.
    for _ in range(3):
        client.post(login_url, wrong)
    for other in sorted(SIGN_IN_ROUTES):
        client.post(reverse(other), right)
        assert "_auth_user_id" not in client.session, f"{other} signed in past the limit"
