"""Eligibility indication: reg. 2 (adults) and reg. 3 (carers) of SI 2015/313 at each boundary."""

from __future__ import annotations

import json
import unittest
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from caremarket.rules.eligibility import (
    ADULT_OUTCOMES,
    CARER_OUTCOMES,
    NEED_CATEGORIES,
    URGENT_FLAGS,
    EligibilityInputError,
    Likelihood,
    assess_adult,
    assess_carer,
)

ADULT_CODES = [outcome.code for outcome in ADULT_OUTCOMES]
CARER_CODES = [outcome.code for outcome in CARER_OUTCOMES]


def adult(*, unmet: int = 0, **changes: Any) -> dict[str, Any]:
    """Answers with the first ``unmet`` outcomes needing help and the rest done without help."""
    outcomes: dict[str, Any] = {
        code: ("needs_help" if n < unmet else "without_help") for n, code in enumerate(ADULT_CODES)
    }
    outcomes.update(changes.pop("outcomes", {}))
    return {
        "impairment_or_illness": "yes",
        "wellbeing_impact": "yes",
        "outcomes": outcomes,
        **changes,
    }


def carer(*, unmet: int = 0, **changes: Any) -> dict[str, Any]:
    outcomes: dict[str, Any] = {
        code: ("needs_help" if n < unmet else "without_help") for n, code in enumerate(CARER_CODES)
    }
    outcomes.update(changes.pop("outcomes", {}))
    return {
        "provides_necessary_care": "yes",
        "health_deteriorating": "no",
        "wellbeing_impact": "yes",
        "outcomes": outcomes,
        **changes,
    }


def problems(function: Any, answers: Any) -> list[str]:
    try:
        function(answers)
    except EligibilityInputError as error:
        return error.problems
    raise AssertionError("expected EligibilityInputError")


class OutcomeDataTestCase(unittest.TestCase):
    def test_it_lists_the_ten_adult_and_eight_carer_outcomes_in_order(self):
        self.assertEqual(len(ADULT_OUTCOMES), 10)
        self.assertEqual(len(CARER_OUTCOMES), 8)
        self.assertEqual(
            [o.regulation for o in ADULT_OUTCOMES],
            [f"reg. 2(2)({letter})" for letter in "abcdefghij"],
        )
        self.assertEqual(
            [o.regulation for o in CARER_OUTCOMES],
            [f"reg. 3(2)(b)({n})" for n in ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii")],
        )
        self.assertEqual(len(set(ADULT_CODES)), 10)
        self.assertEqual(len(set(CARER_CODES)), 8)

    def test_it_maps_every_outcome_to_known_need_categories(self):
        for outcome in (*ADULT_OUTCOMES, *CARER_OUTCOMES):
            with self.subTest(code=outcome.code):
                self.assertTrue(outcome.categories)
                self.assertTrue(set(outcome.categories) <= set(NEED_CATEGORIES))
                self.assertTrue(outcome.question.endswith("?"))
                self.assertTrue(outcome.suggestions)
        by_code = {o.code: o for o in ADULT_OUTCOMES}
        self.assertEqual(by_code["nutrition"].categories, ("meals-and-food", "help-at-home"))
        self.assertIn("personal-care", by_code["personal_hygiene"].categories)
        self.assertEqual(
            by_code["home_safety"].categories, ("equipment-and-adaptations", "telecare")
        )
        self.assertIn("social-groups", by_code["relationships"].categories)
        self.assertTrue(by_code["work_and_learning"].may_not_apply)
        self.assertFalse(by_code["nutrition"].may_not_apply)

    def test_it_offers_a_taxonomy_of_plain_labels(self):
        self.assertGreaterEqual(len(NEED_CATEGORIES), 15)
        self.assertEqual(NEED_CATEGORIES["help-at-home"], "Help at home")
        self.assertEqual(NEED_CATEGORIES["memory-problems"], "Memory problems and dementia")
        for code in NEED_CATEGORIES:
            self.assertRegex(code, r"^[a-z]+(-[a-z]+)*$")


class AdultTestCase(unittest.TestCase):
    def test_it_is_unlikely_with_no_outcome_unachieved(self):
        result = assess_adult(adult(unmet=0))
        self.assertEqual(result.outcome, Likelihood.UNLIKELY)
        self.assertEqual(result.headline, "Unlikely to be eligible")
        self.assertEqual(result.unmet_outcomes, [])

    def test_it_may_be_eligible_with_one_outcome_unachieved(self):
        result = assess_adult(adult(unmet=1))
        self.assertEqual(result.outcome, Likelihood.MAY)
        self.assertEqual(result.unmet_outcomes, ["nutrition"])
        self.assertIn("You cannot achieve 1 of the 10 outcomes", " ".join(result.reasons))

    def test_it_is_likely_with_two_outcomes_unachieved(self):
        result = assess_adult(adult(unmet=2))
        self.assertEqual(result.outcome, Likelihood.LIKELY)
        self.assertEqual(result.headline, "Likely eligible — a referral is suggested")
        self.assertEqual(result.unmet_outcomes, ["nutrition", "personal_hygiene"])
        self.assertTrue(result.reasons[-1].startswith("This is an indication, not a decision"))

    def test_it_needs_an_impairment_or_illness(self):
        self.assertEqual(
            assess_adult(adult(unmet=5, impairment_or_illness="no")).outcome, Likelihood.UNLIKELY
        )
        self.assertEqual(
            assess_adult(adult(unmet=5, impairment_or_illness="not_sure")).outcome, Likelihood.MAY
        )

    def test_it_needs_a_significant_impact_on_wellbeing(self):
        self.assertEqual(
            assess_adult(adult(unmet=5, wellbeing_impact=False)).outcome, Likelihood.UNLIKELY
        )
        self.assertEqual(
            assess_adult(adult(unmet=5, wellbeing_impact="not_sure")).outcome, Likelihood.MAY
        )

    def test_it_counts_each_of_the_four_limbs(self):
        for effect in (
            "significant_pain_distress_or_anxiety",
            "endangers_health_or_safety",
            "takes_significantly_longer",
        ):
            with self.subTest(effect=effect):
                difficult = {"ability": "with_difficulty", "effects": [effect]}
                answers = adult(outcomes={"nutrition": difficult, "being_clothed": difficult})
                result = assess_adult(answers)
                self.assertEqual(result.outcome, Likelihood.LIKELY)
                self.assertEqual(result.unmet_outcomes, ["nutrition", "being_clothed"])

    def test_it_treats_difficulty_without_those_effects_as_achieved(self):
        difficult = {"ability": "with_difficulty", "effects": []}
        result = assess_adult(adult(unmet=1, outcomes={"toilet_needs": difficult}))
        self.assertEqual(result.unmet_outcomes, ["nutrition"])
        self.assertEqual(result.outcome, Likelihood.MAY)
        self.assertIn("equipment-and-adaptations", result.suggested_categories)

    def test_it_may_be_eligible_when_unsure_answers_could_make_two(self):
        result = assess_adult(adult(unmet=1, outcomes={"being_clothed": "not_sure"}))
        self.assertEqual(result.outcome, Likelihood.MAY)
        self.assertEqual(result.unsure_outcomes, ["being_clothed"])
        only_unsure = assess_adult(adult(outcomes={"nutrition": "not_sure"}))
        self.assertEqual(only_unsure.outcome, Likelihood.MAY)

    def test_it_may_be_eligible_when_needs_fluctuate(self):
        result = assess_adult(adult(unmet=0, fluctuating=True))
        self.assertEqual(result.outcome, Likelihood.MAY)
        self.assertTrue(any("reg. 2(4)" in reason for reason in result.reasons))
        self.assertEqual(assess_adult(adult(unmet=3, fluctuating=True)).outcome, Likelihood.LIKELY)

    def test_it_accepts_does_not_apply_only_where_it_can(self):
        result = assess_adult(adult(unmet=2, outcomes={"work_and_learning": "not_applicable"}))
        self.assertEqual(result.outcome, Likelihood.LIKELY)
        self.assertEqual(
            problems(assess_adult, adult(outcomes={"nutrition": "not_applicable"})),
            [
                "outcomes.nutrition: must be one of without_help, with_difficulty, needs_help, "
                "not_sure"
            ],
        )

    def test_it_suggests_categories_and_equipment_for_unmet_outcomes(self):
        result = assess_adult(
            adult(unmet=1, outcomes={"home_safety": "needs_help"}, conditions=["memory"])
        )
        self.assertEqual(
            result.suggested_categories,
            [
                "meals-and-food",
                "help-at-home",
                "equipment-and-adaptations",
                "telecare",
                "memory-problems",
            ],
        )
        self.assertIn("personal alarm pendant or falls detector", result.suggestions)


class CarerTestCase(unittest.TestCase):
    def test_it_is_likely_with_one_outcome_unachieved(self):
        result = assess_carer(carer(unmet=1))
        self.assertEqual(result.outcome, Likelihood.LIKELY)
        self.assertEqual(result.unmet_outcomes, ["caring_for_a_child"])
        self.assertTrue(result.headline.startswith("Likely eligible for carer's support"))
        self.assertEqual(result.suggested_categories[0], "carers-support")

    def test_it_is_unlikely_with_no_outcome_and_no_health_risk(self):
        result = assess_carer(carer(unmet=0))
        self.assertEqual(result.outcome, Likelihood.UNLIKELY)
        self.assertEqual(result.suggested_categories, ["carers-support"])

    def test_it_does_not_count_taking_longer_for_a_carer(self):
        longer = {"ability": "with_difficulty", "effects": ["takes_significantly_longer"]}
        result = assess_carer(carer(outcomes={"nutrition": longer, "recreation": longer}))
        self.assertEqual(result.unmet_outcomes, [])
        self.assertEqual(result.outcome, Likelihood.UNLIKELY)
        self.assertTrue(any("reg. 3(3) has no such limb" in reason for reason in result.reasons))

    def test_it_counts_the_carers_other_two_limbs(self):
        for effect in ("significant_pain_distress_or_anxiety", "endangers_health_or_safety"):
            with self.subTest(effect=effect):
                answer = {
                    "ability": "with_difficulty",
                    "effects": [effect, "takes_significantly_longer"],
                }
                result = assess_carer(carer(outcomes={"recreation": answer}))
                self.assertEqual(result.outcome, Likelihood.LIKELY)
                self.assertEqual(result.unmet_outcomes, ["recreation"])

    def test_it_is_likely_through_deteriorating_health_alone(self):
        result = assess_carer(carer(unmet=0, health_deteriorating="yes"))
        self.assertEqual(result.outcome, Likelihood.LIKELY)
        self.assertIn("breaks-and-respite", result.suggested_categories)
        self.assertIn("mental-health", result.suggested_categories)

    def test_it_may_be_eligible_when_unsure_of_health(self):
        self.assertEqual(
            assess_carer(carer(health_deteriorating="not_sure")).outcome, Likelihood.MAY
        )
        self.assertEqual(
            assess_carer(carer(outcomes={"recreation": "not_sure"})).outcome, Likelihood.MAY
        )
        self.assertEqual(assess_carer(carer(fluctuating=True)).outcome, Likelihood.MAY)

    def test_it_needs_necessary_care_and_an_impact_on_wellbeing(self):
        self.assertEqual(
            assess_carer(carer(unmet=3, provides_necessary_care="no")).outcome, Likelihood.UNLIKELY
        )
        self.assertEqual(
            assess_carer(carer(unmet=3, wellbeing_impact="no")).outcome, Likelihood.UNLIKELY
        )
        self.assertEqual(
            assess_carer(carer(unmet=3, provides_necessary_care="not_sure")).outcome, Likelihood.MAY
        )


class UrgentTestCase(unittest.TestCase):
    def test_it_flags_urgent_risks_whatever_the_outcome(self):
        result = assess_adult(adult(urgent=["at_risk_of_harm", "no_food"]))
        self.assertEqual(result.outcome, Likelihood.UNLIKELY)
        self.assertTrue(result.urgent)
        self.assertEqual(
            result.urgent_reasons,
            [URGENT_FLAGS["at_risk_of_harm"].reason, URGENT_FLAGS["no_food"].reason],
        )

    def test_it_takes_flags_as_a_mapping_too(self):
        result = assess_carer(carer(urgent={"carer_breakdown": True, "no_food": False}))
        self.assertEqual(result.urgent_reasons, [URGENT_FLAGS["carer_breakdown"].reason])
        self.assertFalse(assess_carer(carer(urgent=[])).urgent)

    def test_it_refuses_unknown_flags(self):
        self.assertEqual(
            problems(assess_adult, adult(urgent=["fire"])),
            ["urgent[0]: must be one of " + ", ".join(URGENT_FLAGS)],
        )


class InputTestCase(unittest.TestCase):
    def test_it_collects_every_problem_naming_the_field(self):
        answers = adult(
            outcomes={
                "nutrition": "maybe",
                "personal_hygiene": {"ability": "with_difficulty", "effects": ["sad"]},
                "flying": "needs_help",
            },
            wellbeing_impact="lots",
            fluctuating="sometimes",
            colour="blue",
        )
        del answers["outcomes"]["toilet_needs"]
        del answers["impairment_or_illness"]
        self.assertEqual(
            problems(assess_adult, answers),
            [
                "colour: unknown field",
                "impairment_or_illness: is required: one of yes, no, not_sure",
                "wellbeing_impact: must be one of yes, no, not_sure",
                "outcomes.flying: unknown outcome; known: " + ", ".join(sorted(ADULT_CODES)),
                "outcomes.nutrition: must be one of without_help, with_difficulty, needs_help, "
                "not_sure",
                "outcomes.personal_hygiene.effects[0]: must be one of "
                "significant_pain_distress_or_anxiety, endangers_health_or_safety, "
                "takes_significantly_longer",
                "outcomes.toilet_needs: answer missing; give one of without_help, "
                "with_difficulty, needs_help, not_sure",
                "fluctuating: must be true or false",
            ],
        )

    def test_it_refuses_what_is_not_an_object(self):
        self.assertEqual(problems(assess_adult, []), ["answers: must be an object"])
        self.assertEqual(problems(assess_carer, "x"), ["answers: must be an object"])
        self.assertTrue(problems(assess_carer, {})[0].startswith("provides_necessary_care"))

    def test_it_returns_json_ready_data(self):
        data = assess_adult(adult(unmet=2)).as_dict()
        self.assertEqual(data["outcome"], "likely_eligible")
        json.dumps(data)

    @settings(max_examples=300, deadline=None)
    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(st.text(max_size=10), children, max_size=4)
            ),
            max_leaves=20,
        )
    )
    def test_it_raises_only_input_errors_on_garbage(self, answers):
        for function in (assess_adult, assess_carer):
            try:
                function(answers)
            except EligibilityInputError as error:
                self.assertTrue(error.problems)

    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(
            st.sampled_from(["without_help", "needs_help", "not_sure", "with_difficulty"]),
            min_size=10,
            max_size=10,
        ),
        st.sampled_from(["yes", "no", "not_sure"]),
        st.sampled_from(["yes", "no", "not_sure"]),
        st.booleans(),
    )
    def test_it_is_likely_exactly_when_all_three_conditions_hold(
        self, abilities, impairment, wellbeing, fluctuating
    ):
        outcomes = {
            code: {"ability": ability, "effects": ["endangers_health_or_safety"]}
            if ability == "with_difficulty"
            else ability
            for code, ability in zip(ADULT_CODES, abilities, strict=True)
        }
        result = assess_adult(
            {
                "impairment_or_illness": impairment,
                "wellbeing_impact": wellbeing,
                "outcomes": outcomes,
                "fluctuating": fluctuating,
            }
        )
        unmet = sum(ability in ("needs_help", "with_difficulty") for ability in abilities)
        likely = impairment == "yes" and wellbeing == "yes" and unmet >= 2
        self.assertEqual(result.outcome is Likelihood.LIKELY, likely)
        if "no" in (impairment, wellbeing):
            self.assertIs(result.outcome, Likelihood.UNLIKELY)


if __name__ == "__main__":
    unittest.main()
