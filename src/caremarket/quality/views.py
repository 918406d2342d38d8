"""Quality pages. Council pages (`/staff/<council>/quality/…`) are for the council's quality
officers and admins (logging a concern is open to all its staff but providers); a record of
another council is a 404. Provider pages (`/quality/provider/…`) show a provider account the
records about locations its organisations run, and nothing else. Every page that shows a
concern's details, and every change, writes the audit log.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from caremarket.access import public, staff
from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.accounts.roles import Role
from caremarket.market.models import NURSING_SERVICE_TYPE, Location
from caremarket.places.models import LocalAuthority
from caremarket.quality import evidence, register
from caremarket.quality import forms as qforms
from caremarket.quality.models import (
    Audit,
    AuditScore,
    Concern,
    CqcRating,
    Domain,
    Enquiry,
    EnquiryAction,
    EvidenceFile,
    Notice,
    PlacementStop,
    ProviderRecord,
    QualitySettings,
    Standard,
    exits_in_last_year,
    standards_for,
)
from caremarket.quality.register import QualityError, Who
from caremarket.rules.quality import (
    DEFAULT_SCHEME,
    QualityRuleError,
    Rag,
    RatingScheme,
    scheme_to_data,
)

QUALITY_ROLES = (Role.QUALITY_OFFICER, Role.COUNCIL_ADMIN)
#: Any council staff may log a concern; providers may not (they raise them with the council).
CONCERN_LOGGERS = (Role.PRACTITIONER, Role.COMMISSIONER, *QUALITY_ROLES)
MAX_EVIDENCE = 2000

#: Dashboard filter: key → (label, test on a location).
SERVICE_TYPES: dict[str, tuple[str, Any]] = {
    "nursing": (
        "Care homes with nursing",
        lambda loc: loc.care_home and NURSING_SERVICE_TYPE.lower() in _types(loc),
    ),
    "residential": (
        "Care homes without nursing",
        lambda loc: loc.care_home and NURSING_SERVICE_TYPE.lower() not in _types(loc),
    ),
    "home_care": (
        "Home care",
        lambda loc: not loc.care_home and "domiciliary care service" in _types(loc),
    ),
    "other": (
        "Other services",
        lambda loc: not loc.care_home and "domiciliary care service" not in _types(loc),
    ),
}


def _types(location: Location) -> set[str]:
    return {str(t).lower() for t in location.service_types or []}


def _area_ids(location: Location) -> set[int]:
    """The ward a location is in and the locality that ward belongs to."""
    if location.area is None:
        return set()
    return {location.area.pk} | ({location.area.parent.pk} if location.area.parent else set())


def _areas_of(locations: list[Location]) -> dict[int, str]:
    """Areas (wards and their localities) that hold at least one of the locations, by id."""
    found: dict[int, str] = {}
    for loc in locations:
        area = loc.area
        if area is None:
            continue
        found[area.pk] = f"{area.name} ({area.get_kind_display().lower()})"
        if area.parent is not None:
            found[area.parent.pk] = f"{area.parent.name} ({area.parent.get_kind_display().lower()})"
    return found


def _who(request: HttpRequest) -> Who:
    return Who(request.user, request)  # type: ignore[arg-type]


def _now(request: HttpRequest) -> datetime:
    """The time now (one place, so pages agree on what is overdue)."""
    return timezone.now()


def _council_locations(council: LocalAuthority) -> QuerySet[Location]:
    """Locations the council may keep records on: those in its area and those it watches."""
    return Location.objects.filter(
        Q(local_authority=council, deregistered=False) | Q(quality_records__local_authority=council)
    ).distinct()


def _location(council: LocalAuthority, pk: int) -> Location:
    return get_object_or_404(_council_locations(council), pk=pk)


def _own(model: Any, council: LocalAuthority, pk: int) -> Any:
    return get_object_or_404(
        model.objects.select_related("location"), pk=pk, local_authority=council
    )


def _form_page(
    request: HttpRequest,
    council: LocalAuthority,
    place: Location | None,
    form: Any,
    heading: str,
    button: str,
    intro: str = "",
    warning: bool = False,
    back: tuple[str, str] | None = None,
) -> HttpResponse:
    return render(
        request,
        "quality/_simple_form.html",
        {
            "council": council,
            "place": place,
            "form": form,
            "heading": heading,
            "button": button,
            "intro": intro,
            "warning": warning,
            "back": back,
        },
    )


# --- Dashboard and the location record --------------------------------------------------------


@staff(*QUALITY_ROLES)
def dashboard(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """Red, amber or green for every location the council watches; overdue concerns first."""
    opened = request.GET.get("open", "")
    if opened.isdigit():  # the "open the record of a location" picker
        return redirect("quality:location", council=council.slug, pk=int(opened))
    now = _now(request)
    watched = list(
        Location.objects.filter(quality_records__local_authority=council)
        .select_related("area__parent")
        .order_by("name")
    )
    areas = _areas_of(watched)
    kind = request.GET.get("type", "")
    if kind in SERVICE_TYPES:
        test = SERVICE_TYPES[kind][1]
        watched = [loc for loc in watched if test(loc)]
    area = request.GET.get("area", "")
    if area.isdigit() and int(area) in areas:
        watched = [loc for loc in watched if int(area) in _area_ids(loc)]
    rag = request.GET.get("rag", "")
    order = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}
    rows = sorted(
        register.location_views(council, watched, now),
        key=lambda v: (order[v.rag], v.location.name),
    )
    counts = {r.value: sum(1 for v in rows if v.rag == r) for r in Rag}
    if rag in counts:
        rows = [v for v in rows if v.rag == rag]
    overdue = list(
        Concern.objects.filter(local_authority=council, closed_at__isnull=True, due_at__lt=now)
        .select_related("location", "dealt_with_by")
        .order_by("due_at")
    )
    return render(
        request,
        "quality/dashboard.html",
        {
            "council": council,
            "rows": rows,
            "any_invented": any(v.record is not None and v.record.invented for v in rows),
            "counts": counts,
            "overdue": overdue,
            "types": [(k, label) for k, (label, _) in SERVICE_TYPES.items()],
            "type": kind,
            "areas": sorted(areas.items(), key=lambda item: item[1]),
            "area": int(area) if area.isdigit() else None,
            "rag": rag,
            "rags": [r.value for r in Rag],
            "locations": _council_locations(council).order_by("name").only("pk", "name"),
            "exits": exits_in_last_year(council, timezone.localdate(now)).count(),
        },
    )


@staff(*QUALITY_ROLES)
def location(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """Everything the council knows about one location, and its own facts to keep."""
    place = _location(council, pk)
    record_ = ProviderRecord.objects.filter(local_authority=council, location=place).first()
    officers = qforms.quality_officers(council)
    initial = (
        {
            "officer": record_.officer,
            "contracts": record_.contracts,
            "dspt": record_.dspt,
            "asc_wds_complete": record_.asc_wds_complete,
            "capacity_tracker_complete": record_.capacity_tracker_complete,
            "bcp_on_file": record_.bcp_on_file,
            "bcp_review_date": record_.bcp_review_date,
        }
        if record_
        else {}
    )
    form = qforms.RecordForm(
        request.POST if request.method == "POST" else None, initial=initial, officers=officers
    )
    if request.method == "POST" and form.is_valid():
        record_ = register.watch(council, place)
        for field, value in form.cleaned_data.items():
            setattr(record_, field, value if value is not None else getattr(record_, field))
        record_.bcp_review_date = form.cleaned_data["bcp_review_date"]
        record_.save()
        record("updated_provider_record", request=request, local_authority=council, obj=record_)
        messages.success(request, f"The record of {place.name} is saved.")
        return redirect("quality:location", council=council.slug, pk=place.pk)
    view = register.location_views(council, [place], _now(request))[0]
    return render(
        request,
        "quality/location.html",
        {
            "council": council,
            "place": place,
            "view": view,
            "record": record_,
            "form": form,
            "ratings": CqcRating.objects.filter(location=place),
            "concerns": Concern.objects.filter(local_authority=council, location=place)
            .select_related("dealt_with_by")
            .order_by("closed_at", "due_at")[:50],
            "notices": Notice.objects.filter(local_authority=council, location=place),
            "stops": PlacementStop.objects.filter(local_authority=council, location=place),
            "audits": Audit.objects.filter(local_authority=council, location=place),
            "shared_audits": Audit.objects.filter(
                location=place, shared_with=council, status=Audit.Status.PUBLISHED
            ).select_related("local_authority"),
            "exits": place.exits.filter(local_authority=council),
            "enquiries": Enquiry.objects.filter(local_authority=council, location=place),
            "audit_form": qforms.StartAuditForm(initial={"visit_date": timezone.localdate()}),
            "now": _now(request),
        },
    )


#: A standard's or domain's weight: 0 leaves it out of the overall rating.
MAX_WEIGHT = 10


@staff(*QUALITY_ROLES)
def settings(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """The council's concern clocks, how long concern details are kept, the overall rating's
    bands and caps, and the weights of its audit domains and standards (a standard may be
    added; audits already started keep theirs). Every change is in the audit log, with what
    changed."""
    standards_for(council)  # the default set, the first time
    domains = list(Domain.objects.filter(local_authority=council).prefetch_related("standards"))
    current = QualitySettings.for_council(council)
    try:
        scheme = current.scheme
    except QualityRuleError:  # a scheme set in Django admin that no longer works
        scheme = DEFAULT_SCHEME
    form = qforms.SettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "high_risk_hours": current.high_risk_hours,
            "other_hours": current.other_hours,
            "concern_retention_days": current.concern_retention_days,
        },
        domains=domains,
        scheme=scheme,
    )
    errors: list[str] = []
    weights: dict[str, int] = {}
    if request.method == "POST":
        for key in [f"domain-{d.pk}" for d in domains] + [
            f"standard-{st.pk}" for d in domains for st in d.standards.all()
        ]:
            raw = request.POST.get(key, "").strip()
            if not raw.isdigit() or int(raw) > MAX_WEIGHT:
                errors.append(f"Each weight must be a whole number from 0 to {MAX_WEIGHT}")
                break
            weights[key] = int(raw)
    if request.method == "POST" and form.is_valid() and not errors:
        data = form.cleaned_data
        changes = _settings_changes(current, data, scheme, form.scheme)
        current.high_risk_hours = data["high_risk_hours"]
        current.other_hours = data["other_hours"]
        current.concern_retention_days = data["concern_retention_days"]
        current.rating_scheme = {} if form.scheme == DEFAULT_SCHEME else scheme_to_data(form.scheme)
        current.save()
        for d in domains:
            changed = d.weight != weights[f"domain-{d.pk}"]
            Domain.objects.filter(pk=d.pk).update(weight=weights[f"domain-{d.pk}"])
            for st in d.standards.all():
                changed |= st.weight != weights[f"standard-{st.pk}"]
                Standard.objects.filter(pk=st.pk).update(weight=weights[f"standard-{st.pk}"])
            if changed:
                changes.append(f"weights in {d.name}")
        if data["new_standard"] and data["new_standard_domain"]:
            domain = next(d for d in domains if str(d.pk) == data["new_standard_domain"])
            Standard.objects.create(
                domain=domain, name=data["new_standard"], position=domain.standards.count()
            )
            changes.append(f"a standard added to {domain.name}")
        record(
            "changed_quality_settings",
            request=request,
            local_authority=council,
            obj=current,
            detail="; ".join(changes) or "saved unchanged",
        )
        messages.success(request, "The quality settings are saved.")
        return redirect("quality:settings", council=council.slug)
    return render(
        request,
        "quality/settings.html",
        {
            "council": council,
            "form": form,
            "domains": [
                (
                    d,
                    request.POST.get(f"domain-{d.pk}", d.weight),
                    [
                        (st, request.POST.get(f"standard-{st.pk}", st.weight))
                        for st in d.standards.all()
                    ],
                )
                for d in domains
            ],
            "errors": errors,
            "scale": scheme.scale,
        },
    )


def _settings_changes(
    current: QualitySettings, data: dict[str, Any], before: RatingScheme, after: RatingScheme
) -> list[str]:
    """What a save of the settings page changes, in words for the audit log (no personal
    data: numbers and rating names only)."""
    changes = [
        f"{label} {old} to {data[name]}"
        for name, label, old in (
            ("high_risk_hours", "high-risk hours", current.high_risk_hours),
            ("other_hours", "other hours", current.other_hours),
            (
                "concern_retention_days",
                "days concern details are kept",
                current.concern_retention_days,
            ),
        )
        if old != data[name]
    ]
    old_minimums = {rating: minimum for minimum, rating in before.thresholds}
    for minimum, rating in after.thresholds:
        if old_minimums.get(rating) != minimum:
            changes.append(f"{rating} from an average of {float(minimum):g}")
    old_caps, new_caps = dict(before.caps), dict(after.caps)
    for rating in after.ratings:
        if old_caps.get(rating) != new_caps.get(rating):
            changes.append(f"cap for {rating}: {new_caps.get(rating, 'none')}")
    return changes


# --- Concerns ---------------------------------------------------------------------------------


@staff(*CONCERN_LOGGERS)
def log_concern(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    locations = _council_locations(council).order_by("name")
    officers = qforms.quality_officers(council)
    initial = {"location": request.GET.get("location")} if request.GET.get("location") else {}
    form = qforms.ConcernForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        locations=locations,
        officers=officers,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        concern = register.log_concern(
            _who(request),
            council,
            data["location"],
            source=data["source"],
            risk=data["risk"],
            what=data["what"],
            raised_by=data["raised_by"],
            dealt_with_by=data["dealt_with_by"],
            logged_at=_now(request),
        )
        due = timezone.localtime(concern.due_at)
        messages.success(
            request,
            f"Concern {concern.reference} about {concern.location.name} is logged. "
            f"It must be dealt with by {due:%H:%M} on {register.day_words(due.date())}.",
        )
        if request.user.roles_for(council) & {r.value for r in QUALITY_ROLES}:  # type: ignore[union-attr]
            return redirect("quality:concern", council=council.slug, pk=concern.pk)
        return redirect("quality:log_concern", council=council.slug)
    clocks = QualitySettings.for_council(council)
    return _form_page(
        request,
        council,
        None,
        form,
        "Log a concern",
        "Log the concern",
        "High-risk concerns are due in "
        f"{clocks.high_risk_hours} hours, others in {clocks.other_hours} hours.",
    )


@staff(*QUALITY_ROLES)
def concern(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    item: Concern = _own(Concern, council, pk)
    record("viewed_concern", request=request, local_authority=council, obj=item)
    officers = qforms.quality_officers(council)
    action = request.POST.get("action") if request.method == "POST" else None
    assign = qforms.AssignForm(
        request.POST if action == "assign" else None,
        initial={
            "dealt_with_by": item.dealt_with_by,
            "shared_with_provider": item.shared_with_provider,
        },
        officers=officers,
    )
    close = qforms.CloseConcernForm(request.POST if action == "close" else None)
    if action == "assign" and assign.is_valid():
        register.assign_concern(
            _who(request),
            item,
            assign.cleaned_data["dealt_with_by"],
            assign.cleaned_data["shared_with_provider"],
        )
        messages.success(request, f"Concern {item.reference} is updated.")
        return redirect("quality:concern", council=council.slug, pk=item.pk)
    if action == "close" and close.is_valid():
        try:
            notice = register.close_concern(
                _who(request), item, close.cleaned_data["outcome"], close.cleaned_data["note"]
            )
        except QualityError as error:
            close.add_error(None, str(error))
        else:
            messages.success(request, f"Concern {item.reference} is closed.")
            if notice is not None:
                return redirect("quality:notice", council=council.slug, pk=notice.pk)
            return redirect("quality:concern", council=council.slug, pk=item.pk)
    return render(
        request,
        "quality/concern.html",
        {
            "council": council,
            "concern": item,
            "overdue": item.is_overdue(_now(request)),
            "assign": assign,
            "close": close,
            "form": close if close.is_bound else assign,
        },
    )


# --- Escalation -------------------------------------------------------------------------------


@staff(*QUALITY_ROLES)
def start_stop(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    place = _location(council, pk)
    form = qforms.StopForm(
        request.POST if request.method == "POST" else None,
        initial={"started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            stop = register.start_stop(_who(request), council, place, **form.cleaned_data)
        except QualityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{stop.describe} at {place.name} from today.")
            return redirect("quality:stop", council=council.slug, pk=stop.pk)
    return _form_page(
        request,
        council,
        place,
        form,
        "Start a placement stop",
        "Start the placement stop",
        "Staff see the stop wherever this location appears, and no new placements are offered "
        "there until it is lifted.",
        warning=True,
    )


@staff(*QUALITY_ROLES)
def stop(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    item: PlacementStop = _own(PlacementStop, council, pk)
    form = qforms.StopChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and item.lifted_on is None and form.is_valid():
        data = form.cleaned_data
        try:
            if data["review_on"]:
                register.review_stop(_who(request), item, data["review_on"])
            if data["lifted_on"]:
                register.lift_stop(_who(request), item, data["lift_note"], data["lifted_on"])
        except QualityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "The placement stop is lifted." if item.lifted_on else "Review date saved."
            )
            return redirect("quality:stop", council=council.slug, pk=item.pk)
    return render(request, "quality/stop.html", {"council": council, "stop": item, "form": form})


@staff(*QUALITY_ROLES)
def issue_notice(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    place = _location(council, pk)
    form = qforms.NoticeForm(
        request.POST if request.method == "POST" else None,
        initial={"issued_on": timezone.localdate(), "kind": request.GET.get("kind", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = register.issue_notice(
            _who(request),
            council,
            place,
            kind=data["kind"],
            reason=data["reason"],
            on=data["issued_on"],
            respond_by=data["respond_by"],
        )
        messages.success(request, f"{notice.get_kind_display()} issued to {place.name}.")
        return redirect("quality:notice", council=council.slug, pk=notice.pk)
    return _form_page(request, council, place, form, "Issue a notice", "Issue the notice")


@staff(*QUALITY_ROLES)
def notice(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    item: Notice = _own(Notice, council, pk)
    form = qforms.CloseNoticeForm(
        request.POST if request.method == "POST" else None,
        initial={"closed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            register.close_notice(
                _who(request),
                item,
                form.cleaned_data["closing_note"],
                form.cleaned_data["closed_on"],
            )
        except QualityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{item.get_kind_display()} closed.")
            return redirect("quality:notice", council=council.slug, pk=item.pk)
    return render(
        request, "quality/notice.html", {"council": council, "notice": item, "form": form}
    )


@staff(*QUALITY_ROLES)
def open_enquiry(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    place = _location(council, pk)
    form = qforms.EnquiryForm(
        request.POST if request.method == "POST" else None,
        initial={"opened_on": timezone.localdate()},
        officers=qforms.quality_officers(council),
    )
    if request.method == "POST" and form.is_valid():
        try:
            enquiry = register.open_enquiry(_who(request), council, place, **form.cleaned_data)
        except QualityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"A Large-Scale Enquiry at {place.name} is open.")
            return redirect("quality:enquiry", council=council.slug, pk=enquiry.pk)
    return _form_page(
        request,
        council,
        place,
        form,
        "Open a Large-Scale Enquiry",
        "Open the enquiry",
        "For concerns about the care of several people at one service. Record meetings, "
        "actions and the outcome here; the safeguarding records stay in the case system.",
    )


#: The enquiry page's forms, by the `action` each posts.
ENQUIRY_FORMS = {
    "meeting": qforms.MeetingForm,
    "action": qforms.EnquiryActionForm,
    "close": qforms.CloseEnquiryForm,
}


@staff(*QUALITY_ROLES)
def enquiry(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    item: Enquiry = _own(Enquiry, council, pk)
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    today = timezone.localdate()
    forms = {
        name: form_class(
            request.POST if posted == name else None,
            initial={"held_on": today, "closed_on": today},
        )
        for name, form_class in ENQUIRY_FORMS.items()
    }
    who = _who(request)
    try:
        if posted == "done":
            done = get_object_or_404(EnquiryAction, pk=request.POST.get("id", "0"), enquiry=item)
            register.complete_action(who, done, today)
            return redirect("quality:enquiry", council=council.slug, pk=item.pk)
        form = forms.get(posted)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            if posted == "meeting":
                register.add_meeting(who, item, data["kind"], data["held_on"], data["notes"])
            elif posted == "action":
                register.add_action(who, item, data["what"], data["owner"], data["due_on"])
            else:
                register.close_enquiry(who, item, data["outcome"], data["closed_on"])
            messages.success(request, "Saved.")
            return redirect("quality:enquiry", council=council.slug, pk=item.pk)
    except QualityError as error:
        target = forms.get(posted) or forms["close"]
        target.add_error(None, str(error))
    return render(
        request,
        "quality/enquiry.html",
        {
            "council": council,
            "enquiry": item,
            "forms": forms,
            "form": forms.get(posted) or forms["meeting"],
        },
    )


@staff(*QUALITY_ROLES)
def record_exit(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    place = _location(council, pk)
    form = qforms.ExitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        register.record_exit(_who(request), council, place, **form.cleaned_data)
        messages.success(request, f"The exit of {place.name} is recorded.")
        return redirect("quality:exits", council=council.slug)
    return _form_page(request, council, place, form, "Record an exit or closure", "Record it")


@staff(*QUALITY_ROLES)
def exits(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    today = timezone.localdate()
    rows = exits_in_last_year(council, today).select_related("location")
    return render(
        request,
        "quality/exits.html",
        {"council": council, "exits": rows, "people": sum(e.people_affected for e in rows)},
    )


# --- Audits -----------------------------------------------------------------------------------


@staff(*QUALITY_ROLES)
def start_audit(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    place = _location(council, pk)
    form = qforms.StartAuditForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        audit = register.start_audit(_who(request), council, place, form.cleaned_data["visit_date"])
        return redirect("quality:audit", council=council.slug, pk=audit.pk)
    return _form_page(
        request,
        council,
        place,
        form,
        "Start an audit",
        "Start the audit",
        "The audit starts as a draft with the council's standards to score.",
    )


def _posted_scores(
    request: HttpRequest, audit: Audit
) -> tuple[dict[int, tuple[str, str]], list[str]]:
    scores, errors = {}, []
    for score in audit.scores.select_related("standard"):
        rating = request.POST.get(f"rating-{score.standard_id}", "")
        evidence = request.POST.get(f"evidence-{score.standard_id}", "").strip()
        if len(evidence) > MAX_EVIDENCE:
            errors.append(
                f"Evidence for {score.standard.name} must be {MAX_EVIDENCE:,} characters or fewer"
            )
            evidence = evidence[:MAX_EVIDENCE]
        scores[score.standard_id] = (rating, evidence)
    return scores, errors


@staff(*QUALITY_ROLES)
def audit(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """Score the standards, share the draft with the provider, publish."""
    item: Audit = _own(Audit, council, pk)
    scheme = QualitySettings.for_council(council).scheme
    errors: list[str] = []
    others = LocalAuthority.objects.exclude(pk=council.pk).order_by("name")
    if request.method == "POST" and request.POST.get("action") == "share_councils":
        chosen = [c for c in others if str(c.pk) in request.POST.getlist("councils")]
        try:
            register.share_with_councils(_who(request), item, chosen)
        except QualityError as error:
            errors.append(str(error))
        else:
            names = ", ".join(c.name for c in chosen) or "no other council"
            messages.success(request, f"The audit is shared with {names}.")
            return redirect("quality:audit", council=council.slug, pk=item.pk)
    elif request.method == "POST" and item.status != Audit.Status.PUBLISHED:
        scores, errors = _posted_scores(request, item)
        summary = request.POST.get("summary", "").strip()
        if len(summary) > MAX_EVIDENCE:
            errors.append(f"The summary must be {MAX_EVIDENCE:,} characters or fewer")
        if not errors:
            action = request.POST.get("action", "save")
            who, today = _who(request), timezone.localdate()
            try:
                register.save_scores(who, item, scores, summary)
                if action == "share":
                    register.share_audit(who, item, today)
                    messages.success(request, "The draft is shared with the provider.")
                elif action == "publish":
                    result = register.publish_audit(who, item, today)
                    messages.success(request, f"The audit is published: {result.rating}.")
                else:
                    messages.success(request, "The scores are saved.")
            except (QualityError, QualityRuleError) as error:
                errors.append(str(error))
            else:
                return redirect("quality:audit", council=council.slug, pk=item.pk)
    preview = None
    with contextlib.suppress(QualityRuleError):
        preview = item.result(scheme)
    return render(
        request,
        "quality/audit.html",
        {
            "council": council,
            "audit": item,
            "scores": item.scores.select_related("standard__domain"),
            "files": EvidenceFile.objects.filter(score__audit=item).select_related(
                "score__standard"
            ),
            "ratings": scheme.ratings,
            "caps": scheme.caps,
            "preview": preview,
            "errors": errors,
            "plan": getattr(item, "action_plan", None),
            "other_councils": others,
            "shared_with": {c.pk for c in item.shared_with.all()},
        },
    )


def _evidence_file(council: LocalAuthority, pk: int) -> EvidenceFile:
    """An evidence file of one of the council's own audits; any other is a 404."""
    return get_object_or_404(
        EvidenceFile.objects.select_related("score__audit", "score__standard"),
        pk=pk,
        score__audit__local_authority=council,
    )


@staff(*QUALITY_ROLES)
def upload_evidence(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """Keep a file as evidence for one standard, until the audit is published."""
    item: Audit = _own(Audit, council, pk)
    scores = item.scores.select_related("standard")
    if item.status == Audit.Status.PUBLISHED:
        messages.error(request, "The audit is published: its evidence can no longer change.")
        return redirect("quality:audit", council=council.slug, pk=item.pk)
    form = qforms.EvidenceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        scores=scores,
    )
    if request.method == "POST" and form.is_valid():
        score = scores.get(pk=form.cleaned_data["standard"])
        stored = evidence.store(form.cleaned_data["file"], form.cleaned_name)
        kept = EvidenceFile.objects.create(
            score=score,
            name=form.cleaned_name,
            stored=stored,
            content_type=form.cleaned_type,
            size=form.cleaned_data["file"].size,
            uploaded_by=request.user,
        )
        record(
            "uploaded_evidence_file",
            request=request,
            local_authority=council,
            obj=kept,
            detail=f"audit {item.pk}, standard {score.standard_id}",
        )
        messages.success(request, f"{kept.name} is kept as evidence for {score.standard.name}.")
        return redirect("quality:audit", council=council.slug, pk=item.pk)
    return _form_page(
        request,
        council,
        item.location,
        form,
        "Add an evidence file",
        "Upload the file",
        "Files stay with the council's quality team unless you share one with the provider "
        "afterwards, on the audit page. Other councils and the public never see them.",
        back=(reverse("quality:audit", kwargs={"council": council.slug, "pk": item.pk}), "audit"),
    )


def _download(request: HttpRequest, kept: EvidenceFile, action: str) -> HttpResponse:
    """An evidence file as an attachment, the download in the audit log."""
    try:
        handle = evidence.path_of(kept.stored).open("rb")
    except (OSError, evidence.EvidenceError) as error:
        raise Http404("The file is no longer stored: ask the quality team for it") from error
    audit_ = kept.score.audit
    record(
        action,
        request=request,
        local_authority=audit_.local_authority,
        obj=kept,
        detail=f"audit {audit_.pk}",
    )
    return FileResponse(
        handle, as_attachment=True, filename=kept.name, content_type=kept.content_type
    )


@staff(*QUALITY_ROLES)
def evidence_file(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """Download an evidence file (the council's quality team; every download logged)."""
    return _download(request, _evidence_file(council, pk), "downloaded_evidence_file")


@staff(*QUALITY_ROLES)
def share_evidence(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """Share an evidence file with the provider, or stop sharing it (POST; audited). The
    provider sees it once the audit is shared with them, published or not."""
    kept = _evidence_file(council, pk)
    if request.method == "POST":
        share = request.POST.get("share") == "yes"
        if share != kept.shared_with_provider:
            kept.shared_with_provider = share
            kept.save(update_fields=["shared_with_provider"])
            record(
                "shared_evidence_file" if share else "unshared_evidence_file",
                request=request,
                local_authority=council,
                obj=kept,
                detail=f"audit {kept.score.audit_id}",
            )
        messages.success(
            request,
            f"{kept.name} is shared with the provider."
            if share
            else f"{kept.name} is no longer shared with the provider.",
        )
    url = reverse("quality:audit", kwargs={"council": council.slug, "pk": kept.score.audit_id})
    return redirect(f"{url}#evidence-files")


@staff(*QUALITY_ROLES)
def delete_evidence(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """Remove an evidence file from an audit not yet published."""
    kept = _evidence_file(council, pk)
    audit_ = kept.score.audit
    if audit_.status == Audit.Status.PUBLISHED:
        messages.error(request, "The audit is published: its evidence can no longer change.")
    elif request.method == "POST":
        record(
            "deleted_evidence_file",
            request=request,
            local_authority=council,
            obj=kept,
            detail=f"audit {audit_.pk}",
        )
        kept.delete()
        evidence.remove(kept.stored)
        messages.success(request, f"{kept.name} is removed.")
    return redirect("quality:audit", council=council.slug, pk=audit_.pk)


@staff(*QUALITY_ROLES)
def shared_audit(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """Another council's published audit, shared with this one: ratings, summary, plan."""
    item = get_object_or_404(
        Audit.objects.select_related("location", "local_authority"),
        pk=pk,
        status=Audit.Status.PUBLISHED,
        shared_with=council,
    )
    record("viewed_shared_audit", request=request, local_authority=council, obj=item)
    return render(
        request,
        "quality/shared_audit.html",
        {
            "council": council,
            "audit": item,
            "scores": item.scores.select_related("standard__domain"),
            "plan": getattr(item, "action_plan", None),
        },
    )


@public
def public_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """The public summary of a published audit: ratings by standard, never the evidence notes
    (they can name people). A draft or shared audit is a 404 to the public."""
    item = get_object_or_404(
        Audit.objects.select_related("location", "local_authority"),
        pk=pk,
        status=Audit.Status.PUBLISHED,
    )
    return render(
        request,
        "quality/public_audit.html",
        {"audit": item, "scores": item.scores.select_related("standard__domain")},
    )


# --- Provider pages ---------------------------------------------------------------------------


def provider_locations(user: User) -> QuerySet[Location]:
    """Locations run by the organisations this account edits."""
    from caremarket.directory.editorial import editable_organizations

    return locations_run_by(editable_organizations(user))


def locations_run_by(orgs: Any) -> QuerySet[Location]:
    """Locations run by these directory organisations (as CQC provider or as listed)."""
    return Location.objects.filter(
        Q(provider__directory_organization__in=orgs) | Q(directory_service__organization__in=orgs)
    ).distinct()


@staff(Role.PROVIDER)
def provider_home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    places = provider_locations(user)
    records: dict[str, list[Any]] = {
        "audits": list(
            Audit.objects.filter(location__in=places)
            .exclude(status=Audit.Status.DRAFT)
            .select_related("location", "local_authority", "action_plan")
        ),
        "notices": list(
            Notice.objects.filter(location__in=places).select_related("location", "local_authority")
        ),
        "stops": list(
            PlacementStop.objects.in_force()
            .filter(location__in=places)
            .select_related("location", "local_authority")
        ),
        "concerns": list(
            Concern.objects.filter(location__in=places, shared_with_provider=True)
            .select_related("location", "local_authority", "dealt_with_by")
            .order_by("-logged_at")
        ),
    }
    any_invented = any(r.invented for rows in records.values() for r in rows)
    return render(request, "quality/provider_home.html", {**records, "any_invented": any_invented})


@staff(Role.PROVIDER)
def provider_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """A shared draft to comment on, or a published report and its action plan."""
    user: User = request.user  # type: ignore[assignment]
    item = get_object_or_404(
        Audit.objects.filter(location__in=provider_locations(user)).exclude(
            status=Audit.Status.DRAFT
        ),
        pk=pk,
    )
    plan = getattr(item, "action_plan", None)
    issues = register.issues_of(item) if plan is not None else []
    form = qforms.CommentsForm(
        request.POST
        if request.method == "POST" and request.POST.get("action") == "comment"
        else None
    )
    errors: list[Problem | str] = []
    today = timezone.localdate()
    if form.is_bound and form.is_valid():
        try:
            register.comment_on_audit(_who(request), item, form.cleaned_data["comments"], today)
        except QualityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you: your comments are sent to the quality team.")
            return redirect("quality:provider_audit", pk=item.pk)
    rows = [PlanRow(issue) for issue in issues]
    if request.method == "POST" and request.POST.get("action") == "plan" and plan is not None:
        actions, rows, problems = _posted_actions(request, issues)
        errors = list(problems)
        if not errors:
            try:
                register.submit_plan(_who(request), plan, actions, today)
            except QualityError as error:
                errors.append(str(error))
            else:
                messages.success(request, "Your action plan is sent to the quality team.")
                return redirect("quality:provider_audit", pk=item.pk)
    return render(
        request,
        "quality/provider_audit.html",
        {
            "audit": item,
            "scores": item.scores.select_related("standard__domain"),
            "form": form,
            "plan": plan,
            "rows": rows,
            "errors": errors,
            "files": _provider_files(user).filter(score__audit=item),
        },
    )


def _provider_files(user: User) -> QuerySet[EvidenceFile]:
    """Evidence files shared with the provider, of audits it can see (not drafts)."""
    return (
        EvidenceFile.objects.filter(
            shared_with_provider=True, score__audit__location__in=provider_locations(user)
        )
        .exclude(score__audit__status=Audit.Status.DRAFT)
        .select_related("score__audit__local_authority", "score__standard")
    )


@staff(Role.PROVIDER)
def provider_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Download an evidence file the council shared with this provider (audited); any other
    file is a 404."""
    user: User = request.user  # type: ignore[assignment]
    kept = get_object_or_404(_provider_files(user), pk=pk)
    return _download(request, kept, "provider_downloaded_evidence_file")


@dataclass
class Problem:
    """A message for the error summary that links to the field it is about."""

    text: str
    anchor: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class PlanRow:
    """One standard that needs improving, with what the provider typed for it (kept when
    another row is wrong) and the message for each of its fields."""

    issue: AuditScore
    action: str = ""
    owner: str = ""
    by: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _posted_actions(
    request: HttpRequest, issues: list[AuditScore]
) -> tuple[list[tuple[AuditScore, str, str, date]], list[PlanRow], list[Problem]]:
    """The actions posted, one per standard that needs improving; every row as typed; and a
    message per wrong field."""
    actions, rows, problems = [], [], []
    day = qforms.Day("By")
    for issue in issues:
        name = issue.standard.name
        row = PlanRow(
            issue,
            request.POST.get(f"action-{issue.pk}", "").strip(),
            request.POST.get(f"owner-{issue.pk}", "").strip(),
            request.POST.get(f"by-{issue.pk}", "").strip()[:40],
        )
        rows.append(row)
        if not row.action:
            row.errors["action"] = f"Enter an action for {name}"
        elif len(row.action) > MAX_EVIDENCE:
            row.errors["action"] = (
                f"The action for {name} must be {MAX_EVIDENCE:,} characters or fewer"
            )
        if not row.owner:
            row.errors["owner"] = f"Enter who owns the action for {name}"
        elif len(row.owner) > 200:
            row.errors["owner"] = f"The owner for {name} must be 200 characters or fewer"
        by = None
        try:
            by = day.clean(row.by)
        except ValidationError:
            row.errors["by"] = (
                f"Enter the date the action for {name} will be done by, like 24/10/2026"
            )
        problems += [Problem(text, f"{key}-{issue.pk}") for key, text in row.errors.items()]
        if not row.errors and by is not None:
            actions.append((issue, row.action, row.owner, by))
    return actions, rows, problems


def stop_notices(user: Any, location: Location | None) -> list[PlacementStop]:
    """Stops in force at a location, for council staff (not providers) of the councils that
    made them: the directory's listing page shows them to those people only."""
    if location is None or not user.is_authenticated:
        return []
    if user.is_site_admin:
        councils: Any = LocalAuthority.objects.all()
    else:
        councils = user.councils_with(*CONCERN_LOGGERS)
    return register.stops_in_force(location, councils)
