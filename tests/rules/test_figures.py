"""The dated figure files: well formed, cited, ending, and equal to the published amounts."""

from __future__ import annotations

import tomllib
import unittest
from datetime import date
from decimal import Decimal

from caremarket.rules.figures_store import (
    FIGURES_DIR,
    FigureError,
    MissingFigureError,
    check_overrides,
    figure,
    figure_names,
    figure_value,
    figures_source,
    financial_year_end,
    financial_year_of,
    financial_year_start,
    load_figures,
    year_has_figures,
    year_label_in_words,
    years_with_figures,
)

# Published amounts, copied from shared/reference/charging-figures.md. "D" marks a row the
# reference calls derived or unverified; those rows must say so in their file.
PUBLISHED: dict[str, dict[str, str]] = {
    "capital.upper_limit": {"2023/24": "23250", "2024/25": "23250", "2025/26": "23250"},
    "capital.lower_limit": {"2023/24": "14250", "2024/25": "14250", "2025/26": "14250"},
    "capital.tariff_divisor": {"2023/24": "250", "2024/25": "250", "2025/26": "250"},
    "care_home.personal_expenses_allowance": {
        "2023/24": "28.25",
        "2024/25": "30.15",
        "2025/26": "30.65",
    },
    "care_home.savings_credit_disregard": {
        "2023/24": "6.50",
        "2024/25": "6.95",
        "2025/26": "7.05 D",
    },
    "mig.single_18_to_24": {"2023/24": "82.15", "2024/25": "87.65", "2025/26": "89.15"},
    "mig.single_25_to_pension_credit_age": {
        "2023/24": "103.65",
        "2024/25": "110.60",
        "2025/26": "112.50",
    },
    "mig.single_pension_credit_age": {
        "2023/24": "214.35",
        "2024/25": "228.70",
        "2025/26": "232.60 D",
    },
    "mig.lone_parent": {"2023/24": "103.65", "2024/25": "110.60", "2025/26": "112.50"},
    "mig.couple_18_or_over_each": {"2024/25": "86.85 D", "2025/26": "88.35 D"},
    "mig.couple_pension_credit_age_each": {"2024/25": "174.60 D", "2025/26": "177.55 D"},
    "mig.disability_premium_single": {
        "2023/24": "45.75",
        "2024/25": "48.80",
        "2025/26": "49.65",
    },
    "mig.disability_premium_couple_each": {"2024/25": "34.80 D", "2025/26": "35.40 D"},
    "mig.enhanced_disability_premium_single": {
        "2023/24": "22.35",
        "2024/25": "23.85",
        "2025/26": "24.25",
    },
    "mig.carer_premium": {"2023/24": "49.05", "2024/25": "52.35", "2025/26": "53.25 D"},
    "mig.dependent_child": {"2023/24": "94.90", "2024/25": "101.25", "2025/26": "102.95 D"},
    "benefits.attendance_allowance.higher": {
        "2023/24": "101.75",
        "2024/25": "108.55",
        "2025/26": "110.40",
    },
    "benefits.attendance_allowance.lower": {
        "2023/24": "68.10",
        "2024/25": "72.65",
        "2025/26": "73.90",
    },
    "benefits.pip.daily_living_enhanced": {
        "2023/24": "101.75",
        "2024/25": "108.55",
        "2025/26": "110.40",
    },
    "benefits.pip.daily_living_standard": {
        "2023/24": "68.10",
        "2024/25": "72.65",
        "2025/26": "73.90",
    },
    "benefits.pip.mobility_enhanced": {"2023/24": "71.00", "2024/25": "75.75", "2025/26": "77.05"},
    "benefits.pip.mobility_standard": {"2023/24": "26.90", "2024/25": "28.70", "2025/26": "29.20"},
    "benefits.dla.care_highest": {"2023/24": "101.75", "2024/25": "108.55", "2025/26": "110.40"},
    "benefits.dla.care_middle": {"2023/24": "68.10", "2024/25": "72.65", "2025/26": "73.90"},
    "benefits.dla.care_lowest": {"2023/24": "26.90", "2024/25": "28.70", "2025/26": "29.20"},
}

YEARS = ("2023/24", "2024/25", "2025/26")


class FigureFilesTestCase(unittest.TestCase):
    def test_it_has_label_unit_and_a_cited_url_per_value_in_every_file(self):
        paths = sorted(FIGURES_DIR.rglob("*.toml"))
        self.assertGreater(len(paths), 20)
        for path in paths:
            with self.subTest(path=path.name), path.open("rb") as handle:
                data = tomllib.load(handle, parse_float=Decimal)
                self.assertTrue(str(data.get("label", "")).strip())
                self.assertTrue(str(data.get("unit", "")).strip())
                self.assertIn(data.get("per"), ("none", "week"))
                self.assertTrue(data["value"])
                for row in data["value"]:
                    self.assertTrue(str(row.get("cite", "")).strip())
                    self.assertTrue(str(row.get("url", "")).startswith("https://"))
                    self.assertIsInstance(row.get("from"), date)
                    self.assertIsInstance(row.get("until"), date)
                    if row.get("derived"):
                        self.assertTrue(str(row.get("note", "")).strip())

    def test_it_loads_every_file_with_the_folder_path_as_its_name(self):
        self.assertEqual(sorted(PUBLISHED), figure_names())
        self.assertEqual(load_figures()["capital.upper_limit"].label, "Upper capital limit")
        self.assertEqual(load_figures()["mig.single_18_to_24"].per, "week")

    def test_it_matches_the_published_amounts_for_each_year(self):
        for name, years in PUBLISHED.items():
            for year, published in years.items():
                with self.subTest(name=name, year=year):
                    amount, _, flag = published.partition(" ")
                    value = figure_value(name, financial_year_start(year))
                    self.assertEqual(value.amount, Decimal(amount))
                    self.assertEqual(value.derived, flag == "D")

    def test_it_has_no_value_for_a_year_the_reference_leaves_blank(self):
        for name in ("mig.couple_18_or_over_each", "mig.disability_premium_couple_each"):
            with self.assertRaises(MissingFigureError):
                figure(name, date(2023, 4, 6))

    def test_it_holds_each_years_value_from_6_april_to_5_april(self):
        name = "mig.single_18_to_24"
        self.assertEqual(figure(name, date(2024, 4, 5)), Decimal("82.15"))
        self.assertEqual(figure(name, date(2024, 4, 6)), Decimal("87.65"))
        self.assertEqual(figure(name, date(2026, 4, 5)), Decimal("89.15"))

    def test_it_ships_nothing_for_2026_27(self):
        for name in figure_names():
            with self.subTest(name=name), self.assertRaises(MissingFigureError) as caught:
                figure(name, date(2026, 4, 6))
            self.assertEqual(caught.exception.name, name)
        for name in figure_names():
            for value in load_figures()[name].values:
                self.assertLessEqual(value.until, date(2026, 4, 5))

    def test_it_refuses_a_date_before_any_row(self):
        with self.assertRaises(MissingFigureError):
            figure("mig.single_18_to_24", date(2020, 4, 6))
        with self.assertRaises(MissingFigureError):
            figure("no.such_figure", date(2025, 4, 6))


class OverridesTestCase(unittest.TestCase):
    def test_it_uses_an_override_for_an_unshipped_year(self):
        overrides = {"capital.upper_limit": [(date(2026, 4, 6), Decimal("24000"), "LAC 2026")]}
        self.assertEqual(
            figure("capital.upper_limit", date(2026, 6, 1), overrides), Decimal("24000")
        )

    def test_it_ends_an_override_at_the_end_of_its_charging_year(self):
        overrides = {"capital.upper_limit": [(date(2026, 4, 6), 24000, "LAC 2026")]}
        with self.assertRaises(MissingFigureError):
            figure("capital.upper_limit", date(2027, 4, 6), overrides)
        self.assertEqual(
            figure("capital.upper_limit", date(2027, 4, 5), overrides), Decimal("24000")
        )

    def test_it_lets_an_override_replace_a_shipped_amount_for_its_year(self):
        overrides = {"mig.single_pension_credit_age": [(date(2025, 4, 6), "232.65", "LAC 2025")]}
        value = figure_value("mig.single_pension_credit_age", date(2025, 5, 1), overrides)
        self.assertEqual(value.amount, Decimal("232.65"))
        self.assertTrue(value.override)
        self.assertFalse(value.derived)

    def test_it_keeps_the_newer_shipped_row_over_an_older_override(self):
        overrides = {"mig.single_18_to_24": [(date(2024, 4, 6), 1, "old")]}
        self.assertEqual(figure("mig.single_18_to_24", date(2024, 4, 6), overrides), Decimal(1))
        self.assertEqual(
            figure("mig.single_18_to_24", date(2025, 4, 6), overrides), Decimal("89.15")
        )

    def test_it_reports_malformed_overrides(self):
        self.assertEqual(check_overrides(None), [])
        self.assertEqual(check_overrides({"x": [(date(2026, 4, 6), 1, "c")]}), [])
        self.assertEqual(
            check_overrides([1]), ["overrides: must be a mapping of figure name to rows"]
        )
        problems = check_overrides(
            {
                "a": [("2026-04-06", 1, "c")],
                "b": [(date(2026, 4, 6), "lots", "c")],
                "c": [(date(2026, 4, 6), 1, "")],
                "d": [(date(2026, 4, 6), float("nan"), "c")],
                "e": "nope",
            }
        )
        self.assertEqual(len(problems), 5)
        self.assertEqual(problems[0], "overrides['a'][0]: from must be a date")
        with self.assertRaises(FigureError):
            figure("a", date(2026, 4, 6), {"a": [("2026-04-06", 1, "c")]})


class YearsAndSourcesTestCase(unittest.TestCase):
    def test_it_names_charging_years_from_6_april(self):
        self.assertEqual(financial_year_of(date(2025, 4, 5)), "2024/25")
        self.assertEqual(financial_year_of(date(2025, 4, 6)), "2025/26")
        self.assertEqual(financial_year_of(date(2099, 12, 31)), "2099/00")
        self.assertEqual(financial_year_start("2025/26"), date(2025, 4, 6))
        self.assertEqual(financial_year_end(date(2025, 4, 6)), date(2026, 4, 5))
        for bad in ("2025/27", "2025-26", "25/26", "2025/2026", ""):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                financial_year_start(bad)

    def test_it_describes_a_years_sources_and_derived_amounts(self):
        text = figures_source(date(2025, 4, 6))
        self.assertTrue(text.startswith("Figures for 2025/26"))
        self.assertIn("Social care charging for local authorities: 2025 to 2026", text)
        self.assertIn("Benefit and pension rates 2025 to 2026", text)
        self.assertIn("Minimum Income Guarantee: single, pension credit age or over", text)
        self.assertNotIn("mig.", text)
        self.assertIn("SI 2023/277", figures_source(date(2023, 4, 6)))

    def test_it_knows_which_years_have_every_figure(self):
        self.assertTrue(year_has_figures("2025/26"))
        self.assertFalse(year_has_figures("2026/27"))
        self.assertFalse(year_has_figures("not a year"))
        self.assertEqual(
            years_with_figures(["2024/25", "2026/27", "2025/26", "2027/28"]),
            ["2025/26", "2024/25"],
        )
        every = {
            name: [(date(2026, 4, 6), figure("capital.upper_limit", date(2025, 4, 6)), "LAC")]
            for name in figure_names()
        }
        self.assertEqual(years_with_figures(["2025/26", "2026/27"], every), ["2026/27", "2025/26"])
        self.assertEqual(year_label_in_words("2025/26"), "2025 to 2026")

    def test_it_says_when_a_year_has_no_figures(self):
        self.assertIn("No charging figures are held for 2026/27", figures_source(date(2026, 4, 6)))

    def test_it_names_admin_entered_figures(self):
        overrides = {"capital.upper_limit": [(date(2026, 4, 6), 23250, "LAC(DHSC)(2026)1")]}
        text = figures_source(date(2026, 4, 6), overrides)
        self.assertIn("Entered by a council admin: LAC(DHSC)(2026)1", text)


if __name__ == "__main__":
    unittest.main()
