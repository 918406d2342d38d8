"""The broker's request forms (home care, care home placement), the provider's offer form and
its vacancy form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from caremarket.assessments.forms import long_text, radios, text
from caremarket.quality.forms import Day, QualityForm
from caremarket.rules.sourcing import CallPattern, SourcingRuleError
from caremarket.sourcing.models import (
    BED_KINDS,
    HOME_SERVICE_KINDS,
    CareRequest,
    EmailKind,
    Need,
)
from caremarket.sourcing.vacancies import MAX_VACANCIES

MINUTES = [("15", "15 minutes"), ("30", "30 minutes"), ("45", "45 minutes"), ("60", "1 hour")]


def whole_number(label: str, low: int, high: int) -> forms.IntegerField:
    message = f"{label} must be a whole number from {low} to {high}"
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:]}",
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


def weekly_money(label: str) -> forms.DecimalField:
    """Pounds a week, more than £0 and less than £100,000, in pounds and pence."""
    return forms.DecimalField(
        label=f"{label}, in pounds",
        min_value=Decimal("0.01"),
        max_value=Decimal("99999.99"),
        max_digits=7,
        decimal_places=2,
        help_text="For example, 399.28",
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be an amount in pounds, like 399.28",
            "min_value": f"{label} must be more than £0",
            "max_value": f"{label} must be less than £100,000",
            "max_digits": f"{label} must be less than £100,000",
            "max_decimal_places": f"{label} must be in pounds and pence, like 399.28",
        },
    )


class _RequestForm(QualityForm):
    """What every request asks: where, when, needs, funding and the person (kept in the council)."""

    area = forms.ModelChoiceField(
        queryset=None,
        label="Ward the person lives in",
        empty_label="Choose a ward",
        error_messages={
            "required": "Choose the ward the person lives in",
            "invalid_choice": "Choose the ward the person lives in from the list",
        },
    )
    referred_on = Day("Date of referral")
    start_on = Day("Care needed from")
    needs = forms.MultipleChoiceField(
        label="Specialist needs",
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose specialist needs from the list"},
    )
    funding = radios("Funding", CareRequest.Funding.choices, missing="Choose who funds the care")
    summary = long_text(
        "What providers will read",
        required=False,
        hint="Needs and routines only. No names, addresses, dates of birth or NHS numbers.",
    )
    person_name = text(
        "Person's name", hint="Providers see this only once their offer is accepted."
    )
    person_address = text("Person's address", max_length=500)
    their_reference = text(
        "Your case reference",
        required=False,
        max_length=100,
        hint="From your case management system, if you use one. Never shown to providers.",
    )

    def __init__(self, *args: Any, wards: Any, ward_by: str = "pk", **kwargs: Any) -> None:
        """`ward_by` "code" takes the ward by its ONS code (the API) instead of its id."""
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = wards  # type: ignore[attr-defined]
        self.fields["area"].to_field_name = None if ward_by == "pk" else ward_by  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        referred, start = data.get("referred_on"), data.get("start_on")
        if referred and start and start < referred:
            self.add_error(
                "start_on", f"{self.fields['start_on'].label} must be on or after the referral date"
            )
        return data


class RequestForm(_RequestForm):
    service_kind = radios(
        "Service", HOME_SERVICE_KINDS, missing="Choose the service the person needs"
    )
    calls_per_day = whole_number("Calls a day", 1, 8)
    minutes = radios("Length of each call", MINUTES, missing="Choose the length of each call")
    days_per_week = whole_number("Days a week", 1, 7)
    field_order = ["service_kind", "area", "calls_per_day", "minutes", "days_per_week"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        pattern_of(self, data)
        return data


class PlacementRequestForm(_RequestForm):
    bed_kind = radios("Kind of bed", BED_KINDS, missing="Choose the kind of bed the person needs")
    start_on = Day("Place needed from")
    field_order = ["bed_kind", "area"]

    def __init__(self, *args: Any, wards: Any, **kwargs: Any) -> None:
        super().__init__(*args, wards=wards, **kwargs)
        area = self.fields["area"]
        area.label = "Area the person would like to live in"
        area.empty_label = "Choose a ward or locality"  # type: ignore[attr-defined]
        area.error_messages = {
            "required": "Choose the area the person would like to live in",
            "invalid_choice": "Choose the area the person would like to live in from the list",
        }


class VacancyForm(QualityForm):
    """A care home's vacancies by kind of bed; blank means the home does not offer that kind."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, words in BED_KINDS:
            message = f"{words} vacancies must be a whole number from 0 to {MAX_VACANCIES}"
            self.fields[kind] = forms.IntegerField(
                label=words,
                required=False,
                min_value=0,
                max_value=MAX_VACANCIES,
                # GOV.UK: numbers in a text box with a numeric keypad, not type="number"
                widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
                error_messages={"invalid": message, "min_value": message, "max_value": message},
            )
        self.widths = {**self.widths, **{kind: "4" for kind, _ in BED_KINDS}}
        self._style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and all(data.get(kind) is None for kind, _ in BED_KINDS):
            raise forms.ValidationError(
                "Enter the vacancies for at least one kind of bed (0 when full)"
            )
        return data

    def counts(self) -> dict[str, int]:
        return {
            kind: self.cleaned_data[kind]
            for kind, _ in BED_KINDS
            if self.cleaned_data.get(kind) is not None
        }


class OfferForm(QualityForm):
    location = forms.ModelChoiceField(
        queryset=None,
        label="Which of your services will provide the care",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which of your services will provide the care",
            "invalid_choice": "Choose one of your services this request was sent to",
        },
    )
    start_on = Day("Date you can start")
    weekly_price = weekly_money("Price a week")
    note = long_text("Anything the council should know", required=False)

    def __init__(
        self, *args: Any, locations: Any, referred_on: Any, location_by: str = "pk", **kwargs: Any
    ) -> None:
        """`location_by` "cqc_location_id" takes the location by its CQC id (the API)."""
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]
        self.fields["location"].to_field_name = None if location_by == "pk" else location_by  # type: ignore[attr-defined]
        self.referred_on = referred_on

    def clean_start_on(self) -> Any:
        start = self.cleaned_data.get("start_on")
        if start and start < self.referred_on:
            raise forms.ValidationError(
                f"Date you can start must be on or after {self.referred_on:%-d %B %Y}"
            )
        return start


class WithdrawForm(QualityForm):
    because = radios(
        "Why is the request withdrawn?",
        CareRequest.WithdrawnBecause.choices,
        missing="Choose why the request is withdrawn",
        hint="Providers are told it is withdrawn, not why.",
    )


def pattern_of(form: forms.Form, data: dict[str, Any]) -> CallPattern | None:
    """The call pattern from calls a day, length and days a week, or an error on the form."""
    calls, minutes, days = (data.get(k) for k in ("calls_per_day", "minutes", "days_per_week"))
    if not (calls and minutes and days):
        return None
    try:
        return CallPattern(calls, int(minutes), days)
    except SourcingRuleError as error:
        form.add_error("minutes", str(error))
        return None


class PackageChangeForm(QualityForm):
    """New hours, calls or cost for a package, from a day on."""

    calls_per_day = whole_number("Calls a day", 1, 8)
    minutes = radios("Length of each call", MINUTES, missing="Choose the length of each call")
    days_per_week = whole_number("Days a week", 1, 7)
    weekly_cost = weekly_money("Cost a week")
    from_day = Day("Changed care from")
    reason = text("Reason for the change", max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["pattern"] = pattern_of(self, data)
        return data


class PlacementChangeForm(QualityForm):
    """A new weekly cost or kind of bed for a care home placement, from a day on."""

    bed_kind = radios("Kind of bed", BED_KINDS, missing="Choose the kind of bed")
    weekly_cost = weekly_money("Cost a week")
    from_day = Day("Changed from")
    reason = text("Reason for the change", max_length=500)


class PackageEndForm(QualityForm):
    last_day = Day("Last day of care")
    reason = text("Reason the package ends", max_length=500)


class EmailsForm(QualityForm):
    """Which sourcing emails a provider account gets: ticked means sent."""

    wanted = forms.MultipleChoiceField(
        label="Email me when",
        choices=EmailKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick an email to stop it. Requests are always on your requests page.",
        error_messages={"invalid_choice": "Choose emails from the list"},
    )
