"""Forms for keeping listings true: a provider's proposal, an officer's decision, a public
report. Every message says what to do, in the GOV.UK style; every text has a limit."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from caremarket.assessments.forms import GovukForm, checkboxes, radios, text
from caremarket.directory.editorial import EDITABLE_FIELDS, REPORTER_EMAIL_DAYS, locked_fields
from caremarket.directory.models import Organization, Service, TaxonomyTerm
from caremarket.places.models import LocalAuthority

#: A listing's description may be longer than a form answer; a public report may not.
MAX_DESCRIPTION = 5000
MAX_NOTE = 2000
MAX_REPORT = 2000
MAX_LANGUAGES = 20
PHONE = re.compile(r"^\+?[0-9 ()-]{7,25}$")


def paragraph(
    label: str, *, required: bool = False, hint: str = "", max_length: int = MAX_NOTE
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        max_length=max_length,
        widget=forms.Textarea,
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def age(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": f"{label} must be a whole number, like 18",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be 120 or less",
        },
    )


class ListingForm(GovukForm):
    """The listing's editable fields. For a CQC-registered listing the register's fields are
    disabled: Django then ignores whatever is posted for them."""

    name = text("Name of the service", max_length=300, missing="Enter the name of the service")
    kind = forms.ChoiceField(
        label="Kind of service",
        choices=[("", "Choose the kind of service"), *Service.Kind.choices],
        error_messages={
            "required": "Choose the kind of service",
            "invalid_choice": "Choose the kind of service",
        },
    )
    description = paragraph(
        "Description",
        required=True,
        max_length=MAX_DESCRIPTION,
        hint="What you offer and what a visit or session is like, in plain words.",
    )
    categories = checkboxes(
        "What it helps with",
        [],
        missing="Select at least one thing the service helps with",
        hint="Residents find services by these. Select all that apply.",
    )
    client_groups = forms.MultipleChoiceField(
        label="Who it is for",
        required=False,
        choices=Service.ClientGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty if it is for any adult.",
        error_messages={"invalid_choice": "Select who it is for from the list"},
    )
    age_min = age("Youngest age")
    age_max = age("Oldest age")
    areas_served = text(
        "Areas served",
        required=False,
        max_length=500,
        hint="For example, the whole of Stoke-on-Trent, or Meir and Longton.",
    )
    access = radios(
        "How do people get it?", list(Service.Access.choices), missing="Select how people get it"
    )
    how_to_access = paragraph("How to get it", hint="Who to contact, and what happens next.")
    costs = checkboxes(
        "What it costs", list(Service.Cost.choices), missing="Select what the service costs"
    )
    cost_detail = paragraph("Cost details", hint="For example, £4 a session, lunch included.")
    accessibility = paragraph(
        "Accessibility", hint="Step-free access, hearing loop, accessible toilet, parking."
    )
    languages = text(
        "Languages",
        required=False,
        max_length=500,
        hint="Separate them with commas, for example English, Urdu, Polish.",
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email must be 254 characters or fewer",
        },
    )
    phone = text("Phone", required=False, max_length=40)
    url = forms.URLField(
        label="Website",
        required=False,
        max_length=300,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a website address in the correct format, like www.example.org.uk",
            "max_length": "Website must be 300 characters or fewer",
        },
    )
    widths = {"age_min": "3", "age_max": "3", "phone": "20"}

    def __init__(self, *args: Any, service: Service | None = None, **kwargs: Any) -> None:
        self.service = service
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [
            (t.code, t.name) for t in TaxonomyTerm.objects.filter(parent__isnull=True)
        ]
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "type": "email"}
        )
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        for name in locked_fields(service):
            self.fields[name].disabled = True
            self.fields[name].help_text = "From the CQC register: it changes when CQC's does."

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        items = [item.strip() for item in raw.split(",") if item.strip()]
        if len(items) > MAX_LANGUAGES:
            raise forms.ValidationError(f"List {MAX_LANGUAGES} languages or fewer")
        if any(len(item) > 50 for item in items):
            raise forms.ValidationError("Each language must be 50 characters or fewer")
        return list(dict.fromkeys(items))

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        if value and (not PHONE.match(value) or sum(c.isdigit() for c in value) < 7):
            raise forms.ValidationError("Enter a phone number, like 01782 234567")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", "Oldest age must be the same as or more than youngest age")
        if not any(data.get(f) for f in ("email", "phone", "url")) and not self.errors.get("email"):
            self.add_error("email", "Enter at least one way to contact the service")
        return data

    def listing_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in EDITABLE_FIELDS}


def initial_from(proposed_or_snapshot: dict[str, Any]) -> dict[str, Any]:
    """Form initial values from a snapshot (languages back to one line)."""
    initial = dict(proposed_or_snapshot)
    initial["languages"] = ", ".join(initial.get("languages") or [])
    return initial


class OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:  # type: ignore[override]
        return obj.name


class CouncilChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: LocalAuthority) -> str:  # type: ignore[override]
        return obj.name


class NewListingForm(ListingForm):
    """A new listing: which of my organisations runs it (and, for a national organisation,
    which council's directory it goes in)."""

    field_order = ["organization", "council"]

    def __init__(
        self,
        *args: Any,
        organizations: Any,
        councils: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = OrganizationChoice(
            queryset=organizations,
            label="Organisation",
            empty_label=None,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Select the organisation that runs the service",
                "invalid_choice": "Select the organisation that runs the service",
            },
        )
        self.fields["council"] = CouncilChoice(
            queryset=councils,
            label="Council directory",
            required=False,
            empty_label=None,
            widget=forms.RadioSelect,
            help_text="Only needed if the organisation works in more than one council area.",
            error_messages={"invalid_choice": "Select a council where you are a provider"},
        )
        self.order_fields(["organization", "council", *EDITABLE_FIELDS])
        self._style()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organization = data.get("organization")
        national = organization is not None and organization.local_authority_id is None
        if national and data.get("council") is None:
            councils = self.fields["council"].queryset
            if councils.count() == 1:
                data["council"] = councils.get()
            else:
                self.add_error("council", "Select the council whose directory it goes in")
        return data


class DecisionForm(GovukForm):
    """Approve or reject; a rejection needs a reason the proposer will read."""

    decision = radios(
        "Your decision",
        [("approve", "Approve and publish"), ("reject", "Reject")],
        missing="Select approve or reject",
    )
    note = paragraph(
        "Reason or note for the provider",
        hint="Needed when you reject. The provider is emailed it.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter the reason for rejecting the change")
        return data


class ResolveForm(GovukForm):
    resolution = paragraph(
        "What you did",
        required=True,
        hint="For example, corrected the opening times; or checked, and the listing is right.",
    )


class ReportForm(GovukForm):
    """The public's "this information is wrong". The email is optional and only for a reply."""

    problem = paragraph(
        "What is wrong?",
        required=True,
        max_length=MAX_REPORT,
        hint="For example, the phone number no longer works, or the group now meets on "
        "Thursdays. Do not include personal or medical details.",
    )
    email = forms.EmailField(
        label="Your email address (optional)",
        required=False,
        max_length=254,
        help_text="Only if you would like a reply. Only the council's directory team sees it, "
        f"and it is deleted {REPORTER_EMAIL_DAYS} days after your report is dealt with.",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].error_messages["required"] = "Enter what is wrong with the listing"
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "type": "email"}
        )
