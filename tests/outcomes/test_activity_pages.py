"""The activity page, its CSVs and `GET /api/v1/outcomes/{council}/activity` on the hand-worked
sample (tests/outcomes/helpers.py).

In 2024/25 the sample holds, for service users: one request from a new client (A, 80 on
10 April 2024, "Progress to reablement/ST-Max"); A's reablement ending 1 June 2024 "as
planned"; B (71 on 31 March 2025) in residential care and C (40) in the community, both still
open at the year end. D is a carer: the carer's service is neither long-term support nor
reablement, and D's request ends in June 2025, after the year.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority
from tests.imports.helpers import run
from tests.outcomes.helpers import STOKE, sample_rows, write_cld

URL = "/staff/stoke-on-trent/outcomes/activity/"
API = "/api/v1/outcomes/stoke-on-trent/activity"


@pytest.fixture
def analyst(councils: list, client) -> User:
    user = User.objects.create_user("analyst", password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=councils[0], role="commissioner")
    client.force_login(user)
    return user


@pytest.fixture
def sample(councils: list, tmp_path: Path) -> None:
    run("cld", write_cld(tmp_path, sample_rows()), council=STOKE)


def test_without_data_the_page_says_what_to_import(analyst: User, client) -> None:
    page = client.get(URL).content.decode()
    assert "No Client Level Data has been imported for Stoke-on-Trent yet" in page


def test_each_table_is_shown_in_words(analyst: User, sample: None, client) -> None:
    page = client.get(URL).content.decode()
    assert '<option value="2024/25" selected>' in page
    for key in ("summary", "requests", "assessments", "reviews", "long-term-year-end"):
        assert f'id="table-{key}"' in page
    assert "1 request in all: 0 aged 18 to 64, 1 aged 65 and over." in page
    assert "2 people in all: 1 aged 18 to 64, 1 aged 65 and over." in page
    assert "People in long-term support on 31 March 2025, by setting" in page
    assert "Went on to reablement (short-term support to regain independence)" in page
    assert "Support ended as planned" in page
    assert "NFA:" not in page and "ST-Max" not in page.replace("(ST-Max)", "")
    assert "/outcomes/ascof/?year=2024/25" in page  # beside the ASCOF page
    # Each table scrolls sideways on a phone inside a named region the keyboard can reach.
    assert page.count(
        '<div class="cm-table-scroll" tabindex="0" role="region" aria-label="Table: '
    ) == len(re.findall(r'id="table-', page))


def test_a_table_downloads_as_csv(analyst: User, sample: None, client) -> None:
    response = client.get(URL + "long-term-year-end.csv?year=2024/25")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "stoke-on-trent-long-term-year-end-2024-25.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Setting",
        "Group",
        "Aged 18 to 64",
        "Aged 65 and over",
        "Under 18",
        "Age not known",
        "All ages",
    ]
    assert rows[1:] == [
        ["Nursing care", "", "0", "0", "0", "0", "0"],
        ["Residential care", "", "0", "1", "0", "0", "1"],
        ["In the community", "", "1", "0", "0", "0", "1"],
        ["In prison", "", "0", "0", "0", "0", "0"],
        ["All people in long-term support", "", "1", "1", "0", "0", "2"],
    ]
    assert client.get(URL + "nonsense.csv?year=2024/25").status_code == 404
    assert client.get(URL + "summary.csv?year=2024").status_code == 404


def test_a_bad_year_is_a_message_not_an_error(analyst: User, sample: None, client) -> None:
    page = client.get(URL + "?year=nonsense")
    assert page.status_code == 200
    assert "is not a reporting year such as 2024/25" in page.content.decode()


def test_the_api_gives_the_tables_to_the_councils_own_staff(
    analyst: User, sample: None, client
) -> None:
    response = client.get(API + "?year=2024/25")
    assert response.status_code == 200
    body = response.json()
    assert body["council"] == STOKE and body["year"] == "2024/25"
    summary = next(t for t in body["tables"] if t["table"] == "summary")
    rows = {r["label"]: r["counts"] for r in summary["rows"]}
    assert rows["Requests for support from new clients"] == {
        "18 to 64": 0,
        "65 and above": 1,
        "Under 18": 0,
        "Unknown": 0,
        "Total": 1,
    }
    assert rows["Reablement episodes that ended in the year"]["Total"] == 1
    assert rows["People in long-term support on 31 March 2025"]["Total"] == 2
    bad = client.get(API + "?year=2024")
    assert bad.status_code == 400
    assert bad.json() == {"errors": ["'2024' is not a reporting year such as 2024/25."]}
    client.force_login(
        User.objects.create_user("other", password="a-long-password-1"),
    )
    Membership.objects.create(
        user=User.objects.get(username="other"),
        local_authority=LocalAuthority.objects.get(code="E08000026"),
        role="commissioner",
    )
    assert client.get(API + "?year=2024/25").status_code == 403
