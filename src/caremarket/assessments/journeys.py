"""The three self-assessments as flows. The needs and carers' questions come from the rules'
outcome data (`rules.eligibility`), so a change to the outcomes changes the pages."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms

from caremarket.assessments.flow import Answers, Flow, Step
from caremarket.assessments.forms import GovukForm, RoutedForm, checkboxes, radios, text

# --- Shared steps ----------------------------------------------------------------------------


class WhereForm(RoutedForm):
    postcode = text(
        "What is your postcode?",
        hint="We use it to find your council, so we can show you its contacts and services.",
        max_length=10,
        missing="Enter your postcode",
        autocomplete="postal-code",
    )
    widths = {"postcode": "10"}

    def clean_postcode(self) -> str:
        from caremarket.assessments.forms import clean_postcode_text

        return clean_postcode_text(self.cleaned_data["postcode"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.council is not None:
            data["council"] = self.council
        return data


#: Short statements for the rules' urgent flags (`eligibility.URGENT_FLAGS`), by code.
RISK_LABELS = {
    "at_risk_of_harm": "Someone is hurting, neglecting or exploiting me or the person I care "
    "for, or I am afraid they will",
    "no_food": "There is no food, heating or water at home today",
    "alone_unsafe": "I cannot get up, wash, eat or use the toilet, and nobody is helping",
    "cared_for_unsafe": "The person I care for is not safe on their own, and nobody else can help",
    "carer_breakdown": "The person who looks after me cannot do it any more, or is about to stop",
    "self_harm": "I am thinking about harming myself",
}
ADULT_RISK_CODES = ("at_risk_of_harm", "no_food", "alone_unsafe", "carer_breakdown", "self_harm")
CARER_RISK_CODES = ("at_risk_of_harm", "cared_for_unsafe", "no_food", "self_harm")
CARER_BREAKDOWN_LABEL = "I cannot carry on caring, starting today"


def _risks(codes: tuple[str, ...], carer: bool = False) -> list[tuple[str, str]]:
    from caremarket.rules.eligibility import URGENT_FLAGS

    choices = [(c, RISK_LABELS[c]) for c in codes if c in URGENT_FLAGS]
    if carer and "carer_breakdown" in URGENT_FLAGS:
        choices.insert(2, ("carer_breakdown", CARER_BREAKDOWN_LABEL))
    return [*choices, ("none", "None of these")]


def _safety_form(risks: list[tuple[str, str]], label: str) -> type[GovukForm]:
    class SafetyForm(GovukForm):
        risks_field = checkboxes(
            label,
            risks,
            hint="Select all that apply. If someone is in danger now, call 999.",
            missing="Select what is happening, or select ‘None of these’",
            exclusive="none",
        )

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["risks"] = self.fields.pop("risks_field")

        def clean_risks(self) -> list[str]:
            chosen = self.cleaned_data["risks"]
            if "none" in chosen and len(chosen) > 1:
                raise forms.ValidationError(
                    "Select what is happening, or select ‘None of these’, not both"
                )
            return chosen

    return SafetyForm


def urgent_risks(answers: Answers) -> list[str]:
    return [r for r in answers.get("safety", {}).get("risks", []) if r != "none"]


def _urgent_detour(answers: Answers) -> str | None:
    return "urgent" if urgent_risks(answers) else None


def _single(name: str, field: forms.Field) -> type[GovukForm]:
    return type(f"{name.title()}Form", (GovukForm,), {name: field})


# --- Outcomes, from the rules ----------------------------------------------------------------


def outcome_form(outcome: Any, carer: bool) -> type[GovukForm]:
    """Can you do this? and, if only with difficulty, how does it affect you (reg. 2(3)/3(3)).

    The answers and the limbs are the rules' own codes (`ABILITIES`, `EFFECTS`); carers are
    not asked about taking longer, which does not count for them.
    """
    from caremarket.rules import eligibility as rules

    choices = [(code, label) for code, label in rules.ABILITIES.items() if code != "not_applicable"]
    if outcome.not_applicable:
        choices.append(("not_applicable", outcome.not_applicable))
    limbs = rules.CARER_EFFECTS if carer else rules.ADULT_EFFECTS
    effects = [(code, rules.EFFECTS[code]) for code in limbs]
    effects.append(("none", "None of these"))

    class OutcomeForm(GovukForm):
        ability = radios(
            outcome.question,
            choices,
            hint=outcome.hint,
            missing="Select how well you can do this",
        )
        effects_field = checkboxes(
            "If you can do it but it is difficult, how does it affect you?",
            effects,
            hint="Select all that apply. Leave blank if you chose another answer.",
            missing="Select how doing this affects you, or select ‘None of these’",
            exclusive="none",
        )

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["effects"] = self.fields.pop("effects_field")
            self.fields["effects"].required = False

        def clean(self) -> dict[str, Any]:
            data = super().clean()
            if data.get("ability") != "with_difficulty":
                data["effects"] = []
                self.errors.pop("effects", None)
            elif not data.get("effects"):
                self.add_error(
                    "effects", "Select how doing this affects you, or select ‘None of these’"
                )
            elif "none" in data["effects"] and len(data["effects"]) > 1:
                self.add_error(
                    "effects", "Select how doing this affects you, or ‘None of these’, not both"
                )
            return data

    OutcomeForm.outcome = outcome  # type: ignore[attr-defined]
    return OutcomeForm


def outcome_slug(outcome: Any) -> str:
    return "outcome-" + outcome.code.replace("_", "-")


# --- The flows -------------------------------------------------------------------------------

#: The parts of the journeys, shown as progress ("Part 2 of 3: Daily life, question 4 of 10").
ABOUT = "About you"
CARING = "You and your caring"
WELLBEING = "Your wellbeing"


def _outcome_steps(outcomes: Any, carer: bool, section: str) -> list[Step]:
    return [
        Step(
            outcome_slug(outcome),
            outcome.plain,
            outcome_form(outcome, carer),
            section=section,
            template="assessments/outcome.html",
            extra={"reference": outcome.regulation},
        )
        for outcome in outcomes
    ]


IMPAIRMENT_LABELS = {
    "physical": "A physical disability, frailty or mobility problem",
    "memory": "Memory problems or dementia",
    "mental_health": "A mental health condition",
    "sight_or_hearing": "Sight or hearing loss",
    "learning_disability_or_autism": "A learning disability or autism",
    "long_term_condition": "A long-term illness, such as heart or lung disease",
    "other": "Something else",
}

FLUCTUATION = [
    ("steady", "No, they are much the same every day"),
    ("some_days", "Yes, some days are worse than others"),
    ("episodes", "Yes, they come and go over weeks or months"),
]


def _yes_no_unsure(name: str, question: str, hint: str = "") -> type[GovukForm]:
    from caremarket.rules.eligibility import ANSWERS

    labels = {"yes": "Yes", "no": "No", "not_sure": "I’m not sure"}
    return _single(
        name,
        radios(
            question,
            [(a, labels.get(a, a)) for a in ANSWERS],
            hint=hint,
            missing="Select yes, no or I’m not sure",
        ),
    )


def _has_condition(answers: Answers) -> bool:
    return answers.get("condition", {}).get("impairment_or_illness") in ("yes", "not_sure")


def _kinds_form() -> type[GovukForm]:
    from caremarket.rules.eligibility import IMPAIRMENT_KINDS

    class KindsForm(GovukForm):
        conditions = checkboxes(
            "What kind of condition is it?",
            [(k, IMPAIRMENT_LABELS.get(k, k.replace("_", " "))) for k in IMPAIRMENT_KINDS],
            hint="Select all that apply. This helps us suggest the right services.",
            missing="Select the kind of condition",
        )

    return KindsForm


@cache
def needs_flow() -> Flow:
    from caremarket.rules import eligibility as rules

    return Flow(
        "needs",
        "Check what care and support you might get",
        (
            Step("where", "Postcode", WhereForm, section=ABOUT, template="assessments/where.html"),
            Step(
                "safety",
                "Anything urgent",
                _safety_form(_risks(ADULT_RISK_CODES), "Is any of these happening now?"),
                section=ABOUT,
                detour=_urgent_detour,
            ),
            Step(
                "condition",
                "Health condition or disability",
                section=ABOUT,
                form_class=_yes_no_unsure(
                    "impairment_or_illness",
                    rules.ADULT_CONDITIONS["impairment_or_illness"],
                    "For example arthritis, dementia, a learning disability, sight or hearing "
                    "loss, depression, a brain injury, or an addiction.",
                ),
            ),
            Step(
                "condition-kind",
                "Kind of condition",
                _kinds_form(),
                section=ABOUT,
                applies=_has_condition,
            ),
            *_outcome_steps(rules.ADULT_OUTCOMES, carer=False, section="Daily life"),
            Step(
                "wellbeing",
                "Effect on your wellbeing",
                _yes_no_unsure("wellbeing_impact", rules.ADULT_CONDITIONS["wellbeing_impact"]),
                section=WELLBEING,
            ),
            Step(
                "fluctuation",
                "How your needs change",
                section=WELLBEING,
                form_class=_single(
                    "fluctuation",
                    radios(
                        "Do your needs change from day to day or week to week?",
                        FLUCTUATION,
                        hint="If they do, think of how things are over a few months, "
                        "including the bad days.",
                        missing="Select whether your needs change",
                    ),
                ),
            ),
        ),
    )


@cache
def carer_flow() -> Flow:
    from caremarket.rules import eligibility as rules

    return Flow(
        "carer",
        "Check what support you might get as a carer",
        (
            Step(
                "where",
                "Postcode",
                WhereForm,
                section=CARING,
                template="assessments/where.html",
            ),
            Step(
                "safety",
                "Anything urgent",
                _safety_form(
                    _risks(CARER_RISK_CODES, carer=True), "Is any of these happening now?"
                ),
                section=CARING,
                detour=_urgent_detour,
            ),
            Step(
                "caring",
                "The care you give",
                section=CARING,
                form_class=_yes_no_unsure(
                    "provides_necessary_care",
                    rules.CARER_CONDITIONS["provides_necessary_care"],
                    "Because of their illness, disability, age, mental health or an addiction. "
                    "Not as a paid job or as a volunteer.",
                ),
            ),
            Step(
                "health",
                "Your health",
                _yes_no_unsure(
                    "health_deteriorating", rules.CARER_CONDITIONS["health_deteriorating"]
                ),
                section=CARING,
            ),
            *_outcome_steps(rules.CARER_OUTCOMES, carer=True, section="Your life alongside caring"),
            Step(
                "wellbeing",
                "Effect on your wellbeing",
                _yes_no_unsure("wellbeing_impact", rules.CARER_CONDITIONS["wellbeing_impact"]),
                section=WELLBEING,
            ),
            Step(
                "fluctuation",
                "How caring changes",
                section=WELLBEING,
                form_class=_single(
                    "fluctuation",
                    radios(
                        "Does the care you give change from week to week?",
                        [
                            ("steady", "No, it is much the same every week"),
                            ("some_days", "Yes, some weeks are much harder than others"),
                            ("episodes", "Yes, it comes and goes over weeks or months"),
                        ],
                        missing="Select whether your caring changes",
                    ),
                ),
            ),
        ),
    )


def flow_for(journey: str) -> Flow:
    if journey == "needs":
        return needs_flow()
    if journey == "carer":
        return carer_flow()
    from caremarket.assessments.finance import finance_flow

    return finance_flow()
