"""Forms for extra care nominations: a referral, the panel's decision, a nomination, moving in,
a withdrawal, and a scheme's nomination terms. The step forms share one page, so no two of
them have a field of the same name."""

from __future__ import annotations

from typing import Any

from django import forms

from caremarket.assessments.forms import long_text, radios, text
from caremarket.market.models import Scheme
from caremarket.quality.forms import Day, QualityForm
from caremarket.sourcing.forms import whole_number
from caremarket.sourcing.models import ExtraCareReferral

YES_NO = [("yes", "Yes"), ("no", "No")]


class ReferralForm(QualityForm):
    route = radios(
        "How the referral came", ExtraCareReferral.Route.choices, missing="Choose how it came"
    )
    scheme = forms.ModelChoiceField(
        queryset=Scheme.objects.none(),
        label="Extra care scheme",
        empty_label="Choose a scheme",
        error_messages={
            "required": "Choose the extra care scheme",
            "invalid_choice": "Choose the extra care scheme from the list",
        },
    )
    person_name = text("Person's name", hint="Seen by the council's brokers only.")
    received_on = Day("Date received")
    note = long_text("Notes", required=False)

    def __init__(self, *args: Any, schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes  # type: ignore[attr-defined]
        self.fields["scheme"].label_from_instance = lambda s: s.name  # type: ignore[attr-defined]


class DecisionForm(QualityForm):
    eligible = radios("Eligible", YES_NO, missing="Say whether the person is eligible")
    suitable = radios(
        "Suitable for the scheme", YES_NO, missing="Say whether the scheme is suitable"
    )
    panel_reason = long_text("The panel's reason")
    panel_on = Day("Date of the panel")


class NominationForm(QualityForm):
    flat = text("Flat", max_length=50, hint="For example, Flat 14")
    nominated_on = Day("Date nominated")


class PlacedForm(QualityForm):
    placed_on = Day("Date moved in")


class WithdrawalForm(QualityForm):
    withdrawn_reason = text("Reason it is withdrawn", max_length=500)
    withdrawn_on = Day("Date withdrawn")


class TermsForm(QualityForm):
    nomination_rights = whole_number("Flats the council may nominate to", 0, 5000)
    voids = whole_number("Flats empty now", 0, 5000)
    voids_on = Day("Date the empty flats were counted")

    def __init__(self, *args: Any, units: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.units is not None:
            for name, words in (
                ("nomination_rights", "Nomination rights"),
                ("voids", "Empty flats"),
            ):
                value = data.get(name)
                if value is not None and value > self.units:
                    self.add_error(
                        name, f"{words} cannot be more than the scheme's {self.units} flats"
                    )
        return data
