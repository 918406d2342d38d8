"""Sufficiency engine: hand-worked cases per model, every input problem, and properties."""

from __future__ import annotations

import copy
import gc
import json
import math
import unittest
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caremarket.rules.sufficiency import (
    OPEN,
    PRESETS_DIR,
    Band,
    Cohort,
    CohortError,
    Preset,
    SufficiencyInputError,
    calculate,
    cohort_population,
    load_presets,
    ols_fit,
    preset_from_data,
    prevalence_demand,
    ratio_demand,
    row_inputs,
    trend_projection,
)

ROOT = Path(__file__).resolve().parents[2]
SHARED_CFAS = Path("/work/shared/data/prevalence/cfas2_dementia_prevalence_BCC-PHM.csv")
EXAMPLE_CFAS = ROOT / "examples/data/prevalence/cfas2_dementia_prevalence_BCC-PHM.csv"
CFAS_BANDS = [(65, 69), (70, 74), (75, 79), (80, 84), (85, 89), (90, None)]


def pop(year: int, age_from: int, age_to: int | None, value: Any, sex: str = "all") -> dict:
    return {"year": year, "age_from": age_from, "age_to": age_to, "sex": sex, "value": value}


def example() -> dict[str, Any]:
    """The contract's example: 20,000 people aged 75+ in 2024, 23,000 in 2034."""
    return {
        "years": [2024, 2034],
        "population": [pop(2024, 75, None, 20000), pop(2034, 75, None, 23000)],
        "models": [
            {
                "service": "residential_beds",
                "method": "ratio",
                "cohort": {"age_from": 75},
                "per_1000": 65,
                "supply": 811,
            }
        ],
    }


def with_models(*models: dict[str, Any], **changes: Any) -> dict[str, Any]:
    payload = example()
    payload["models"] = list(models)
    payload.update(changes)
    return payload


def rows_of(result: dict[str, Any], service: str | None = None) -> list[dict[str, Any]]:
    return [r for r in result["rows"] if service is None or r["service"] == service]


def explained(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows, each with what made it (`row_inputs`) under "inputs", as the tests read them."""
    return [dict(row, inputs=row_inputs(result, row)) for row in result["rows"]]


def problems(payload: Any, **kwargs: Any) -> list[str]:
    try:
        calculate(payload, **kwargs)
    except SufficiencyInputError as error:
        return error.problems
    raise AssertionError("expected SufficiencyInputError")


class RatioTests(unittest.TestCase):
    def test_it_multiplies_the_rate_per_1000_by_the_cohort_population(self):
        rows = calculate(example())["rows"]
        picked = [
            {k: r[k] for k in ("service", "tenure", "year", "demand", "supply", "gap")}
            for r in rows
        ]
        self.assertEqual(
            picked,
            [
                {
                    "service": "residential_beds",
                    "tenure": None,
                    "year": 2024,
                    "demand": 1300.0,
                    "supply": 811,
                    "gap": 489.0,
                },
                {
                    "service": "residential_beds",
                    "tenure": None,
                    "year": 2034,
                    "demand": 1495.0,
                    "supply": 811,
                    "gap": 684.0,
                },
            ],
        )
        self.assertIsInstance(rows[0]["demand"], float)

    def test_it_explains_which_inputs_made_the_row(self):
        inputs = explained(calculate(example()))[1]["inputs"]
        self.assertEqual(inputs["method"], "ratio")
        self.assertEqual(inputs["cohort"], {"age_from": 75, "age_to": None, "sex": "all"})
        self.assertEqual(inputs["cohort_population"], 23000)
        self.assertEqual(list(inputs["population_rows"]), [1])
        self.assertEqual(inputs["per_1000"], 65)
        self.assertIsNone(inputs["preset"])

    def test_it_splits_by_tenure_and_adds_a_total_row(self):
        payload = with_models(
            {
                "service": "housing_with_support",
                "method": "ratio",
                "cohort": {"age_from": 75},
                "per_1000": {"market": 40, "affordable": 93},
                "supply": {"market": 462, "affordable": 1168},
            },
            years=[2024],
        )
        rows = explained(calculate(payload))
        self.assertEqual(
            [(r["tenure"], r["demand"], r["supply"], r["gap"]) for r in rows],
            [
                ("market", 800.0, 462, 338.0),
                ("affordable", 1860.0, 1168, 692.0),
                ("total", 2660.0, 1630, 1030.0),
            ],
        )
        self.assertEqual(rows[2]["inputs"]["per_1000"], {"market": 40, "affordable": 93})

    def test_it_puts_a_single_supply_figure_of_a_split_model_on_the_total_row(self):
        payload = with_models(
            {
                "service": "housing",
                "method": "ratio",
                "cohort": {"age_from": 75},
                "per_1000": {"market": 40, "affordable": 93},
                "supply": 2000,
            },
            years=[2024],
        )
        rows = calculate(payload)["rows"]
        self.assertEqual(
            [(r["supply"], r["gap"]) for r in rows], [(None, None)] * 2 + [(2000, 660.0)]
        )

    def test_it_sums_the_rows_wholly_inside_the_cohort_and_ignores_the_rest(self):
        payload = with_models(
            {"service": "beds", "method": "ratio", "cohort": {"age_from": 75}, "per_1000": 50},
            years=[2024],
            population=[
                pop(2024, 18, 64, 300000),
                pop(2024, 65, 74, 25000),
                pop(2024, 75, 79, 8000),
                pop(2024, 80, 84, 6000),
                pop(2024, 85, None, 6000),
            ],
        )
        row = explained(calculate(payload))[0]
        self.assertEqual(row["demand"], 1000.0)
        self.assertEqual(row["inputs"]["cohort_population"], 20000)
        self.assertEqual(list(row["inputs"]["population_rows"]), [2, 3, 4])

    def test_it_uses_the_all_rows_when_male_and_female_rows_cover_the_same_people(self):
        payload = with_models(
            {"service": "beds", "method": "ratio", "cohort": {"age_from": 75}, "per_1000": 100},
            years=[2024],
            population=[
                pop(2024, 75, None, 9000, "male"),
                pop(2024, 75, None, 11000, "female"),
                pop(2024, 75, None, 20000, "all"),
            ],
        )
        row = explained(calculate(payload))[0]
        self.assertEqual(row["demand"], 2000.0)
        self.assertEqual(list(row["inputs"]["population_rows"]), [2])

    def test_it_adds_male_and_female_rows_when_there_are_no_all_rows(self):
        payload = with_models(
            {"service": "beds", "method": "ratio", "cohort": {"age_from": 75}, "per_1000": 100},
            years=[2024],
            population=[pop(2024, 75, None, 9000, "male"), pop(2024, 75, None, 11000, "female")],
        )
        row = explained(calculate(payload))[0]
        self.assertEqual(row["demand"], 2000.0)
        self.assertEqual(sorted(row["inputs"]["population_rows"]), [0, 1])

    def test_it_uses_only_the_rows_of_a_cohorts_sex(self):
        payload = with_models(
            {
                "service": "beds",
                "method": "ratio",
                "cohort": {"age_from": 75, "sex": "female"},
                "per_1000": 100,
            },
            years=[2024],
            population=[
                pop(2024, 75, None, 9000, "male"),
                pop(2024, 75, None, 11000, "female"),
                pop(2024, 75, None, 20000),
            ],
        )
        self.assertEqual(calculate(payload)["rows"][0]["demand"], 1100.0)

    def test_it_works_out_a_bounded_cohort(self):
        payload = with_models(
            {
                "service": "supported_living",
                "method": "ratio",
                "cohort": {"age_from": 18, "age_to": 64},
                "per_1000": 2.5,
            },
            years=[2024],
            population=[
                pop(2024, 18, 29, 40000),
                pop(2024, 30, 64, 160000),
                pop(2024, 65, None, 1),
            ],
        )
        self.assertEqual(calculate(payload)["rows"][0]["demand"], 500.0)


class OutputShapeTests(unittest.TestCase):
    """Rows are plain values; what made them is kept once per service, by year."""

    def payload(self) -> dict[str, Any]:
        return with_models(
            {
                "service": "housing",
                "method": "ratio",
                "cohort": {"age_from": 75},
                "per_1000": {"market": 40, "affordable": 93},
            },
            {"service": "clients", "method": "trend", "history": {"2021": 10, "2022": 12}},
            {
                "service": "dementia",
                "method": "prevalence",
                "rates": [{"age_from": 75, "age_to": None, "sex": "all", "rate": 0.1}],
            },
        )

    def test_rows_hold_only_the_contracts_fields_so_the_collector_never_scans_them(self):
        result = calculate(self.payload())
        self.assertEqual(len(result["rows"]), 2 * 3 + 2 + 2)
        for row in result["rows"]:
            self.assertEqual(list(row), ["service", "tenure", "year", "demand", "supply", "gap"])
            self.assertFalse(gc.is_tracked(row), row)

    def test_inputs_are_per_service_with_by_year_lists_aligned_with_years(self):
        result = calculate(self.payload())
        self.assertEqual(result["years"], [2024, 2034])
        self.assertEqual(list(result["inputs"]), ["housing", "clients", "dementia"])
        for inputs in result["inputs"].values():
            self.assertTrue(inputs["by_year"])
            for values in inputs["by_year"].values():
                self.assertEqual(len(values), 2)
        self.assertEqual(
            result["inputs"]["housing"]["by_year"]["cohort_population"], [20000, 23000]
        )
        self.assertEqual(result["inputs"]["clients"]["by_year"]["projected"], [16.0, 36.0])
        self.assertEqual(
            result["inputs"]["dementia"]["by_year"]["people_with_condition"], [2000.0, 2300.0]
        )

    def test_row_inputs_picks_the_rows_year_out_of_its_services_inputs(self):
        result = calculate(self.payload())
        later = next(r for r in result["rows"] if r["service"] == "housing" and r["year"] == 2034)
        inputs = row_inputs(result, later)
        self.assertEqual(inputs["cohort_population"], 23000)
        self.assertEqual(inputs["per_1000"], {"market": 40, "affordable": 93})
        self.assertNotIn("by_year", inputs)

    def test_years_come_back_in_the_order_asked(self):
        result = calculate(with_models(example()["models"][0], years=[2034, 2024]))
        self.assertEqual(result["years"], [2034, 2024])
        self.assertEqual([r["year"] for r in result["rows"]], [2034, 2024])
        self.assertEqual(
            result["inputs"]["residential_beds"]["by_year"]["cohort_population"], [23000, 20000]
        )


class PresetTests(unittest.TestCase):
    def test_it_ships_the_mcgv2008_rates_with_their_citation(self):
        preset = load_presets()["mcgv2008"]
        self.assertEqual(preset.kind, "ratio")
        self.assertEqual(preset.cohort, Cohort(75, None, "all"))
        self.assertEqual(
            dict(preset.per_1000),
            {
                "residential_care": 65,
                "nursing_care": 45,
                "extra_care": {"rent": 15, "sale": 10},
                "sheltered": 125,
                "enhanced_sheltered": 20,
                "dementia_specific": 6,
            },
        )
        self.assertIn("More Choice, Greater Voice", preset.citation)
        self.assertIn("2008", preset.citation)
        self.assertTrue(preset.url.startswith("https://"))

    def test_it_ships_the_cfas2_dementia_rates_from_the_unchanged_csv(self):
        preset = load_presets()["cfas2_dementia"]
        self.assertEqual(preset.kind, "prevalence")
        self.assertEqual(len(preset.bands), 12)
        self.assertEqual(preset.bands[0], Band(65, 69, "male", 0.012))
        self.assertEqual(preset.bands[-1], Band(90, None, "female", 0.350))
        self.assertIn("Matthews", preset.citation)
        self.assertTrue(preset.url.startswith("https://"))
        shipped = (PRESETS_DIR / "cfas2_dementia_prevalence_BCC-PHM.csv").read_bytes()
        self.assertTrue(shipped.startswith(b"# Source: github.com/BCC-PHM/OA-projections"))
        original = SHARED_CFAS if SHARED_CFAS.exists() else EXAMPLE_CFAS
        self.assertEqual(shipped, original.read_bytes())

    def test_every_shipped_preset_has_a_label_a_citation_and_a_url(self):
        presets = load_presets()
        self.assertEqual(sorted(presets), ["cfas2_dementia", "mcgv2008"])
        for name, preset in presets.items():
            with self.subTest(name):
                self.assertTrue(preset.label.strip())
                self.assertTrue(preset.citation.strip())
                self.assertTrue(preset.url.startswith("https://"))
                self.assertTrue(preset.licence.strip())

    def test_it_uses_a_preset_rate_and_cites_the_preset(self):
        payload = with_models(
            {
                "service": "nursing",
                "method": "ratio",
                "preset": "mcgv2008",
                "preset_rate": "nursing_care",
            },
            years=[2024],
        )
        row = explained(calculate(payload))[0]
        self.assertEqual(row["demand"], 900.0)
        self.assertEqual(row["inputs"]["cohort"], {"age_from": 75, "age_to": None, "sex": "all"})
        self.assertEqual(row["inputs"]["preset"]["name"], "mcgv2008")
        self.assertEqual(row["inputs"]["preset"]["rate"], "nursing_care")
        self.assertIn("More Choice, Greater Voice", row["inputs"]["preset"]["citation"])

    def test_it_splits_extra_care_into_rent_and_sale_from_the_preset(self):
        payload = with_models(
            {
                "service": "extra_care",
                "method": "ratio",
                "preset": "mcgv2008",
                "preset_rate": "extra_care",
                "cohort": {"age_from": 75},
                "supply": {"rent": 250, "sale": 120},
            },
            years=[2024],
        )
        rows = calculate(payload)["rows"]
        self.assertEqual(
            [(r["tenure"], r["demand"], r["gap"]) for r in rows],
            [("rent", 300.0, 50.0), ("sale", 200.0, 80.0), ("total", 500.0, 130.0)],
        )

    def test_it_refuses_a_cohort_other_than_the_one_the_preset_rates_are_per_1000_of(self):
        payload = with_models(
            {
                "service": "beds",
                "method": "ratio",
                "preset": "mcgv2008",
                "preset_rate": "residential_care",
                "cohort": {"age_from": 65},
            }
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].cohort: mcgv2008 rates are per 1,000 people aged 75+ (sex all); "
                "leave cohort out or give those ages"
            ],
        )

    def test_it_takes_council_presets_as_objects_or_as_data(self):
        council = Preset(
            "our_rates",
            "ratio",
            "Our rates",
            "Cabinet report 2024",
            cohort=Cohort(65),
            per_1000={"home_care": 30},
        )
        payload = with_models(
            {
                "service": "home_care",
                "method": "ratio",
                "preset": "our_rates",
                "preset_rate": "home_care",
            },
            years=[2024],
            population=[pop(2024, 65, 74, 10000), pop(2024, 75, None, 20000)],
        )
        self.assertEqual(
            calculate(payload, presets={"our_rates": council})["rows"][0]["demand"], 900.0
        )
        as_data = {"our_rates": council.as_data()}
        self.assertEqual(calculate(payload, presets=as_data)["rows"][0]["demand"], 900.0)
        in_request = {**payload, "presets": as_data}
        self.assertEqual(calculate(in_request)["rows"][0]["demand"], 900.0)

    def test_it_lets_the_caller_override_a_shipped_preset_but_not_the_request(self):
        data = load_presets()["mcgv2008"].as_data()
        data["per_1000"]["residential_care"] = 70
        payload = with_models(
            {
                "service": "beds",
                "method": "ratio",
                "preset": "mcgv2008",
                "preset_rate": "residential_care",
            },
            years=[2024],
        )
        self.assertEqual(
            calculate(payload, presets={"mcgv2008": data})["rows"][0]["demand"], 1400.0
        )
        self.assertEqual(
            problems({**payload, "presets": {"mcgv2008": data}}),
            ["presets.mcgv2008: mcgv2008 is already a preset; choose another name"],
        )

    def test_it_refuses_a_file_name_in_a_request_preset(self):
        data = {
            "kind": "prevalence",
            "label": "x",
            "citation": "y",
            "rates_csv": "../../../etc/passwd",
        }
        self.assertEqual(
            problems({**example(), "presets": {"mine": data}}),
            ["presets.mine.rates_csv: only shipped presets may read a file; give rates"],
        )

    def test_it_checks_a_council_preset_and_names_each_problem(self):
        with self.assertRaises(SufficiencyInputError) as caught:
            preset_from_data(
                "ours",
                {"kind": "ratio", "label": "", "cohort": {"age_from": 75}, "per_1000": {"a": -1}},
            )
        self.assertEqual(
            caught.exception.problems,
            [
                "presets.ours.label: must be non-empty text",
                "presets.ours.citation: must be non-empty text",
                "presets.ours.per_1000.a: must not be negative",
            ],
        )


class PrevalenceTests(unittest.TestCase):
    def test_it_multiplies_sex_specific_rates_by_the_same_bands_and_a_service_use_ratio(self):
        payload = with_models(
            {
                "service": "dementia_support",
                "method": "prevalence",
                "rates": [
                    {"age_from": 65, "age_to": 69, "sex": "male", "rate": 0.012},
                    {"age_from": 65, "age_to": 69, "sex": "female", "rate": 0.018},
                ],
                "service_use_ratio": 0.3,
                "supply": 5,
            },
            years=[2024],
            population=[
                pop(2024, 65, 69, 2200),
                pop(2024, 65, 69, 1000, "male"),
                pop(2024, 65, 69, 1200, "female"),
            ],
        )
        row = explained(calculate(payload))[0]
        # 0.012 × 1,000 + 0.018 × 1,200 = 12 + 21.6 = 33.6 people; × 0.3 = 10.08.
        self.assertAlmostEqual(row["inputs"]["people_with_condition"], 33.6, places=9)
        self.assertAlmostEqual(row["demand"], 10.08, places=9)
        self.assertAlmostEqual(row["gap"], 5.08, places=9)
        self.assertEqual(row["inputs"]["band_population"], (1000, 1200))
        self.assertEqual([list(r) for r in row["inputs"]["population_rows"]], [[1], [2]])

    def test_it_uses_all_sex_rates_with_all_rows(self):
        payload = with_models(
            {
                "service": "dementia_65_plus",
                "method": "prevalence",
                "rates": [
                    {"age_from": 65, "age_to": 69, "sex": "all", "rate": 0.015},
                    {"age_from": 70, "age_to": None, "rate": 0.1},
                ],
            },
            years=[2024],
            population=[
                pop(2024, 65, 69, 10000),
                pop(2024, 70, 79, 3000),
                pop(2024, 80, None, 1000),
            ],
        )
        row = calculate(payload)["rows"][0]
        self.assertAlmostEqual(row["demand"], 150 + 400, places=9)
        self.assertIsNone(row["supply"])
        self.assertIsNone(row["gap"])

    def test_it_applies_the_cfas2_preset_to_male_and_female_bands(self):
        population = []
        for year in (2024, 2030):
            for lo, hi in CFAS_BANDS:
                population += [pop(year, lo, hi, 1000, "male"), pop(year, lo, hi, 1000, "female")]
        payload = with_models(
            {"service": "dementia", "method": "prevalence", "preset": "cfas2_dementia"},
            years=[2024, 2030],
            population=population,
        )
        rows = explained(calculate(payload))
        # Sum of the twelve CFAS II rates is 1.230, each × 1,000 people.
        self.assertAlmostEqual(rows[0]["demand"], 1230.0, places=9)
        self.assertAlmostEqual(rows[1]["demand"], 1230.0, places=9)
        self.assertEqual(rows[0]["inputs"]["preset"]["name"], "cfas2_dementia")
        self.assertEqual(len(rows[0]["inputs"]["bands"]), 12)

    def test_it_needs_male_and_female_rows_for_sex_specific_rates(self):
        payload = with_models(
            {"service": "dementia", "method": "prevalence", "preset": "cfas2_dementia"},
            years=[2024],
            population=[pop(2024, 65, None, 50000)],
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].preset: no male population for year 2024: the population for that "
                "year is not split by sex (model dementia)",
                "models[0].preset: no female population for year 2024: the population for that "
                "year is not split by sex (model dementia)",
            ],
        )

    def test_it_refuses_bands_that_count_people_twice(self):
        payload = with_models(
            {
                "service": "dementia",
                "method": "prevalence",
                "rates": [
                    {"age_from": 65, "age_to": 74, "sex": "all", "rate": 0.02},
                    {"age_from": 70, "age_to": 79, "sex": "male", "rate": 0.05},
                ],
            }
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].rates[1]: overlaps rates[0] (ages 70-79 and 65-74), so people would "
                "be counted twice"
            ],
        )

    def test_it_refuses_a_rate_above_1(self):
        payload = with_models(
            {
                "service": "dementia",
                "method": "prevalence",
                "rates": [{"age_from": 75, "rate": 7.5}],
            }
        )
        self.assertEqual(
            problems(payload),
            ["models[0].rates[0].rate: must not be more than 1 (a proportion: 0.012 means 1.2%)"],
        )


class TrendTests(unittest.TestCase):
    def test_it_fits_ordinary_least_squares_to_people_supported(self):
        payload = with_models(
            {
                "service": "res_18_64_clients",
                "method": "trend",
                "history": {"2021": 120, "2022": 131, "2023": 139},
                "supply": 140,
            }
        )
        rows = explained(calculate(payload))
        # x̄ = 2022, ȳ = 130; slope = ((-1)(-10) + 0 + (1)(9)) / 2 = 9.5; 2024: 130 + 2 × 9.5.
        self.assertEqual([r["year"] for r in rows], [2024, 2034])
        self.assertAlmostEqual(rows[0]["demand"], 149.0, places=9)
        self.assertAlmostEqual(rows[1]["demand"], 244.0, places=9)
        self.assertAlmostEqual(rows[0]["gap"], 9.0, places=9)
        inputs = rows[0]["inputs"]
        self.assertAlmostEqual(inputs["slope"], 9.5, places=12)
        self.assertAlmostEqual(inputs["intercept"], 130 - 9.5 * 2022, places=6)
        self.assertEqual(inputs["history"], {"2021": 120, "2022": 131, "2023": 139})
        self.assertFalse(inputs["floored"])

    def test_it_fits_the_rate_per_head_and_multiplies_by_the_cohort_population(self):
        payload = with_models(
            {
                "service": "la_18_64",
                "method": "trend",
                "cohort": {"age_from": 18, "age_to": 64},
                "history": {"2021": 100, "2022": 121, "2023": 144},
            },
            years=[2024],
            population=[
                pop(2021, 18, 64, 100000),
                pop(2022, 18, 64, 110000),
                pop(2023, 18, 64, 120000),
                pop(2024, 18, 64, 125000),
            ],
        )
        row = explained(calculate(payload))[0]
        # Rates 0.0010, 0.0011, 0.0012 per head: slope 0.0001 a year, so 0.0013 in 2024,
        # × 125,000 people = 162.5 (a plain trend on people would say 165.67).
        self.assertAlmostEqual(row["demand"], 162.5, places=6)
        self.assertAlmostEqual(row["inputs"]["slope"], 0.0001, places=12)
        self.assertAlmostEqual(row["inputs"]["projected"], 0.0013, places=12)
        self.assertEqual(row["inputs"]["cohort_population"], 125000)
        self.assertEqual(
            row["inputs"]["history_population"], {"2021": 100000, "2022": 110000, "2023": 120000}
        )

    def test_it_extrapolates_below_zero_without_a_floor(self):
        payload = with_models(
            {"service": "x", "method": "trend", "history": {"2021": 30, "2022": 20, "2023": 10}},
            years=[2024, 2025],
        )
        self.assertEqual([round(r["demand"], 9) for r in calculate(payload)["rows"]], [0.0, -10.0])

    def test_it_clips_at_the_floor_when_asked(self):
        payload = with_models(
            {
                "service": "x",
                "method": "trend",
                "history": {"2021": 30, "2022": 20, "2023": 10},
                "floor": 0,
            },
            years=[2023, 2025],
        )
        rows = explained(calculate(payload))
        self.assertAlmostEqual(rows[0]["demand"], 10.0, places=9)
        self.assertEqual(rows[1]["demand"], 0.0)
        self.assertIsInstance(rows[1]["demand"], float)
        self.assertTrue(rows[1]["inputs"]["floored"])
        self.assertAlmostEqual(rows[1]["inputs"]["projected"], -10.0, places=9)

    def test_it_refuses_a_cohort_with_no_people_in_a_history_year(self):
        payload = with_models(
            {
                "service": "x",
                "method": "trend",
                "cohort": {"age_from": 75},
                "history": {"2023": 10, "2024": 12},
            },
            years=[2024],
            population=[pop(2023, 75, None, 0), pop(2024, 75, None, 100)],
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].cohort: population is 0 for year 2023, so a rate per head cannot be "
                "worked out (model x)"
            ],
        )


class ArithmeticTests(unittest.TestCase):
    def test_ols_fit_matches_a_hand_worked_fit(self):
        # x̄ = 2.5, ȳ = 3.75, Sxy = 3.5, Sxx = 5: slope 0.7, intercept 3.75 − 0.7 × 2.5 = 2.0.
        slope, intercept = ols_fit([1, 2, 3, 4], [2, 4, 5, 4])
        self.assertAlmostEqual(slope, 0.7, places=12)
        self.assertAlmostEqual(intercept, 2.0, places=12)

    def test_ols_fit_needs_two_different_xs(self):
        with self.assertRaises(ValueError):
            ols_fit([2024], [1])
        with self.assertRaises(ValueError):
            ols_fit([2024, 2024], [1, 2])

    def test_trend_projection_adjusts_for_population_and_floors(self):
        self.assertEqual(trend_projection(2.0, -4000.0, 2025), 50.0)
        self.assertEqual(trend_projection(0.0, 0.002, 2025, population=1000), 2.0)
        self.assertEqual(trend_projection(-1.0, 2000.0, 2025, floor=0), 0.0)

    def test_ratio_and_prevalence_demand(self):
        self.assertEqual(ratio_demand(65, 20000), 1300.0)
        self.assertAlmostEqual(prevalence_demand([(0.012, 1000), (0.018, 1200)], 0.3), 10.08)

    def test_cohort_population_sums_rows_inside_and_names_the_rows(self):
        rows = [(65, 74, 0, 5.0), (75, 84, 1, 3.0), (85, OPEN, 2, 1.0)]
        self.assertEqual(cohort_population(rows, 75, None), (4.0, (1, 2)))
        self.assertEqual(cohort_population(rows, 65, 84), (8.0, (0, 1)))
        with self.assertRaises(CohortError) as caught:
            cohort_population(rows, 80, None, year=2024)
        self.assertEqual(
            caught.exception.reason,
            "population[1] (ages 75-84) straddles the edge of ages 80+ for year 2024; give "
            "rows that fit inside it",
        )

    def test_cohort_population_finds_a_wide_row_straddling_from_below(self):
        rows = [(0, OPEN, 9, 1e6), (65, 74, 0, 5.0), (75, OPEN, 1, 3.0)]
        with self.assertRaises(CohortError) as caught:
            cohort_population(rows, 75, None)
        self.assertTrue(caught.exception.reason.startswith("population[9] (ages 0+) straddles"))


class PopulationProblemTests(unittest.TestCase):
    def model(self, **cohort: Any) -> dict[str, Any]:
        return {
            "service": "residential_beds",
            "method": "ratio",
            "cohort": cohort or {"age_from": 75},
            "per_1000": 65,
        }

    def test_it_names_a_missing_year(self):
        payload = example()
        del payload["population"][1]
        self.assertEqual(
            problems(payload),
            ["models[0].cohort: no population for year 2034 (model residential_beds)"],
        )

    def test_it_refuses_a_row_that_straddles_the_cohort(self):
        payload = with_models(
            self.model(), years=[2024], population=[pop(2024, 70, 79, 1), pop(2024, 80, None, 1)]
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].cohort: population[0] (ages 70-79) straddles the edge of ages 75+ for "
                "year 2024; give rows that fit inside it (model residential_beds)"
            ],
        )

    def test_it_refuses_a_band_and_single_years_covering_the_same_people(self):
        population = [pop(2024, 75, None, 20000)] + [pop(2024, a, a, 500) for a in range(75, 90)]
        population.append(pop(2024, 90, None, 2000))
        payload = with_models(self.model(), years=[2024], population=population)
        self.assertEqual(
            problems(payload),
            [
                "models[0].cohort: population[1] (ages 75-75) and population[0] (ages 75+) "
                "overlap for year 2024, so people would be counted twice (model residential_beds)"
            ],
        )

    def test_it_refuses_ages_with_no_row(self):
        payload = with_models(
            self.model(),
            years=[2024],
            population=[pop(2024, 75, 79, 1), pop(2024, 85, None, 1)],
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].cohort: population for year 2024 has no row for ages 80-84 "
                "(model residential_beds)"
            ],
        )

    def test_it_refuses_an_open_ended_cohort_without_an_open_ended_row(self):
        payload = with_models(
            self.model(), years=[2024], population=[pop(2024, 75, 84, 1), pop(2024, 85, 89, 1)]
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].cohort: population for year 2024 has no row for ages 90+ "
                "(model residential_beds)"
            ],
        )

    def test_it_names_the_missing_half_of_a_sex_split(self):
        payload = with_models(
            self.model(), years=[2024], population=[pop(2024, 75, None, 1, "male")]
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].cohort: no female population for year 2024, so the population of all "
                "sexes cannot be made from male and female rows (model residential_beds)"
            ],
        )

    def test_it_refuses_negative_and_repeated_rows_without_knock_on_problems(self):
        payload = with_models(
            self.model(),
            years=[2024],
            population=[pop(2024, 75, None, 1), pop(2024, 75, None, 2), pop(2024, 18, 64, -5)],
        )
        self.assertEqual(
            problems(payload),
            [
                "population[2].value: must not be negative",
                "population[1]: repeats population[0] (year 2024, ages 75+, sex all)",
            ],
        )

    def test_it_does_not_report_a_gap_that_is_only_a_bad_row_again(self):
        payload = with_models(
            self.model(),
            years=[2024],
            population=[pop(2024, 75, 84, 1), pop(2024, "85", None, 1)],
        )
        self.assertEqual(
            problems(payload),
            ["population[1].age_from: must be a whole number of years from 0 to 150"],
        )


class InputProblemTests(unittest.TestCase):
    def test_it_wants_an_object(self):
        for payload in (None, [], "x", 3, True):
            with self.subTest(payload):
                self.assertEqual(
                    problems(payload),
                    ["$: must be a JSON object with years, population and models"],
                )

    def test_it_wants_years(self):
        for years in (None, [], "2024", {"2024": 1}):
            with self.subTest(years):
                payload = example()
                payload["years"] = years
                self.assertEqual(problems(payload), ["years: must be a non-empty list of years"])

    def test_it_names_each_bad_year(self):
        payload = example()
        payload["years"] = [2024, "2034", True, 2034.5, float("nan"), 10**5000, 2024]
        rule = "must be a year (a whole number from 1900 to 2200)"
        self.assertEqual(
            problems(payload),
            [f"years[{k}]: {rule}" for k in range(1, 6)] + ["years[6]: 2024 is listed twice"],
        )

    def test_it_wants_models(self):
        for models in (None, [], {}):
            with self.subTest(models):
                self.assertEqual(
                    problems(with_models(models=models)),
                    ["models: must be a non-empty list of models"],
                )

    def test_it_needs_two_years_of_history(self):
        payload = example()
        payload["models"] += [
            {"service": "a", "method": "trend", "history": {"2021": 1, "2022": 2}},
            {"service": "b", "method": "trend", "history": {"2021": 1}},
        ]
        self.assertEqual(problems(payload), ["models[2].history: needs at least 2 years"])

    def test_it_names_bad_history_entries(self):
        payload = with_models(
            {
                "service": "a",
                "method": "trend",
                "history": {"2021": "12", "twenty": 3, "2023": -1, "2024": None},
            }
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].history.2021: must be a number",
                "models[0].history.twenty: key must be a year (a whole number from 1900 to 2200)",
                "models[0].history.2023: must not be negative",
                "models[0].history.2024: must be a number",
            ],
        )

    def test_it_refuses_wrong_numbers_everywhere(self):
        cases = [
            (
                "65",
                "models[0].per_1000: must be a number, or numbers by tenure such as "
                '{"market": 40, "affordable": 93}',
            ),
            (
                True,
                "models[0].per_1000: must be a number, or numbers by tenure such as "
                '{"market": 40, "affordable": 93}',
            ),
            (float("nan"), "models[0].per_1000: must be a finite number"),
            (float("inf"), "models[0].per_1000: must be a finite number"),
            (10**400, "models[0].per_1000: must be a finite number"),
            (-1, "models[0].per_1000: must not be negative"),
            ({}, "models[0].per_1000: must name at least one tenure"),
            (
                {"total": 4},
                'models[0].per_1000.total: "total" is kept for the row that adds up the tenures',
            ),
        ]
        for value, message in cases:
            with self.subTest(value=value):
                payload = example()
                payload["models"][0]["per_1000"] = value
                self.assertEqual(problems(payload), [message])

    def test_it_refuses_bad_population_rows(self):
        payload = example()
        payload["population"] += [
            "row",
            {"year": 2024, "age_from": 75, "sex": "persons", "value": 1, "area": "E0800009"},
            {"year": 1800, "age_from": -1, "age_to": None, "value": True},
            {"year": 2024, "age_from": 80, "age_to": 70, "value": float("inf")},
        ]
        self.assertEqual(
            problems(payload),
            [
                "population[2]: must be an object with year, age_from, age_to, sex and value",
                "population[3].area: unknown field (expected: age_from, age_to, sex, value, year)",
                'population[3].sex: must be "all", "male" or "female"',
                "population[4].year: must be a year (a whole number from 1900 to 2200)",
                "population[4].age_from: must be a whole number of years from 0 to 150",
                "population[4].value: must be a number",
                "population[5].age_to: must not be below age_from",
                "population[5].value: must be a finite number",
            ],
        )

    def test_it_refuses_unknown_methods_presets_and_fields(self):
        payload = with_models(
            {"service": "a", "method": "guess"},
            {"service": "b", "method": "ratio", "preset": "nope", "preset_rate": "x"},
            {"service": "c", "method": "ratio", "preset": "cfas2_dementia", "preset_rate": "x"},
            {"service": "d", "method": "ratio", "preset": "mcgv2008", "preset_rate": "x"},
            {
                "service": "e",
                "method": "ratio",
                "per_1000": 1,
                "cohort": {"age_from": 75},
                "history": {},
                "colour": "red",
                "label": "Extra care (a label is fine)",
            },
            {"service": "f", "method": "prevalence", "preset": "mcgv2008"},
        )
        rates = (
            "residential_care, nursing_care, sheltered, enhanced_sheltered, dementia_specific, "
            "extra_care"
        )
        self.assertEqual(
            problems(payload),
            [
                'models[0].method: must be "ratio", "prevalence" or "trend"',
                'models[1].preset: unknown preset "nope" (known: cfas2_dementia, mcgv2008)',
                "models[2].preset: cfas2_dementia is a prevalence preset; a ratio model needs a "
                "ratio preset (mcgv2008)",
                f'models[3].preset_rate: mcgv2008 has no rate "x" ({rates})',
                "models[4].history: not used by ratio models",
                "models[4].colour: unknown field (expected: cohort, method, per_1000, preset, "
                "preset_rate, service, supply)",
                "models[5].preset: mcgv2008 is a ratio preset; a prevalence model needs a "
                "prevalence preset (cfas2_dementia)",
            ],
        )

    def test_it_refuses_duplicate_services_and_bad_names(self):
        payload = example()
        payload["models"] += [
            copy.deepcopy(payload["models"][0]),
            {"service": "", "method": "trend"},
        ]
        self.assertEqual(
            problems(payload),
            [
                'models[1].service: "residential_beds" is already used by models[0]',
                "models[2].service: must be a non-empty string",
                "models[2].history: must be an object of people supported by year, such as "
                '{"2022": 120, "2023": 131}',
            ],
        )

    def test_it_wants_supply_tenures_to_match_the_rates(self):
        payload = with_models(
            {
                "service": "housing",
                "method": "ratio",
                "cohort": {"age_from": 75},
                "per_1000": {"market": 40, "affordable": 93},
                "supply": {"market": 462, "social": 10},
            },
            {
                "service": "beds",
                "method": "ratio",
                "cohort": {"age_from": 75},
                "per_1000": 65,
                "supply": {"market": 1},
            },
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].supply: tenures must match per_1000 (missing: affordable; "
                "not in per_1000: social)",
                "models[1].supply: must be a number (this model is not split by tenure)",
            ],
        )

    def test_it_names_each_missing_ratio_field(self):
        payload = with_models(
            {"service": "a", "method": "ratio"},
            {
                "service": "b",
                "method": "ratio",
                "preset_rate": "x",
                "per_1000": 1,
                "cohort": {"age_from": "75", "age_to": 200, "sex": "persons"},
            },
            {"service": "c", "method": "ratio", "preset": "mcgv2008", "per_1000": 1},
        )
        self.assertEqual(
            problems(payload),
            [
                "models[0].per_1000: is required (or give preset and preset_rate)",
                "models[0].cohort: is required for a ratio model",
                "models[1].preset_rate: only used together with preset",
                "models[1].cohort.age_from: must be a whole number of years from 0 to 150",
                "models[1].cohort.age_to: must be a whole number of years from 0 to 150, or null "
                "for open-ended",
                'models[1].cohort.sex: must be "all", "male" or "female"',
                "models[2].per_1000: give either per_1000 or a preset, not both",
                "models[2].preset_rate: is required with a ratio preset (residential_care, "
                "nursing_care, sheltered, enhanced_sheltered, dementia_specific, extra_care)",
            ],
        )

    def test_it_reports_numbers_too_large_to_work_with(self):
        payload = with_models(
            {"service": "big", "method": "ratio", "cohort": {"age_from": 75}, "per_1000": 1e308},
            years=[2024],
            population=[pop(2024, 75, None, 1e308)],
        )
        self.assertEqual(
            problems(payload),
            ["models[0]: the numbers are too large to work out year 2024 (model big)"],
        )

    def test_it_names_only_the_years_too_large_in_each_kind_of_model(self):
        population = [pop(2024, 75, None, 1000), pop(2034, 75, None, 1e308)]
        models = [
            {"service": "r", "method": "ratio", "cohort": {"age_from": 75}, "per_1000": 1e6},
            {"service": "s", "method": "ratio", "cohort": {"age_from": 75},
             "per_1000": {"market": 1e6, "affordable": 1},
             "supply": {"market": 1, "affordable": 1}},
            {"service": "p", "method": "prevalence", "service_use_ratio": 1e300,
             "rates": [{"age_from": 75, "age_to": None, "sex": "all", "rate": 0.5}]},
        ]  # fmt: skip
        payload = with_models(*models, population=population)
        self.assertEqual(
            problems(payload),
            [
                f"models[{i}]: the numbers are too large to work out year 2034 (model {m})"
                for i, m in enumerate("rsp")
            ],
        )

    def test_figures_each_finite_whose_sum_is_not_are_worked_out(self):
        # 1.5e308 in each of two years: finite, though their sum overflows to infinity.
        payload = with_models(
            {"service": "big", "method": "prevalence", "service_use_ratio": 3,
             "rates": [{"age_from": 75, "age_to": None, "sex": "all", "rate": 0.5}]},
            population=[pop(2024, 75, None, 1e308), pop(2034, 75, None, 1e308)],
        )  # fmt: skip
        rows = calculate(payload)["rows"]
        self.assertEqual([r["demand"] for r in rows], [1.5e308, 1.5e308])

    def test_it_collects_every_problem_at_once(self):
        payload = {
            "years": [2024, "x"],
            "population": [pop(2024, 75, None, -1)],
            "models": [
                {"service": "a", "method": "ratio", "cohort": {"age_from": 75}, "per_1000": "1"},
                {"service": "b", "method": "trend", "history": {"2021": 1}},
                {"service": "c", "method": "prevalence", "rates": []},
            ],
            "extra": 1,
        }
        self.assertEqual(
            problems(payload),
            [
                "extra: unknown field (expected: models, population, presets, years)",
                "years[1]: must be a year (a whole number from 1900 to 2200)",
                "population[0].value: must not be negative",
                'models[0].per_1000: must be a number, or numbers by tenure such as {"market": '
                '40, "affordable": 93}',
                "models[1].history: needs at least 2 years",
                'models[2].rates: must be a non-empty list of bands such as {"age_from": 65, '
                '"age_to": 69, "sex": "all", "rate": 0.015}',
            ],
        )

    def test_the_error_is_a_value_error_with_one_line_per_problem(self):
        with self.assertRaises(ValueError) as caught:
            calculate({"years": []})
        self.assertIsInstance(caught.exception, SufficiencyInputError)
        self.assertEqual(str(caught.exception), "; ".join(caught.exception.problems))


# --- properties -----------------------------------------------------------------------------

finite = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=0, max_value=10**7)


def ratio_payload(people: list[float], rates: dict[str, float], supply: Any) -> dict[str, Any]:
    years = list(range(2024, 2024 + len(people)))
    return {
        "years": years,
        "population": [pop(y, 75, None, v) for y, v in zip(years, people, strict=True)],
        "models": [
            {
                "service": "s",
                "method": "ratio",
                "cohort": {"age_from": 75},
                "per_1000": rates,
                "supply": supply,
            }
        ],
    }


tenure_rates = st.dictionaries(
    st.sampled_from(["market", "affordable", "social", "shared_ownership"]),
    st.floats(min_value=0, max_value=500, allow_nan=False),
    min_size=1,
)

json_leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)
field_names = st.sampled_from(
    [
        "years",
        "population",
        "models",
        "presets",
        "service",
        "method",
        "cohort",
        "per_1000",
        "preset",
        "preset_rate",
        "supply",
        "rates",
        "history",
        "floor",
        "service_use_ratio",
        "year",
        "age_from",
        "age_to",
        "sex",
        "value",
        "rate",
        "kind",
        "label",
        "citation",
    ]
)
near_json = st.recursive(
    json_leaf
    | st.sampled_from(
        [
            "ratio",
            "prevalence",
            "trend",
            "mcgv2008",
            "cfas2_dementia",
            "all",
            "male",
            "female",
            "2024",
            2024,
            75,
            65,
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(field_names | st.text(max_size=4), inner, max_size=6)
    ),
    max_leaves=40,
)


def mutate(value: Any, path: list[int], garbage: Any) -> Any:
    """Replace one node of a valid payload, chosen by `path`, with garbage."""
    if not path or not isinstance(value, dict | list) or not value:
        return garbage
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    copied = copy.copy(value)
    copied[key] = mutate(value[key], path[1:], garbage)
    return copied


def full_example() -> dict[str, Any]:
    population = []
    for year in (2021, 2022, 2023, 2024):
        for lo, hi in [(18, 64), *CFAS_BANDS]:
            population.append(pop(year, lo, hi, 1000 + lo))
            if lo >= 65:
                population.append(pop(year, lo, hi, 400 + lo, "male"))
                population.append(pop(year, lo, hi, 600 + lo, "female"))
    return {
        "years": [2024],
        "population": population,
        "models": [
            {
                "service": "a",
                "method": "ratio",
                "preset": "mcgv2008",
                "preset_rate": "extra_care",
                "supply": {"rent": 1, "sale": 2},
            },
            {
                "service": "b",
                "method": "prevalence",
                "preset": "cfas2_dementia",
                "service_use_ratio": 0.5,
                "supply": 3,
            },
            {
                "service": "c",
                "method": "trend",
                "cohort": {"age_from": 18, "age_to": 64},
                "history": {"2021": 5, "2022": 6, "2023": 8},
                "floor": 0,
            },
            {
                "service": "d",
                "method": "prevalence",
                "rates": [{"age_from": 65, "age_to": 69, "sex": "all", "rate": 0.1}],
            },
        ],
    }


def assert_only_input_errors(case: unittest.TestCase, payload: Any) -> None:
    try:
        result = calculate(payload)
    except SufficiencyInputError as error:
        case.assertTrue(error.problems)
        case.assertTrue(all(isinstance(p, str) and p for p in error.problems))
        return
    json.dumps(result, allow_nan=False)
    for row in result["rows"]:
        case.assertTrue(math.isfinite(row["demand"]))


class PropertyTests(unittest.TestCase):
    @settings(max_examples=150, deadline=None)
    @given(st.lists(finite, min_size=1, max_size=5), finite, finite)
    def test_gap_is_demand_minus_supply(self, people, rate, supply):
        for row in explained(calculate(ratio_payload(people, rate, supply))):
            self.assertEqual(row["gap"], row["demand"] - row["supply"])
            self.assertAlmostEqual(row["demand"], rate * row["inputs"]["cohort_population"] / 1000)

    @settings(max_examples=150, deadline=None)
    @given(st.lists(finite, min_size=1, max_size=4), tenure_rates, st.data())
    def test_a_tenure_split_adds_up_to_its_total_row(self, people, rates, data):
        supply = {t: data.draw(counts) for t in rates}
        rows = calculate(ratio_payload(people, rates, supply))["rows"]
        self.assertEqual(len(rows), len(people) * (len(rates) + 1))
        for year in {r["year"] for r in rows}:
            parts = [r for r in rows if r["year"] == year and r["tenure"] != "total"]
            (total,) = [r for r in rows if r["year"] == year and r["tenure"] == "total"]
            self.assertEqual([r["tenure"] for r in parts], list(rates))
            self.assertTrue(
                math.isclose(
                    sum(r["demand"] for r in parts), total["demand"], rel_tol=1e-12, abs_tol=1e-9
                )
            )
            self.assertEqual(sum(r["supply"] for r in parts), total["supply"])
            self.assertTrue(
                math.isclose(sum(r["gap"] for r in parts), total["gap"], rel_tol=1e-9, abs_tol=1e-6)
            )
            for row in [*parts, total]:
                self.assertEqual(row["gap"], row["demand"] - row["supply"])

    @settings(max_examples=100, deadline=None)
    @given(
        st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
        st.floats(min_value=0, max_value=1e5, allow_nan=False),
        st.lists(st.integers(min_value=1990, max_value=2030), min_size=2, max_size=8, unique=True),
    )
    def test_a_trend_on_a_straight_line_projects_that_line(self, slope, level, history_years):
        history = {str(y): level + slope * (y - 2000) for y in history_years}
        if min(history.values()) < 0:
            return
        payload = {
            "years": [2035],
            "models": [{"service": "t", "method": "trend", "history": history}],
        }
        (row,) = calculate(payload)["rows"]
        self.assertTrue(math.isclose(row["demand"], level + slope * 35, rel_tol=1e-9, abs_tol=1e-6))

    @settings(max_examples=100, deadline=None)
    @given(
        st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=12, max_size=12),
        st.lists(counts, min_size=12, max_size=12),
    )
    def test_prevalence_is_the_sum_of_rate_times_population(self, rates, people):
        bands = [(lo, hi, sex) for lo, hi in CFAS_BANDS for sex in ("male", "female")]
        payload = {
            "years": [2024],
            "population": [
                pop(2024, lo, hi, n, sex) for (lo, hi, sex), n in zip(bands, people, strict=True)
            ],
            "models": [
                {
                    "service": "p",
                    "method": "prevalence",
                    "rates": [
                        {"age_from": lo, "age_to": hi, "sex": sex, "rate": r}
                        for (lo, hi, sex), r in zip(bands, rates, strict=True)
                    ],
                }
            ],
        }
        (row,) = calculate(payload)["rows"]
        expected = sum(r * n for r, n in zip(rates, people, strict=True))
        self.assertTrue(math.isclose(row["demand"], expected, rel_tol=1e-12, abs_tol=1e-9))

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(json_value)
    def test_garbage_only_ever_raises_the_input_error(self, payload):
        assert_only_input_errors(self, payload)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.dictionaries(field_names, near_json, max_size=5))
    def test_garbage_shaped_like_the_contract_only_ever_raises_the_input_error(self, payload):
        assert_only_input_errors(self, payload)

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=6), near_json)
    def test_a_valid_payload_with_one_part_broken_only_ever_raises_the_input_error(
        self, path, garbage
    ):
        assert_only_input_errors(self, mutate(full_example(), path, garbage))

    def test_the_full_example_is_valid(self):
        result = calculate(full_example())
        self.assertEqual(
            [(r["service"], r["tenure"]) for r in result["rows"]],
            [("a", "rent"), ("a", "sale"), ("a", "total"), ("b", None), ("c", None), ("d", None)],
        )
        json.dumps(result, allow_nan=False)


def outcome(payload: dict[str, Any]) -> Any:
    """The result, or the problems: what a caller of the contract sees."""
    try:
        return calculate(payload)
    except SufficiencyInputError as error:
        return error.problems


ages = st.integers(min_value=0, max_value=100)
sexes = st.sampled_from(["all", "male", "female"])


@st.composite
def bands_by_sex(draw: st.DrawFn) -> dict[str, list[tuple[int, int | None]]]:
    """Age bands for some sexes: cut points from 0 up, the last band open-ended (or not)."""
    layout: dict[str, list[tuple[int, int | None]]] = {}
    for sex in draw(st.sampled_from([("all",), ("male", "female"), ("all", "male", "female")])):
        cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=99), max_size=6)))
        starts = [0, *cuts]
        ends: list[int | None] = [c - 1 for c in cuts]
        ends.append(None if draw(st.booleans()) else draw(st.integers(100, 120)))
        layout[sex] = list(zip(starts, ends, strict=True))
    return layout


def cohort_of(data: st.DataObject, layout: dict[str, list[tuple[int, int | None]]]) -> Any:
    """Mostly a cohort on the bands' edges (so it adds up), sometimes any ages at all."""
    sex = data.draw(sexes)
    if data.draw(st.integers(0, 3)) == 0:
        age_from = data.draw(ages)
        age_to = data.draw(st.none() | st.integers(min_value=age_from, max_value=120))
        return {"age_from": age_from, "age_to": age_to, "sex": sex}
    bands = layout.get(sex) or layout.get("male") or layout["all"]
    first = data.draw(st.integers(0, len(bands) - 1))
    last = data.draw(st.integers(first, len(bands) - 1))
    return {"age_from": bands[first][0], "age_to": bands[last][1], "sex": sex}


class PopulationIndexTests(unittest.TestCase):
    """Every year with the same bands is read the quick way (a cohort worked out once for all
    years); a population with anything unusual is read row by row. Both must agree."""

    @settings(max_examples=200, deadline=None)
    @given(
        bands_by_sex(),
        st.lists(st.integers(2019, 2026), min_size=2, max_size=4, unique=True),
        st.data(),
    )
    def test_the_quick_way_and_row_by_row_agree(self, layout, years, data):
        wanted = [cohort_of(data, layout) for _ in range(data.draw(st.integers(1, 4)))]
        population = [
            pop(year, low, high, data.draw(counts), sex)
            for year in sorted(years)
            for sex, bands in layout.items()
            for low, high in bands
        ]
        history = {str(y): data.draw(counts) for y in sorted(years)[:2]}
        models: list[dict[str, Any]] = []
        for k, cohort in enumerate(wanted):
            models.append({"service": f"r{k}", "method": "ratio", "cohort": cohort, "per_1000": 10})
            models.append(
                {
                    "service": f"p{k}",
                    "method": "prevalence",
                    "rates": [{**cohort, "rate": 0.1}],
                    "supply": 5,
                }
            )
        models.append({"service": "t", "method": "trend", "history": history, "cohort": wanted[0]})
        quick = {"years": sorted(years), "population": population, "models": models}
        row_by_row = copy.deepcopy(quick)
        row_by_row["population"][0]["note"] = "an annotation: this population is read row by row"
        self.assertEqual(outcome(quick), outcome(row_by_row))
        # The same rows, not a year at a time: read the quick way, but looked up row by row
        # instead of striding through years. Row numbers in inputs and messages differ, so
        # only the rows (or failing at all) are compared.
        order = data.draw(st.permutations(range(len(population))))
        shuffled = {**quick, "population": [population[k] for k in order]}
        expected, got = outcome(quick), outcome(shuffled)
        if isinstance(expected, list):
            self.assertIsInstance(got, list)
        else:
            self.assertEqual(expected["rows"], got["rows"])

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(counts, min_size=2, max_size=4),
        st.floats(min_value=0, max_value=0.5, allow_nan=False),
        st.dictionaries(st.integers(2015, 2023).map(str), counts, min_size=2, max_size=5),
        counts,
    )
    def test_gap_is_demand_minus_supply_for_every_method(self, people, rate, history, supply):
        years = list(range(2024, 2024 + len(people)))
        payload = {
            "years": years,
            "population": [pop(y, 65, None, n) for y, n in zip(years, people, strict=True)],
            "models": [
                {
                    "service": "p",
                    "method": "prevalence",
                    "rates": [{"age_from": 65, "age_to": None, "sex": "all", "rate": rate}],
                    "supply": supply,
                },
                {"service": "t", "method": "trend", "history": history, "supply": supply},
            ],
        }
        rows = calculate(payload)["rows"]
        self.assertEqual(len(rows), 2 * len(years))
        for row in rows:
            self.assertEqual(row["supply"], supply)
            self.assertEqual(row["gap"], row["demand"] - row["supply"])


CONTRACT_FILE = ROOT / "tests/fixtures/sufficiency/contract.json"
CONTRACT_BANDS = [(18, 64), *CFAS_BANDS]


def contract_payload() -> dict[str, Any]:
    """Every kind of model on a population given a year at a time (the engine's quick way),
    with supply as a number, by tenure, on a split model's total, and missing."""
    population = []
    for year in range(2019, 2027):
        for k, (age_from, age_to) in enumerate(CONTRACT_BANDS):
            male = 4000 + 37 * k + 11 * (year - 2019)
            female = male + 123 + k
            population.append(pop(year, age_from, age_to, male + female))
            if age_from >= 65:
                population += [
                    pop(year, age_from, age_to, male, "male"),
                    pop(year, age_from, age_to, female, "female"),
                ]
    bands = [
        {"age_from": 65, "age_to": 74, "sex": sex, "rate": 0.0125 + k / 1000}
        for k, sex in enumerate(("male", "female"))
    ] + [{"age_from": 75, "age_to": None, "sex": "all", "rate": 0.07}]
    return {
        "years": [2024, 2025, 2026],
        "population": population,
        "models": [
            {
                "service": "care homes",
                "method": "ratio",
                "preset": "mcgv2008",
                "preset_rate": "residential_care",
                "supply": 811,
            },
            {
                "service": "extra care",
                "method": "ratio",
                "preset": "mcgv2008",
                "preset_rate": "extra_care",
                "supply": {"rent": 40, "sale": 12.5},
            },
            {
                "service": "housing",
                "method": "ratio",
                "cohort": {"age_from": 18, "age_to": 64},
                "per_1000": {"market": 4.5, "affordable": 2},
                "supply": 90,
            },
            {
                "service": "older women",
                "method": "ratio",
                "cohort": {"age_from": 65, "age_to": 84, "sex": "female"},
                "per_1000": 12.5,
            },
            {
                "service": "dementia",
                "method": "prevalence",
                "rates": bands,
                "service_use_ratio": 0.3,
                "supply": 150,
            },
            {
                "service": "dementia (CFAS II)",
                "method": "prevalence",
                "preset": "cfas2_dementia",
                "service_use_ratio": 0.25,
                "supply": 90.5,
            },
            {
                "service": "clients",
                "method": "trend",
                "floor": 0,
                "supply": 400,
                "history": {"2019": 310, "2020": 335, "2021": 329, "2022": 361, "2023": 377},
            },
            {
                "service": "per head",
                "method": "trend",
                "cohort": {"age_from": 85},
                "history": {"2020": 41, "2021": 44.5, "2022": 43, "2023": 49},
            },
        ],
    }


class ContractTests(unittest.TestCase):
    def test_a_fixed_input_gives_the_same_json_byte_for_byte(self):
        """The JSON contract, kept while the engine is made faster: the recorded answer to a
        fixed input (tests/fixtures/sufficiency/contract.json), rows and inputs alike."""
        got = json.dumps(calculate(contract_payload()), indent=1, allow_nan=False) + "\n"
        self.assertEqual(got, CONTRACT_FILE.read_text(encoding="utf-8"))
