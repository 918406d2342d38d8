"""Sourcing pages. Broker pages (`/staff/<council>/sourcing/…`) are for the council's
practitioners (brokers) and admins; a request of another council is a 404. Provider pages
(`/sourcing/provider/…`) show a provider account only the requests sent to the locations its
organisations run, and only its own offers; the person's name and address appear there only
once that provider's offer is accepted. Every change and every showing of a person's details
writes the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.access import staff
from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.accounts.roles import Role
from caremarket.places.models import LocalAuthority
from caremarket.quality.views import provider_locations
from caremarket.sourcing import brokerage, figures, notify, packages, register
from caremarket.sourcing.brokerage import BrokerageError
from caremarket.sourcing.forms import (
    EmailsForm,
    OfferForm,
    PackageChangeForm,
    PackageEndForm,
    PlacementChangeForm,
    RequestForm,
    WithdrawForm,
)
from caremarket.sourcing.models import CareRequest, EmailKind, Offer, Package, PackageChange
from caremarket.statements.render import prepare_table

BROKERS = (Role.PRACTITIONER, Role.COUNCIL_ADMIN)
REPORT_READERS = (Role.PRACTITIONER, Role.COMMISSIONER, Role.COUNCIL_ADMIN)
#: Requests waiting longer than this are flagged on the brokerage page.
UNSOURCED_DAYS = 14


def _request_of(council: LocalAuthority, pk: int) -> CareRequest:
    return get_object_or_404(
        CareRequest.objects.select_related("area", "area__parent"), local_authority=council, pk=pk
    )


@staff(*BROKERS)
def requests(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    today = timezone.localdate()
    recent = (
        CareRequest.objects.filter(local_authority=council)
        .exclude(status=CareRequest.Status.OPEN)
        .select_related("area", "package__location", "placement__location")[:50]
    )
    return render(
        request,
        "sourcing/requests.html",
        {
            "council": council,
            "waiting": brokerage.waiting(council, today),
            "recent": recent,
            "unsourced_days": UNSOURCED_DAYS,
        },
    )


@staff(*BROKERS)
def new_request(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    wards = brokerage.wards_of(council)
    form = RequestForm(request.POST or None, wards=wards)
    if request.method == "POST" and form.is_valid():
        return _post(request, council, form, **brokerage.home_care_fields(form.cleaned_data))
    return render(
        request,
        "sourcing/new_request.html",
        {"council": council, "form": form, "no_wards": not wards.exists()},
    )


def _post(
    request: HttpRequest, council: LocalAuthority, form: Any, **fields: object
) -> HttpResponse:
    """Post a request from a valid form (home care or care home placement); say where it went."""
    user: User = request.user  # type: ignore[assignment]
    item, found = brokerage.post_from_form(council, form.cleaned_data, user, request, **fields)
    sent = sum(1 for m in found if m.eligible)
    who = "care home" if item.is_placement else "provider"
    messages.success(
        request,
        f"{item.reference} is posted and was sent to {sent} {who}{'' if sent == 1 else 's'}.",
    )
    return redirect("sourcing:request", council=council.slug, pk=item.pk)


def _now_of(item: CareRequest) -> dict[str, Any]:
    """A placement's kind of bed and cost now, to start its change form from."""
    placement = getattr(item, "placement", None)
    if placement is None:
        return {}
    return {"bed_kind": placement.bed_kind, "weekly_cost": placement.weekly_cost}


def _request_page(
    request: HttpRequest, item: CareRequest, withdraw_form: WithdrawForm | None = None
) -> HttpResponse:
    council = item.local_authority
    record("sourcing: request viewed", request=request, local_authority=council, obj=item)
    return render(
        request,
        "sourcing/request.html",
        {
            "council": council,
            "item": item,
            "matches": brokerage.matches(item) if item.status == item.Status.OPEN else [],
            "sent": {s.location_id for s in item.sent.all()},
            "offers": item.offers.select_related("location"),
            "package": getattr(item, "package", None),
            "placement": getattr(item, "placement", None),
            "end_form": PackageEndForm(),
            "change_form": PlacementChangeForm(prefix="change", initial=_now_of(item)),
            "days_waiting": (timezone.localdate() - item.referred_on).days,
            "withdraw_form": withdraw_form or WithdrawForm(),
        },
    )


@staff(*BROKERS)
def care_request(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    return _request_page(request, _request_of(council, pk))


@staff(*BROKERS)
@require_POST
def withdraw(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    item = _request_of(council, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _request_page(request, item, form)
    user: User = request.user  # type: ignore[assignment]
    try:
        brokerage.withdraw(item, form.cleaned_data["because"], user, request)
    except BrokerageError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{item.reference} is withdrawn. The providers it was sent to are told."
        )
    return redirect("sourcing:request", council=council.slug, pk=item.pk)


@staff(*BROKERS)
@require_POST
def accept(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    item = _request_of(council, pk)
    user: User = request.user  # type: ignore[assignment]
    try:
        offer_id = int(request.POST.get("offer", ""))
        bought = brokerage.accept(item, offer_id, user, request)
    except ValueError:
        messages.error(request, "Choose an offer to accept")
    except BrokerageError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Offer from {bought.location.name} accepted. The other providers are told "
            "their offers were not chosen.",
        )
    return redirect("sourcing:request", council=council.slug, pk=item.pk)


def unsourced_days(request: HttpRequest) -> tuple[int, str]:
    """The N of "waiting more than N days" from the query string, or the default with a
    message saying why the given value was not used."""
    raw = request.GET.get("days", "").strip()
    if not raw:
        return UNSOURCED_DAYS, ""
    if raw.isdigit() and 0 <= int(raw) <= 3650:
        return int(raw), ""
    return UNSOURCED_DAYS, (
        f"Days must be a whole number from 0 to 3,650, so the default of {UNSOURCED_DAYS} is shown"
    )


@staff(*REPORT_READERS)
def report(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    days, problem = unsourced_days(request)
    tables = figures.time_to_source_tables(council, months=None)
    return render(
        request,
        "sourcing/report.html",
        {
            "council": council,
            "tables": [prepare_table(t.as_json()) for t in tables],
            "invented": CareRequest.objects.filter(local_authority=council, invented=True).exists(),
            "unsourced": figures.unsourced(council, days),
            "unsourced_days": days,
            "days_problem": problem,
            # commissioners read the figures; only brokers open the requests behind them
            "can_open": care_request.access_rule.allows(request.user, council),  # type: ignore[attr-defined]
        },
    )


@staff(*REPORT_READERS)
def contracts(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """The contract register: each contract's kind, term, rates and holders."""
    today = timezone.localdate()
    rows = [
        {
            "contract": c,
            "rates": register.rate_words(c.rate_table()),
            "bands": register.band_words(c.band_table()),
            "holdings": c.holdings.all(),
        }
        for c in brokerage.contracts_of(council)
    ]
    return render(
        request,
        "sourcing/contracts.html",
        {
            "council": council,
            "rows": rows,
            "today": today,
            "can_edit": register.contract_edit.access_rule.allows(request.user, council),  # type: ignore[attr-defined]
        },
    )


# --- Provider pages ---------------------------------------------------------------------------


@staff(Role.PROVIDER)
def provider_requests(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    places = provider_locations(user)
    own = Offer.objects.filter(location__in=places)
    items = (
        brokerage.provider_requests(places)
        .select_related("area", "local_authority")
        .prefetch_related(Prefetch("offers", queryset=own, to_attr="own_offers"))
    )
    return render(request, "sourcing/provider_requests.html", {"items": items[:200]})


@staff(Role.PROVIDER)
def provider_request(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    places = provider_locations(user)
    item = get_object_or_404(
        brokerage.provider_requests(places).select_related("area", "local_authority"), pk=pk
    )
    own = list(Offer.objects.filter(request=item, location__in=places).select_related("location"))
    offerable = brokerage.offerable(item, places)
    form = OfferForm(
        request.POST or None,
        locations=offerable,
        referred_on=item.referred_on,
        initial={"start_on": item.start_on.strftime("%d/%m/%Y")},
    )
    if request.method == "POST" and not (item.status == item.Status.OPEN and offerable.exists()):
        messages.error(
            request,
            "This request is closed"
            if item.status != item.Status.OPEN
            else "You have already made an offer from each of your services it was sent to",
        )
        return redirect("sourcing:provider_request", pk=item.pk)
    if request.method == "POST" and form.is_valid():
        try:
            brokerage.offer_from_form(item, form.cleaned_data, user, request)
        except BrokerageError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Your offer on {item.reference} is sent to the council.")
        return redirect("sourcing:provider_request", pk=item.pk)
    accepted = next((o for o in own if o.status == Offer.Status.ACCEPTED), None)
    if accepted is not None:
        record(
            "sourcing: person's details shown to provider",
            request=request,
            local_authority=item.local_authority,
            obj=item,
        )
    return render(
        request,
        "sourcing/provider_request.html",
        {
            "item": item,
            "own": own,
            "accepted": accepted,
            "form": form if item.status == item.Status.OPEN and offerable.exists() else None,
        },
    )


# --- Packages: changes, ends and commissioned hours ------------------------------------------


@staff(*REPORT_READERS)
def package_list(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """Commissioned hours from the packages in force today, and the packages behind them."""
    today = timezone.localdate()
    live = (
        Package.objects.filter(local_authority=council, start_on__lte=today)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=today))
        .select_related("location", "request__area")
        .order_by("location__name", "start_on", "pk")
    )
    tables = figures.commissioned_tables(council, today)
    return render(
        request,
        "sourcing/packages.html",
        {
            "council": council,
            "tables": [prepare_table(t.as_json()) for t in tables],
            "packages": live[:500],
            "count": live.count(),
            "can_open": package.access_rule.allows(request.user, council),  # type: ignore[attr-defined]
        },
    )


def _package_page(
    request: HttpRequest,
    council: LocalAuthority,
    item: Package,
    change_form: PackageChangeForm | None = None,
    end_form: PackageEndForm | None = None,
) -> HttpResponse:
    pattern = item.changes.exclude(kind=PackageChange.Kind.END).last()
    initial = {}
    if pattern is not None:
        initial = {
            "calls_per_day": pattern.calls_per_day,
            "minutes": str(pattern.minutes),
            "days_per_week": pattern.days_per_week,
            "weekly_cost": item.weekly_cost,
        }
    return render(
        request,
        "sourcing/package.html",
        {
            "council": council,
            "item": item,
            "changes": item.changes.select_related("made_by"),
            "change_form": change_form or PackageChangeForm(initial=initial, prefix="change"),
            "end_form": end_form or PackageEndForm(prefix="end"),
        },
        status=200 if change_form is None and end_form is None else 400,
    )


def _package_of(council: LocalAuthority, pk: int) -> Package:
    return get_object_or_404(
        Package.objects.select_related("location", "request__area"), local_authority=council, pk=pk
    )


@staff(*BROKERS)
def package(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """A package's history, and forms to change its hours, calls or cost, or end it."""
    item = _package_of(council, pk)
    if request.method != "POST":
        return _package_page(request, council, item)
    user: User = request.user  # type: ignore[assignment]
    ending = request.POST.get("action") == "end"
    form: PackageChangeForm | PackageEndForm = (
        PackageEndForm(request.POST, prefix="end")
        if ending
        else PackageChangeForm(request.POST, prefix="change")
    )
    forms = {"end_form" if ending else "change_form": form}
    if not form.is_valid() or (not ending and form.cleaned_data.get("pattern") is None):
        return _package_page(request, council, item, **forms)  # type: ignore[arg-type]
    data = form.cleaned_data
    try:
        if ending:
            packages.end(item, data["last_day"], data["reason"], user, request)
            done = f"{item.reference} ends after {data['last_day']:%-d %B %Y}."
        else:
            change = packages.Change(
                data["pattern"], data["weekly_cost"], data["from_day"], data["reason"]
            )
            packages.change(item, change, user, request)
            done = f"{item.reference} is changed from {data['from_day']:%-d %B %Y}."
    except BrokerageError as error:
        form.add_error(None, str(error))
        return _package_page(request, council, item, **forms)  # type: ignore[arg-type]
    messages.success(request, done)
    return redirect("sourcing:package", council=council.slug, pk=item.pk)


@staff(Role.PROVIDER)
def provider_emails(request: HttpRequest) -> HttpResponse:
    """The provider account's choice of sourcing emails, by kind."""
    user: User = request.user  # type: ignore[assignment]
    off = notify.turned_off(user)
    form = EmailsForm(
        request.POST if request.method == "POST" else None,  # all unticked posts nothing
        initial={"wanted": [k for k in EmailKind.values if k not in off]},
    )
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["wanted"])
        notify.set_turned_off(user, [k for k in EmailKind.values if k not in wanted])
        messages.success(request, "Your email choices are saved.")
        return redirect("sourcing:provider_emails")
    return render(
        request,
        "sourcing/provider_emails.html",
        {"form": form, "has_email": bool(user.email)},
    )
