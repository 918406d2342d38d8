"""The financial self-assessment: the charging inputs, a question a page, for the rules'
`estimate`. Questions that do not apply to the setting (home or care home) are skipped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.utils import timezone

from caremarket.assessments.flow import Answers, Flow, Step
from caremarket.assessments.forms import GovukForm, checkboxes, money, radios
from caremarket.assessments.journeys import WhereForm, _single

CARE_BENEFITS = ("attendance_allowance", "dla_care", "pip_daily_living")
RATE_LABELS = {
    "lower": "Lower rate",
    "higher": "Higher rate",
    "standard": "Standard rate",
    "enhanced": "Enhanced rate",
    "lowest": "Lowest rate",
    "middle": "Middle rate",
    "highest": "Highest rate",
    "support": "Support group",
    "work_related_activity": "Work-related activity group",
}


def _labels() -> dict[str, str]:
    from caremarket.rules.charging import INCOME_LABELS

    return {k: v[0].upper() + v[1:] for k, v in INCOME_LABELS.items()}


def _rates() -> dict[str, tuple[str, ...]]:
    from caremarket.rules.charging import RATES

    return dict(RATES)


def candidate_years(today: date) -> list[str]:
    """The charging years someone might ask about: this one, the next and the two before."""
    from caremarket.rules.figures_store import financial_year_of

    first = int(financial_year_of(today)[:4])
    return [f"{y}/{(y + 1) % 100:02d}" for y in (first + 1, first, first - 1, first - 2)]


def council_overrides(answers: Answers) -> dict[str, list[tuple[Any, ...]]]:
    """Charging figures admins entered, national and for the council the postcode found."""
    from caremarket.assessments.models import ChargingFigureOverride
    from caremarket.places.models import LocalAuthority

    slug = answers.get("where", {}).get("council")
    council = LocalAuthority.objects.filter(slug=slug).first() if slug else None
    return ChargingFigureOverride.objects.for_rules(council)


@dataclass(frozen=True)
class YearOffer:
    """The years an estimate can be made for (newest first), the one chosen when nobody
    chooses, and a sentence saying so when it is not this year."""

    years: list[str]
    default: str | None
    note: str


def year_offer(answers: Answers, today: date | None = None) -> YearOffer:
    from caremarket.rules.figures_store import (
        financial_year_of,
        year_label_in_words,
        years_with_figures,
    )

    today = today or timezone.localdate()
    current = financial_year_of(today)
    years = years_with_figures(candidate_years(today), council_overrides(answers) or None)
    if not years:
        return YearOffer([], None, "")
    if current in years:
        return YearOffer(years, current, "")
    latest = next((y for y in years if y < current), years[0])
    note = (
        f"The amounts for {year_label_in_words(current)} are not in this service yet, so we "
        f"have chosen {year_label_in_words(latest)}, the latest year we have them for."
    )
    return YearOffer(years, latest, note)


def year_form(answers: Answers) -> type[GovukForm]:
    """Which year: only years with every charging figure, newest first, one chosen already."""
    from caremarket.rules.figures_store import year_label_in_words

    offer = year_offer(answers)
    hint = "Charging years run from 6 April to 5 April. Amounts change each April."
    if offer.note:
        hint = f"{offer.note} {hint}"

    class YearForm(GovukForm):
        year = forms.ChoiceField(
            label="Which year do you want an estimate for?",
            widget=forms.RadioSelect,
            help_text=hint,
            required=False,
            choices=[(y, year_label_in_words(y)) for y in offer.years],
            error_messages={"invalid_choice": "Select one of the years shown"},
        )

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if offer.default and not kwargs.get("initial"):
                kwargs["initial"] = {"year": offer.default}
            super().__init__(*args, **kwargs)
            self.fields["year"].hints = {}  # type: ignore[attr-defined]

        def clean_year(self) -> str:
            chosen = self.cleaned_data.get("year") or offer.default
            if not chosen:
                raise forms.ValidationError(
                    "We cannot estimate for any year yet: the council has not entered this "
                    "year’s charging amounts. Ask the council what you might pay"
                )
            return str(chosen)

    return YearForm


def setting_of(answers: Answers) -> str:
    return answers.get("setting", {}).get("setting", "")


def at_home(answers: Answers) -> bool:
    return setting_of(answers) == "home"


def in_care_home(answers: Answers) -> bool:
    return setting_of(answers) == "care_home"


def income_types(answers: Answers) -> list[str]:
    return [t for t in answers.get("income-types", {}).get("types", []) if t != "none"]


class AgeForm(GovukForm):
    age = forms.IntegerField(
        label="How old are you?",
        help_text="Your age in years. The amount you keep to live on depends on it.",
        min_value=18,
        max_value=130,
        error_messages={
            "required": "Enter your age",
            "invalid": "Enter your age in years, like 72",
            "min_value": "This estimate is for adults: enter an age of 18 or more",
            "max_value": "Enter an age of 130 or less",
        },
    )
    widths = {"age": "3"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["age"].widget = forms.TextInput(
            attrs={"inputmode": "numeric", "spellcheck": "false", **self.fields["age"].widget.attrs}
        )


class WeeksForm(GovukForm):
    weeks = forms.IntegerField(
        label="How many weeks have you been living in the care home permanently?",
        help_text="Enter 1 if you have just moved in. Your home is not counted for the first "
        "12 weeks.",
        min_value=1,
        max_value=10000,
        error_messages={
            "required": "Enter the number of weeks",
            "invalid": "Enter the number of weeks as a whole number, like 4",
            "min_value": "Enter 1 or more weeks",
            "max_value": "Enter 10,000 weeks or fewer",
        },
    )
    widths = {"weeks": "4"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weeks"].widget = forms.TextInput(
            attrs={"inputmode": "numeric", **self.fields["weeks"].widget.attrs}
        )


def income_types_form() -> type[GovukForm]:
    labels = _labels()

    class IncomeTypesForm(GovukForm):
        types = checkboxes(
            "Which of these do you get?",
            [*labels.items(), ("none", "None of these")],
            hint="Select all that apply. Include money paid into your account every week, "
            "month or year.",
            missing="Select the money you get, or select ‘None of these’",
            exclusive="none",
        )

        def clean_types(self) -> list[str]:
            chosen = self.cleaned_data["types"]
            if "none" in chosen and len(chosen) > 1:
                raise forms.ValidationError(
                    "Select the money you get, or ‘None of these’, not both"
                )
            return chosen

    return IncomeTypesForm


def income_amounts_form(answers: Answers) -> type[GovukForm]:
    """One amount (and rate, for disability benefits) per kind of income chosen."""
    labels = _labels()
    rates = _rates()
    fields: dict[str, forms.Field] = {}
    for kind in income_types(answers):
        if kind in rates:
            fields[f"{kind}__rate"] = radios(
                f"{labels[kind]}: which rate?",
                [(r, RATE_LABELS.get(r, r)) for r in rates[kind]],
                missing=f"Select the rate of {labels[kind]}",
            )
        fields[f"{kind}__amount"] = money(
            f"{labels[kind]} each week",
            name=f"the weekly amount of {labels[kind]}",
            missing=f"Enter how much {labels[kind]} you get each week",
            maximum=100_000,
        )
    form = type("IncomeAmountsForm", (GovukForm,), dict(fields))
    return form


ABOUT, OWN, INCOME, COSTS = "About you", "What you own", "Your income", "Your costs"


@cache
def finance_flow() -> Flow:
    def single_money(
        name: str, label: str, hint: str, what: str, maximum: int = 100_000
    ) -> type[GovukForm]:
        return _single(name, money(label, name=what, hint=hint, maximum=maximum))

    return Flow(
        "finance",
        "Estimate what you might pay for care",
        (
            Step(
                "where",
                "Postcode",
                section=ABOUT,
                form_class=WhereForm,
                template="assessments/where.html",
            ),
            Step("year", "Year", section=ABOUT, form_class=GovukForm, builder=year_form),
            Step(
                "setting",
                "Where you get care",
                section=ABOUT,
                form_class=_single(
                    "setting",
                    radios(
                        "Where do you get care, or expect to?",
                        [("home", "At home"), ("care_home", "In a care home")],
                        hints={
                            "home": "Including care in extra care housing or supported living.",
                            "care_home": "Living in a care or nursing home permanently.",
                        },
                        missing="Select at home or in a care home",
                    ),
                ),
            ),
            Step("age", "Age", section=ABOUT, form_class=AgeForm),
            Step(
                "pension-age",
                "State Pension age",
                section=ABOUT,
                form_class=_single(
                    "pension_age",
                    radios(
                        "Have you reached State Pension age?",
                        [("yes", "Yes"), ("no", "No"), ("not_sure", "I’m not sure")],
                        hint="At 66 it depends on your date of birth.",
                        missing="Select yes, no or I’m not sure",
                    ),
                ),
                applies=lambda a: str(a.get("age", {}).get("age")) == "66",
            ),
            Step(
                "capital",
                "Savings and investments",
                section=OWN,
                form_class=single_money(
                    "capital",
                    "How much do you have in savings and investments?",
                    "Add up bank and building society accounts, cash, shares, bonds, ISAs and "
                    "any property or land other than your home. Enter 0 if you have none.",
                    "your savings and investments",
                    maximum=100_000_000,
                ),
            ),
            Step(
                "home-value",
                "Your home",
                section=OWN,
                form_class=single_money(
                    "home_value",
                    "If you own the home you lived in before the care home, what is your "
                    "share of it worth?",
                    "Its value less any mortgage. Enter 0 if you did not own it.",
                    "your share of your home",
                    maximum=100_000_000,
                ),
                applies=in_care_home,
            ),
            Step(
                "relative",
                "Someone still living in your home",
                section=OWN,
                form_class=_single(
                    "relative",
                    radios(
                        "Does a partner, a relative aged 60 or over or disabled, or a child "
                        "under 18 still live in your home?",
                        [("yes", "Yes"), ("no", "No")],
                        hint="If so, your home is not counted.",
                        missing="Select yes or no",
                    ),
                ),
                applies=lambda a: (
                    in_care_home(a) and Decimal(a.get("home-value", {}).get("home_value") or 0) > 0
                ),
            ),
            Step(
                "weeks",
                "Weeks in the care home",
                section=OWN,
                form_class=WeeksForm,
                applies=in_care_home,
            ),
            Step("income-types", "Money you get", section=INCOME, form_class=income_types_form()),
            Step(
                "income-amounts",
                "How much you get each week",
                section=INCOME,
                form_class=GovukForm,
                builder=income_amounts_form,
                applies=lambda a: bool(income_types(a)),
                template="assessments/question_many.html",
            ),
            Step(
                "night-care",
                "Care at night",
                section=INCOME,
                form_class=_single(
                    "night_care",
                    radios(
                        "Does a paid carer help you during the night?",
                        [("yes", "Yes"), ("no", "No")],
                        hint="Your Attendance Allowance, DLA or PIP may include money for "
                        "night care; if you get no night care, part of it may not be counted.",
                        missing="Select yes or no",
                    ),
                ),
                applies=lambda a: at_home(a) and any(t in CARE_BENEFITS for t in income_types(a)),
            ),
            Step(
                "extra-costs",
                "Extra costs of disability",
                section=COSTS,
                form_class=single_money(
                    "dre",
                    "How much do you spend each week on extra costs because of your "
                    "disability or illness?",
                    "For example extra heating or laundry, a special diet, a community alarm, "
                    "or a cleaner or gardener you need. Enter 0 if none.",
                    "your weekly extra costs",
                ),
                applies=at_home,
            ),
            Step(
                "housing",
                "Housing costs",
                section=COSTS,
                form_class=single_money(
                    "housing",
                    "How much do you pay each week for your home?",
                    "Rent, mortgage, service charges and Council Tax, after any Housing "
                    "Benefit or Council Tax Reduction. Enter 0 if none.",
                    "your weekly housing costs",
                ),
                applies=at_home,
            ),
            Step(
                "cost",
                "Cost of your care",
                section=COSTS,
                form_class=single_money(
                    "cost",
                    "What does your care cost each week, or what do you expect it to cost?",
                    "If you do not know, ask the care provider or the council. As a guide, "
                    "10 hours of home care a week costs about £250 to £300.",
                    "the weekly cost of your care",
                ),
            ),
        ),
    )


def charge_payload(answers: Answers) -> dict[str, Any]:
    """The rules' JSON input from the answers (the same shape as `caremarket calc charge`)."""
    setting = setting_of(answers)
    payload: dict[str, Any] = {
        "financial_year": answers.get("year", {}).get("year"),
        "setting": setting,
        "capital": answers.get("capital", {}).get("capital"),
        "weekly_cost_of_care": answers.get("cost", {}).get("cost"),
        "weekly_income": [],
    }
    age = answers.get("age", {}).get("age")
    if age is not None:
        payload["age"] = int(age)
    pension_age = answers.get("pension-age", {}).get("pension_age")
    if pension_age in ("yes", "no") and str(age) == "66":
        payload["pension_credit_age"] = pension_age == "yes"
    amounts = answers.get("income-amounts", {})
    for kind in income_types(answers):
        item: dict[str, Any] = {"type": kind, "amount": amounts.get(f"{kind}__amount")}
        if amounts.get(f"{kind}__rate"):
            item["rate"] = amounts[f"{kind}__rate"]
        payload["weekly_income"].append(item)
    if setting == "home":
        payload["night_care_provided"] = answers.get("night-care", {}).get("night_care") == "yes"
        payload["disability_related_expenditure"] = answers.get("extra-costs", {}).get("dre", "0")
        payload["housing_costs"] = answers.get("housing", {}).get("housing", "0")
    else:
        payload["home_value"] = answers.get("home-value", {}).get("home_value", "0")
        payload["qualifying_relative_in_home"] = (
            answers.get("relative", {}).get("relative") == "yes"
        )
        weeks = answers.get("weeks", {}).get("weeks")
        if weeks is not None:
            payload["week_of_stay"] = int(weeks)
    # Money as numbers, as the JSON contract has them.
    for key in (
        "capital",
        "weekly_cost_of_care",
        "disability_related_expenditure",
        "housing_costs",
        "home_value",
    ):
        if payload.get(key) is not None:
            payload[key] = float(Decimal(str(payload[key])))
    for item in payload["weekly_income"]:
        if item["amount"] is not None:
            item["amount"] = float(Decimal(str(item["amount"])))
    return payload
