"""The residents' pages: the three self-assessments, save and return, and deletion.

Answers live in an encrypted `Assessment` row found through the session (never the URL).
Every page is public: residents have no accounts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from caremarket.access import public
from caremarket.accounts.audit import record
from caremarket.assessments import results
from caremarket.assessments.flow import Flow, Step, to_stored
from caremarket.assessments.forms import DeleteRequestForm, EmailLinkForm, ReferenceForm
from caremarket.assessments.journeys import flow_for, urgent_risks
from caremarket.assessments.models import (
    RETURN_LINK_DAYS,
    Assessment,
    FrontDoorSettings,
    Journey,
    Referral,
)
from caremarket.assessments.privacy import NOTICES
from caremarket.emails import Email
from caremarket.places.models import LocalAuthority

RETURN_SALT = "caremarket.assessments.return"
LOOKUP_RATE = "30/h"


def session_key(journey: str) -> str:
    return f"assessment:{journey}"


def current_assessment(request: HttpRequest, journey: str) -> Assessment | None:
    pk = request.session.get(session_key(journey))
    if not pk:
        return None
    return Assessment.objects.filter(pk=pk, journey=journey).first()


def _start_assessment(request: HttpRequest, journey: str) -> Assessment:
    assessment = Assessment.objects.create(journey=journey)
    request.session[session_key(journey)] = assessment.pk
    return assessment


def _question_url(journey: str, step: Step | None, change: bool = False) -> str:
    if step is None:
        return reverse("assessments:check", kwargs={"journey": journey})
    url = reverse("assessments:question", kwargs={"journey": journey, "step": step.slug})
    return url + ("?change=1" if change else "")


def notice_context(form_key: str, council: LocalAuthority | None) -> dict[str, Any]:
    choices = FrontDoorSettings.for_council(council)
    notice = NOTICES[form_key]
    return {
        "notice": notice,
        "notice_kept": notice.kept.format(
            days=choices.assessment_retention_days,
            referral_days=choices.referral_retention_days,
        ),
    }


@public
def index(request: HttpRequest) -> HttpResponse:
    """The front door: what a resident, a carer or a professional can do here."""
    return render(request, "assessments/index.html")


@public
def start(request: HttpRequest, journey: str) -> HttpResponse:
    flow = flow_for(journey)
    assessment = current_assessment(request, journey)
    if request.method == "POST":
        # "Start again" forgets the old answers in this browser; they still expire.
        if assessment is not None and assessment.status == Assessment.Status.IN_PROGRESS:
            assessment.delete()
        request.session.pop(session_key(journey), None)
        return redirect(_question_url(journey, flow.all_steps[0]))
    resume = None
    if assessment is not None and assessment.answers:
        missing = flow.first_missing(assessment.answers)
        resume = _question_url(journey, missing)
    context = {
        "journey": journey,
        "flow": flow,
        "resume": resume,
        "first": _question_url(journey, flow.all_steps[0]),
        **notice_context(journey, assessment.local_authority if assessment else None),
    }
    return render(request, f"assessments/start_{journey}.html", context)


@public
def question(request: HttpRequest, journey: str, step: str) -> HttpResponse:
    flow = flow_for(journey)
    current = flow.step(step)
    if current is None:
        raise Http404
    assessment = current_assessment(request, journey)
    answers: dict[str, Any] = assessment.answers if assessment else {}
    steps = flow.steps(answers)
    if current not in steps:
        return redirect(_question_url(journey, flow.first_missing(answers)))
    # No jumping ahead by URL: a later question waits until the earlier ones are answered.
    missing = flow.first_missing(answers)
    if missing is not None and steps.index(current) > steps.index(missing):
        return redirect(_question_url(journey, missing))
    change = request.GET.get("change") == "1"

    if request.method == "POST":
        form = current.form_type(answers)(request.POST)
        saving = "save" in request.POST
        if form.is_valid() or saving:
            if assessment is None:
                assessment = _start_assessment(request, journey)
                answers = assessment.answers
            if form.is_valid():
                answers[current.slug] = to_stored(form.cleaned_data)
                council = getattr(form, "council", None)
                if current.slug == "where" and council is not None:
                    assessment.local_authority = council
            assessment.answers = answers
            if assessment.status != Assessment.Status.IN_PROGRESS:
                assessment.status = Assessment.Status.IN_PROGRESS
                assessment.completed_at = None
            assessment.save()
            if saving:
                return redirect("assessments:saved", journey=journey)
            following = _next_url(flow, current, answers, change)
            detour = current.detour(answers)
            if detour:
                request.session[f"detour:{journey}"] = following
                return redirect(f"assessments:{detour}", journey=journey)
            return redirect(following)
    else:
        form = current.form_type(answers)(initial=answers.get(current.slug))

    previous = flow.previous(current.slug, answers)
    if change:
        back = reverse("assessments:check", kwargs={"journey": journey})
    elif previous is not None:
        back = _question_url(journey, previous)
    else:
        back = reverse("assessments:start", kwargs={"journey": journey})
    context = {
        "journey": journey,
        "flow": flow,
        "step": current,
        "form": form,
        "back": back,
        "action": request.get_full_path(),
        "caption": flow.progress(current, answers),
        "show_council": getattr(form, "show_council", False),
    }
    return render(request, current.template, context)


def _next_url(flow: Flow, current: Step, answers: dict[str, Any], change: bool) -> str:
    if change:
        # Back to the check page, unless the new answer opened a question not yet answered.
        return _question_url(flow.key, flow.first_missing(answers), change=True)
    nxt = flow.next_after(current.slug, answers)
    if nxt is not None and nxt.slug in answers:
        # Already answered (coming back through the journey): go on, but the check page is
        # where someone who has finished expects to land.
        missing = flow.first_missing(answers)
        return _question_url(flow.key, missing) if missing else _question_url(flow.key, nxt)
    return _question_url(flow.key, nxt)


@public
def urgent(request: HttpRequest, journey: str) -> HttpResponse:
    """Shown on the very next page after an urgent answer: who to call, now."""
    flow_for(journey)
    assessment = current_assessment(request, journey)
    if assessment is None:
        return redirect("assessments:start", journey=journey)
    council = assessment.local_authority
    following = request.session.get(f"detour:{journey}") or _question_url(
        journey, flow_for(journey).first_missing(assessment.answers)
    )
    return render(
        request,
        "assessments/urgent.html",
        {
            "journey": journey,
            "council": council,
            "front_door": FrontDoorSettings.for_council(council),
            "reasons": _urgent_reasons(urgent_risks(assessment.answers)),
            "continue_url": following,
        },
    )


def _urgent_reasons(codes: list[str]) -> list[str]:
    from caremarket.rules.eligibility import URGENT_FLAGS

    return [URGENT_FLAGS[c].reason for c in codes if c in URGENT_FLAGS]


@public
def check(request: HttpRequest, journey: str) -> HttpResponse:
    flow = flow_for(journey)
    assessment = current_assessment(request, journey)
    if assessment is None:
        return redirect("assessments:start", journey=journey)
    answers = assessment.answers
    missing = flow.first_missing(answers)
    if missing is not None:
        return redirect(_question_url(journey, missing))
    if request.method == "POST":
        assessment.status = Assessment.Status.COMPLETED
        assessment.completed_at = timezone.now()
        assessment.save()
        return redirect("assessments:result", journey=journey)
    rows = [
        {
            "label": step.label,
            "question": step.question(answers),
            "lines": step.summary(answers.get(step.slug, {}), answers),
            "change": _question_url(journey, step, change=True),
        }
        for step in flow.steps(answers)
    ]
    back = _question_url(journey, flow.steps(answers)[-1])
    return render(
        request,
        "assessments/check.html",
        {"journey": journey, "flow": flow, "rows": rows, "back": back},
    )


@public
def result(request: HttpRequest, journey: str) -> HttpResponse:
    flow = flow_for(journey)
    assessment = current_assessment(request, journey)
    if assessment is None:
        return redirect("assessments:start", journey=journey)
    if not flow.is_complete(assessment.answers) or assessment.completed_at is None:
        return redirect("assessments:check", journey=journey)
    council = assessment.local_authority
    context: dict[str, Any] = {
        "journey": journey,
        "flow": flow,
        "assessment": assessment,
        "council": council,
        "front_door": FrontDoorSettings.for_council(council),
    }
    if journey == Journey.FINANCE:
        context.update(results.charge_result(assessment.answers, council))
        return render(request, "assessments/result_finance.html", context)
    context.update(results.eligibility_result(journey, assessment.answers, council))
    context["referred"] = assessment.referrals.exists()
    return render(request, "assessments/result.html", context)


# --- Save and return -------------------------------------------------------------------------


def return_link(request: HttpRequest, assessment: Assessment) -> str:
    """A new carry-on link for the email: it works once, for RETURN_LINK_DAYS, and replaces any
    link sent before. (`update` leaves `updated_at`, which the retention period runs from.)"""
    link_id = secrets.token_urlsafe(16)
    Assessment.objects.filter(pk=assessment.pk).update(return_link_id=link_id)
    token = signing.dumps({"a": assessment.pk, "n": link_id}, salt=RETURN_SALT, compress=True)
    return request.build_absolute_uri(reverse("assessments:return_link", args=[token]))


@public
def saved(request: HttpRequest, journey: str) -> HttpResponse:
    flow_for(journey)
    assessment = current_assessment(request, journey)
    if assessment is None:
        return redirect("assessments:start", journey=journey)
    form = EmailLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_ratelimited(request, group="assessment-email", key="ip", rate="10/h", increment=True):
            form.add_error("email", "Too many emails sent from here. Try again in an hour.")
        else:
            context = {
                "link": return_link(request, assessment),
                "reference": assessment.reference,
                "title": flow_for(journey).title,
                "days": FrontDoorSettings.for_council(
                    assessment.local_authority
                ).assessment_retention_days,
                "link_days": RETURN_LINK_DAYS,
                "service_name": settings.SERVICE_NAME,
            }
            Email.render("emails/assessment_saved", context).send([form.cleaned_data["email"]])
            messages.success(request, "We have sent you an email with a link to your answers.")
            return redirect("assessments:saved", journey=journey)
    days = FrontDoorSettings.for_council(assessment.local_authority).assessment_retention_days
    return render(
        request,
        "assessments/saved.html",
        {"journey": journey, "assessment": assessment, "form": form, "days": days},
    )


def _resume(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    request.session.cycle_key()  # a new session id, so a shared computer's old one is useless
    request.session[session_key(assessment.journey)] = assessment.pk
    flow = flow_for(assessment.journey)
    missing = flow.first_missing(assessment.answers)
    return redirect(_question_url(assessment.journey, missing))


def _expired(assessment: Assessment) -> bool:
    return assessment.retention_ends() < timezone.now()


@public
def return_to(request: HttpRequest) -> HttpResponse:
    form = ReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_ratelimited(
            request, group="assessment-return", key="ip", rate=LOOKUP_RATE, increment=True
        ):
            form.add_error("reference", "Too many tries. Wait an hour, then try again.")
        else:
            assessment = Assessment.objects.filter(reference=form.cleaned_data["reference"]).first()
            if assessment is None or _expired(assessment):
                form.add_error(
                    "reference",
                    "We cannot find answers with this reference. Check it, or start again: "
                    "answers are deleted after a while",
                )
            else:
                return _resume(request, assessment)
    return render(request, "assessments/return.html", {"form": form})


def _link_assessment(token: str) -> tuple[Assessment, str] | None:
    """The assessment a carry-on link opens and the link's id, or None when the link is forged,
    older than RETURN_LINK_DAYS, used, replaced by a newer one, or its answers are gone."""
    try:
        data = signing.loads(token, salt=RETURN_SALT, max_age=RETURN_LINK_DAYS * 24 * 60 * 60)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str) or not data["n"]:
        return None
    assessment = Assessment.objects.filter(pk=data.get("a"), return_link_id=data["n"]).first()
    if assessment is None or _expired(assessment):
        return None
    return assessment, data["n"]


@public
def return_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Opening it shows a button; only pressing it uses the link up, so a mail
    scanner that fetches links before the person clicks does not spend it."""
    found = _link_assessment(token)
    if found is None:
        return render(
            request, "assessments/link_expired.html", {"days": RETURN_LINK_DAYS}, status=404
        )
    assessment, link_id = found
    if request.method == "POST":
        used = Assessment.objects.filter(pk=assessment.pk, return_link_id=link_id).update(
            return_link_id=""
        )
        if not used:  # another request used it a moment ago
            return render(
                request, "assessments/link_expired.html", {"days": RETURN_LINK_DAYS}, status=404
            )
        return _resume(request, assessment)
    flow = flow_for(assessment.journey)
    return render(request, "assessments/return_link.html", {"title": flow.title})


# --- Deletion by reference -------------------------------------------------------------------


@public
def delete_request(request: HttpRequest) -> HttpResponse:
    """A person deletes their answers, or asks the council to delete a request they sent."""
    form = DeleteRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_ratelimited(
            request, group="assessment-delete", key="ip", rate=LOOKUP_RATE, increment=True
        ):
            form.add_error("reference", "Too many tries. Wait an hour, then try again.")
            return render(
                request, "assessments/delete.html", {"form": form, **notice_context("delete", None)}
            )
        reference = form.cleaned_data["reference"]
        assessment = Assessment.objects.filter(reference=reference).first()
        referral = Referral.objects.filter(reference=reference).select_related("assessment").first()
        if assessment is not None or referral is not None:
            return _deleted_page(request, _delete_for_person(request, assessment, referral))
        form.add_error(
            "reference", "We cannot find anything with this reference. Check it and try again"
        )
    return render(
        request, "assessments/delete.html", {"form": form, **notice_context("delete", None)}
    )


@public
@require_POST
def forget(request: HttpRequest, journey: str) -> HttpResponse:
    """Delete my answers now, from the result or check page."""
    assessment = current_assessment(request, journey)
    request.session.pop(session_key(journey), None)
    return _deleted_page(request, _delete_for_person(request, assessment, None))


@dataclass
class Deletion:
    answers_deleted: bool
    councils: list[LocalAuthority]  # asked to delete a request sent to them


def _delete_for_person(
    request: HttpRequest, assessment: Assessment | None, referral: Referral | None
) -> Deletion:
    """Deleting by either reference reaches both: the self-assessment goes at once, and every
    referral made from it (or the one named) is flagged for deletion in its council's inbox."""
    if assessment is None and referral is not None:
        assessment = referral.assessment
    referrals = {referral.pk: referral} if referral is not None else {}
    if assessment is not None:
        referrals.update((r.pk, r) for r in assessment.referrals.all())
    now = timezone.now()
    for flagged in referrals.values():
        if flagged.deletion_requested_at is None:
            flagged.deletion_requested_at = now
            flagged.save(update_fields=["deletion_requested_at", "updated_at"])
        record(
            "referral_deletion_requested",
            request=request,
            local_authority=flagged.local_authority,
            obj=flagged,
        )
    if assessment is not None:
        record(
            "assessment_deleted_by_person",
            request=request,
            local_authority=assessment.local_authority,
            obj=assessment,
        )
        for key in list(request.session.keys()):
            if key.startswith("assessment:") and request.session.get(key) == assessment.pk:
                del request.session[key]
        assessment.delete()
    councils = {r.local_authority.pk: r.local_authority for r in referrals.values()}
    return Deletion(assessment is not None, sorted(councils.values(), key=lambda c: c.name))


def _deleted_page(request: HttpRequest, deletion: Deletion) -> HttpResponse:
    return render(request, "assessments/deleted.html", {"deletion": deletion})


@public
def privacy_notice(request: HttpRequest, form_key: str) -> HttpResponse:
    if form_key not in NOTICES:
        raise Http404
    return render(request, "assessments/privacy_notice.html", notice_context(form_key, None))
