"""The form that sets a target: which figure, which period, the value, direction and band."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone

from caremarket.assessments.forms import GovukForm, radios, text
from caremarket.outcomes.models import Feedback, Target
from caremarket.outcomes.targets import ASCOF_PREFIX, SEP
from caremarket.quality.forms import Day, QualityForm
from caremarket.rules.targets import LIMIT

PERIOD = re.compile(r"^(\d{4})(?:/(\d{2}))?$|^\d{4}-\d{2}-\d{2}$")


def number(label: str, *, required: bool = True, minimum: float = -LIMIT) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=required,
        min_value=minimum,
        max_value=LIMIT,
        # GOV.UK asks for a text input, not type="number" (which browsers alter and mis-announce)
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a number, like 85 or 82.5",
            "min_value": f"The {label.lower()} must be "
            + ("0 or more" if minimum == 0 else "at least −1,000,000,000,000"),
            "max_value": f"The {label.lower()} must be at most 1,000,000,000,000",
        },
    )


class TargetForm(GovukForm):
    widths = {"period": "10", "value": "10", "tolerance": "10"}

    def __init__(self, *args: Any, choices: list[tuple], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = choices

    figure = forms.ChoiceField(
        label="Figure",
        error_messages={
            "required": "Choose the figure the target is for",
            "invalid_choice": "Choose one of the council's figures from the list",
        },
    )
    period = text(
        "Period",
        max_length=20,
        hint="As the figure states it: a financial year like 2020/21, a year like 2024, or a "
        "date like 2024-03-31. ASCOF figures use reporting years like 2024/25.",
    )
    value = number("Target value")
    direction = radios(
        "Which way is better",
        list(Target.Direction.choices),
        missing="Choose whether higher or lower is better, or the target is to be hit exactly",
    )
    tolerance = number("Tolerance", required=False, minimum=0)
    tolerance.help_text = (
        "How far on the wrong side of the target still counts as near it, in the figure's own "
        "units (percentage points for a percentage). Leave empty for none."
    )
    source = text(
        "Where the target comes from",
        required=False,
        max_length=300,
        hint="For example, the Local Account or plan that sets it.",
    )

    def clean_period(self) -> str:
        period: str = self.cleaned_data["period"].strip()
        match = PERIOD.match(period)
        if not match:
            raise forms.ValidationError(
                "Enter the period like 2020/21, 2024 or 2024-03-31", code="bad_period"
            )
        start, end = match.group(1), match.group(2)
        if start and end and (int(start) + 1) % 100 != int(end):
            raise forms.ValidationError(
                f"A financial year runs over two years in a row, like {start}/"
                f"{(int(start) + 1) % 100:02d}",
                code="bad_year",
            )
        return period

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        figure, period = data.get("figure", ""), data.get("period", "")
        if figure.startswith(ASCOF_PREFIX) and period and "/" not in period:
            self.add_error("period", "ASCOF figures are for reporting years, like 2024/25")
        if data.get("tolerance") is None:
            data["tolerance"] = 0.0
        return data

    def figure_parts(self) -> tuple[str, str, str]:
        measure, dimension, category = self.cleaned_data["figure"].split(SEP, 2)
        return measure, dimension, category


#: The radio for a complaint not decided yet (stored as no value).
UNDECIDED = "undecided"


class FeedbackForm(QualityForm):
    """One compliment, complaint or comment for the log: no names, nothing about a person."""

    widths = {"reference": "10", "service_area": "20"}

    kind = radios(
        "What was received",
        list(Feedback.Kind.choices),
        missing="Choose whether it is a compliment, a complaint or a comment",
    )
    received = Day("Date received")
    service_area = text(
        "Service area",
        max_length=100,
        hint="As the council names it, for example Reablement or Lifeline and Telecare. "
        "Entries with the same service area are counted together.",
    )
    reference = text(
        "Case reference (optional)",
        required=False,
        max_length=40,
        hint="The council's own reference, if it has one. Do not enter names or anything that "
        "identifies a person: this log holds no personal data.",
    )
    upheld = radios(
        "Was the complaint upheld?",
        [(UNDECIDED, "Not decided yet"), *Feedback.Upheld.choices],
        missing="Choose whether the complaint was upheld",
        required=False,
        hint="For complaints only.",
    )
    responded = Day(
        "Date of the response",
        required=False,
        hint="Leave empty until the council has responded. For example, 24/10/2026",
    )

    def clean_upheld(self) -> str:
        upheld: str = self.cleaned_data.get("upheld") or ""
        return "" if upheld == UNDECIDED else upheld

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        received, responded = data.get("received"), data.get("responded")
        if received and received > timezone.localdate():
            self.add_error("received", "The date received cannot be in the future")
        if received and responded and responded < received:
            self.add_error(
                "responded", "The date of the response must be on or after the date received"
            )
        if responded and responded > timezone.localdate():
            self.add_error("responded", "The date of the response cannot be in the future")
        if data.get("upheld") and data.get("kind") != Feedback.Kind.COMPLAINT:
            self.add_error("upheld", "Only a complaint is upheld or not: choose Not decided yet")
        return data


class DeadlineForm(GovukForm):
    widths = {"days": "2"}

    days = forms.IntegerField(
        label="Deadline for answering a complaint, in working days",
        min_value=1,
        max_value=60,
        help_text="Counted from the day after the complaint is received, leaving out weekends "
        "and England's bank holidays.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of working days",
            "invalid": "The deadline must be a whole number of working days, like 15",
            "min_value": "The deadline must be at least 1 working day",
            "max_value": "The deadline must be at most 60 working days",
        },
    )
