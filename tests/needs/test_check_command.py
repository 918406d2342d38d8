"""`caremarket check` on the three councils' published figures finds what does not add up."""

from __future__ import annotations

import csv
import re

import pytest
from django.core.management import CommandError, call_command

from caremarket.needs.checks import findings_for_council
from caremarket.places.models import LocalAuthority
from tests.imports.helpers import EXAMPLES, run

FILES = ("stoke-on-trent.csv", "coventry.csv", "bath-and-north-east-somerset.csv")


def test_it_says_no_findings_when_there_are_none(
    councils: list, capsys: pytest.CaptureFixture
) -> None:
    call_command("check")
    assert capsys.readouterr().out.strip() == "no findings"


def test_it_reports_the_published_inconsistencies(
    councils: list, capsys: pytest.CaptureFixture
) -> None:
    for name in FILES:
        report = run("figures", EXAMPLES / "figures" / name)
        assert report.written
    capsys.readouterr()
    call_command("check")
    output = capsys.readouterr().out
    cited = set(re.findall(r"([a-z-]+\.csv) line (\d+)", output))
    with (EXAMPLES / "figures" / "expected_inconsistencies.csv").open(encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    for row in expected:
        if row["judgement"] == "finding":
            assert (row["file"], row["line"]) in cited, row
    findings = sum(len(findings_for_council(la)) for la in LocalAuthority.objects.all())
    assert len(output.splitlines()) == findings


def test_it_reports_on_one_council(councils: list, capsys: pytest.CaptureFixture) -> None:
    run("figures", EXAMPLES / "figures" / "coventry.csv")
    run("figures", EXAMPLES / "figures" / "stoke-on-trent.csv")
    capsys.readouterr()
    call_command("check", "--council", "E08000026")
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("E08000026 Coventry:") for line in lines)


def test_it_refuses_an_unknown_council(councils: list) -> None:
    with pytest.raises(CommandError, match="unknown council"):
        call_command("check", "--council", "E99999999")


def test_it_shows_an_explanation_beside_its_finding(
    councils: list, capsys: pytest.CaptureFixture
) -> None:
    from caremarket.accounts.models import User
    from caremarket.needs.checks import explain

    run("figures", EXAMPLES / "figures" / "coventry.csv")
    coventry = LocalAuthority.objects.get(code="E08000026")
    telecare = next(f for f in findings_for_council(coventry) if f.rule == "conflict")
    explain(coventry, telecare.key, "Two dates in March 2024.", User.objects.create_user("al"))
    capsys.readouterr()
    call_command("check", "--council", "E08000026")
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "telecare" in x]
    assert "2,359 and 2,370" in line and "Explained by al on " in line
    assert line.endswith(": Two dates in March 2024.")
