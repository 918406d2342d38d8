"""`caremarket ascof` and `GET /api/v1/outcomes/{council}/ascof` on a hand-worked CLD file.

The sample (tests/outcomes/helpers.py) is worked by hand from DHSC's SQL: A's reablement ends
as planned (2A: 1 of 1, aged 65 and over); B's residential care from June 2024 is one
admission aged 65 and over (2C: 1 per 45,000 = 2.2 per 100,000); C, 40, is in the community on
a direct payment at the year end (3D 1a and 2a; 2E living at home); D, 65 at the year end,
cares with a direct payment (3D 1b and 2b).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority, PopulationFigure
from tests.imports.helpers import run
from tests.outcomes.helpers import STOKE, sample_rows, write_cld


def add_population(council: LocalAuthority, year: int = 2024) -> None:
    """Single years 18 to 89 and 90 and over, summing to 150,000 and 45,000."""
    rows = [(age, age, 150_000 / 47) for age in range(18, 65)]
    rows += [(age, age, 1_000.0) for age in range(65, 90)] + [(90, None, 20_000.0)]
    PopulationFigure.objects.bulk_create(
        PopulationFigure(
            local_authority=council,
            year=year,
            age_from=low,
            age_to=high,
            value=value,
            kind=PopulationFigure.Kind.ESTIMATE,
            source="ONS mid-2024 estimates (test)",
        )
        for low, high, value in rows
    )


@pytest.fixture
def stoke(councils: list, tmp_path: Path) -> LocalAuthority:
    run("cld", write_cld(tmp_path, sample_rows()), council=STOKE)
    return LocalAuthority.objects.get(code=STOKE)


def ascof_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        call_command("ascof", *args)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


EXPECTED = {
    "2A": [
        {"group": "18 to 64", "numerator": 0, "denominator": 0, "value": 0.0},
        {"group": "65 and above", "numerator": 1, "denominator": 1, "value": 100.0},
        {"group": "Total", "numerator": 1, "denominator": 1, "value": 100.0},
    ],
    "2B": [{"group": "18 to 64", "numerator": 0, "denominator": 150000, "value": 0.0}],
    "2C": [{"group": "65 and above", "numerator": 1, "denominator": 45000, "value": 2.2}],
    "2E": [
        {"cohort": "all", "group": g, "gender": s, "numerator": n, "denominator": d, "value": v}
        for g, s, n, d, v in (
            ("18 to 64", "Female", 0, 0, 0.0),
            ("18 to 64", "Male", 1, 1, 100.0),
            ("18 to 64", "Total", 1, 1, 100.0),
            ("65 and above", "Female", 0, 1, 0.0),
            ("65 and above", "Male", 0, 0, 0.0),
            ("65 and above", "Total", 0, 1, 0.0),
        )
    ],
    "3D": [
        {"part": p, "group": g, "numerator": n, "denominator": d, "value": v}
        for p, g, n, d, v in (
            ("1a", "18 to 64", 1, 1, 100.0),
            ("1a", "65 and above", 0, 0, 0.0),
            ("1a", "Total", 1, 1, 100.0),
            ("2a", "18 to 64", 1, 1, 100.0),
            ("2a", "65 and above", 0, 0, 0.0),
            ("2a", "Total", 1, 1, 100.0),
            ("1b", "18 to 64", 0, 0, 0.0),
            ("1b", "65 and above", 1, 1, 100.0),
            ("1b", "Total", 1, 1, 100.0),
            ("2b", "18 to 64", 0, 0, 0.0),
            ("2b", "65 and above", 1, 1, 100.0),
            ("2b", "Total", 1, 1, 100.0),
        )
    ],
}


def test_it_prints_the_measures_as_json(stoke: LocalAuthority, capsys) -> None:
    add_population(stoke)
    code, out, err = ascof_cli(capsys, "--council", STOKE, "--year", "2024/25")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert (data["council"], data["year"]) == (STOKE, "2024/25")
    assert data["measures"] == EXPECTED
    assert data["population"]["18 to 64"] == 150_000
    assert data["population"]["source"].startswith("ONS estimates for mid-2024")
    # the file starts in April 2024, so the four quarters of 2023/24 are named as uncovered
    assert any("No submission covers 1 April 2023" in p for p in data["problems"])
    assert (
        "Service Component: values the method does not compare against, kept as given "
        "(rows): 'Carer payment' (1), 'Residential care' (1)." in data["problems"]
    )


def test_a_missing_population_is_an_error_naming_what_to_import(
    stoke: LocalAuthority, capsys
) -> None:
    add_population(stoke, year=2023)
    code, out, err = ascof_cli(capsys, "--council", STOKE, "--year", "2024/25")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "No ONS population for Stoke-on-Trent in 2024 covering ages 18 to 64 and 65 and over: "
        "import ONS population figures for 2024 by single year of age "
        "(caremarket import ons-snpp FILE)."
    ]


def test_a_gap_in_the_ages_is_not_a_population(stoke: LocalAuthority, capsys) -> None:
    add_population(stoke)
    PopulationFigure.objects.filter(age_from=40).delete()
    code, _, err = ascof_cli(capsys, "--council", STOKE, "--year", "2024/25")
    assert code == 2 and "No ONS population" in err


def test_bad_input_exits_2_with_one_line_per_problem(councils: list, capsys) -> None:
    code, out, err = ascof_cli(capsys, "--council", "E99999999", "--year", "2024-25")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "No council has the ONS code 'E99999999'.",
        "'2024-25' is not a reporting year such as 2024/25.",
    ]
    code, _, err = ascof_cli(capsys)
    assert code == 2 and len(err.strip().splitlines()) == 2
    code, _, err = ascof_cli(capsys, "--council", STOKE, "--year", "2024/25")
    assert code == 2
    assert "No Client Level Data has been imported for Stoke-on-Trent" in err
    assert "No ONS population" in err


def member(role: str, council: LocalAuthority) -> User:
    user = User.objects.create_user(f"{role}-{council.code}", password="a-long-password-1")
    Membership.objects.create(user=user, local_authority=council, role=role)
    return user


def test_the_api_gives_the_same_json_to_the_councils_own_staff_only(
    stoke: LocalAuthority, client
) -> None:
    add_population(stoke)
    url = "/api/v1/outcomes/stoke-on-trent/ascof?year=2024/25"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(member("practitioner", stoke))
    assert client.get(url).status_code == 403
    client.force_login(member("commissioner", LocalAuthority.objects.get(code="E08000026")))
    assert client.get(url).status_code == 403
    client.force_login(member("commissioner", stoke))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()["measures"] == EXPECTED
    bad = client.get("/api/v1/outcomes/stoke-on-trent/ascof?year=2024")
    assert bad.status_code == 400
    assert bad.json() == {"errors": ["'2024' is not a reporting year such as 2024/25."]}
