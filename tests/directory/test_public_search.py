"""The public search page: the form, results, messages for bad input, never an error page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caremarket.directory.models import Service
from tests.directory import test_search as shared
from tests.directory.test_search import BURSLEM, LONGTON, make_service

# The shared fixtures, made available to this module's tests.
stoke = shared.stoke
coventry = shared.coventry
postcodes = shared.postcodes

URL = reverse("directory:search")


def get(client, **params):
    return client.get(URL, params)


@pytest.mark.django_db
def test_the_empty_search_page_offers_the_form_and_the_needs(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Find care and support" in html
    assert 'name="q"' in html and 'name="postcode"' in html
    assert f"{URL}?category=memory-problems" in html
    assert "result" not in response.context or "page" not in response.context


@pytest.mark.django_db
def test_text_search_lists_results_with_a_count(client):
    make_service("Garden club", organization="Potteries Trust", description="Digging")
    make_service("Chess club")
    response = get(client, q="garden")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 result" in html
    assert "Garden club" in html and "Chess club" not in html
    assert "run by Potteries Trust" in html
    assert response.context["page"].count == 1


@pytest.mark.django_db
def test_the_self_assessment_category_link_works(client):
    make_service("Memory café", categories=["memory-problems"])
    make_service("Chess club")
    response = get(client, category="memory-problems")
    assert [r.service.name for r in response.context["page"].results] == ["Memory café"]
    assert 'value="memory-problems" checked' in response.content.decode()


@pytest.mark.django_db
def test_a_postcode_search_shows_miles_nearest_first(client, postcodes, stoke):
    make_service("Longton club", point=LONGTON)
    make_service("Burslem club", point=BURSLEM)
    make_service("Stoke helpline", council=stoke)
    response = get(client, postcode="st1 1aa", radius="5")
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 results within 5 miles of ST1 1AA" in html
    assert html.index("Burslem club") < html.index("Longton club") < html.index("Stoke helpline")
    assert "1.7 miles away" in html and "3.0 miles away" in html
    assert "Covers all of Stoke-on-Trent" in html


@pytest.mark.django_db
def test_an_unknown_postcode_gets_a_clear_message_and_the_form(client, postcodes):
    make_service("Garden club")
    response = get(client, q="garden", postcode="ZZ9 9ZZ")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "We could not find the postcode ZZ9 9ZZ" in html
    assert '<a href="#id_postcode">' in html
    assert html.count("<title>Error: ") == 1
    assert 'value="ZZ9 9ZZ"' in html
    assert "page" not in response.context


@pytest.mark.django_db
def test_a_7000_character_query_is_cut_with_a_message(client):
    # Longer addresses than 8,000 characters are refused whole (caremarket.requestlimits).
    make_service("Garden club")
    response = get(client, q="garden " + "x" * 7_000)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your search was very long, so we searched for its first 200 characters." in html
    assert "Garden club" in html or "0 results" in html


@pytest.mark.django_db
def test_a_query_of_only_common_words_says_it_shows_everything(client):
    make_service("Garden club")
    make_service("Chess club")
    response = get(client, q="the support *")
    assert response.context["page"].count == 2
    assert "has no words we can search for, so we show every service" in (response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("-1", "Page numbers are whole numbers from 1, so we show the first page."),
        ("0", "Page numbers are whole numbers from 1, so we show the first page."),
        ("two", "Page numbers are whole numbers from 1, so we show the first page."),
        ("1e9", "Page numbers are whole numbers from 1, so we show the first page."),
        ("99999999999999999999999", "There is only 1 page of results, so we show the last one."),
        ("3", "There is only 1 page of results, so we show the last one."),
    ],
)
def test_a_bad_page_number_gets_a_message(client, page, message):
    make_service("Garden club")
    response = get(client, q="garden", page=page)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["page"].page == 1


@pytest.mark.django_db
def test_unknown_filter_values_are_named_and_left_out(client):
    make_service("Garden club", categories=["social-groups"])
    response = client.get(
        URL
        + "?category=no-such-need&category=social-groups&radius=7&client_group=martians"
        + "&cost=gold&rating=Superb&day=9&language=Klingon&council=atlantis"
    )
    assert response.status_code == 200
    html = response.content.decode()
    for bit in (
        "We do not know the need “no-such-need”",
        "the distance “7”",
        "the group “martians”",
        "the cost “gold”",
        "the CQC rating “Superb”",
        "the day “9”",
        "the language “Klingon”",
        "the council “atlantis”",
    ):
        assert bit in html
    assert [r.service.name for r in response.context["page"].results] == ["Garden club"]


@pytest.mark.django_db
@pytest.mark.parametrize("age", ["-5", "seventy", "500", "1" * 50])
def test_a_bad_age_is_an_error_on_the_field(client, age):
    response = get(client, age=age)
    assert response.status_code == 400
    assert "id_age-error" in response.content.decode()


@pytest.mark.django_db
def test_every_filter_reaches_the_search(client, stoke):
    make_service(
        "Tuesday lunch",
        client_groups=["older_people"],
        age_min=60,
        costs=["free"],
        languages=["Urdu"],
        council=stoke,
        categories=["meals-and-food"],
    )
    make_service("Other", age_max=30)
    params = {
        "category": "meals-and-food",
        "client_group": "older_people",
        "age": "70",
        "cost": "free",
        "language": "Urdu",
        "council": "stoke-on-trent",
    }
    response = get(client, **params)
    assert [r.service.name for r in response.context["page"].results] == ["Tuesday lunch"]
    query = response.context["page"]
    assert query.count == 1
    for key in params:
        assert get(client, **{key: params[key]}).context["page"].count == 1, key
    assert get(client, vacancies="yes").context["page"].count == 0
    assert get(client, rating="Good").context["page"].count == 0
    assert get(client, day="0").context["page"].count == 0


@pytest.mark.django_db
def test_results_are_paged_with_govuk_pagination(client):
    for n in range(45):
        make_service(f"Club {n:02d}")
    response = get(client, q="club", page="2")
    html = response.content.decode()
    assert "Results 21 to 40 of 45" in html
    assert 'class="govuk-pagination"' in html
    assert 'aria-current="page">2<' in html
    assert "q=club&amp;page=3" in html and "q=club&amp;page=1" in html
    assert 'rel="prev"' in html and 'rel="next"' in html


@pytest.mark.django_db
def test_a_lapsed_listing_is_flagged(client):
    make_service("Old club", review_due=timezone.localdate() - timedelta(days=1))
    assert "Not checked recently" in get(client, q="club").content.decode()


@pytest.mark.django_db
def test_a_closed_service_is_not_found(client):
    make_service("Closed club", status=Service.Status.DEFUNCT)
    assert get(client, q="club").context["page"].count == 0


@pytest.mark.django_db
def test_place_suggestions_are_json(client, postcodes):
    response = client.get(reverse("directory:places"), {"q": "Sto"})
    assert response.status_code == 200
    assert response.json() == {"places": ["Stoke-on-Trent"]}
    assert client.get(reverse("directory:places"), {"q": "x" * 5000}).json() == {"places": []}


@pytest.mark.django_db
def test_post_to_search_is_refused_without_an_error_page(client):
    assert client.post(URL).status_code == 405


PARAMETERS = ["q", "postcode", "radius", "category", "client_group", "age", "cost", "rating"]
PARAMETERS += ["vacancies", "day", "language", "council", "page"]


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.dictionaries(
        st.sampled_from(PARAMETERS),
        st.lists(st.text(max_size=300), min_size=1, max_size=3),
        max_size=6,
    )
)
def test_any_parameters_get_a_page_never_an_error(client, params):
    if not Service.objects.exists():
        make_service("Garden club", categories=["social-groups"])
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, [v.replace("\x00", "") for v in values])
    response = client.get(URL + "?" + query.urlencode())
    assert response.status_code in (200, 400)
    assert b"Find care and support" in response.content


def _listed(number: int, stoke) -> None:
    """`number` services of every shape a result shows: a care home on the register with its
    vacancies, one with an address, one covering a council."""
    from tests.directory.test_search import _register, _snapshot

    for n in range(number):
        if n % 3 == 0:
            home = _register(f"Garden home {number}-{n}", "Good", timezone.localdate())
            _snapshot(home, stoke, timezone.localdate(), 2)
            make_service(f"Garden home {n}", kind=Service.Kind.CARE_HOME, cqc_location=home)
        elif n % 3 == 1:
            make_service(f"Garden club {n}", point=LONGTON, last_reviewed=timezone.localdate())
        else:
            make_service(f"Garden helpline {n}", council=stoke)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_results(client, stoke):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(number: int) -> int:
        Service.objects.all().delete()
        _listed(number, stoke)
        with CaptureQueriesContext(connection) as captured:
            response = get(client, q="garden")
        assert len(response.context["page"].results) == number
        return len(captured)

    assert queries(3) == queries(18)
