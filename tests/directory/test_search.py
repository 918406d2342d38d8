"""The search engine on the database in use (SQLite, or PostgreSQL with --postgresql).

`make_service` and the place fixtures are shared with the public page tests.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caremarket.directory import search
from caremarket.directory.models import (
    Organization,
    Schedule,
    Service,
    ServiceLocation,
    TaxonomyTerm,
)
from caremarket.directory.search import Place, PlaceNotFound, SearchQuery, resolve_place
from caremarket.imports.models import ImportRun
from caremarket.market.models import CapacitySnapshot, Location
from caremarket.places.models import Area, LocalAuthority, Postcode
from caremarket.rules.directory import VacancyStatus, miles_between

# Stoke-on-Trent's centre, and points north and south of it.
HANLEY = (53.0246, -2.1766)
STOKE_STATION = (53.0079, -2.1809)
BURSLEM = (53.0452, -2.1990)
LONGTON = (52.9893, -2.1348)
KIDSGROVE = (53.0864, -2.2450)
COVENTRY = (52.4068, -1.5197)


def make_service(
    name: str,
    *,
    description: str = "",
    organization: str = "Stoke Community Trust",
    point: tuple[float, float] | None = None,
    categories: list[str] | None = None,
    council: LocalAuthority | None = None,
    **fields: Any,
) -> Service:
    """A listed service, saved the way the product saves one (so the index follows)."""
    org, _ = Organization.objects.get_or_create(name=organization)
    fields.setdefault("kind", Service.Kind.COMMUNITY_GROUP)
    service = Service.objects.create(
        organization=org, name=name, description=description, local_authority=council, **fields
    )
    if categories:
        service.categories.set(TaxonomyTerm.objects.filter(code__in=categories))
    if point is not None:
        ServiceLocation.objects.create(
            service=service,
            address="1 High Street",
            town="Stoke-on-Trent",
            postcode="ST1 1AA",
            latitude=point[0],
            longitude=point[1],
        )
    return service


@pytest.fixture
def stoke(db) -> LocalAuthority:
    return LocalAuthority.objects.create(code="E06000021", name="Stoke-on-Trent")


@pytest.fixture
def coventry(db) -> LocalAuthority:
    return LocalAuthority.objects.create(code="E08000026", name="Coventry")


@pytest.fixture
def postcodes(stoke, coventry) -> None:
    rows = [
        ("ST1 1AA", HANLEY, "E06000021", False),
        ("ST1 2BB", (HANLEY[0] + 0.002, HANLEY[1] + 0.002), "E06000021", False),
        ("ST4 1AA", STOKE_STATION, "E06000021", False),
        ("ST4 9ZZ", (52.99, -2.17), "E06000021", True),  # terminated
        ("CV1 2GT", COVENTRY, "E08000026", False),
    ]
    for code, (lat, lon), la, terminated in rows:
        Postcode.objects.create(
            postcode=code,
            outward=code.split()[0],
            latitude=lat,
            longitude=lon,
            local_authority_code=la,
            terminated=terminated,
        )
    Area.objects.create(
        local_authority=stoke, kind="ward", name="Burslem Central", latitude=BURSLEM[0],
        longitude=BURSLEM[1],
    )  # fmt: skip


def names(page: search.SearchPage) -> list[str]:
    return [result.service.name for result in page.results]


def run(**kwargs: Any) -> search.SearchPage:
    return search.search(SearchQuery(**kwargs))


# --- Words ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_name_match_ranks_above_a_description_match():
    make_service("Friendship group", description="Weekly garden club and tea.")
    make_service("Garden club", description="Weekly friendship and tea.")
    make_service("Chess club", description="Weekly games.")
    assert names(run(text="garden")) == ["Garden club", "Friendship group"]


@pytest.mark.django_db
def test_the_organisation_name_is_searched_like_a_name():
    make_service("Lunch club", organization="Age UK North Staffordshire")
    make_service("Age matters", description="A talk about ageing")
    assert names(run(text="north staffordshire")) == ["Lunch club"]


@pytest.mark.django_db
def test_words_are_stemmed():
    make_service("Allotment friends", description="Come gardening with us.")
    make_service("Dance class")
    assert names(run(text="garden")) == ["Allotment friends"]
    assert names(run(text="gardens")) == ["Allotment friends"]
    make_service("Garden visits")
    assert set(names(run(text="gardening"))) == {"Allotment friends", "Garden visits"}


@pytest.mark.django_db
def test_a_misspelt_name_is_found():
    make_service("Alzheimer's Society dementia support", organization="Alzheimer's Society")
    make_service("Carers' café")
    page = run(text="Alzhiemers")
    assert names(page) == ["Alzheimer's Society dementia support"]
    assert page.corrections == {"alzhiemers": "alzheimers"}


@pytest.mark.django_db
def test_accents_and_apostrophes_do_not_matter():
    make_service("Carers' café", description="A place for carers")
    assert names(run(text="carers cafe")) == ["Carers' café"]
    assert names(run(text="Café")) == ["Carers' café"]


@pytest.mark.django_db
def test_category_labels_and_residents_words_are_searched():
    make_service("Tuesday group", categories=["memory-problems"])
    make_service("Bus trips")
    # "memory cafe" and "alzheimers" are the residents' words for memory problems.
    assert names(run(text="forgetful")) == ["Tuesday group"]
    assert names(run(text="memory problems")) == ["Tuesday group"]


@pytest.mark.django_db
def test_all_words_must_match_unless_none_do():
    make_service("Garden club")
    make_service("Chess club")
    make_service("Garden centre trips")
    assert names(run(text="garden club")) == ["Garden club"]
    page = run(text="garden knitting")
    assert page.any_word
    assert set(names(page)) == {"Garden club", "Garden centre trips"}
    assert not run(text="garden club").any_word


@pytest.mark.django_db
def test_stop_words_do_not_stop_a_search():
    make_service("Garden club")
    assert names(run(text="a garden club near me")) == ["Garden club"]


@pytest.mark.django_db
def test_search_syntax_in_the_query_is_just_text():
    make_service("Garden club")
    for text in ['garden" OR "x', "garden*", "NEAR(garden club)", "garden & !club", "-garden", "'"]:
        run(text=text)  # no database error
    assert names(run(text='"garden" AND (club)')) == ["Garden club"]


@pytest.mark.django_db
def test_the_index_follows_edits_and_deletions():
    service = make_service("Garden club")
    service.name = "Knitting circle"
    service.save()
    assert names(run(text="garden")) == []
    assert names(run(text="knitting")) == ["Knitting circle"]
    service.organization.name = "Potteries Wool Guild"
    service.organization.save()
    assert names(run(text="potteries")) == ["Knitting circle"]
    service.categories.set(TaxonomyTerm.objects.filter(code="social-groups"))
    assert names(run(text="coffee morning")) == ["Knitting circle"]
    service.delete()
    assert run(text="knitting").count == 0


@pytest.mark.django_db
def test_rebuild_index_indexes_bulk_created_services():
    org = Organization.objects.create(name="Bulk org")
    Service.objects.bulk_create([Service(organization=org, name="Quilting bee", kind="other")])
    assert run(text="quilting").count == 0
    assert search.rebuild_index() == 1
    assert names(run(text="quilting")) == ["Quilting bee"]


@pytest.mark.django_db
def test_a_registered_service_is_found_by_its_specialisms():
    location = _register("Meadow View", "Good")
    location.specialisms = ["Dementia", "Sensory impairment"]
    location.save()
    make_service("Meadow View", kind=Service.Kind.CARE_HOME, cqc_location=location)
    make_service("Lunch club")
    assert names(run(text="sensory")) == ["Meadow View"]


@pytest.mark.django_db
def test_listings_from_before_the_index_are_indexed_after_migrate():
    make_service("Quilting bee")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM directory_search")
    assert run(text="quilting").count == 0
    assert search.ensure_index() == 1
    assert names(run(text="quilting")) == ["Quilting bee"]
    assert search.ensure_index() == 0  # not empty: nothing to do


@pytest.mark.django_db
def test_only_listed_services_are_found():
    make_service("Garden club")
    make_service("Garden closed", status=Service.Status.DEFUNCT)
    assert names(run(text="garden")) == ["Garden club"]
    assert names(run()) == ["Garden club"]


# --- Places --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_full_postcode_resolves_in_any_spacing(postcodes, stoke):
    place = resolve_place(" st11aa ")
    assert place.label == "ST1 1AA"
    assert (place.latitude, place.longitude) == HANLEY
    assert place.council == stoke


@pytest.mark.django_db
def test_a_terminated_postcode_still_resolves(postcodes):
    assert resolve_place("ST4 9ZZ").latitude == 52.99


@pytest.mark.django_db
def test_an_outward_code_is_the_centroid_of_its_postcodes(postcodes, stoke):
    place = resolve_place("st1")
    assert place.label == "ST1"
    assert place.latitude == pytest.approx(HANLEY[0] + 0.001)
    assert place.council == stoke


@pytest.mark.django_db
def test_council_and_area_names_resolve(postcodes, stoke):
    assert resolve_place("stoke on trent").council == stoke
    area = resolve_place("burslem central")
    assert (area.latitude, area.longitude) == BURSLEM
    assert area.label == "Burslem Central, Stoke-on-Trent"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ZZ9 9ZZ", "We could not find the postcode ZZ9 9ZZ"),
        ("zz9", "We could not find the postcode area ZZ9"),
        ("Atlantis", "We could not find “Atlantis”"),
    ],
)
def test_an_unknown_place_says_so(postcodes, text, message):
    with pytest.raises(PlaceNotFound, match=message):
        resolve_place(text)


@pytest.mark.django_db
def test_place_suggestions_are_councils_and_areas(postcodes):
    assert search.suggest_places("sto") == ["Stoke-on-Trent"]
    assert search.suggest_places("bur") == ["Burslem Central"]
    assert search.suggest_places("s") == []


# --- Distance ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_results_are_nearest_first_within_the_radius(postcodes, stoke):
    make_service("Longton lunch club", point=LONGTON)
    make_service("Burslem lunch club", point=BURSLEM)
    make_service("Kidsgrove lunch club", point=KIDSGROVE)
    make_service("Coventry lunch club", point=COVENTRY)
    place = resolve_place("ST1 1AA")
    page = run(place=place, radius=10)
    assert names(page) == ["Burslem lunch club", "Longton lunch club", "Kidsgrove lunch club"]
    miles = [result.miles for result in page.results]
    assert miles == sorted(miles)
    assert miles[0] == pytest.approx(miles_between(*HANLEY, *BURSLEM))
    # Burslem 1.7 miles, Longton 3.0, Kidsgrove 5.1
    assert names(run(place=place, radius=5)) == ["Burslem lunch club", "Longton lunch club"]
    assert names(run(place=place, radius=1)) == []
    assert names(run(place=place, radius=50, text="lunch"))[-1] == "Kidsgrove lunch club"


@pytest.mark.django_db
def test_a_service_at_several_places_counts_its_nearest(postcodes):
    service = make_service("Two sites", point=KIDSGROVE)
    ServiceLocation.objects.create(service=service, latitude=BURSLEM[0], longitude=BURSLEM[1])
    page = run(place=resolve_place("ST1 1AA"), radius=10)
    assert page.count == 1
    assert page.results[0].miles == pytest.approx(miles_between(*HANLEY, *BURSLEM))


@pytest.mark.django_db
def test_a_service_without_an_address_covers_its_council(postcodes, stoke, coventry):
    make_service("Stoke helpline", council=stoke)
    make_service("Coventry helpline", council=coventry)
    make_service("Hanley club", point=HANLEY, council=stoke)
    page = run(place=resolve_place("ST4 1AA"), radius=3)
    assert names(page) == ["Hanley club", "Stoke helpline"]
    helpline = page.results[-1]
    assert helpline.miles is None
    assert helpline.covers == stoke


@pytest.mark.django_db
def test_a_service_that_gains_or_loses_an_address_moves_between_near_and_covering(postcodes, stoke):
    # The index remembers which services have no place on a map (they are few, and found
    # through it): adding or removing an address must move the service.
    helpline = make_service("Stoke helpline", council=stoke)
    place = resolve_place("ST4 1AA")
    assert [r.miles for r in run(place=place, radius=3).results] == [None]
    located = ServiceLocation.objects.create(
        service=helpline, address="1 Town Hall", latitude=HANLEY[0], longitude=HANLEY[1]
    )
    assert [r.miles is not None for r in run(place=place, radius=3).results] == [True]
    assert names(run(place=place, radius=1)) == []  # placed outside the radius: not covering
    located.delete()
    assert [r.covers for r in run(place=place, radius=1).results] == [stoke]


@pytest.mark.django_db
def test_a_council_with_no_postcodes_lists_its_own_services(stoke, coventry):
    make_service("Stoke helpline", council=stoke)
    make_service("Coventry helpline", council=coventry)
    make_service("National helpline")
    page = run(place=Place("Stoke-on-Trent", None, None, stoke))
    assert names(page) == ["Stoke helpline", "National helpline"]
    local, national = page.results
    assert (local.covers, local.national) == (stoke, False)
    assert (national.covers, national.national) == (None, True)


# --- Filters -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_category_filter(postcodes):
    make_service("Memory café", categories=["memory-problems"])
    make_service("Sitting service", categories=["breaks-and-respite", "carers-support"])
    make_service("Chess club")
    assert names(run(categories=["memory-problems"])) == ["Memory café"]
    assert names(run(categories=["memory-problems", "carers-support"])) == [
        "Memory café",
        "Sitting service",
    ]


@pytest.mark.django_db
def test_client_group_age_cost_and_language_filters():
    make_service(
        "For older people",
        client_groups=["older_people", "dementia"],
        age_min=65,
        costs=["free"],
        languages=["English", "Urdu"],
    )
    make_service(
        "For younger adults",
        client_groups=["younger_adults"],
        age_min=18,
        age_max=64,
        costs=["charge", "direct_payment"],
        languages=["English"],
    )
    make_service("For anyone")
    assert names(run(client_group="dementia")) == ["For older people"]
    assert names(run(age=30)) == ["For anyone", "For younger adults"]
    assert names(run(age=70)) == ["For anyone", "For older people"]
    assert names(run(costs=["direct_payment"])) == ["For younger adults"]
    assert names(run(costs=["free", "charge"])) == ["For older people", "For younger adults"]
    assert names(run(language="Urdu")) == ["For older people"]


def _register(name: str, rating: str, rating_date: date | None = None) -> Location:
    run_ = ImportRun.objects.first() or ImportRun.objects.create(
        format="cqc-hsca",
        publisher="CQC",
        dataset="HSCA",
        file_name="hsca.csv",
        sha256="0" * 64,
        status="ok",
    )
    return Location.objects.create(
        cqc_location_id=f"1-{abs(hash(name)) % 10**9}",
        name=name,
        latest_rating=rating,
        latest_rating_date=rating_date,
        care_home=True,
        beds=40,
        import_run=run_,
        source_row=1,
    )


def _snapshot(location: Location, council: LocalAuthority, on: date, vacancies: int) -> None:
    CapacitySnapshot.objects.create(
        cqc_location_id=location.cqc_location_id,
        location=location,
        local_authority=council,
        date=on,
        vacancies_general_residential=vacancies,
        import_run=location.import_run,
        source_row=1,
    )


@pytest.mark.django_db
def test_rating_and_vacancy_filters_and_vacancy_freshness(stoke):
    today = timezone.localdate()
    good = _register("Good home", "Good")
    fresh = _register("Fresh home", "Outstanding")
    stale = _register("Stale home", "Good")
    make_service("Good home", kind=Service.Kind.CARE_HOME, cqc_location=good)
    make_service("Fresh home", kind=Service.Kind.CARE_HOME, cqc_location=fresh)
    make_service("Stale home", kind=Service.Kind.CARE_HOME, cqc_location=stale)
    make_service("Deregistered home", cqc_location=_register("Gone", "Good"))
    Location.objects.filter(name="Gone").update(deregistered=True)
    _snapshot(good, stoke, today - timedelta(days=3), 0)
    _snapshot(good, stoke, today - timedelta(days=20), 4)  # older and more: ignored
    _snapshot(fresh, stoke, today - timedelta(days=14), 2)
    _snapshot(stale, stoke, today - timedelta(days=15), 5)
    assert names(run(ratings=["Good"])) == ["Good home", "Stale home"]
    assert names(run(has_vacancies=True)) == ["Fresh home"]
    statuses = {r.service.name: r.vacancies for r in run().results}
    assert statuses["Fresh home"].status is VacancyStatus.HAS_VACANCIES
    assert statuses["Fresh home"].reported_on == today - timedelta(days=14)
    assert statuses["Good home"].status is VacancyStatus.FULL
    assert statuses["Stale home"].status is VacancyStatus.UNKNOWN
    assert "Deregistered home" not in statuses


@pytest.mark.django_db
def test_weekday_and_council_filters(stoke, coventry):
    tuesday = make_service("Tuesday club", council=stoke)
    Schedule.objects.create(service=tuesday, weekday=1, opens_at=time(10), closes_at=time(12))
    make_service("Coventry club", council=coventry)
    assert names(run(weekday=1)) == ["Tuesday club"]
    assert names(run(weekday=2)) == []
    assert names(run(council=coventry)) == ["Coventry club"]


@pytest.mark.django_db
def test_lapsed_listings_are_shown_and_flagged():
    make_service("Lapsed club", review_due=timezone.localdate() - timedelta(days=1))
    make_service("Current club", review_due=timezone.localdate() + timedelta(days=100))
    page = run()
    assert {r.service.name: r.lapsed for r in page.results} == {
        "Current club": False,
        "Lapsed club": True,
    }


# --- Pages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pagination_counts_and_clamps():
    for n in range(45):
        make_service(f"Club {n:02d}", description="garden")
    page = run(page=2)
    assert (page.count, page.pages, page.page, page.first, page.last) == (45, 3, 2, 21, 40)
    assert names(page)[0] == "Club 20"
    assert len(run(page=3).results) == 5
    beyond = run(page=99)
    assert beyond.page_clamped and beyond.page == 3
    assert run(page=2, text="garden").page == 2
    assert len(run(page=3, text="garden").results) == 5
    every = [name for p in (1, 2, 3) for name in names(run(page=p, text="garden"))]
    assert sorted(every) == [f"Club {n:02d}" for n in range(45)]


@pytest.mark.django_db
def test_no_results_is_an_empty_first_page():
    page = run(text="nothing")
    assert (page.count, page.pages, page.page, page.first, page.results) == (0, 1, 1, 0, [])


@pytest.mark.django_db
def test_a_broad_search_is_ranked_from_its_best_candidates_with_the_same_results(monkeypatch):
    # Some names tie on rank, one top match is not listed, and the ranks differ by how often
    # "care" appears; at 100,000 services "care" matches 81,000.
    for n in range(40):
        make_service(f"Care club {n % 13:02d}", description="care " * (n % 4))
    make_service("Care care care", description="care care care", status=Service.Status.INACTIVE)
    exact = {}
    for page in (1, 2, 4):
        match = search.text_match(["care"], {}, connection.vendor)
        services = search.filtered(SearchQuery(text="care"))
        exact[page] = search._one_page(match.ranked(services), page, 5, ranked=True)[0]
    assert len(exact[4]) == 5
    monkeypatch.setattr(search, "BROAD", 20)  # "broad" from 20 matches, not 2,000
    monkeypatch.setattr(search, "SAMPLE", 10)
    monkeypatch.setattr(search, "BROAD_DEEPEST", 15)  # pages past result 15: ranked in full
    for page in (1, 2):
        broad = run(text="care", page=page, per_page=5)
        assert [r.service.pk for r in broad.results] == exact[page]
        assert broad.estimated
        assert broad.count_text == f"about {broad.count:,}"
        assert 20 <= broad.count <= 60  # 40 listed: an estimate from a sample of 10
    deep = run(text="care", page=4, per_page=5)
    assert [r.service.pk for r in deep.results] == exact[4]
    assert (deep.estimated, deep.count, deep.count_text) == (False, 40, "40")


def _ranking_queries(captured: CaptureQueriesContext) -> int:
    """Queries that rank the index (`TextMatch.best`: ordered by rank, then name)."""
    return sum("ORDER BY r," in query["sql"] for query in captured.captured_queries)


@pytest.mark.django_db
def test_a_broad_search_is_ranked_once_until_the_index_changes(monkeypatch, settings):
    settings.SEARCH_CACHE_SECONDS = 300
    monkeypatch.setattr(search, "BROAD", 20)
    monkeypatch.setattr(search, "SAMPLE", 10)
    for n in range(30):
        make_service(f"Care club {n:02d}", description="care " * (n % 3))
    with CaptureQueriesContext(connection) as first_time:
        first = run(text="care", per_page=5)
    with CaptureQueriesContext(connection) as again:
        second = run(text="care", per_page=5)
    assert first.estimated and second.estimated
    assert [r.service.pk for r in second.results] == [r.service.pk for r in first.results]
    assert (_ranking_queries(first_time), _ranking_queries(again)) == (1, 0)
    # The filters are asked afresh: a listing taken down leaves at once.
    gone = first.results[0].service
    Service.objects.filter(pk=gone.pk).update(status=Service.Status.INACTIVE)
    assert gone.pk not in [r.service.pk for r in run(text="care", per_page=5).results]
    # Any change to the index: ranked again, and a new best match is found.
    best = make_service("Care", description="care care care care")
    with CaptureQueriesContext(connection) as changed:
        third = run(text="care", per_page=5)
    assert _ranking_queries(changed) == 1
    assert third.results[0].service == best


@pytest.mark.django_db
def test_broad_searches_are_not_remembered_when_the_setting_is_zero(monkeypatch, settings):
    settings.SEARCH_CACHE_SECONDS = 0
    monkeypatch.setattr(search, "BROAD", 20)
    monkeypatch.setattr(search, "SAMPLE", 10)
    for n in range(25):
        make_service(f"Care club {n:02d}")
    run(text="care", per_page=5)
    with CaptureQueriesContext(connection) as again:
        run(text="care", per_page=5)
    assert _ranking_queries(again) == 1


@pytest.mark.django_db
def test_a_narrow_search_does_not_use_the_cache(settings):
    settings.SEARCH_CACHE_SECONDS = 300
    make_service("Garden club")
    with CaptureQueriesContext(connection) as captured:
        assert run(text="garden").count == 1
    assert not [q["sql"] for q in captured.captured_queries if "caremarket_cache" in q["sql"]]


# --- Indexes -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=False)
def test_words_are_matched_by_the_full_text_index_never_like():
    make_service("Garden club")
    match = search.text_match(["garden"], {}, connection.vendor)
    ranked = match.ranked(Service.objects.listed())
    sql, params = ranked.query.sql_with_params()
    assert " LIKE " not in sql.upper()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner picks the GIN index once the table is big; a tiny one it would scan.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT service_id FROM directory_search "
                "WHERE document @@ to_tsquery('english'::regconfig, %s)",
                [match.expression],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Bitmap Index Scan on directory_search_document" in plan, plan
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "directory_search_fts VIRTUAL TABLE INDEX" in plan, plan
            assert "SCAN directory_service" not in plan, plan


@pytest.mark.django_db
def test_the_index_finds_services_near_a_place_with_the_words_and_needs():
    stoke = (53.003, -2.18)
    near = (53.03, -2.15)  # about 2 miles away
    far = (53.45, -2.18)  # about 31 miles north
    wanted = make_service("Garden club", point=near, categories=["social-groups"])
    other_need = make_service("Garden club", point=near, categories=["meals-and-food"])
    make_service("Garden club", point=far, categories=["social-groups"])
    other_words = make_service("Chess club", point=stoke, categories=["social-groups"])
    garden = search.text_match(["garden"], {}, connection.vendor)

    def found(match, needs):
        return {near.service_id for near in search.located_near(*stoke, 10, match, needs)}

    def ids(*services):
        return {search.db_id(s.pk, "default") for s in services}

    assert found(garden, ["social-groups"]) == ids(wanted)
    assert found(garden, []) == ids(wanted, other_need)
    assert found(None, ["social-groups"]) == ids(wanted, other_words)
    assert found(None, []) == ids(wanted, other_need, other_words)
    nearest = search.located_near(*stoke, 10, None, [])
    assert [n.miles for n in nearest] == sorted(n.miles for n in nearest)
    assert nearest[0].service_id == search.db_id(other_words.pk, "default")


@pytest.mark.django_db
def test_a_place_is_searched_through_the_index_and_the_location_index(monkeypatch):
    """The radius search visits only the services the index files near the place: on SQLite
    the FTS5 table drives the query and places are read from their index alone; on
    PostgreSQL the facets' GIN index is used. No scan of services or places."""
    make_service("Garden club")
    plans: list[str] = []

    def explain(execute, sql, params, many, context):
        if "directory_servicelocation l" in sql and not sql.startswith("EXPLAIN"):
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL enable_seqscan = off")
                    cursor.execute("EXPLAIN " + sql, params)
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
                else:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                    plans.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
        return execute(sql, params, many, context)

    match = search.text_match(["garden"], {}, connection.vendor)
    with connection.execute_wrapper(explain):
        search.located_near(53.0, -2.2, 10, match, ["social-groups"])
    assert len(plans) == 1
    plan = plans[0]
    if connection.vendor == "postgresql":
        # On a table this small the planner may take the unique service index instead; the
        # facets' GIN index must still answer the place condition alone.
        assert "Seq Scan" not in plan, plan
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT service_id FROM directory_search "
                "WHERE facet_vector @@ to_tsquery('simple'::regconfig, %s)",
                ["g0x1428y1183 | g0x1428y1184"],
            )
            alone = "\n".join(row[0] for row in cursor.fetchall())
        assert "Bitmap Index Scan on directory_search_facets" in alone, alone
    else:
        # The FTS5 table (aliased f) drives; each match's places come from their index alone.
        assert plan.splitlines()[0].startswith("SCAN f VIRTUAL TABLE INDEX"), plan
        assert "COVERING INDEX directory_location_point" in plan, plan
        assert "SCAN directory_service" not in plan, plan
