"""The consistency rules on figures built in memory: no database needed."""

from __future__ import annotations

from unittest import TestCase

from caremarket.imports.models import ImportRun
from caremarket.needs.checks import run_checks
from caremarket.needs.models import CouncilFigure

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
