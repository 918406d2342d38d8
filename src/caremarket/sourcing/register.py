"""The contract register's staff pages: commissioners and council admins add and edit contracts,
their lots, yearly uplifts and holdings; brokers and commissioners read them. Every change is
audited. A contract of another council is a 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from caremarket.access import staff
from caremarket.accounts.audit import record
from caremarket.accounts.roles import Role
from caremarket.places.models import Area, LocalAuthority
from caremarket.rules.sourcing import SourcingRuleError
from caremarket.sourcing.models import Contract, Holding, Lot, Uplift
from caremarket.sourcing.register_forms import (
    ContractForm,
    HoldingForm,
    LotForm,
    UpliftForm,
)

READERS = (Role.PRACTITIONER, Role.COMMISSIONER, Role.COUNCIL_ADMIN)
EDITORS = (Role.COMMISSIONER, Role.COUNCIL_ADMIN)


def _minutes(minutes: int) -> str:
    return "1 hour" if minutes == 60 else f"{minutes} minutes"


def rate_words(table: dict[int, Decimal]) -> list[str]:
    return [f"{_minutes(m)} £{price:,.2f}" for m, price in sorted(table.items(), reverse=True)]


def band_words(table: dict[str, Decimal]) -> list[str]:
    return [f"{band} £{price:,.2f} a week" for band, price in table.items()]


def _contract_of(council: LocalAuthority, pk: int) -> Contract:
    return get_object_or_404(Contract, local_authority=council, pk=pk)


def _areas(council: LocalAuthority) -> Any:
    return Area.objects.filter(
        local_authority=council, kind__in=[Area.Kind.LOCALITY, Area.Kind.ZONE, Area.Kind.WARD]
    ).order_by("kind", "name")


def _can_edit(request: HttpRequest, council: LocalAuthority) -> bool:
    return bool(contract_edit.access_rule.allows(request.user, council))  # type: ignore[attr-defined]


@staff(*READERS)
def contract_page(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    contract = _contract_of(council, pk)
    today = timezone.localdate()
    try:
        now, bands_now = contract.rate_table(today), contract.band_table(today)
    except SourcingRuleError:  # an uplift out of range from before the forms checked it
        now, bands_now = contract.rate_table(), contract.band_table()
    return render(
        request,
        "sourcing/contract.html",
        {
            "council": council,
            "contract": contract,
            "published": rate_words(contract.rate_table()),
            "bands": band_words(contract.band_table()),
            "now": rate_words(now),
            "bands_now": band_words(bands_now),
            "today": today,
            "lots": contract.lots.prefetch_related("areas"),
            "uplifts": contract.uplifts.all(),
            "holdings": contract.holdings.select_related("location", "lot").prefetch_related(
                "areas"
            ),
            "can_edit": _can_edit(request, council),
        },
    )


def _audit(request: HttpRequest, council: LocalAuthority, action: str, obj: Model) -> None:
    record(f"sourcing: {action}", request=request, local_authority=council, obj=obj)


@staff(*EDITORS)
def contract_edit(
    request: HttpRequest, council: LocalAuthority, pk: int | None = None
) -> HttpResponse:
    contract = _contract_of(council, pk) if pk else None
    initial = ContractForm.initial_from(contract) if contract else None
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contract = contract or Contract(local_authority=council)
        contract.name, contract.kind, contract.service_kind = (
            data["name"],
            data["kind"],
            data["service_kind"],
        )
        contract.starts_on, contract.ends_on = data["starts_on"], data["ends_on"]
        contract.rates, contract.care_home_rates = form.rates(), data["care_home_rates"]
        contract.save()
        _audit(request, council, "contract saved" if pk else "contract added", contract)
        messages.success(request, f"{contract.name} is saved.")
        return redirect("sourcing:contract", council=council.slug, pk=contract.pk)
    return render(
        request,
        "sourcing/register_form.html",
        {
            "council": council,
            "form": form,
            "title": f"Edit {contract.name}" if contract else "Add a contract",
            "back": contract,
            "button": "Save the contract",
        },
        status=400 if form.errors else 200,
    )


def _part_edit(
    request: HttpRequest,
    council: LocalAuthority,
    contract: Contract,
    *,
    what: str,
    instance: Model | None,
    form: Any,
    save: Any,
    title: str,
) -> HttpResponse:
    """Add, edit or remove one part of a contract (a lot, an uplift, a holding)."""
    if request.method == "POST" and request.POST.get("action") == "remove" and instance:
        _audit(request, council, f"{what} removed", instance)
        instance.delete()
        messages.success(request, f"The {what} is removed from {contract.name}.")
        return redirect("sourcing:contract", council=council.slug, pk=contract.pk)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = save(form.cleaned_data)
        except IntegrityError:
            form.add_error(None, DUPLICATES[what])
        else:
            _audit(request, council, f"{what} saved", saved)
            messages.success(request, f"The {what} on {contract.name} is saved.")
            return redirect("sourcing:contract", council=council.slug, pk=contract.pk)
    return render(
        request,
        "sourcing/register_form.html",
        {
            "council": council,
            "form": form,
            "title": title,
            "back": contract,
            "button": f"Save the {what}",
            "removable": instance is not None,
            "what": what,
        },
        status=400 if form.errors else 200,
    )


DUPLICATES = {
    "lot": "This contract already has a lot of that name",
    "uplift": "This contract already has an uplift from that day: edit that one instead",
    "holding": "That location already holds a place on this contract: edit its holding instead",
}


@staff(*EDITORS)
def lot_edit(
    request: HttpRequest, council: LocalAuthority, pk: int, lot: int | None = None
) -> HttpResponse:
    contract = _contract_of(council, pk)
    instance = get_object_or_404(Lot, contract=contract, pk=lot) if lot else None
    initial = (
        {
            "name": instance.name,
            "service_kind": instance.service_kind,
            "client_group": instance.client_group,
            "areas": list(instance.areas.all()),
        }
        if instance
        else None
    )
    form = LotForm(
        request.POST if request.method == "POST" else None, initial=initial, areas=_areas(council)
    )

    def save(data: dict[str, Any]) -> Lot:
        item = instance or Lot(contract=contract)
        item.name, item.service_kind, item.client_group = (
            data["name"],
            data["service_kind"],
            data["client_group"],
        )
        item.save()
        item.areas.set(data["areas"])
        return item

    title = f"Edit the lot {instance.name}" if instance else f"Add a lot to {contract.name}"
    return _part_edit(
        request, council, contract, what="lot", instance=instance, form=form, save=save, title=title
    )


@staff(*EDITORS)
def uplift_edit(
    request: HttpRequest, council: LocalAuthority, pk: int, uplift: int | None = None
) -> HttpResponse:
    contract = _contract_of(council, pk)
    instance = get_object_or_404(Uplift, contract=contract, pk=uplift) if uplift else None
    initial = (
        {"applies_from": instance.applies_from.strftime("%d/%m/%Y"), "percent": instance.percent}
        if instance
        else None
    )
    form = UpliftForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(data: dict[str, Any]) -> Uplift:
        item = instance or Uplift(contract=contract)
        item.applies_from, item.percent = data["applies_from"], data["percent"]
        item.save()
        return item

    title = "Edit the uplift" if instance else f"Add a yearly uplift to {contract.name}"
    return _part_edit(
        request,
        council,
        contract,
        what="uplift",
        instance=instance,
        form=form,
        save=save,
        title=title,
    )


@staff(*EDITORS)
def holding_edit(
    request: HttpRequest, council: LocalAuthority, pk: int, holding: int | None = None
) -> HttpResponse:
    contract = _contract_of(council, pk)
    instance = (
        get_object_or_404(Holding.objects.select_related("location"), contract=contract, pk=holding)
        if holding
        else None
    )
    initial = (
        {
            "location": instance.location.cqc_location_id,
            "lot": instance.lot_id,
            "areas": list(instance.areas.all()),
            "spare_hours": instance.spare_hours,
            "specialisms": instance.specialisms,
        }
        if instance
        else None
    )
    form = HoldingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        areas=_areas(council),
        lots=contract.lots.all(),
    )

    def save(data: dict[str, Any]) -> Holding:
        item = instance or Holding(contract=contract)
        item.location, item.lot = data["location"], data.get("lot")
        item.spare_hours, item.specialisms = data["spare_hours"], sorted(data["specialisms"])
        item.save()
        item.areas.set(data["areas"])
        return item

    title = (
        f"Edit the holding of {instance.location.name}"
        if instance
        else f"Add a provider to {contract.name}"
    )
    return _part_edit(
        request,
        council,
        contract,
        what="holding",
        instance=instance,
        form=form,
        save=save,
        title=title,
    )
