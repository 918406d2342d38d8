"""The consistency rules on figures built in memory (no database needed), then on the three
councils' published figures against examples/figures/expected_inconsistencies.csv."""

from __future__ import annotations

import csv
from pathlib import Path
from unittest import TestCase

from caremarket.imports.framework import run_import
from caremarket.imports.importers.registry import IMPORTERS
from caremarket.imports.models import ImportRun
from caremarket.needs.checks import findings_for_council, run_checks
from caremarket.needs.models import CouncilFigure
from caremarket.places.models import LocalAuthority

RUN = ImportRun(file_name="figures.csv")


def figure(
    measure: str, dimension: str, category: str, value: float, line: int, **kw: object
) -> CouncilFigure:
    fields: dict[str, object] = {
        "local_authority_id": 1,
        "period": "2023/24",
        "measure": measure,
        "dimension": dimension,
        "category": category,
        "value": value,
        "unit": "people",
        "source": "Test MPS",
        "source_row": line,
        **kw,
    }
    f = CouncilFigure(**fields)
    f.import_run = RUN
    return f


class TotalsTest(TestCase):
    def test_it_reports_a_total_that_is_not_the_sum_of_its_rows(self) -> None:
        findings = run_checks(
            [
                figure("people_supported", "age_band", "18-64", 100, 2),
                figure("people_supported", "age_band", "65+", 200, 3),
                figure("people_supported", "age_band", "Total", 301, 4),
            ]
        )
        assert [f.rule for f in findings] == ["total"]
        assert "301" in findings[0].message and "300" in findings[0].message
        assert findings[0].rows[0] == "figures.csv line 4"

    def test_it_allows_rounding_in_printed_decimals(self) -> None:
        rows = [
            figure("spend", "service", "a", 1.4, 2, unit="gbp", decimals=1),
            figure("spend", "service", "b", 1.4, 3, unit="gbp", decimals=1),
            figure("spend", "service", "Total", 2.9, 4, unit="gbp", decimals=1),
        ]
        assert run_checks(rows) == []

    def test_it_ignores_units_that_do_not_add_up(self) -> None:
        rows = [
            figure("share_pct", "service", "a", 40, 2, unit="pct"),
            figure("share_pct", "service", "Total", 100, 3, unit="pct"),
        ]
        assert run_checks(rows) == []


class PercentagesTest(TestCase):
    def test_it_reports_a_percentage_that_disagrees_with_its_numbers(self) -> None:
        rows = [
            figure("x_pct", "all", "Total", 60.0, 2, unit="pct", decimals=1),
            figure("x_numerator", "all", "Total", 153903, 3),
            figure("x_denominator", "all", "Total", 258400, 4),
        ]
        (finding,) = run_checks(rows)
        assert finding.rule == "percentage" and "59.56%" in finding.message

    def test_it_accepts_a_percentage_within_its_printed_precision(self) -> None:
        rows = [
            figure("x_pct", "all", "Total", 60, 2, unit="pct"),
            figure("x_numerator", "all", "Total", 153903, 3),
            figure("x_denominator", "all", "Total", 258400, 4),
        ]
        assert run_checks(rows) == []


class SubsetsAndBandsTest(TestCase):
    def test_it_reports_a_subset_larger_than_its_set(self) -> None:
        rows = [
            figure("safeguarding_enquiries", "all", "Total", 52, 2),
            figure("safeguarding_enquiries_substantiated", "all", "Total", 61, 3),
        ]
        (finding,) = run_checks(rows)
        assert finding.rule == "subset" and "61" in finding.message

    def test_it_reports_overlapping_and_missing_age_bands(self) -> None:
        overlap = run_checks(
            [figure("p", "age_band", "18-64", 1, 2), figure("p", "age_band", "60-74", 1, 3)]
        )
        gap = run_checks(
            [figure("p", "age_band", "18-64", 1, 2), figure("p", "age_band", "70+", 1, 3)]
        )
        assert [f.rule for f in overlap] == ["age-bands"] and "overlap" in overlap[0].message
        assert [f.rule for f in gap] == ["age-bands"] and "65–69" in gap[0].message

    def test_it_accepts_bands_that_meet(self) -> None:
        rows = [figure("p", "age_band", "18-64", 1, 2), figure("p", "age_band", "65+", 1, 3)]
        assert run_checks(rows) == []

    def test_it_reports_one_figure_published_with_two_values(self) -> None:
        rows = [
            figure("population", "all", "Total", 249008, 2),
            figure("population", "all", "Total", 249000, 3, source="Another document"),
        ]
        (finding,) = run_checks(rows)
        assert finding.rule == "conflict" and len(finding.rows) == 2


class MoreTotalsTest(TestCase):
    def test_it_allows_no_rounding_in_whole_counts(self) -> None:
        parts = [figure("complaints", "service_area", f"s{i}", 6, i + 2) for i in range(14)]
        total = figure("complaints", "service_area", "Total", 85, 16)
        (finding,) = run_checks([*parts, total])
        assert finding.rule == "total" and "a difference of 1" in finding.message

    def test_it_reports_money_off_by_more_than_rounding(self) -> None:
        rows = [
            figure("care_packages_per_week", "package_type", "a", 32.12, 2, unit="hours_per_week"),
            figure("care_packages_per_week", "package_type", "b", 50.63, 3, unit="hours_per_week"),
            figure(
                "care_packages_per_week", "package_type", "Total", 82.83, 4, unit="hours_per_week"
            ),
        ]
        (finding,) = run_checks(rows)
        assert finding.rule == "total" and "82.75" in finding.message

    def test_it_accepts_pounds_within_rounding_of_their_pence(self) -> None:
        rows = [
            figure("fees", "service", "a", 810.34, 2, unit="gbp", decimals=2),
            figure("fees", "service", "b", 200.33, 3, unit="gbp", decimals=2),
            figure("fees", "service", "Total", 1010.68, 4, unit="gbp", decimals=2),
        ]
        assert run_checks(rows) == []

    def test_it_totals_each_part_of_a_compound_breakdown_apart(self) -> None:
        rows = [
            figure("p", "service|age_band", "home_care|18-64", 10, 2),
            figure("p", "service|age_band", "home_care|65+", 20, 3),
            figure("p", "service|age_band", "home_care|Total", 30, 4),
            figure("p", "service|age_band", "day_care|18-64", 1, 5),
            figure("p", "service|age_band", "day_care|Total", 2, 6),
        ]
        (finding,) = run_checks(rows)
        assert "for day_care" in finding.message and finding.rows[0] == "figures.csv line 6"


class MorePercentagesTest(TestCase):
    def test_it_checks_a_vacancy_rate_against_vacancies_and_filled_posts(self) -> None:
        rows = [
            figure("workforce_vacancy_rate_pct", "all", "Total", 12, 2, unit="pct"),
            figure("workforce_filled_posts", "all", "Total", 4600, 3, unit="posts"),
            figure("workforce_vacancies", "all", "Total", 500, 4, unit="posts"),
        ]
        (finding,) = run_checks(rows)
        assert finding.rule == "percentage" and "500 ÷ (4,600 + 500) is 9.80%" in finding.message
        assert finding.rows == ("figures.csv line 2", "figures.csv line 4", "figures.csv line 3")

    def test_it_accepts_a_vacancy_rate_that_agrees(self) -> None:
        rows = [
            figure("workforce_vacancy_rate_pct", "all", "Total", 10, 2, unit="pct"),
            figure("workforce_filled_posts", "all", "Total", 4500, 3, unit="posts"),
            figure("workforce_vacancies", "all", "Total", 500, 4, unit="posts"),
        ]
        assert run_checks(rows) == []

    def test_it_says_nothing_without_the_denominator(self) -> None:
        rows = [
            figure("x_pct", "all", "Total", 60, 2, unit="pct"),
            figure("x_numerator", "all", "Total", 1, 3),
        ]
        assert run_checks(rows) == []


class MoreBandsTest(TestCase):
    def test_it_does_not_count_a_band_spanning_the_others_as_an_overlap(self) -> None:
        rows = [
            figure("p", "age_band", "18-64", 1, 2),
            figure("p", "age_band", "65+", 1, 3),
            figure("p", "age_band", "18+", 2, 4),
        ]
        assert run_checks(rows) == []

    def test_it_still_reports_an_overlap_beside_a_spanning_band(self) -> None:
        rows = [
            figure("p", "age_band", "18-64", 1, 2),
            figure("p", "age_band", "60+", 1, 3),
            figure("p", "age_band", "18+", 2, 4),
        ]
        (finding,) = run_checks(rows)
        assert "18-64 and 60+ overlap" in finding.message

    def test_it_checks_bands_within_each_part_of_a_compound_breakdown(self) -> None:
        rows = [
            figure("p", "service|age_band", "home_care|18-64", 1, 2),
            figure("p", "service|age_band", "home_care|65+", 1, 3),
            figure("p", "service|age_band", "day_care|18-59", 1, 4),
            figure("p", "service|age_band", "day_care|65+", 1, 5),
        ]
        (finding,) = run_checks(rows)
        assert "ages 60–64 are missing" in finding.message


# The three councils' published figures against the oracle in examples/figures/.
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "figures"
RULES = {"total_mismatch": "total", "pct_mismatch": "percentage", "subset_exceeds_set": "subset"}


def test_it_finds_every_published_inconsistency_of_the_rules_it_applies(
    councils: list[LocalAuthority],
) -> None:
    for name in ("stoke-on-trent.csv", "coventry.csv", "bath-and-north-east-somerset.csv"):
        assert run_import(IMPORTERS["figures"], EXAMPLES / name).written
    findings = {council.code: findings_for_council(council) for council in councils}
    with (EXAMPLES / "expected_inconsistencies.csv").open(encoding="utf-8") as handle:
        expected = [row for row in csv.DictReader(handle) if row["rule"] in RULES]
    assert len(expected) == 20
    missed = [
        row
        for row in expected
        if not any(
            f.rule == RULES[row["rule"]]
            and f"{row['measure']} " in f.message
            and row["period"] in f.message
            and f"{row['file']} line {row['line']}" in f.rows
            for f in findings[row["local_authority"]]
        )
    ]
    assert missed == []
