from __future__ import annotations

import json
from typing import Any

from django import forms

from caremarket.planning.models import Scenario

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
