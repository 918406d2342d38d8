"""The checks on the three councils' published figures, against the hand-judged oracle in
examples/figures/expected_inconsistencies.csv: every row judged a finding is reported, no row
judged consistent or not additive is, and nothing else is reported. (The rules themselves are
worked by hand in tests/rules/test_consistency.py.)"""

from __future__ import annotations

import csv
from pathlib import Path

from caremarket.imports.framework import run_import
from caremarket.imports.importers.registry import IMPORTERS
from caremarket.needs.checks import findings_for_council
from caremarket.needs.models import CouncilFigure
from caremarket.places.models import LocalAuthority

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "figures"
FILES = ("stoke-on-trent.csv", "coventry.csv", "bath-and-north-east-somerset.csv")
#: Oracle rule → the checker's rule that covers it.
RULES = {
    "total_mismatch": "total",
    "pct_mismatch": "rate",
    "ratio_mismatch": "rate",
    "change_pct_mismatch": "change",
    "difference_mismatch": "change",
    "subset_exceeds_set": "subset",
    "conflicting_duplicate": "conflict",
}


def oracle() -> list[dict[str, str]]:
    with (EXAMPLES / "expected_inconsistencies.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_it_reports_what_an_analyst_would_and_nothing_else(
    councils: list[LocalAuthority],
) -> None:
    for name in FILES:
        assert run_import(IMPORTERS["figures"], EXAMPLES / name).written
    findings = [f for council in councils for f in findings_for_council(council)]
    rows = oracle()
    wanted = [r for r in rows if r["judgement"] == "finding"]
    assert len(rows) == 40 and len(wanted) == 16

    def cites(row: dict[str, str]) -> list[str]:
        where = f"{row['file']} line {row['line']}"
        return [f.rule for f in findings if f.rule == RULES[row["rule"]] and where in f.rows]

    assert [r for r in wanted if not cites(r)] == []
    assert [r for r in rows if r["judgement"] != "finding" and cites(r)] == []
    # One finding per wanted statement (the weekly averages cite both the week and the year).
    assert len(findings) == len(wanted)
    assert all(f.council in {c.code for c in councils} for f in findings)


def test_a_change_row_keeps_the_period_it_is_measured_from(
    councils: list[LocalAuthority],
) -> None:
    run_import(IMPORTERS["figures"], EXAMPLES / "bath-and-north-east-somerset.csv")
    change = CouncilFigure.objects.get(
        measure="home_care_hours_per_week_change_pct", category="private"
    )
    assert (change.period, change.base_period) == ("2024-05-31", "2023-05-31")
