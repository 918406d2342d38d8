"""Care home pages: brokers' placement requests, the council's view of vacancies and of
placements per home, and the provider's vacancy updates.

Brokers (practitioners and council admins) post placement requests; commissioners read the
vacancy and placement tables too. A provider account sees and updates only the care homes its
organisations run; a home of another provider is a 404.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.access import staff
from caremarket.accounts.models import User
from caremarket.accounts.roles import Role
from caremarket.market.models import Location
from caremarket.places.models import LocalAuthority
from caremarket.quality.views import provider_locations
from caremarket.rules.placements import (
    BED_KIND_WORDS,
    VACANCY_FRESH_DAYS,
    VacancyReport,
    usable,
)
from caremarket.sourcing import brokerage, packages, vacancies
from caremarket.sourcing.brokerage import BrokerageError
from caremarket.sourcing.forms import (
    PackageEndForm,
    PlacementChangeForm,
    PlacementRequestForm,
    VacancyForm,
)
from caremarket.sourcing.models import Placement, ServiceKind
from caremarket.sourcing.vacancies import Vacancies, VacancyError
from caremarket.sourcing.views import BROKERS, REPORT_READERS, _post, care_request


@staff(*BROKERS)
def new_placement(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    areas = brokerage.placement_areas(council)
    form = PlacementRequestForm(request.POST or None, wards=areas)
    if request.method == "POST" and form.is_valid():
        return _post(
            request,
            council,
            form,
            service_kind=ServiceKind.CARE_HOME,
            bed_kind=form.cleaned_data["bed_kind"],
        )
    return render(
        request,
        "sourcing/new_placement.html",
        {
            "council": council,
            "form": form,
            "no_wards": not areas.exists(),
            "fresh_days": VACANCY_FRESH_DAYS,
        },
    )


def _row(location: Location, report: VacancyReport | None, today: date) -> dict[str, object]:
    return {
        "location": location,
        "vacancies": Vacancies(report) if report else None,
        "fresh": usable(report, today),
    }


@staff(*REPORT_READERS)
def council_vacancies(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """Every care home in the council with the vacancies believed, their source and date."""
    homes = list(Location.objects.for_council(council).filter(care_home=True).order_by("name"))
    found = vacancies.current(homes)
    today = timezone.localdate()
    rows = [_row(loc, found[loc.pk], today) for loc in homes]
    totals: Counter[str] = Counter()
    for row in rows:
        v = row["vacancies"]
        if row["fresh"] and isinstance(v, Vacancies):
            totals.update({words: n for words, n in v.rows})
    return render(
        request,
        "sourcing/vacancies.html",
        {
            "council": council,
            "rows": rows,
            "totals": [(w, totals[w]) for w in BED_KIND_WORDS.values() if w in totals],
            "fresh_days": VACANCY_FRESH_DAYS,
            "unknown": sum(1 for r in rows if not r["fresh"]),
        },
    )


@dataclass
class HomePlacements:
    location: Location
    count: int = 0
    weekly: Decimal = Decimal(0)
    kinds: Counter[str] = field(default_factory=Counter)

    @property
    def kind_rows(self) -> list[tuple[str, int]]:
        return sorted(self.kinds.items())


@staff(*REPORT_READERS)
def placements(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """Placements in place per care home, by kind of bed, with their weekly cost."""
    today = timezone.localdate()
    current = (
        Placement.objects.filter(local_authority=council, start_on__lte=today)
        .exclude(end_on__lt=today)
        .select_related("location", "request")
    )
    by_home: dict[int, HomePlacements] = {}
    for p in current:
        row = by_home.setdefault(p.location_id, HomePlacements(p.location))
        row.count += 1
        row.weekly += p.weekly_cost
        row.kinds[p.get_bed_kind_display()] += 1
    rows = sorted(by_home.values(), key=lambda r: (-r.count, r.location.name))
    return render(
        request,
        "sourcing/placements.html",
        {
            "council": council,
            "rows": rows,
            "total": sum(r.count for r in rows),
            "recent": Placement.objects.filter(local_authority=council).select_related(
                "location", "request"
            )[:50],
            "can_open": care_request.access_rule.allows(request.user, council),  # type: ignore[attr-defined]
            "invented": any(p.invented for p in current),
        },
    )


def _placement_form(
    request: HttpRequest,
    council: LocalAuthority,
    pk: int,
    form: PlacementChangeForm | PackageEndForm,
) -> tuple[Placement, User, dict[str, Any] | None]:
    """The placement made from request `pk`, who acts, and the form's data; a bad form's
    messages are shown on the request page (None)."""
    placement = get_object_or_404(Placement, local_authority=council, request_id=pk)
    if form.is_valid():
        return placement, request.user, form.cleaned_data  # type: ignore[return-value]
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return placement, request.user, None  # type: ignore[return-value]


@staff(*BROKERS)
@require_POST
def end(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """End the placement made from request `pk`; a bad form is shown on the request page."""
    placement, user, data = _placement_form(request, council, pk, PackageEndForm(request.POST))
    if data is not None:
        try:
            packages.end(placement, data["last_day"], data["reason"], user, request)
        except BrokerageError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The placement at {placement.location.name} is ended.")
    return redirect("sourcing:request", council=council.slug, pk=pk)


@staff(*BROKERS)
@require_POST
def change(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """A new weekly cost or kind of bed for the placement made from request `pk`, kept in its
    history; a bad form is shown on the request page."""
    form = PlacementChangeForm(request.POST, prefix="change")
    placement, user, data = _placement_form(request, council, pk, form)
    if data is not None:
        try:
            packages.change_placement(
                placement, data["bed_kind"], data["weekly_cost"], data["from_day"],
                data["reason"], user, request,
            )  # fmt: skip
        except BrokerageError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"The placement at {placement.location.name} is changed from "
                f"{data['from_day']:%-d %B %Y}.",
            )
    return redirect("sourcing:request", council=council.slug, pk=pk)


# --- Provider pages ---------------------------------------------------------------------------


def _own_homes(user: User) -> list[Location]:
    return list(provider_locations(user).filter(care_home=True).order_by("name"))


@staff(Role.PROVIDER)
def provider_vacancies(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    homes = _own_homes(user)
    found = vacancies.current(homes)
    today = timezone.localdate()
    return render(
        request,
        "sourcing/provider_vacancies.html",
        {
            "rows": [_row(loc, found[loc.pk], today) for loc in homes],
            "fresh_days": VACANCY_FRESH_DAYS,
        },
    )


@staff(Role.PROVIDER)
def provider_vacancy(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    home = get_object_or_404(provider_locations(user).filter(care_home=True), pk=pk)
    report = vacancies.current([home])[home.pk]
    initial = {kind: report.counts[kind] for kind in report.counts} if report else {}
    form = VacancyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            vacancies.record_vacancies(
                home, form.counts(), source="portal", user=user, http=request
            )
        except VacancyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Vacancies at {home.name} are updated.")
            return redirect("sourcing:provider_vacancies")
    return render(
        request,
        "sourcing/provider_vacancy.html",
        {"home": home, "form": form, "vacancies": Vacancies(report) if report else None},
    )
