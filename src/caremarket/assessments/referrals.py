"""Referrals into a council's front door: from a self-assessment, the "ask for help" form, or a
professional. Each is routed by the person's postcode and gets a reference to keep."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from caremarket.access import public
from caremarket.accounts.audit import record
from caremarket.assessments import results
from caremarket.assessments.forms import (
    GovukForm,
    RoutedForm,
    clean_postcode_text,
    long_text,
    phone_field,
    radios,
    text,
)
from caremarket.assessments.journeys import flow_for, urgent_risks
from caremarket.assessments.models import Assessment, Journey, Referral
from caremarket.assessments.views import current_assessment, notice_context
from caremarket.places.models import LocalAuthority

SUBMIT_RATE = "20/h"

CONSENT_LABEL = (
    "I agree that the council's adult social care team can see what I have written here and "
    "contact me about it"
)


def consent_field(label: str = CONSENT_LABEL) -> forms.BooleanField:
    return forms.BooleanField(
        label=label,
        error_messages={"required": "Tick the box to agree, so the council can contact you"},
    )


def email_field(required: bool = False, label: str = "Email address") -> forms.EmailField:
    field = forms.EmailField(
        label=label,
        required=required,
        max_length=254,
        error_messages={
            "required": f"Enter {label.lower()}",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    field.widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
    return field


class ContactMixin:
    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:  # type: ignore[attr-defined]
            self.add_error(
                "phone", "Enter a phone number or an email address so we can contact you"
            )  # type: ignore[attr-defined]
        return data


class ReferFromAssessmentForm(ContactMixin, GovukForm):
    name = text("Your full name", autocomplete="name", missing="Enter your full name")
    phone = phone_field("Phone number", required=False, hint="We will call from a withheld number.")
    email = email_field()
    anything_else = long_text(
        "Is there anything else you want the team to know?",
        required=False,
        hint="For example the best time to call, or if you need an interpreter.",
    )
    consent = consent_field(
        "I agree that the council's adult social care team can see my answers and contact me "
        "about them"
    )
    widths = {"phone": "20"}


WHO_CHOICES = [
    ("self", "I need help myself"),
    ("someone", "I am asking for someone else, with their agreement"),
    ("carer", "I look after someone and want a carer's assessment"),
]


class AskForm(ContactMixin, RoutedForm):
    who = radios("Who needs help?", WHO_CHOICES, missing="Select who needs help")
    name = text(
        "Full name of the person who needs help",
        autocomplete="name",
        missing="Enter the full name of the person who needs help",
    )
    asker = text(
        "Your name and how you know them",
        required=False,
        hint="Only if you are asking for someone else.",
    )
    postcode = text(
        "Postcode of the person who needs help",
        max_length=10,
        autocomplete="postal-code",
        missing="Enter a postcode",
    )
    phone = phone_field("Phone number", required=False)
    email = email_field()
    needs = long_text(
        "What help is needed?",
        hint="For example washing and dressing, meals, getting out, or a break from caring.",
        missing="Tell us what help is needed",
    )
    urgency = radios(
        "How soon is help needed?",
        list(Referral.Urgency.choices),
        missing="Select how soon help is needed",
    )
    consent = consent_field()
    widths = {"postcode": "10", "phone": "20"}

    def clean_postcode(self) -> str:
        return clean_postcode_text(self.cleaned_data["postcode"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("who") == "someone" and not data.get("asker"):
            self.add_error("asker", "Enter your name and how you know the person")
        return data


ORGANISATION_TYPES = [
    ("gp", "GP practice or primary care"),
    ("hospital", "Hospital or community health"),
    ("housing", "Housing"),
    ("voluntary", "Voluntary or community sector"),
    ("other", "Other"),
]
NO_CONSENT_REASONS = "For example they lack capacity to decide, or asking would put them at risk."


class ProfessionalForm(RoutedForm):
    referrer_name = text("Your full name", autocomplete="name", missing="Enter your full name")
    referrer_role = text("Your job title", missing="Enter your job title")
    organisation_type = radios(
        "Where do you work?", ORGANISATION_TYPES, missing="Select where you work"
    )
    organisation = text(
        "Organisation name",
        missing="Enter the name of your organisation",
        autocomplete="organization",
    )
    referrer_phone = phone_field("Your phone number", missing="Enter your phone number")
    referrer_email = email_field(required=True, label="Your email address")
    name = text("Full name of the person", missing="Enter the person's full name")
    date_of_birth = text(
        "Their date of birth",
        required=False,
        max_length=20,
        hint="For example 27 3 1948. Leave blank if you do not know.",
    )
    address = text("Their address", required=False, max_length=300, hint="House number and street.")
    postcode = text("Their postcode", max_length=10, missing="Enter the person's postcode")
    phone = phone_field("Their phone number", required=False)
    consent = radios(
        "Has the person agreed to this referral?",
        [("yes", "Yes"), ("no", "No")],
        missing="Select whether the person has agreed to this referral",
    )
    no_consent_reason = long_text(
        "If not, why are you referring without their agreement?",
        required=False,
        hint=NO_CONSENT_REASONS,
    )
    needs = long_text("What are their needs?", missing="Describe the person's needs")
    risks = long_text(
        "What are the risks, to them or others?",
        required=False,
        hint="Include any safeguarding concerns, and risks to staff visiting.",
    )
    urgency = radios(
        "How urgent is this?", list(Referral.Urgency.choices), missing="Select how urgent this is"
    )
    widths = {"postcode": "10", "phone": "20", "referrer_phone": "20", "date_of_birth": "10"}

    def clean_postcode(self) -> str:
        return clean_postcode_text(self.cleaned_data["postcode"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("consent") == "no" and not data.get("no_consent_reason"):
            self.add_error(
                "no_consent_reason", "Say why you are referring without the person's agreement"
            )
        return data


def _notify(request: HttpRequest, council: LocalAuthority, referral: Referral) -> None:
    """Tell the front door something arrived: the reference and urgency, no personal data."""
    if not council.contact_email:
        return
    link = request.build_absolute_uri(
        reverse("assessments:referral", args=[council.slug, referral.reference])
    )
    send_mail(
        f"New {referral.get_kind_display().lower()} ({referral.get_urgency_display()})",
        f"A new referral has arrived for {council.name}: reference {referral.reference}, "
        f"urgency {referral.get_urgency_display().lower()}.\n\nSign in to read it: "
        f"{link}\n",
        settings.DEFAULT_FROM_EMAIL,
        [council.contact_email],
    )


def _limited(request: HttpRequest) -> bool:
    return is_ratelimited(
        request, group="referral-submit", key="ip", rate=SUBMIT_RATE, increment=True
    )


def _create(request: HttpRequest, **fields: Any) -> HttpResponse:
    referral = Referral.objects.create(**fields)
    record(
        "referral_received",
        request=request,
        local_authority=referral.local_authority,
        obj=referral,
        detail=f"{referral.kind} {referral.urgency}",
    )
    _notify(request, referral.local_authority, referral)
    request.session["referral_sent"] = referral.pk
    return redirect("assessments:sent")


TOO_MANY = "Too many requests have been sent from here. Wait an hour, or phone the council."


@public
def refer(request: HttpRequest, journey: str) -> HttpResponse:
    """Send a finished self-assessment to the council, with consent."""
    if journey == Journey.FINANCE:
        return redirect("assessments:ask")
    assessment = current_assessment(request, journey)
    if assessment is None or assessment.completed_at is None:
        return redirect("assessments:start", journey=journey)
    council = assessment.local_authority
    form = ReferFromAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _limited(request):
            form.add_error(None, TOO_MANY)
        elif council is not None:
            data = form.cleaned_data
            flow = flow_for(journey)
            answers = assessment.answers
            outcome = results.eligibility_result(journey, answers, council)
            details = {
                "name": data["name"],
                "phone": data["phone"],
                "email": data["email"],
                "anything_else": data["anything_else"],
                "postcode": answers.get("where", {}).get("postcode", ""),
                "indication": outcome.get("headline", ""),
                "urgent_risks": outcome.get("urgent_labels", []),
                "answers": [
                    {
                        "question": s.question(answers),
                        "answer": s.summary(answers.get(s.slug, {}), answers),
                    }
                    for s in flow.steps(answers)
                    if s.slug != "where"
                ],
                "consent_text": ReferFromAssessmentForm.base_fields["consent"].label,
            }
            assessment.status = Assessment.Status.REFERRED
            assessment.save(update_fields=["status", "updated_at"])
            return _create(
                request,
                local_authority=council,
                kind=Referral.Kind.CARER if journey == Journey.CARER else Referral.Kind.RESIDENT,
                source=Referral.Source.CARER if journey == Journey.CARER else Referral.Source.NEEDS,
                urgency=Referral.Urgency.URGENT
                if urgent_risks(answers)
                else Referral.Urgency.ROUTINE,
                consent=True,
                details=details,
                assessment=assessment,
            )
    return render(
        request,
        "assessments/refer.html",
        {
            "form": form,
            "journey": journey,
            "council": council,
            "flow": flow_for(journey),
            **notice_context("ask", council),
        },
    )


@public
def ask(request: HttpRequest) -> HttpResponse:
    """The plain "ask for help" form, for residents and for carers wanting an assessment."""
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _limited(request):
            form.add_error(None, TOO_MANY)
        else:
            data = form.cleaned_data
            details = {
                k: data[k] for k in ("who", "name", "asker", "postcode", "phone", "email", "needs")
            }
            details["consent_text"] = CONSENT_LABEL
            return _create(
                request,
                local_authority=form.council,
                kind=Referral.Kind.CARER if data["who"] == "carer" else Referral.Kind.RESIDENT,
                source=Referral.Source.ASK,
                urgency=data["urgency"],
                consent=True,
                details=details,
            )
    return render(
        request,
        "assessments/ask.html",
        {"form": form, "show_council": form.show_council, **notice_context("ask", None)},
    )


@public
def professional(request: HttpRequest) -> HttpResponse:
    """A referral from a GP, hospital, housing officer or voluntary sector worker."""
    form = ProfessionalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _limited(request):
            form.add_error(None, TOO_MANY)
        else:
            data = form.cleaned_data
            details = {k: v for k, v in data.items() if k not in ("council", "urgency")}
            return _create(
                request,
                local_authority=form.council,
                kind=Referral.Kind.PROFESSIONAL,
                source=Referral.Source.PROFESSIONAL,
                urgency=data["urgency"],
                consent=data["consent"] == "yes",
                details=details,
            )
    return render(
        request,
        "assessments/professional.html",
        {"form": form, "show_council": form.show_council, **notice_context("professional", None)},
    )


@public
def sent(request: HttpRequest) -> HttpResponse:
    pk = request.session.get("referral_sent")
    referral = (
        Referral.objects.filter(pk=pk).select_related("local_authority").first() if pk else None
    )
    if referral is None:
        return redirect("assessments:index")
    return render(
        request,
        "assessments/sent.html",
        {
            "referral": referral,
            "council": referral.local_authority,
            "received": timezone.localtime(referral.created_at),
        },
    )
