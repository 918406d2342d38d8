"""Forms for the contract register: contracts with their rates by call length and care home
band, lots (service, client group, zone), yearly uplifts, and which provider locations hold a
place. Every message says what to type; nothing is saved unless the whole form is right."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from caremarket.assessments.forms import long_text, radios, text
from caremarket.market.models import Location
from caremarket.quality.forms import Day, QualityForm
from caremarket.rules.sourcing import UPLIFT_RANGE
from caremarket.sourcing.models import ClientGroup, Contract, Need, ServiceKind

#: Call lengths a contract may publish a rate for, in minutes.
CALL_LENGTHS = (60, 45, 30, 15)
MAX_RATE = Decimal("9999.99")
MAX_BANDS = 20


def _call_label(minutes: int) -> str:
    return "an hour's call" if minutes == 60 else f"a {minutes}-minute call"


def money(label: str, *, required: bool, high: Decimal, example: str) -> forms.DecimalField:
    too_big = f"{label} must be less than £{high + Decimal('0.01'):,.0f}"
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_value=high,
        max_digits=8,
        decimal_places=2,
        help_text=f"In pounds, for example {example}",
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be an amount in pounds, like {example}",
            "min_value": f"{label} must be more than £0",
            "max_value": too_big,
            "max_digits": too_big,
            "max_decimal_places": f"{label} must be in pounds and pence, like {example}",
        },
    )


def parse_bands(raw: str) -> dict[str, str]:
    """ "Residential: 650.00" a line → {"Residential": "650.00"}; errors name the line."""
    bands: dict[str, str] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, price = line.rpartition(":")
        name, price = name.strip(), price.strip().removeprefix("£").replace(",", "")
        if not colon or not name:
            raise forms.ValidationError(
                f"Line {number}: write the band's name, a colon, then its price a week, like "
                "Residential: 650.00"
            )
        if len(name) > 100:
            raise forms.ValidationError(
                f"Line {number}: a band's name must be 100 characters or fewer"
            )
        try:
            amount = Decimal(price)
        except InvalidOperation:
            amount = Decimal("NaN")
        if not re.fullmatch(r"\d{1,5}(\.\d{1,2})?", price) or not amount.is_finite() or amount <= 0:
            raise forms.ValidationError(
                f"Line {number}: the price a week for {name} must be an amount in pounds from "
                "0.01 to 99,999.99, like 650.00"
            )
        if name.lower() in (b.lower() for b in bands):
            raise forms.ValidationError(f"Line {number}: {name} is given twice")
        bands[name] = f"{amount:.2f}"
    if len(bands) > MAX_BANDS:
        raise forms.ValidationError(f"Give at most {MAX_BANDS} care home bands")
    return bands


class ContractForm(QualityForm):
    name = text("Contract name")
    kind = radios("Kind of contract", Contract.Kind.choices, missing="Choose the kind of contract")
    service_kind = radios(
        "Main service", ServiceKind.choices, missing="Choose the service the contract buys"
    )
    starts_on = Day("Start date")
    ends_on = Day("End date", required=False, hint="Leave empty if it has no end date yet")
    rate_60 = money(f"Rate for {_call_label(60)}", required=False, high=MAX_RATE, example="23.76")
    rate_45 = money(f"Rate for {_call_label(45)}", required=False, high=MAX_RATE, example="19.01")
    rate_30 = money(f"Rate for {_call_label(30)}", required=False, high=MAX_RATE, example="14.26")
    rate_15 = money(f"Rate for {_call_label(15)}", required=False, high=MAX_RATE, example="7.13")
    care_home_rates = long_text(
        "Care home rates a week, by band",
        required=False,
        hint="One band a line: its name, a colon, then the price a week. For example, "
        "Residential: 650.00",
    )

    def clean_care_home_rates(self) -> dict[str, str]:
        return parse_bands(self.cleaned_data.get("care_home_rates") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "End date must be on or after the start date")
        return data

    @staticmethod
    def initial_from(contract: Contract) -> dict[str, Any]:
        rates = contract.rate_table()
        return {
            "name": contract.name,
            "kind": contract.kind,
            "service_kind": contract.service_kind,
            "starts_on": contract.starts_on.strftime("%d/%m/%Y"),
            "ends_on": contract.ends_on.strftime("%d/%m/%Y") if contract.ends_on else "",
            **{f"rate_{m}": rates[m] for m in CALL_LENGTHS if m in rates},
            "care_home_rates": "\n".join(
                f"{band}: {price}" for band, price in contract.care_home_rates.items()
            ),
        }

    def rates(self) -> dict[str, str]:
        return {
            str(m): f"{self.cleaned_data[f'rate_{m}']:.2f}"
            for m in CALL_LENGTHS
            if self.cleaned_data.get(f"rate_{m}") is not None
        }


def _areas_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label="Areas",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for the whole council",
        error_messages={"invalid_choice": "Choose areas of this council from the list"},
    )


class LotForm(QualityForm):
    name = text("Lot name", max_length=200)
    service_kind = radios("Service", ServiceKind.choices, missing="Choose the lot's service")
    client_group = radios(
        "Client group", ClientGroup.choices, missing="Choose who the lot's care is for"
    )
    areas = _areas_field()

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = areas  # type: ignore[attr-defined]
        self.fields["areas"].label = "Zone: the wards or localities the lot covers"


class UpliftForm(QualityForm):
    applies_from = Day("Uplift applies from")
    percent = forms.DecimalField(
        label="Uplift, as a percentage",
        min_value=UPLIFT_RANGE[0],
        max_value=UPLIFT_RANGE[1],
        max_digits=5,
        decimal_places=2,
        help_text="For example, 5.5 for 5.5%; a cut is negative, like -2",
        error_messages={
            "required": "Enter the uplift as a percentage",
            "invalid": "The uplift must be a number, like 5.5",
            # Django fills these messages in with %, so a percent sign is written %%
            "min_value": "The uplift must be between -50%% and 100%%",
            "max_value": "The uplift must be between -50%% and 100%%",
            "max_digits": "The uplift must be between -50%% and 100%%",
            "max_decimal_places": "The uplift can have at most 2 decimal places, like 5.25",
        },
    )


class HoldingForm(QualityForm):
    location = text(
        "CQC location ID",
        max_length=20,
        hint="As on the CQC register, for example 1-1050259592",
    )
    lot = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        label="Lot held",
        required=False,
        empty_label="No particular lot",
        error_messages={"invalid_choice": "Choose one of this contract's lots"},
    )
    areas = _areas_field()
    spare_hours = forms.DecimalField(
        label="Spare hours a week",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(10000),
        max_digits=7,
        decimal_places=2,
        help_text="Leave empty if not known",
        error_messages={
            "invalid": "Spare hours a week must be a number, like 40",
            "min_value": "Spare hours a week must be 0 or more",
            "max_value": "Spare hours a week must be 10,000 or fewer",
            "max_digits": "Spare hours a week must be 10,000 or fewer",
            "max_decimal_places": "Spare hours a week can have at most 2 decimal places",
        },
    )
    specialisms = forms.MultipleChoiceField(
        label="Specialist needs it meets",
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose specialist needs from the list"},
    )

    def __init__(self, *args: Any, areas: Any, lots: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = areas  # type: ignore[attr-defined]
        self.fields["areas"].label = "Areas it covers"
        self.fields[
            "areas"
        ].help_text = "Leave all unticked for the lot's zone, or the whole council without a lot"
        self.fields["lot"].queryset = lots  # type: ignore[attr-defined]
        if not lots.exists():
            del self.fields["lot"]

    def clean_location(self) -> Location:
        raw = (self.cleaned_data.get("location") or "").strip()
        if not re.fullmatch(r"1-\d{1,15}", raw):
            raise forms.ValidationError(
                "Enter a CQC location ID: 1, a hyphen, then digits, like 1-1050259592"
            )
        found = Location.objects.filter(cqc_location_id=raw, deregistered=False).first()
        if found is None:
            raise forms.ValidationError(
                f"No location {raw} is on the CQC register held here (or it is deregistered)"
            )
        return found
