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


ADULT_RISKS = [
    ("harm", "Someone is hurting me, or I am afraid of someone"),
    ("no_food", "I have no food, heating or water today"),
    ("alone_unsafe", "I cannot get up, wash, eat or use the toilet and nobody is helping me"),
    ("carer_breakdown", "The person who looks after me cannot do it any more"),
    ("self_harm", "I am thinking about harming myself"),
    ("none", "None of these"),
]
CARER_RISKS = [
    ("harm", "Someone is hurting me or the person I care for"),
    ("carer_breakdown", "I cannot carry on caring, starting today"),
    ("cared_for_unsafe", "The person I care for is not safe on their own and nobody else can help"),
    ("no_food", "We have no food, heating or water today"),
    ("self_harm", "I am thinking about harming myself"),
    ("none", "None of these"),
]


def _safety_form(risks: list[tuple[str, str]], label: str) -> type[GovukForm]:
    class SafetyForm(GovukForm):
        risks_field = checkboxes(
            label,
            risks,
            hint="Select all that apply.",
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


YES_NO_UNSURE = [("yes", "Yes"), ("no", "No"), ("not_sure", "I’m not sure")]


def _single(name: str, field: forms.Field) -> type[GovukForm]:
    return type(f"{name.title()}Form", (GovukForm,), {name: field})


# --- Outcomes, from the rules ----------------------------------------------------------------


def _attr(obj: Any, *names: str, default: Any = "") -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


ABILITY_CHOICES = [
    ("yes", "Yes, on my own and without difficulty"),
    ("difficulty", "Yes, on my own, but it is difficult"),
    ("no", "No, not without help from someone"),
]
NOT_APPLICABLE = ("not_applicable", "This does not apply to me")
ADULT_EFFECTS = [
    ("distress", "It causes me a lot of pain, distress or anxiety"),
    ("danger", "It puts my health or safety, or someone else’s, at risk"),
    ("longer", "It takes me much longer than most people"),
    ("none", "None of these"),
]
CARER_EFFECTS = [
    ("distress", "It causes me a lot of pain, distress or anxiety"),
    ("danger", "It puts my health or safety, or someone else’s, at risk"),
    ("none", "None of these"),
]


def outcome_form(outcome: Any, carer: bool) -> type[GovukForm]:
    """Can you do this? and, if only with difficulty, how does it affect you (reg. 2(3)/3(3))."""
    question = _attr(outcome, "question", "plain_question", "label", "title")
    hint = _attr(outcome, "hint", "help", "examples")
    choices = list(ABILITY_CHOICES)
    if _attr(outcome, "may_not_apply", "optional", "can_not_apply", default=False):
        choices.append(NOT_APPLICABLE)
    effects = CARER_EFFECTS if carer else ADULT_EFFECTS

    class OutcomeForm(GovukForm):
        ability = radios(question, choices, hint=hint, missing="Select how well you can do this")
        effects_field = checkboxes(
            "How does doing it affect you?",
            effects,
            hint="Select all that apply.",
            missing="Select how doing this affects you, or select ‘None of these’",
            exclusive="none",
        )

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["effects"] = self.fields.pop("effects_field")
            self.fields["effects"].required = False

        def clean(self) -> dict[str, Any]:
            data = super().clean()
            if data.get("ability") != "difficulty":
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
    return "outcome-" + str(_attr(outcome, "code")).replace("_", "-")


# --- The flows -------------------------------------------------------------------------------


def _outcome_steps(outcomes: Any, carer: bool) -> list[Step]:
    steps = []
    total = len(outcomes)
    for number, outcome in enumerate(outcomes, start=1):
        steps.append(
            Step(
                outcome_slug(outcome),
                str(_attr(outcome, "title", "label", "name", "question")),
                outcome_form(outcome, carer),
                template="assessments/outcome.html",
                caption=f"Daily life: question {number} of {total}",
                extra={"reference": _attr(outcome, "reference", "regulation", "cite")},
            )
        )
    return steps


@cache
def needs_flow() -> Flow:
    from caremarket.rules import eligibility

    return Flow(
        "needs",
        "Check what care and support you might get",
        (
            Step("where", "Postcode", WhereForm, template="assessments/where.html"),
            Step(
                "safety",
                "Anything urgent",
                _safety_form(ADULT_RISKS, "Is any of these happening to you now?"),
                detour=_urgent_detour,
            ),
            Step(
                "condition",
                "Health condition or disability",
                _single(
                    "condition",
                    radios(
                        "Do you have a physical or mental health condition, illness, "
                        "disability or injury?",
                        YES_NO_UNSURE,
                        hint="For example arthritis, dementia, a learning disability, "
                        "sight or hearing loss, depression, or an addiction.",
                        missing="Select yes, no or I’m not sure",
                    ),
                ),
            ),
            *_outcome_steps(eligibility.ADULT_OUTCOMES, carer=False),
            Step(
                "wellbeing",
                "Effect on your wellbeing",
                _single(
                    "wellbeing",
                    radios(
                        "Do these difficulties have a big effect on your life and wellbeing?",
                        YES_NO_UNSURE,
                        hint="Think about your health, safety, dignity, feelings, "
                        "relationships, and being in control of your day-to-day life.",
                        missing="Select yes, no or I’m not sure",
                    ),
                ),
            ),
            Step(
                "fluctuation",
                "How your needs change",
                _single(
                    "fluctuation",
                    radios(
                        "Do your needs change from day to day or week to week?",
                        [
                            ("steady", "No, they are much the same every day"),
                            ("some_days", "Yes, some days are worse than others"),
                            ("episodes", "Yes, they come and go over weeks or months"),
                        ],
                        hint="Answer the earlier questions for how things are over a "
                        "typical few months, including the bad days.",
                        missing="Select whether your needs change",
                    ),
                ),
            ),
        ),
    )


@cache
def carer_flow() -> Flow:
    from caremarket.rules import eligibility

    return Flow(
        "carer",
        "Check what support you might get as a carer",
        (
            Step("where", "Postcode", WhereForm, template="assessments/where.html"),
            Step(
                "safety",
                "Anything urgent",
                _safety_form(CARER_RISKS, "Is any of these happening now?"),
                detour=_urgent_detour,
            ),
            Step(
                "caring",
                "The care you give",
                _single(
                    "caring",
                    radios(
                        "Do you look after an adult who could not manage without your help?",
                        YES_NO_UNSURE,
                        hint="Because of their illness, disability, age, mental health or "
                        "an addiction. Not as a paid job or volunteer.",
                        missing="Select yes, no or I’m not sure",
                    ),
                ),
            ),
            Step(
                "health",
                "Your health",
                _single(
                    "health",
                    radios(
                        "Is caring making your physical or mental health worse, or likely to?",
                        [
                            ("worse", "Yes, my health is getting worse"),
                            ("at_risk", "Not yet, but it is likely to if things carry on"),
                            ("no", "No"),
                        ],
                        missing="Select whether caring is affecting your health",
                    ),
                ),
            ),
            *_outcome_steps(eligibility.CARER_OUTCOMES, carer=True),
            Step(
                "wellbeing",
                "Effect on your wellbeing",
                _single(
                    "wellbeing",
                    radios(
                        "Do these difficulties have a big effect on your life and wellbeing?",
                        YES_NO_UNSURE,
                        hint="Think about your health, feelings, relationships, work, money, "
                        "and having time for yourself.",
                        missing="Select yes, no or I’m not sure",
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
