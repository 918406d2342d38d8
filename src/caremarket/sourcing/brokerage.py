"""Brokerage on the models: matching a request to providers, offers and the one acceptance.

The decisions are the pure rules in `caremarket.rules.sourcing`; this module gathers their
inputs from the contract register, the CQC register and the quality register's placement stops,
and writes the results, each change to the audit log.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.market.models import Location
from caremarket.places.models import Area, LocalAuthority
from caremarket.quality.models import PlacementStop
from caremarket.rules import placements as home_rules
from caremarket.rules import sourcing as rules
from caremarket.sourcing import notify, vacancies
from caremarket.sourcing.models import (
    CareRequest,
    Contract,
    Holding,
    Lot,
    Need,
    Offer,
    Package,
    PackageChange,
    Placement,
    PlacementChange,
    SentTo,
    ServiceKind,
)

#: Words for service kinds and needs in the matching's reasons, read mid-sentence.
SERVICE_WORDS = {k: str(v).lower() for k, v in (*ServiceKind.choices, *Need.choices)}


class BrokerageError(Exception):
    """Something a broker or provider asked for that cannot be done; the message says why."""


def _holdings_on(council: LocalAuthority, service_kind: str, on: date) -> QuerySet[Holding]:
    """Holdings on contracts in force on a day, for a service (the lot's, else the contract's)."""
    return Holding.objects.filter(
        Q(lot__isnull=True, contract__service_kind=service_kind)
        | Q(lot__service_kind=service_kind),
        contract__local_authority=council,
        contract__starts_on__lte=on,
    ).exclude(contract__ends_on__lt=on)


def holdings_in_force(council: LocalAuthority, service_kind: str, on: date) -> QuerySet[Holding]:
    return (
        _holdings_on(council, service_kind, on)
        .select_related("contract", "location", "lot")
        .prefetch_related("areas", "lot__areas")
    )


def stops_in_force(council: LocalAuthority) -> dict[int, str]:
    return {
        s.location_id: s.describe
        for s in PlacementStop.objects.in_force().filter(local_authority=council)
    }


def best_holdings(council: LocalAuthority, service_kind: str, on: date) -> dict[int, Holding]:
    """Each location's holding on its best contract (guaranteed hours, framework, spot)."""
    best: dict[int, Holding] = {}
    for holding in holdings_in_force(council, service_kind, on):
        kind = rules.CONTRACT_ORDER.index(rules.ContractKind(holding.contract.kind))
        current = best.get(holding.location_id)
        if current is None or kind < rules.CONTRACT_ORDER.index(
            rules.ContractKind(current.contract.kind)
        ):
            best[holding.location_id] = holding
    return best


def candidates(council: LocalAuthority, service_kind: str, on: date) -> list[rules.Candidate]:
    """One candidate per location, on its best contract.

    Read as plain rows in three queries (holdings, their areas, their lots' zones), not as
    model instances: a request page reads every holding of the service, and building 500
    holdings with their locations and prefetched areas took a seventh of a second.
    """
    held = _holdings_on(council, service_kind, on)
    rows = held.values_list(
        "pk",
        "location_id",
        "location__name",
        "location__latest_rating",
        "contract__kind",
        "spare_hours",
        "specialisms",
        "lot_id",
    )
    own: dict[int, set[int]] = defaultdict(set)
    for holding, area in Holding.areas.through.objects.filter(holding__in=held).values_list(
        "holding_id", "area_id"
    ):
        own[holding].add(area)
    zones: dict[int, set[int]] = defaultdict(set)
    for lot, area in Lot.areas.through.objects.filter(lot__in=held.values("lot_id")).values_list(
        "lot_id", "area_id"
    ):
        zones[lot].add(area)
    stops = stops_in_force(council)
    best: dict[int, tuple[int, rules.Candidate]] = {}
    for pk, location, name, rating, kind, spare, specialisms, lot in rows:
        contract = rules.ContractKind(kind)
        rank = rules.CONTRACT_ORDER.index(contract)
        if location in best and best[location][0] <= rank:
            continue
        cover = own.get(pk) or (zones.get(lot, set()) if lot else set())
        best[location] = (
            rank,
            rules.Candidate(
                location_id=location,
                name=name,
                service_kinds=frozenset({service_kind}),
                area_ids=frozenset(cover),
                spare_hours=spare,
                specialisms=frozenset(specialisms or []),
                stop=stops.get(location),
                rating=rating,
                contract=contract,
            ),
        )
    return [candidate for _, candidate in best.values()]


def rules_request(item: CareRequest) -> rules.CareRequest:
    area = item.area
    ids = {area.pk} | ({area.parent_id} if area.parent_id else set())
    return rules.CareRequest(
        service_kind=item.service_kind,
        area_ids=frozenset(ids),
        area_name=area.name,
        hours_per_week=item.hours_per_week,
        needs=frozenset(item.needs),
    )


#: The register's specialisms (CQC's words) that answer a specialist need.
CQC_SPECIALISMS = {"dementia": "dementia", "learning disabilities": "learning_disability"}


def care_homes(council: LocalAuthority, on: date) -> list[home_rules.CareHome]:
    """Care homes a placement request may go to, as the matching sees them.

    Where the council has care home contracts in force, the homes holding one (inside the
    council or not) and the council's other homes (shown as holding none); otherwise every
    care home on the register in the council, on spot terms.
    """
    holdings = best_holdings(council, ServiceKind.CARE_HOME, on)
    places = {
        loc.pk: loc
        for loc in Location.objects.for_council(council)
        .filter(care_home=True)
        .select_related("area")
    }
    places.update({pk: h.location for pk, h in holdings.items()})
    wards = {a.pk: a.parent_id for a in Area.objects.filter(local_authority=council)}
    stops = stops_in_force(council)
    found = vacancies.current(places.values())
    homes = []
    for pk, loc in places.items():
        holding = holdings.get(pk)
        areas = {loc.area_id, wards.get(loc.area_id or 0)} - {None}
        specialisms = {
            need
            for words, need in CQC_SPECIALISMS.items()
            if words in (str(s).lower() for s in loc.specialisms or [])
        } | set(holding.specialisms if holding else [])
        homes.append(
            home_rules.CareHome(
                location_id=pk,
                name=loc.name,
                area_ids=frozenset(a for a in areas if a is not None),
                vacancies=found.get(pk),
                specialisms=frozenset(specialisms),
                stop=stops.get(pk),
                rating=loc.latest_rating,
                contract=rules.ContractKind(holding.contract.kind) if holding else None,
                contracts_used=bool(holdings),
                source_words=vacancies.SOURCE_WORDS,
            )
        )
    return homes


def placement_request(item: CareRequest) -> home_rules.PlacementRequest:
    area = item.area
    wards = Area.objects.filter(parent=area).values_list("pk", flat=True)
    return home_rules.PlacementRequest(
        bed_kind=item.bed_kind,
        area_ids=frozenset({area.pk, *wards}),
        area_name=area.name,
        needs=frozenset(item.needs),
    )


def matches(item: CareRequest) -> list[rules.Match] | list[home_rules.HomeMatch]:
    if item.is_placement:
        return home_rules.match_care_homes(
            placement_request(item),
            care_homes(item.local_authority, item.start_on),
            timezone.localdate(),
            SERVICE_WORDS,
        )
    return rules.match(
        rules_request(item),
        candidates(item.local_authority, item.service_kind, item.start_on),
        SERVICE_WORDS,
    )


def wards_of(council: LocalAuthority) -> QuerySet[Area]:
    """The wards a home care request may be for."""
    return Area.objects.filter(local_authority=council, kind=Area.Kind.WARD).order_by("name")


def placement_areas(council: LocalAuthority) -> QuerySet[Area]:
    """The areas a care home placement request may be for: wards and localities."""
    return Area.objects.filter(
        local_authority=council, kind__in=[Area.Kind.WARD, Area.Kind.LOCALITY]
    ).order_by("kind", "name")


def post_from_form(
    council: LocalAuthority,
    data: dict[str, Any],
    user: User | None,
    http: HttpRequest | None,
    **fields: Any,
) -> tuple[CareRequest, list[rules.Match] | list[home_rules.HomeMatch]]:
    """Post a request from a valid request form's data (home care or care home placement;
    `fields` are the kind's own): the web forms' and the API's."""
    item = CareRequest(
        local_authority=council,
        area=data["area"],
        referred_on=data["referred_on"],
        start_on=data["start_on"],
        needs=sorted(set(data["needs"])),
        funding=data["funding"],
        summary=data["summary"],
        person_name=data["person_name"],
        person_address=data["person_address"],
        their_reference=data.get("their_reference", ""),
        created_by=user,
        **fields,
    )
    return item, post(item, http)


def home_care_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A valid `RequestForm`'s home care fields, as `post_from_form` takes them."""
    return {
        "service_kind": data["service_kind"],
        "calls_per_day": data["calls_per_day"],
        "minutes": int(data["minutes"]),
        "days_per_week": data["days_per_week"],
    }


def post(
    item: CareRequest, http: HttpRequest | None = None
) -> list[rules.Match] | list[home_rules.HomeMatch]:
    """Save a new request and send it to every eligible provider (or care home)."""
    pattern = item.pattern
    item.hours_per_week = pattern.hours_per_week if pattern else None
    with transaction.atomic():
        item.save()
        found = matches(item)
        eligible = [m.candidate.location_id for m in found if m.eligible]
        SentTo.objects.bulk_create([SentTo(request=item, location_id=pk) for pk in eligible])
        record(
            "sourcing: request posted",
            request=http,
            user=item.created_by,
            local_authority=item.local_authority,
            obj=item,
            detail=f"sent to {_locations(len(eligible))}",
        )
        notify.after_commit(notify.request_posted, item)
    return found


def provider_requests(places: QuerySet[Location]) -> QuerySet[CareRequest]:
    """Requests sent to any of these locations: the only ones a provider may see."""
    return CareRequest.objects.filter(sent__location__in=places).distinct()


@dataclass(frozen=True)
class OfferInput:
    location: Location
    start_on: date
    weekly_price: Decimal
    note: str


def offer_from_form(
    item: CareRequest, data: dict[str, Any], user: User | None, http: HttpRequest | None
) -> Offer:
    """Make an offer from a valid `OfferForm`'s data: the provider page's and the API's."""
    return make_offer(
        item,
        OfferInput(data["location"], data["start_on"], data["weekly_price"], data["note"]),
        user,
        http,
    )


def offerable(item: CareRequest, places: QuerySet[Location]) -> QuerySet[Location]:
    """Which of these locations may still offer on the request: sent it, not yet offered."""
    return places.filter(pk__in=item.sent.values("location")).exclude(
        pk__in=item.offers.values("location")
    )


def make_offer(
    item: CareRequest, data: OfferInput, user: User | None, http: HttpRequest | None
) -> Offer:
    with transaction.atomic():
        locked = CareRequest.objects.select_for_update().get(pk=item.pk)
        if locked.status != CareRequest.Status.OPEN:
            raise BrokerageError("This request is no longer taking offers")
        if not locked.sent.filter(location=data.location).exists():
            raise BrokerageError("This request was not sent to that location")
        if Offer.objects.filter(request=locked, location=data.location).exists():
            raise BrokerageError(f"{data.location.name} has already made an offer")
        offer = Offer.objects.create(
            request=locked,
            location=data.location,
            start_on=data.start_on,
            weekly_price=data.weekly_price,
            note=data.note,
            made_by=user,
        )
        record(
            "sourcing: offer made",
            request=http,
            local_authority=locked.local_authority,
            obj=offer,
            detail=f"request {locked.reference}",
        )
        notify.after_commit(notify.offer_made, offer)
    return offer


def record_start(bought: Package | Placement, user: User | None) -> PackageChange | PlacementChange:
    """The first entry of a package's or placement's history: for a package the request's call
    pattern, for a placement its kind of bed, at the offer's price."""
    if isinstance(bought, Placement):
        now: dict[str, Any] = {"bed_kind": bought.bed_kind}
    else:
        r = bought.request
        now = {
            "calls_per_day": r.calls_per_day,
            "minutes": r.minutes,
            "days_per_week": r.days_per_week,
            "hours_per_week": bought.hours_per_week,
        }
    entry: PackageChange | PlacementChange = bought.changes.create(
        kind=PackageChange.Kind.START,
        effective_on=bought.start_on,
        weekly_cost=bought.weekly_cost,
        made_by=user,
        **now,
    )
    return entry


def accept(
    item: CareRequest, offer_id: int, user: User, http: HttpRequest | None
) -> Package | Placement:
    """Accept one offer: exactly one per request, even when two brokers click at once. A care
    home placement request becomes a placement, any other a package.

    The request row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers),
    then its status is checked again, so the second click finds it sourced.
    """
    with transaction.atomic():
        locked = CareRequest.objects.select_for_update().get(pk=item.pk)
        if locked.status != CareRequest.Status.OPEN:
            raise BrokerageError(f"{locked.reference} has already been sourced or withdrawn")
        offer = Offer.objects.filter(request=locked, pk=offer_id).select_related("location").first()
        if offer is None:
            raise BrokerageError("That offer is not one made on this request")
        now = timezone.now()
        offer.status, offer.decided_at = Offer.Status.ACCEPTED, now
        offer.save(update_fields=["status", "decided_at"])
        others = locked.offers.exclude(pk=offer.pk)
        others.update(status=Offer.Status.NOT_CHOSEN, decided_at=now)
        locked.status = CareRequest.Status.SOURCED
        locked.save(update_fields=["status"])
        bought: Package | Placement
        if locked.is_placement:
            bought = Placement.objects.create(
                local_authority=locked.local_authority,
                request=locked,
                offer=offer,
                location=offer.location,
                bed_kind=locked.bed_kind,
                weekly_cost=offer.weekly_price,
                start_on=offer.start_on,
                invented=locked.invented,
            )
            record_start(bought, user)
        else:
            bought = Package.objects.create(
                local_authority=locked.local_authority,
                request=locked,
                offer=offer,
                location=offer.location,
                hours_per_week=locked.hours_per_week,
                weekly_cost=offer.weekly_price,
                start_on=offer.start_on,
                invented=locked.invented,
            )
            record_start(bought, user)
        record(
            "sourcing: offer accepted",
            request=http,
            user=user,
            local_authority=locked.local_authority,
            obj=offer,
            detail=f"request {locked.reference}; other offers told not chosen",
        )
        notify.after_commit(notify.offer_decided, locked)
    return bought


def _locations(count: int) -> str:
    """ "1 provider location", "3 provider locations": the audit log's words."""
    return f"{count} provider location{'' if count == 1 else 's'}"


def withdraw(item: CareRequest, because: str, user: User | None, http: HttpRequest | None) -> None:
    """Withdraw an open request: offers made on it are closed, and every provider it was sent
    to is told (on its page, and by email unless it has turned that email off)."""
    with transaction.atomic():
        locked = CareRequest.objects.select_for_update().get(pk=item.pk)
        if locked.status != CareRequest.Status.OPEN:
            raise BrokerageError(f"{locked.reference} has already been sourced or withdrawn")
        now = timezone.now()
        locked.status, locked.withdrawn_at, locked.withdrawn_because = (
            CareRequest.Status.WITHDRAWN,
            now,
            because,
        )
        locked.save(update_fields=["status", "withdrawn_at", "withdrawn_because"])
        locked.offers.filter(status=Offer.Status.MADE).update(
            status=Offer.Status.WITHDRAWN, decided_at=now
        )
        record(
            "sourcing: request withdrawn",
            request=http,
            user=user,
            local_authority=locked.local_authority,
            obj=locked,
            detail=f"{locked.get_withdrawn_because_display().lower()}; "
            f"{_locations(locked.sent.count())} told",
        )
        notify.after_commit(notify.request_withdrawn, locked)
    item.refresh_from_db()


def waiting(council: LocalAuthority, today: date) -> list[tuple[CareRequest, int]]:
    """Open requests and the days each has waited since referral, longest first."""
    items = CareRequest.objects.filter(local_authority=council, status=CareRequest.Status.OPEN)
    return sorted(
        ((i, (today - i.referred_on).days) for i in items.select_related("area")),
        key=lambda pair: -pair[1],
    )


def contracts_of(council: LocalAuthority) -> QuerySet[Contract]:
    return Contract.objects.filter(local_authority=council).prefetch_related(
        Prefetch(
            "holdings",
            queryset=Holding.objects.select_related("location", "lot").prefetch_related("areas"),
        )
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building many small objects that form no cycles:
    matching 1,000 requests keeps half a million results, and the collector rescanning them
    as they grow took half the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def match_open(council: LocalAuthority, *, reasons: bool = True) -> dict[int, list[rules.Match]]:
    """Every open request of the council matched as it stands today, by request id. The
    candidates are read once per service and start day, not once per request; without
    `reasons`, only who is eligible (for counting or re-sending, not for the broker to read)."""
    items = (
        CareRequest.objects.filter(local_authority=council, status=CareRequest.Status.OPEN)
        .exclude(service_kind=ServiceKind.CARE_HOME)  # care homes are matched on vacancies
        .select_related("area")
    )
    found: dict[tuple[str, date], list[rules.Candidate]] = {}
    out = {}
    with collector_paused():
        for item in items:
            key = (item.service_kind, item.start_on)
            if key not in found:
                found[key] = candidates(council, item.service_kind, item.start_on)
            out[item.pk] = rules.match(
                rules_request(item), found[key], SERVICE_WORDS, reasons=reasons
            )
    return out
