"""`caremarket calc` and `POST /api/v1/calc/…`: one contract, on the command line and over HTTP."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, ValidationError

BIN = Path(sys.executable).parent / "caremarket"
EXAMPLE = {
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
        },
        {
            "service": "housing_with_support",
            "method": "ratio",
            "cohort": {"age_from": 75},
            "per_1000": {"market": 40, "affordable": 93},
            "supply": {"market": 462, "affordable": 1168},
        },
        {
            "service": "res_18_64_clients",
            "method": "trend",
            "history": {"2021": 120, "2022": 131, "2023": 139},
        },
    ],
}


def calc(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [str(BIN), "calc", *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
    )


def test_the_issue_example_from_stdin():
    done = calc("sufficiency", stdin=json.dumps(EXAMPLE))
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    first = next(r for r in rows if r["service"] == "residential_beds" and r["year"] == 2024)
    assert first["demand"] == 1300.0 and first["supply"] == 811 and first["gap"] == 489.0
    totals = [r for r in rows if r["service"] == "housing_with_support" and r["tenure"] == "total"]
    assert len(totals) == 2
    trend = next(r for r in rows if r["service"] == "res_18_64_clients" and r["year"] == 2034)
    assert trend["supply"] is None and trend["gap"] is None
    assert trend["demand"] == pytest.approx(130 + 9.5 * 12)  # OLS: mean 130 at 2022, slope 9.5


def test_a_file_argument_works(tmp_path):
    path = tmp_path / "input.json"
    path.write_text(json.dumps(EXAMPLE))
    assert calc("sufficiency", str(path)).returncode == 0


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "$: no input"),
        ("{not json", "$: not valid JSON"),
        (
            json.dumps(
                {
                    "years": [2024],
                    "population": [],
                    "models": [{"service": "x", "method": "trend", "history": {"2021": 1}}],
                }
            ),
            "models[0].history: needs at least 2 years",
        ),
        ("[1, 2]", "$: must be a JSON object"),
        ('{"a": NaN}', "$: not valid JSON"),
    ],
)
def test_bad_input_exits_2_with_one_line_per_problem_and_nothing_on_stdout(stdin, message):
    done = calc("sufficiency", stdin=stdin)
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_file_is_named(tmp_path):
    done = calc("sufficiency", str(tmp_path / "nope.json"))
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_the_api_serves_the_same_contract(client):
    response = client.post(
        "/api/v1/calc/sufficiency", json.dumps(EXAMPLE), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["rows"][0]["demand"] == 1300.0
    bad = client.post(
        "/api/v1/calc/sufficiency", '{"years": "soon"}', content_type="application/json"
    )
    assert bad.status_code == 400
    assert any(line.startswith("years") for line in bad.json()["errors"])
    huge = client.post(
        "/api/v1/calc/sufficiency", "x" * (6 * 1024 * 1024), content_type="application/json"
    )
    assert huge.status_code in (400, 413)


def test_the_openapi_document_lists_the_calculators(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "400" in paths["/api/v1/calc/sufficiency"]["post"]["responses"]
    assert "/api/v1/calc/charge" in paths


def test_a_sufficiency_answer_matches_the_documented_result_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    documented = paths["/api/v1/calc/sufficiency"]["post"]["responses"]["200"]
    schema = documented["content"]["application/json"]["schema"]
    answer = client.post(
        "/api/v1/calc/sufficiency", json.dumps(EXAMPLE), content_type="application/json"
    ).json()
    Draft202012Validator(schema).validate(answer)
    assert set(answer["inputs"]) == {m["service"] for m in EXAMPLE["models"]}
    with pytest.raises(ValidationError):  # the schema does say something
        Draft202012Validator(schema).validate({"rows": [{"service": "x"}]})


def test_the_charge_calculator_is_served_too():
    payload = {
        "financial_year": "2025/26",
        "setting": "home",
        "age": 70,
        "capital": 18400,
        "weekly_income": [{"type": "state_pension", "amount": 230.25}],
        "disability_related_expenditure": 0,
        "housing_costs": 0,
        "weekly_cost_of_care": 300,
    }
    done = calc("charge", stdin=json.dumps(payload))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert 0 <= result["weekly_contribution"] <= 300
    assert result["steps"]
