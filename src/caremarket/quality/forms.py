"""The quality team's forms and the provider's. Every message says what to do; every text has a
limit; dates are typed as 24/10/2026."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from django import forms

from caremarket.accounts.models import User
from caremarket.assessments.forms import GovukForm, long_text, radios, text
from caremarket.quality import evidence
from caremarket.quality.models import (
    Concern,
    EnquiryMeeting,
    Exit,
    Notice,
    PlacementStop,
    ProviderRecord,
)
from caremarket.rules import quality as rules
from caremarket.rules.quality import MAX_CONCERN_HOURS

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %m %Y", "%d.%m.%Y"]
#: Dates outside these years are typing slips, not quality records.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class Day(forms.DateField):
    def __init__(self, label: str, *, required: bool = True, hint: str = "") -> None:
        super().__init__(
            label=label,
            required=required,
            help_text=hint or "For example, 24/10/2026",
            input_formats=DATE_FORMATS,
            error_messages={
                "required": f"Enter {label[0].lower()}{label[1:]}",
                "invalid": f"{label} must be a real date, like 24/10/2026",
            },
        )
        self.widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})

    def clean(self, value: Any) -> date | None:
        day: date | None = super().clean(value)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(f"{self.label} must be between 2000 and 2100")
        return day


class QualityForm(GovukForm):
    """Dates get a date-sized input."""

    def _style(self) -> None:
        self.widths = {
            **self.widths,
            **{name: "10" for name, field in self.fields.items() if isinstance(field, Day)},
        }
        super()._style()


def people(queryset: Any, label: str, empty: str) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        queryset=queryset,
        label=label,
        required=False,
        empty_label=empty,
        error_messages={"invalid_choice": f"Choose {label[0].lower()}{label[1:]} from the list"},
    )
    field.label_from_instance = lambda u: u.display_name  # type: ignore[method-assign]
    return field


class ConcernForm(QualityForm):
    location = forms.ModelChoiceField(
        queryset=None,  # set per council
        label="Location the concern is about",
        empty_label="Choose a location",
        error_messages={
            "required": "Choose the location the concern is about",
            "invalid_choice": "Choose the location the concern is about",
        },
    )
    source = radios(
        "Who raised it", Concern.Source.choices, missing="Choose who raised the concern"
    )
    risk = radios(
        "Risk",
        Concern.Risk.choices,
        missing="Choose the risk",
        hint="High risk means someone may come to harm now.",
    )
    what = long_text("What happened", hint="Facts: what, when, who is affected.")
    raised_by = text(
        "Name and contact of the person who raised it",
        required=False,
        hint="Leave empty for an anonymous concern.",
    )
    dealt_with_by = people(None, "Who will deal with it", "Not decided yet")

    def __init__(self, *args: Any, locations: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]
        self.fields["location"].label_from_instance = (  # type: ignore[attr-defined]
            lambda loc: f"{loc.name}, {loc.postcode}" if loc.postcode else loc.name
        )
        self.fields["dealt_with_by"].queryset = officers  # type: ignore[attr-defined]


class AssignForm(QualityForm):
    dealt_with_by = people(None, "Who is dealing with it", "Nobody yet")
    shared_with_provider = forms.BooleanField(
        label="Share this concern with the provider", required=False
    )

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dealt_with_by"].queryset = officers  # type: ignore[attr-defined]


OUTCOMES = [
    (Concern.Outcome.SAFEGUARDING.value, Concern.Outcome.SAFEGUARDING.label),
    (Concern.Outcome.NOTICE.value, Concern.Outcome.NOTICE.label),
    (Concern.Outcome.CLOSED.value, Concern.Outcome.CLOSED.label),
]


class CloseConcernForm(QualityForm):
    outcome = radios(
        "What happened",
        OUTCOMES,
        missing="Choose what happened to the concern",
        hints={
            Concern.Outcome.SAFEGUARDING.value: "Record the referral here; the enquiry is run by "
            "the safeguarding team.",
            Concern.Outcome.NOTICE.value: "A notice of concern is issued to the provider.",
        },
    )
    note = long_text("Outcome", hint="What was found and what was done.")


class StopForm(QualityForm):
    scope = radios("Kind of stop", PlacementStop.Scope.choices, missing="Choose the kind of stop")
    partial_detail = text(
        "Placements it covers",
        required=False,
        hint="For a partial stop, for example: nursing beds, or new dementia placements.",
        max_length=300,
    )
    reason = long_text("Reason")
    started_on = Day("Start date")
    review_on = Day("Review date")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") == PlacementStop.Scope.PARTIAL and not data.get("partial_detail"):
            self.add_error("partial_detail", "Enter the placements a partial stop covers")
        start, review = data.get("started_on"), data.get("review_on")
        if start and review and review < start:
            self.add_error("review_on", "The review date must be on or after the start date")
        return data


class StopChangeForm(QualityForm):
    review_on = Day("New review date", required=False)
    lifted_on = Day("Date lifted", required=False)
    lift_note = long_text("Why it is lifted", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("review_on") and not data.get("lifted_on") and not self.errors:
            raise forms.ValidationError("Enter a new review date, or the date the stop is lifted")
        if data.get("lifted_on") and not data.get("lift_note"):
            self.add_error("lift_note", "Enter why the stop is lifted")
        return data


class NoticeForm(QualityForm):
    kind = radios("Kind of notice", Notice.Kind.choices, missing="Choose the kind of notice")
    reason = long_text("Reason", hint="What the provider must put right.")
    issued_on = Day("Date issued")
    respond_by = Day("Respond by", required=False)


class CloseNoticeForm(QualityForm):
    closing_note = long_text("Why it is closed")
    closed_on = Day("Date closed")


class ExitForm(QualityForm):
    kind = radios("Kind of exit", Exit.Kind.choices, missing="Choose the kind of exit")
    exit_on = Day("Date of the exit or closure")
    people_affected = forms.IntegerField(
        label="People affected",
        min_value=0,
        max_value=10_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of people affected",
            "invalid": "People affected must be a whole number, like 12",
            "min_value": "People affected must be 0 or more",
            "max_value": "People affected must be 10,000 or fewer",
        },
    )
    moved_to = long_text("Where people moved", hint="As services, no names: 6 to homes nearby.")
    reason = long_text("Reason", required=False)
    widths = {"people_affected": "5"}


class RecordForm(QualityForm):
    officer = people(None, "Named contract and quality officer", "No one named")
    contracts = long_text("Contracts held", required=False, hint="One contract per line.")
    dspt = forms.ChoiceField(
        label="Data Security and Protection Toolkit",
        choices=ProviderRecord.Dspt.choices,
        required=False,
    )
    asc_wds_complete = forms.BooleanField(
        label="Adult Social Care Workforce Data Set complete", required=False
    )
    capacity_tracker_complete = forms.BooleanField(
        label="Capacity Tracker up to date", required=False
    )
    bcp_on_file = forms.BooleanField(label="Business continuity plan on file", required=False)
    bcp_review_date = Day("Business continuity plan review date", required=False)

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers  # type: ignore[attr-defined]


NO_NAMES = "About the service: no names of the people involved."


class EnquiryForm(QualityForm):
    reason = long_text("Why the enquiry is opened", hint=NO_NAMES)
    opened_on = Day("Date opened")
    lead = people(None, "Who leads it", "Not decided yet")

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = officers  # type: ignore[attr-defined]


class MeetingForm(QualityForm):
    kind = radios("Meeting", EnquiryMeeting.Kind.choices, missing="Choose the kind of meeting")
    held_on = Day("Date of the meeting")
    notes = long_text("What was agreed", hint=NO_NAMES)


class EnquiryActionForm(QualityForm):
    what = long_text("Action")
    owner = text("Who owns it", hint="A role or organisation, for example: home manager")
    due_on = Day("Due by")


class CloseEnquiryForm(QualityForm):
    outcome = long_text("Outcome", hint=NO_NAMES)
    closed_on = Day("Date closed")


def concern_hours(which: str, example: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=f"{which[0].upper()}{which[1:]} concerns are due within (hours)",
        min_value=1,
        max_value=MAX_CONCERN_HOURS,
        error_messages={
            "required": f"Enter the hours for {which} concerns",
            "invalid": f"Hours must be a whole number, like {example}",
            "min_value": "Hours must be 1 or more",
            "max_value": f"Hours must be {MAX_CONCERN_HOURS} (four weeks) or fewer",
        },
    )


class SettingsForm(QualityForm):
    high_risk_hours = concern_hours("high-risk", 24)
    other_hours = concern_hours("other", 72)
    concern_retention_days = forms.IntegerField(
        label="Keep what happened and who raised a concern for (days after it closes)",
        min_value=30,
        max_value=100 * 365,
        help_text="Then it is erased; the rest of the record stays. Six years is 2,190 days.",
        error_messages={
            "required": "Enter how many days to keep concern details",
            "invalid": "Days must be a whole number, like 2190",
            "min_value": "Keep concern details for at least 30 days",
            "max_value": "Days must be 36,500 or fewer",
        },
    )
    new_standard = text("Add a standard", required=False, max_length=200)
    new_standard_domain = forms.ChoiceField(label="In the domain", required=False, choices=[])
    widths = {"high_risk_hours": "4", "other_hours": "4", "concern_retention_days": "5"}

    def __init__(self, *args: Any, domains: Any, scheme: rules.RatingScheme, **kwargs: Any) -> None:
        """`scheme`: the council's rating scheme now; its bands' lowest averages and its caps
        become fields (`minimum_N` for every rating but the last, `cap_N` for every rating but
        the best, N its place on the scale), and a valid form has the new one in `scheme`."""
        self.scheme = scheme
        self.ratings = scheme.ratings
        minimums = {rating: minimum for minimum, rating in scheme.thresholds}
        caps = dict(scheme.caps)
        initial = dict(kwargs.pop("initial", None) or {})
        extra: dict[str, forms.Field] = {}
        for n, rating in enumerate(self.ratings[:-1]):
            extra[f"minimum_{n}"] = forms.CharField(
                label=f"{rating}: lowest average score",
                required=False,
                max_length=12,
                error_messages={
                    "max_length": f"The lowest average score for {rating} must be a number "
                    "with at most two decimal places, like 2.5"
                },
            )
            if rating in minimums:
                initial.setdefault(f"minimum_{n}", _number(minimums[rating]))
        for n, rating in enumerate(self.ratings[1:], 1):
            choices = [("", "No cap")] + [(r, r) for r in self.ratings[1 : n + 1]]
            extra[f"cap_{n}"] = forms.ChoiceField(
                label=f"If any standard is rated {rating}, the overall rating is at best",
                required=False,
                choices=choices,
                error_messages={"invalid_choice": f"Choose the cap for {rating} from the list"},
            )
            initial.setdefault(f"cap_{n}", caps.get(rating, ""))
        super().__init__(*args, initial=initial, **kwargs)
        self.fields.update(extra)
        self.widths = {**self.widths, **{name: "4" for name in extra if "minimum" in name}}
        self._style()
        self.fields["new_standard_domain"].choices = [(str(d.pk), d.name) for d in domains]  # type: ignore[attr-defined]

    @property
    def minimum_fields(self) -> list[forms.BoundField]:
        return [self[f"minimum_{n}"] for n in range(len(self.ratings) - 1)]

    @property
    def cap_fields(self) -> list[forms.BoundField]:
        return [self[f"cap_{n}"] for n in range(1, len(self.ratings))]

    @property
    def lowest(self) -> str:
        """The last band, which takes every score below the others."""
        return self.ratings[-1]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        high, other = data.get("high_risk_hours"), data.get("other_hours")
        if high and other and high > other:
            self.add_error("high_risk_hours", "High-risk concerns cannot have longer than others")
        minimums = []
        for n, rating in enumerate(self.ratings[:-1]):
            name = f"minimum_{n}"
            if name not in data:
                continue  # too long: the field said so
            try:
                minimums.append(rules.parse_minimum(data[name], rating, self.scheme))
            except rules.SchemeError as error:
                self.add_error(name, str(error))
        if len(minimums) == len(self.ratings) - 1:
            caps = {r: data.get(f"cap_{n}", "") for n, r in enumerate(self.ratings) if n}
            try:
                self.scheme = rules.scheme_with(self.scheme, minimums, caps)
            except rules.SchemeError as error:
                self.add_error(f"{error.part}_{self.ratings.index(error.rating)}", str(error))
            except rules.QualityRuleError as error:
                self.add_error(None, str(error))
        return data


def _number(value: Fraction) -> str:
    """A band minimum as typed: 2.5, 3, 2.75."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


class StartAuditForm(QualityForm):
    visit_date = Day("Date of the visit")


class CommentsForm(QualityForm):
    comments = long_text(
        "Your comments on the factual accuracy of the draft",
        hint="Say which standard each comment is about.",
    )


def quality_officers(council: Any) -> Any:
    return (
        User.objects.filter(
            is_active=True,
            memberships__local_authority=council,
            memberships__role__in=["quality_officer", "council_admin"],
        )
        .distinct()
        .order_by("username")
    )


class EvidenceForm(QualityForm):
    """One evidence file for one standard of an audit (`quality.evidence` checks the file)."""

    standard = forms.ChoiceField(
        label="Standard the file is evidence for",
        error_messages={
            "required": "Select the standard the file is evidence for",
            "invalid_choice": "Select the standard the file is evidence for",
        },
    )
    file = forms.FileField(
        label="File",
        required=False,  # `evidence.check` says what is missing or wrong
        help_text=f"{evidence.ALLOWED_TEXT}, up to {evidence.size_text(evidence.max_bytes())}",
        error_messages={
            "empty": "The selected file is empty",
            "invalid": "Select a file to upload",
            "missing": "Select a file to upload",
        },
    )

    def __init__(self, *args: Any, scores: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["standard"]
        field.choices = [("", "Select a standard")] + [(str(s.pk), s.standard.name) for s in scores]

    def _style(self) -> None:
        super()._style()
        self.fields["file"].widget.attrs["class"] = "govuk-file-upload" + (
            " govuk-file-upload--error" if self._errors and "file" in self._errors else ""
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        try:
            self.cleaned_name, self.cleaned_type = evidence.check(upload)
        except evidence.EvidenceError as error:
            raise forms.ValidationError(str(error)) from error
        return upload
