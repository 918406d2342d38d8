from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django import forms

from caremarket.planning import results
from caremarket.planning.models import Scenario
from caremarket.rules.sufficiency import load_presets

MAX_YEARS = 60


class ScenarioForm(forms.ModelForm):
    """Name, horizon years and the models (the engine's JSON contract, editable as text)."""

    years_text = forms.CharField(
        label="Years",
        help_text="The years to calculate, separated by commas, for example 2024, 2029, 2034, 2040",
        max_length=600,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-30"}),
        error_messages={"required": "Enter at least one year"},
    )
    models_text = forms.CharField(
        label="Models",
        help_text=(
            "Each model as JSON: service, method (ratio, prevalence or trend), its rates or "
            "preset, and supply. Edit a rate or a supply figure and save to see the new gaps."
        ),
        max_length=200_000,
        widget=forms.Textarea(
            attrs={"class": "govuk-textarea cm-code", "rows": 24, "spellcheck": "false"}
        ),
        error_messages={"required": "Enter at least one model"},
    )

    class Meta:
        model = Scenario
        fields = ["name", "description"]
        error_messages = {"name": {"required": "Enter a name for the scenario"}}
        widgets = {
            "name": forms.TextInput(attrs={"class": "govuk-input"}),
            "description": forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["years_text"] = ", ".join(str(y) for y in self.instance.years)
            self.initial["models_text"] = json.dumps(self.instance.demand_models, indent=2)

    def clean_years_text(self) -> list[int]:
        years = []
        for part in self.cleaned_data["years_text"].replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1900 <= int(part) <= 2200:
                raise forms.ValidationError(f"“{part[:20]}” is not a year: enter years like 2024")
            years.append(int(part))
        if not years:
            raise forms.ValidationError("Enter at least one year")
        if len(years) > MAX_YEARS:
            raise forms.ValidationError(f"Enter {MAX_YEARS} years or fewer")
        return sorted(set(years))

    def clean_models_text(self) -> list[Any]:
        try:
            models = json.loads(self.cleaned_data["models_text"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"The models are not valid JSON: {error.msg} at line {error.lineno}"
            ) from None
        if not isinstance(models, list) or not models:
            raise forms.ValidationError("The models must be a JSON list with at least one model")
        return models


OWN_RATE, TREND = "ratio", "trend"
MAX_NUMBER = 10**9
HISTORY_HINT = "Year and number of people, separated by commas, for example 2021: 120, 2022: 131"


def needs_sex_split(preset: Any) -> bool:
    return preset.kind == "prevalence" and any(band.sex != "all" for band in preset.bands)


def model_choices(sex_split: bool = True) -> tuple[list[tuple[str, str]], list[str]]:
    """Each cited preset rate the council's data can run, then the council's own kinds of
    model, as radio choices; and, in words, the presets left out and the data each needs."""
    choices, unavailable = [], []
    for name, preset in sorted(load_presets().items()):
        if preset.kind == "ratio" and preset.cohort is not None:
            ages = results.ages(preset.cohort.as_data())
            for rate, value in preset.per_1000.items():
                per = (
                    " + ".join(f"{v:g} {tenure}" for tenure, v in value.items())
                    if isinstance(value, Mapping)
                    else f"{value:g}"
                )
                choices.append(
                    (f"{name}:{rate}", f"{results.label(rate)}: {per} per 1,000 people {ages} "
                     f"({preset.label})")
                )  # fmt: skip
        elif preset.kind == "prevalence" and needs_sex_split(preset) and not sex_split:
            unavailable.append(
                f"{preset.label} is not offered: its rates are for men and women separately, "
                "so it needs population projections split by sex, and the projections "
                "imported for this council are for all people. Import the ONS projections "
                "for males and females to use it."
            )
        elif preset.kind == "prevalence":
            choices.append((name, f"Prevalence by age band and sex ({preset.label})"))
    choices.append((OWN_RATE, "Our own rate per 1,000 people of an age group"))
    choices.append((TREND, "A straight-line trend of people supported"))
    return choices, unavailable


def _number_input(width: int, mode: str) -> forms.TextInput:
    """GOV.UK asks for text inputs with an input mode for numbers, not type=number."""
    return forms.TextInput(
        attrs={"class": f"govuk-input govuk-input--width-{width}", "inputmode": mode}
    )


class AddModelForm(forms.Form):
    """One demand model, without writing JSON: a cited preset, an own rate or a trend."""

    service = forms.CharField(
        label="Service",
        help_text="A short name for what is being planned, for example extra care flats",
        max_length=80,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-!-width-two-thirds"}),
        error_messages={"required": "Enter a name for the service"},
    )
    kind = forms.ChoiceField(
        label="How is demand worked out?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how demand is worked out"},
    )
    per_1000 = forms.FloatField(
        label="Rate per 1,000 people (own rate only)",
        required=False,
        min_value=0,
        max_value=1000,
        widget=_number_input(5, "decimal"),
    )
    age_from = forms.IntegerField(
        label="Ages from (own rate; optional for a trend, to follow that age group's population)",
        required=False,
        min_value=0,
        max_value=150,
        widget=_number_input(3, "numeric"),
    )
    age_to = forms.IntegerField(
        label="Ages to (leave empty for “and over”)",
        required=False,
        min_value=0,
        max_value=150,
        widget=_number_input(3, "numeric"),
    )
    service_use_ratio = forms.FloatField(
        label="Share of people with the condition who use the service (prevalence only)",
        help_text="A proportion: 0.3 means 30%. Leave empty to plan for everyone with it.",
        required=False,
        min_value=0,
        max_value=1,
        widget=_number_input(5, "decimal"),
    )
    history = forms.CharField(
        label="People supported in past years (trend only)",
        help_text=HISTORY_HINT,
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    floor_at_zero = forms.BooleanField(
        label="Never project below zero (trend only)", required=False, initial=True
    )
    supply = forms.FloatField(
        label="Supply now (optional)",
        help_text="Places, beds or people the council has now; the gap is demand minus this",
        required=False,
        min_value=0,
        max_value=MAX_NUMBER,
        widget=_number_input(10, "decimal"),
    )

    def __init__(
        self, *args: Any, taken: set[str] | None = None, sex_split: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.taken = taken or set()
        self.fields["kind"].choices, self.unavailable = model_choices(sex_split)

    def clean_service(self) -> str:
        service = " ".join(self.cleaned_data["service"].split()).lower().replace(" ", "_")
        if service in self.taken:
            raise forms.ValidationError("This scenario already has a model with that name")
        return service

    def clean_history(self) -> dict[str, float]:
        text = self.cleaned_data["history"].strip()
        history: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
            year, _, people = part.partition(":")
            year, people = year.strip(), people.strip().replace(",", "")
            if not (year.isdigit() and len(year) == 4) or not people:
                raise forms.ValidationError(
                    f"“{part[:30]}” is not a year and a number: {HISTORY_HINT}"
                )
            try:
                number = float(people)
            except ValueError:
                raise forms.ValidationError(f"“{people[:30]}” is not a number of people") from None
            if not 0 <= number <= MAX_NUMBER:
                raise forms.ValidationError(f"“{people[:30]}” must be from 0 to {MAX_NUMBER:,}")
            if year in history:
                raise forms.ValidationError(f"{year} is given twice")
            history[year] = number
        return history

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == OWN_RATE:
            if data.get("per_1000") is None and "per_1000" not in self.errors:
                self.add_error("per_1000", "Enter the rate per 1,000 people")
            if data.get("age_from") is None and "age_from" not in self.errors:
                self.add_error("age_from", "Enter the youngest age of the group")
        if kind == TREND and "history" not in self.errors and len(data.get("history") or {}) < 2:
            self.add_error("history", "Enter at least two past years of people supported")
        age_from, age_to = data.get("age_from"), data.get("age_to")
        if age_from is not None and age_to is not None and age_to < age_from:
            self.add_error("age_to", "Ages to must be the same as or older than ages from")
        return data

    def model(self) -> dict[str, Any]:
        """The engine's model for what was entered (call after is_valid)."""
        data = self.cleaned_data
        kind: str = data["kind"]
        model: dict[str, Any] = {"service": data["service"]}
        cohort = None
        if data.get("age_from") is not None:
            cohort = {"age_from": data["age_from"], "age_to": data.get("age_to")}
        if kind == OWN_RATE:
            model.update(method="ratio", cohort=cohort, per_1000=data["per_1000"])
        elif kind == TREND:
            model.update(method="trend", history=data["history"])
            if cohort:
                model["cohort"] = cohort
            if data.get("floor_at_zero"):
                model["floor"] = 0
        elif ":" in kind:
            preset, rate = kind.split(":", 1)
            model.update(method="ratio", preset=preset, preset_rate=rate)
        else:
            model.update(method="prevalence", preset=kind)
            if data.get("service_use_ratio") is not None:
                model["service_use_ratio"] = data["service_use_ratio"]
        if data.get("supply") is not None:
            model["supply"] = data["supply"]
        return model


class NewScenarioForm(forms.Form):
    """A new scenario without JSON: its name, years, and which of the council's starting
    models (cited rates with supply from its own records) to begin with."""

    name = forms.CharField(
        label="Name",
        max_length=Scenario._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
        error_messages={"required": "Enter a name for the scenario"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )
    years_text = ScenarioForm.base_fields["years_text"]
    start = forms.MultipleChoiceField(
        label="Start with these models",
        help_text="You can add your own rates, trends and other presets on the next page.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one model to start with"},
    )

    def __init__(self, *args: Any, models: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.models = {m["service"]: m for m in models}
        self.fields["start"].choices = [
            (service, results.describe_model(m)) for service, m in self.models.items()
        ]
        self.initial.setdefault("start", list(self.models))

    clean_years_text = ScenarioForm.clean_years_text

    def chosen_models(self) -> list[dict[str, Any]]:
        return [self.models[service] for service in self.cleaned_data["start"]]
