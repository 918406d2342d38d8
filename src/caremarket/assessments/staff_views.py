"""The council's side: the referral inbox and triage, charging figures, and retention.

Referrals are scoped to the council in the URL; one from another council is a 404, so an
outsider cannot learn that it exists. Every page that shows a referral writes the audit log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from caremarket.access import staff
from caremarket.accounts.audit import record
from caremarket.accounts.roles import Role
from caremarket.assessments.forms import GovukForm, long_text, money, radios, text
from caremarket.assessments.models import (
    POLICY_AMOUNTS,
    POLICY_FIELDS,
    POLICY_FLAGS,
    ChargingFigureOverride,
    FrontDoorSettings,
    Referral,
    ReferralEvent,
)
from caremarket.places.models import LocalAuthority

TRIAGE_ROLES = (Role.PRACTITIONER, Role.COUNCIL_ADMIN)


def _get_referral_for_council(council: LocalAuthority, reference: str) -> Referral:
    return get_object_or_404(Referral, local_authority=council, reference=reference)


@staff(*TRIAGE_ROLES)
def inbox(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    status = request.GET.get("status", "open")
    referrals = Referral.objects.filter(local_authority=council)
    if status == "open":
        referrals = referrals.filter(status__in=[Referral.Status.NEW, Referral.Status.SCREENED])
    elif status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    else:
        status = "all"
    record(
        "viewed_referral_inbox",
        request=request,
        local_authority=council,
        detail="open referrals"
        if status == "open"
        else f"{Referral.Status(status).label.lower()} referrals"
        if status in Referral.Status.values
        else "all referrals",
    )
    page = Paginator(referrals.select_related("assigned_to").order_by("-created_at"), 50).get_page(
        request.GET.get("page")
    )
    counts = {
        s: Referral.objects.filter(local_authority=council, status=s).count()
        for s in Referral.Status.values
    }
    filters = [("open", "Open"), *Referral.Status.choices, ("all", "All")]
    return render(
        request,
        "assessments/staff/inbox.html",
        {"council": council, "page": page, "status": status, "counts": counts, "filters": filters},
    )


class TriageForm(GovukForm):
    """Move a referral on (screened, passed, signposted); closing has its own form."""

    to_status = radios("Move this referral to", [], missing="Select what happens next")
    note = long_text(
        "Note", required=False, hint="Kept with the referral. Only the front door team can read it."
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Referral.Status.choices)
        self.fields["to_status"].choices = [
            (s, labels[s]) for s in referral.allowed_next() if s != Referral.Status.CLOSED
        ]


class CloseForm(GovukForm):
    """Close a referral: the reason is asked here, and only here."""

    close_reason = radios(
        "Reason for closing",
        list(Referral.CloseReason.choices),
        missing="Select the reason for closing",
    )
    close_note = long_text(
        "Note",
        required=False,
        hint="Needed when the reason is ‘Other’. Only the front door team can read it.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("close_reason") == Referral.CloseReason.OTHER and not data.get("close_note"):
            self.add_error("close_note", "Say why the referral is closed")
        return data


def council_workers(council: LocalAuthority) -> Any:
    """The people a referral can be assigned to: the council's practitioners and admins."""
    from caremarket.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            memberships__local_authority=council,
            memberships__role__in=TRIAGE_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def worker_name(user: Any) -> str:
    return str(user.display_name)


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return worker_name(obj)


class AssignForm(GovukForm):
    assigned_to = WorkerChoiceField(
        queryset=None,
        label="Assign to",
        required=False,
        empty_label="Nobody (unassigned)",
        help_text="A practitioner or council admin at this council.",
        error_messages={"invalid_choice": "Choose someone from the list"},
    )

    def __init__(self, *args: Any, council: LocalAuthority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = council_workers(council)  # type: ignore[attr-defined]
        self.fields["assigned_to"].widget.attrs["class"] = "govuk-select"


def _move(request: HttpRequest, item: Referral, new: str, reason: str, note: str) -> None:
    old = item.status
    with transaction.atomic():
        item.move_to(new, reason)
        item.save()
        ReferralEvent.objects.create(
            referral=item,
            user=request.user,
            from_status=old,
            to_status=new,
            note={"text": note} if note else {},
        )
    record(
        "triaged_referral",
        request=request,
        local_authority=item.local_authority,
        obj=item,
        detail=f"from {Referral.Status(old).label.lower()} to {Referral.Status(new).label.lower()}",
    )
    messages.success(
        request, f"Referral {item.reference} is now {item.get_status_display().lower()}."
    )


def _assign(request: HttpRequest, item: Referral, worker: Any) -> None:
    if worker == item.assigned_to:
        return
    with transaction.atomic():
        item.assigned_to = worker
        item.assigned_at = timezone.now() if worker else None
        item.save(update_fields=["assigned_to", "assigned_at", "updated_at"])
        ReferralEvent.objects.create(
            referral=item,
            user=request.user,
            from_status=item.status,
            to_status=item.status,
            assigned_to=worker,
        )
    record(
        "assigned_referral",
        request=request,
        local_authority=item.local_authority,
        obj=item,
        detail=f"to user {worker.pk}" if worker else "unassigned",
    )
    who = worker_name(worker) if worker else "nobody"
    messages.success(request, f"Referral {item.reference} is assigned to {who}.")


@staff(*TRIAGE_ROLES)
def referral(request: HttpRequest, council: LocalAuthority, reference: str) -> HttpResponse:
    item = _get_referral_for_council(council, reference)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    data = request.POST if request.method == "POST" else None
    form = TriageForm(data if action == "move" else None, referral=item)
    close_form = CloseForm(data if action == "close" else None)
    assign_form = AssignForm(
        data if action == "assign" else None,
        council=council,
        initial={"assigned_to": item.assigned_to_id},
    )
    here = redirect("assessments:referral", council=council.slug, reference=reference)
    if action == "delete":
        if item.deletion_requested_at is None and item.status != Referral.Status.CLOSED:
            messages.error(request, "Close the referral before deleting it.")
            return here
        record("deleted_referral", request=request, local_authority=council, obj=item)
        item.delete()
        messages.success(request, f"Referral {reference} deleted.")
        return redirect("assessments:inbox", council=council.slug)
    can_close = Referral.Status.CLOSED in item.allowed_next()
    if action == "move" and form.is_valid():
        _move(request, item, form.cleaned_data["to_status"], "", form.cleaned_data["note"])
        return here
    if action == "close" and can_close and close_form.is_valid():
        data = close_form.cleaned_data
        _move(request, item, Referral.Status.CLOSED, data["close_reason"], data["close_note"])
        return here
    if action == "assign" and assign_form.is_valid():
        _assign(request, item, assign_form.cleaned_data["assigned_to"])
        return here
    record("viewed_referral", request=request, local_authority=council, obj=item)
    return render(
        request,
        "assessments/staff/referral.html",
        {
            "council": council,
            "referral": item,
            "details": item.details,
            # `form` is the one sent, for the error summary and the page title.
            "form": {"close": close_form, "assign": assign_form}.get(action, form),
            "triage_form": form,
            "close_form": close_form,
            "assign_form": assign_form,
            "can_close": can_close,
            "assigned_name": worker_name(item.assigned_to) if item.assigned_to else "",
            "events": item.events.select_related("user", "assigned_to"),
        },
    )


# --- Charging figures ------------------------------------------------------------------------


def figure_choices() -> list[tuple[str, str]]:
    from caremarket.rules.figures_store import load_figures

    # the figure's words only: its dotted name ("capital.lower_limit") is the files' key
    return [(name, fig.label) for name, fig in sorted(load_figures().items())]


class OverrideForm(GovukForm):
    name = forms.ChoiceField(
        label="Figure",
        error_messages={"required": "Choose a figure", "invalid_choice": "Choose a figure"},
    )
    from_date = forms.DateField(
        label="In force from",
        help_text="The first day it applies, for example 6/4/2026. It applies until the end "
        "of that charging year (5 April).",
        input_formats=["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %m %Y"],
        error_messages={
            "required": "Enter the date it is in force from",
            "invalid": "Enter a real date, like 6/4/2026",
        },
    )
    amount = money("Amount", name="the amount", maximum=1_000_000_000)
    cite = text(
        "Source",
        max_length=300,
        hint="The circular or regulation, for example LAC(DHSC)(2026)1, annex A.",
        missing="Enter where the amount comes from",
    )
    national = forms.BooleanField(
        label="Use for every council (a national figure)",
        required=False,
        help_text="Only site admins can enter national figures.",
    )
    widths = {"from_date": "10", "amount": "10"}

    def __init__(self, *args: Any, can_be_national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [("", "Choose a figure"), *figure_choices()]
        self.fields["name"].widget.attrs["class"] = "govuk-select"
        if not can_be_national:
            del self.fields["national"]

    def clean(self) -> dict[str, Any]:
        from caremarket.rules.figures_store import check_overrides

        data = super().clean()
        if data.get("name") and data.get("from_date") and data.get("amount") is not None:
            problems = check_overrides(
                {data["name"]: [(data["from_date"], data["amount"], data.get("cite") or "-")]}
            )
            for problem in problems:
                self.add_error(None, problem)
        return data


@staff(Role.COUNCIL_ADMIN)
def charging_figures(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    is_site_admin = request.user.is_site_admin  # type: ignore[union-attr]
    form = OverrideForm(request.POST or None, can_be_national=is_site_admin)
    if request.method == "POST" and request.POST.get("action") == "delete":
        pk = request.POST.get("id", "")
        row = ChargingFigureOverride.objects.filter(pk=int(pk) if pk.isdigit() else 0).first()
        if row is not None and not (
            row.local_authority_id == council.pk
            or (row.local_authority_id is None and is_site_admin)
        ):
            row = None
        if row is not None:
            record(
                "deleted_charging_figure",
                request=request,
                local_authority=council,
                obj=row,
                detail=f"{row.label} from {row.from_date:%-d %B %Y}",
            )
            row.delete()
            messages.success(request, "Figure removed.")
        return redirect("assessments:charging_figures", council=council.slug)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = None if data.get("national") else council
        try:
            with transaction.atomic():
                row = ChargingFigureOverride.objects.create(
                    local_authority=scope,
                    name=data["name"],
                    from_date=data["from_date"],
                    amount=data["amount"],
                    cite=data["cite"],
                    created_by=request.user,
                )
        except IntegrityError:
            form.add_error(
                "from_date",
                "There is already a value of this figure from this "
                "date. Remove it first to correct it",
            )
        else:
            record(
                "added_charging_figure",
                request=request,
                local_authority=council,
                obj=row,
                detail=f"{row.label} from {row.from_date:%-d %B %Y}: £{row.amount:,.2f}",
            )
            messages.success(request, f"Added {row.name} from {row.from_date:%-d %B %Y}.")
            return redirect("assessments:charging_figures", council=council.slug)
    rows = ChargingFigureOverride.objects.filter(local_authority=council) | (
        ChargingFigureOverride.objects.filter(local_authority__isnull=True)
    )
    return render(
        request,
        "assessments/staff/charging_figures.html",
        {
            "council": council,
            "form": form,
            "rows": rows.order_by("name", "from_date"),
            "is_site_admin": is_site_admin,
            "today": timezone.localdate(),
        },
    )


class SettingsForm(forms.ModelForm):
    """Retention periods, the out-of-hours number and the council's charging policy."""

    class Meta:
        model = FrontDoorSettings
        fields = [
            "assessment_retention_days",
            "referral_retention_days",
            "out_of_hours_phone",
            *POLICY_FIELDS,
        ]
        labels = {
            "assessment_retention_days": "Delete unsent self-assessments after (days)",
            "referral_retention_days": "Delete dealt-with referrals after (days)",
            "out_of_hours_phone": "Out-of-hours phone number",
            "disregard_night_care_element": "Disregard the night care element",
            "night_care_element_includes_pip": "Include PIP daily living (enhanced)",
            "dre_without_disability_benefits": "Disability-related expenses without benefits",
            "percentage_of_available_income_at_home": "Share of available income charged (%)",
            "minimum_weekly_charge_at_home": "Smallest weekly charge collected (£)",
            "maximum_weekly_charge_at_home": "Largest weekly charge for care at home (£)",
            "upper_capital_limit_at_home": "Upper capital limit for care at home (£)",
            "lower_capital_limit_at_home": "Lower capital limit for care at home (£)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in POLICY_FLAGS:
                field.widget.attrs["class"] = "govuk-checkboxes__input"
                field.widget.attrs["aria-describedby"] = f"id_{name}-hint"
                continue
            field.widget.attrs["class"] = "govuk-input govuk-input--width-10"
            if name in POLICY_AMOUNTS:
                field.required = False  # empty means the statutory default
            if isinstance(field, forms.DecimalField):
                field.error_messages["invalid"] = "Enter an amount in numbers, like 12.50"
                field.widget = forms.TextInput(
                    attrs={**field.widget.attrs, "inputmode": "decimal", "spellcheck": "false"}
                )

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in POLICY_FLAGS]

    @property
    def policy_flags(self) -> list[forms.BoundField]:
        return [self[name] for name in POLICY_FLAGS]

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields and name not in POLICY_FLAGS:
                self.fields[name].widget.attrs["class"] += " govuk-input--error"

    def clean_out_of_hours_phone(self) -> str:
        from caremarket.rules.phone import PHONE_EXAMPLE, is_phone_number

        value = str(self.cleaned_data.get("out_of_hours_phone") or "").strip()
        if value and not is_phone_number(value):
            raise forms.ValidationError(f"Enter a phone number, like {PHONE_EXAMPLE}")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in POLICY_AMOUNTS:
            if name in data and data[name] is None:
                data[name] = FrontDoorSettings._meta.get_field(name).get_default()
        for name in ("assessment_retention_days", "referral_retention_days"):
            value = data.get(name)
            if value is not None and not 1 <= value <= 3650:
                self.add_error(name, "Enter a number of days from 1 to 3650")
        percent = data.get("percentage_of_available_income_at_home")
        if percent is not None and not 0 <= percent <= 100:
            self.add_error(
                "percentage_of_available_income_at_home", "Enter a percentage from 0 to 100"
            )
        for name in ("minimum_weekly_charge_at_home", "maximum_weekly_charge_at_home"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 10_000:
                self.add_error(name, "Enter an amount from £0 to £10,000 a week")
        for name in ("upper_capital_limit_at_home", "lower_capital_limit_at_home"):
            value = data.get(name)
            if value is not None and not 0 <= value <= 10_000_000:
                self.add_error(name, "Enter an amount from £0 to £10,000,000")
        lower = data.get("lower_capital_limit_at_home")
        upper = data.get("upper_capital_limit_at_home")
        if lower is not None and upper is not None and lower >= upper:
            self.add_error(
                "lower_capital_limit_at_home", "The lower limit must be less than the upper limit"
            )
        smallest = data.get("minimum_weekly_charge_at_home")
        largest = data.get("maximum_weekly_charge_at_home")
        if smallest is not None and largest is not None and smallest > largest:
            self.add_error(
                "minimum_weekly_charge_at_home",
                "The smallest charge collected cannot be more than the largest charge",
            )
        return data


@staff(Role.COUNCIL_ADMIN)
def front_door_settings(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    instance = FrontDoorSettings.for_council(council)
    form = SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(
            "changed_front_door_settings",
            request=request,
            local_authority=council,
            obj=form.instance,
        )
        messages.success(request, "Settings saved.")
        return redirect("assessments:settings", council=council.slug)
    return render(request, "assessments/staff/settings.html", {"council": council, "form": form})
