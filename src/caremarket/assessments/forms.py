"""Forms shared by the journeys and the referral pages, with GOV.UK classes and messages."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms

from caremarket.assessments.models import Referral, normalise_reference
from caremarket.places.models import LocalAuthority, Postcode
from caremarket.rules.directory import normalise_postcode

#: Long enough for any real answer; a huge paste is refused with a message, not stored.
MAX_TEXT = 2000
MAX_LINE = 200
MAX_PHONE = 30


class GovukForm(forms.Form):
    """Adds GOV.UK classes, error styling and hint links to text-like widgets."""

    widths: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def _style(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
                continue
            if isinstance(widget, forms.Textarea):
                css = "govuk-textarea"
                widget.attrs.setdefault("rows", 5)
            elif isinstance(widget, forms.Select):
                css = "govuk-select"
            else:
                css = "govuk-input"
                width = self.widths.get(name)
                if width:
                    css += f" govuk-input--width-{width}"
            errors = self._errors.get(name) if self._errors else None
            if errors:
                css += f" {css.split()[0]}--error"
            widget.attrs["class"] = css
            described = []
            if field.help_text:
                described.append(f"id_{name}-hint")
            if errors:
                described.append(f"id_{name}-error")
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)
            else:
                widget.attrs.pop("aria-describedby", None)

    def full_clean(self) -> None:
        """Clean, then mark the inputs that have errors (subclasses may add fields first)."""
        super().full_clean()
        self._style()

    @property
    def has_errors(self) -> bool:
        return self.is_bound and bool(self.errors)


def text(
    label: str,
    *,
    required: bool = True,
    hint: str = "",
    max_length: int = MAX_LINE,
    missing: str = "",
    autocomplete: str = "",
) -> forms.CharField:
    """A one-line text field with plain-English messages."""
    field = forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        max_length=max_length,
        error_messages={
            "required": missing or f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )
    if autocomplete:
        field.widget.attrs["autocomplete"] = autocomplete
    return field


def phone_field(
    label: str, *, required: bool = True, hint: str = "", missing: str = ""
) -> forms.CharField:
    """A phone number, checked by `rules.phone` (UK, or abroad with its + country code)."""
    from caremarket.rules.phone import PHONE_EXAMPLE, is_phone_number

    def check(value: str) -> None:
        if len(value) <= MAX_PHONE and not is_phone_number(value):  # else max_length says it
            raise forms.ValidationError(
                f"Enter a phone number, like {PHONE_EXAMPLE}", code="invalid_phone"
            )

    field = text(
        label,
        required=required,
        hint=hint,
        max_length=MAX_PHONE,
        missing=missing,
        autocomplete="tel",
    )
    field.error_messages["max_length"] = f"Enter a phone number, like {PHONE_EXAMPLE}"
    field.validators.append(check)
    field.widget.input_type = "tel"
    return field


def long_text(
    label: str, *, required: bool = True, hint: str = "", missing: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={
            "required": missing or f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {MAX_TEXT} characters or fewer",
        },
    )


def radios(
    label: str,
    choices: list[tuple[str, str]],
    *,
    missing: str,
    hint: str = "",
    hints: dict[str, str] | None = None,
    required: bool = True,
) -> forms.ChoiceField:
    field = forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=hint,
        required=required,
        error_messages={"required": missing, "invalid_choice": missing},
    )
    field.hints = hints or {}  # type: ignore[attr-defined]
    return field


def checkboxes(
    label: str,
    choices: list[tuple[str, str]],
    *,
    missing: str,
    hint: str = "",
    exclusive: str = "",
    hints: dict[str, str] | None = None,
) -> forms.MultipleChoiceField:
    field = forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=hint,
        error_messages={"required": missing, "invalid_choice": missing},
    )
    field.exclusive = exclusive  # type: ignore[attr-defined]
    field.hints = hints or {}  # type: ignore[attr-defined]
    return field


#: An amount as people type it once spaces and the pound sign are gone: "12500", "12,500.50".
_MONEY = re.compile(r"^-?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)$")


class MoneyField(forms.DecimalField):
    """Pounds as people type them: "12,000", "£12,500.50", "12 000" or " 150 "."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            text = "".join(value.split())
            text = text.replace("-£", "-", 1) if text.startswith("-£") else text.removeprefix("£")
            if text and not _MONEY.match(text):
                code = "commas" if "," in text and _MONEY.match(text.replace(",", "")) else ""
                raise forms.ValidationError(
                    self.error_messages[code or "invalid"], code=code or "invalid"
                )
            value = text.replace(",", "")
        return super().to_python(value)

    def run_validators(self, value: Any) -> None:
        """One message per problem: too many digits and too large say the same thing."""
        try:
            super().run_validators(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(list(dict.fromkeys(error.messages))) from None


def money(
    label: str,
    *,
    name: str = "",
    hint: str = "",
    required: bool = True,
    missing: str = "",
    maximum: int = 100_000_000,
    suffix: str = "",
) -> MoneyField:
    """An amount in pounds; `name` is what the short error messages call it ("your savings")."""
    name = name or "the amount"
    named = name[0].upper() + name[1:]
    too_big = f"{named} must be £{maximum:,} or less"
    field = MoneyField(
        label=label,
        help_text=hint,
        required=required,
        min_value=Decimal(0),
        max_value=Decimal(maximum),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": missing or f"Enter {name}",
            "invalid": f"Enter {name} in numbers, like 12,500 or 12,500.50",
            "commas": f"Check {name}: put commas only between thousands, like 12,500",
            "min_value": f"{named} must be £0 or more",
            "max_value": too_big,
            "max_digits": too_big,
            "max_decimal_places": f"Enter {name} in pounds and pence, like 150.50",
            "max_whole_digits": too_big,
        },
    )
    field.prefix = "£"  # type: ignore[attr-defined]
    field.suffix = suffix  # type: ignore[attr-defined]
    field.widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
    return field


def council_for_postcode(postcode: str) -> LocalAuthority | None:
    """The council for a postcode, from the ONS Postcode Directory rows we hold."""
    row = Postcode.objects.filter(postcode=normalise_postcode(postcode)).first()
    if row is None:
        return None
    return LocalAuthority.objects.for_code(row.local_authority_code)


POSTCODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")


def clean_postcode_text(value: str) -> str:
    value = normalise_postcode(value)
    compact = value.replace(" ", "")
    if not 5 <= len(compact) <= 7 or not set(value) <= POSTCODE_CHARS:
        raise forms.ValidationError("Enter a real postcode, like ST4 1AA")
    return value


class CouncilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LocalAuthority) -> str:  # type: ignore[override]
        return obj.name


def council_field(
    label: str = "Which council area do you live in?", required: bool = True
) -> CouncilChoiceField:
    field = CouncilChoiceField(
        queryset=LocalAuthority.objects.all(),
        label=label,
        required=required,
        empty_label="Choose your council",
        to_field_name="slug",
        error_messages={
            "required": "Choose your council",
            "invalid_choice": "Choose your council from the list",
        },
    )
    return field


class RoutedForm(GovukForm):
    """A form with a postcode that finds the council, or asks the person to choose it.

    The council list appears only after a postcode we cannot place (or when the person had
    to choose before), so most people never see it.
    """

    postcode_field = "postcode"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"] = council_field(required=False)
        self.fields["council"].widget.attrs["class"] = "govuk-select"
        self.council: LocalAuthority | None = None
        self.show_council = bool(self.data.get("council")) if self.is_bound else False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = data.get("council")
        postcode = data.get(self.postcode_field)
        found = council_for_postcode(postcode) if postcode else None
        if found is not None:
            self.council = found
        elif chosen is not None:
            self.council = chosen
        elif postcode:
            self.show_council = True
            self.add_error(
                "council",
                "We could not find the council for this postcode. Choose the council area "
                "where the person lives",
            )
        return data


class ReferenceForm(GovukForm):
    reference = text(
        "Your reference",
        hint=(
            "10 letters and numbers, for example HT7K2MPQ9X. It is in your email or on the "
            "page you saved."
        ),
        max_length=30,
        missing="Enter your reference",
    )
    widths = {"reference": "10"}

    def clean_reference(self) -> str:
        value = normalise_reference(self.cleaned_data["reference"])
        if len(value) != 10:
            raise forms.ValidationError("Enter your reference: it has 10 letters and numbers")
        return value


class EmailLinkForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        help_text="We will send a link to this address. We do not keep the address.",
        max_length=254,
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})


class DeleteRequestForm(ReferenceForm):
    confirm = forms.BooleanField(
        label="I want my answers or request deleted",
        error_messages={"required": "Confirm that you want it deleted"},
    )


URGENCY_CHOICES = list(Referral.Urgency.choices)
