"""Invented brokerage for the demo: contracts, requests, offers and packages for Stoke-on-Trent,
so the brokerage pages and the time-to-source report have something to show.

The providers are whatever home-care locations the demo's register sample has in the council;
the contracts, their rates, every request, person, offer and package are made up and marked
`invented` (pages say "invented for the demo"). Choices follow the request's number, not
chance, so two demo runs tell the same story. Days to source are spread around the 17 days
Stoke's Local Account reports.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from caremarket.accounts.demo import DemoLogin, provider_login
from caremarket.accounts.models import User
from caremarket.accounts.roles import Role
from caremarket.market.models import Location, Provider
from caremarket.places.models import Area, LocalAuthority
from caremarket.quality.demo import demo_staff
from caremarket.rules.sourcing import CallPattern
from caremarket.sourcing import brokerage, packages
from caremarket.sourcing.models import (
    HOME_SERVICE_KINDS,
    CareRequest,
    Contract,
    Holding,
    Offer,
    Package,
    SentTo,
    Uplift,
)

#: Councils that get invented brokerage (Stoke's Local Account is the seed that describes it).
COUNCILS = ("E06000021",)
REQUESTS = 48
#: Register service types that mean home care (today's register, and the 2016 directory's).
HOME_CARE = ("domiciliary care service", "homecare agencies")
#: Requests referred in the last this many days stay open, waiting for offers.
OPEN_DAYS = 10
DAYS_TO_SOURCE = (6, 9, 11, 13, 14, 15, 16, 17, 17, 18, 19, 21, 23, 26, 31)
PATTERNS = ((4, 30, 7), (3, 30, 7), (2, 45, 7), (1, 60, 5), (4, 45, 7), (2, 30, 7), (1, 30, 7))
NEEDS = ((), ("dementia",), (), ("double_handed",), (), ("dementia", "double_handed"))
#: (name, kind, rates by call length in pounds). Invented, in the shape of the seeds' contracts.
CONTRACTS = (
    (
        "Home care guaranteed minimum hours (invented)",
        Contract.Kind.GUARANTEED_HOURS,
        {"60": "22.80", "45": "18.24", "30": "13.68"},
    ),
    (
        "Home care framework agreement (invented)",
        Contract.Kind.FRAMEWORK,
        {"60": "23.40", "45": "18.72", "30": "14.04"},
    ),
    ("Home care spot purchases (invented)", Contract.Kind.SPOT, {"60": "25.00", "30": "15.00"}),
)


#: The invented broker of each council with invented brokerage (a practitioner: the role that
#: posts and sources care requests).
BROKERS = {"stoke-on-trent": "Nadia Shah"}


def broker(council: LocalAuthority) -> User:
    return demo_staff(council, "broker", BROKERS, Role.PRACTITIONER)


def home_care_locations(council: LocalAuthority) -> list[Location]:
    """The council's register locations that deliver care in people's homes: home-care agencies,
    and other services registered for personal care outside a care home (extra care housing,
    supported living). The demo's 2016 register sample has only three home-care agencies in
    Stoke-on-Trent, too few to source most requests; these real services are given invented
    holdings too, so the figures have something to count."""

    def delivers_home_care(place: Location) -> bool:
        kinds = " ".join(str(t).lower() for t in place.service_types or [])
        if any(kind in kinds for kind in HOME_CARE):
            return True
        return any(str(s).lower() == "personal care" for s in place.specialisms or [])

    found = Location.objects.for_council(council).filter(care_home=False)
    return [p for p in found.order_by("cqc_location_id") if delivers_home_care(p)][:12]


def invent_contracts(council: LocalAuthority, places: list[Location], start: date) -> None:
    localities = list(Area.objects.filter(local_authority=council, kind=Area.Kind.LOCALITY))
    contracts = [
        Contract.objects.create(
            local_authority=council,
            name=name,
            kind=kind,
            service_kind="home_care",
            starts_on=start,
            rates=rates,
            invented=True,
        )
        for name, kind, rates in CONTRACTS
    ]
    for contract in contracts:  # an invented yearly uplift on each contract's first anniversary
        Uplift.objects.create(
            contract=contract, applies_from=start + timedelta(days=365), percent=Decimal("4.5")
        )
    for i, place in enumerate(places):
        holding = Holding.objects.create(
            contract=contracts[i % len(contracts)],
            location=place,
            spare_hours=Decimal(40 + 15 * (i % 5)),
            specialisms=["dementia", "double_handed"] if i % 2 else ["dementia"],
        )
        if localities and i % 3:  # every third covers the whole council
            holding.areas.add(
                *{localities[i % len(localities)], localities[(i + 1) % len(localities)]}
            )


def invent(council: LocalAuthority, out: TextIO, today: date | None = None) -> int:
    """Invented requests (most sourced, the newest open); 0 if the council has them already."""
    if CareRequest.objects.filter(local_authority=council, invented=True).exists():
        return 0
    today = today or timezone.localdate()
    places = home_care_locations(council)
    wards = list(Area.objects.filter(local_authority=council, kind=Area.Kind.WARD).order_by("code"))
    if not places or not wards:
        out.write(f"{council.name}: no home-care locations or wards, so no invented brokerage\n")
        return 0
    first = today - timedelta(days=150)
    who = broker(council)
    with transaction.atomic():
        invent_contracts(council, places, first - timedelta(days=365))
        for n in range(REQUESTS):
            referred = first + timedelta(days=n * 140 // REQUESTS)
            calls, minutes, days = PATTERNS[n % len(PATTERNS)]
            ward = wards[(n * 7) % len(wards)]
            item = CareRequest(
                local_authority=council,
                service_kind="home_care",
                area=ward,
                calls_per_day=calls,
                minutes=minutes,
                days_per_week=days,
                referred_on=referred,
                start_on=referred + timedelta(days=3),
                # no holder offers bariatric care: those requests wait, as some do in life
                needs=["bariatric"] if n % 16 == 5 else list(NEEDS[n % len(NEEDS)]),
                funding=CareRequest.Funding.JOINT if n % 9 == 0 else CareRequest.Funding.COUNCIL,
                summary="Help with washing, dressing and meals. (Invented for the demo.)",
                person_name=f"Invented person {n + 1}",
                person_address=f"An invented address in {ward.name}",
                created_by=who,
                invented=True,
            )
            brokerage.post(item)
            invent_offers(item, n, today, who)
    sourced = CareRequest.objects.filter(local_authority=council, invented=True, status="sourced")
    out.write(
        f"{council.name}: {REQUESTS} invented care requests, {sourced.count()} sourced, "
        f"on {len(places)} home-care locations\n"
    )
    return REQUESTS


def _at(day: date) -> datetime:
    """Midday on an invented day, in the council's time zone."""
    return timezone.make_aware(datetime.combine(day, time(12)))


def invent_offers(item: CareRequest, n: int, today: date, who: User) -> None:
    """Up to three offers; the council accepts one `DAYS_TO_SOURCE` days after the referral,
    and the package starts a few days after that."""
    sent = list(SentTo.objects.filter(request=item).select_related("location")[:3])
    if not sent:
        return
    took = DAYS_TO_SOURCE[n % len(DAYS_TO_SOURCE)]
    accepted_on = item.referred_on + timedelta(days=took)
    start = accepted_on + timedelta(days=2 + n % 5)
    if (today - item.referred_on).days <= OPEN_DAYS or accepted_on > today:
        sent = sent[:1] if n % 2 else []  # still waiting: perhaps one offer in
    offers = []
    for i, s in enumerate(sent):
        rate = Decimal("14.04") * item.minutes / 30 + Decimal(i) / 4
        offer = Offer.objects.create(
            request=item,
            location=s.location,
            start_on=start,
            weekly_price=(rate * item.pattern.calls_per_week).quantize(Decimal("0.01")),
            note="Invented for the demo.",
        )
        made = min(item.referred_on + timedelta(days=1 + i + took // 2), today)
        Offer.objects.filter(pk=offer.pk).update(made_at=_at(made))
        offers.append(offer)
    if offers and accepted_on <= today and (today - item.referred_on).days > OPEN_DAYS:
        package = brokerage.accept(item, offers[n % len(offers)].pk, who, None)
        item.offers.update(decided_at=_at(accepted_on))
        invent_history(package, n, today, who)


def invent_history(package: Package, n: int, today: date, who: User) -> None:
    """Some packages change a month in (one more call a day) and some end, as packages do."""
    if n % 5 == 2 and package.start_on + timedelta(days=28) <= today:
        p = package.request.pattern
        more = CallPattern(min(p.calls_per_day + 1, 8), p.minutes, p.days_per_week)
        cost = (package.weekly_cost / p.calls_per_week * more.calls_per_week).quantize(
            Decimal("0.01")
        )
        change = packages.Change(
            more, cost, package.start_on + timedelta(days=28), "Needs more help (invented)"
        )
        packages.change(package, change, who, None)
    if n % 7 == 3 and package.start_on + timedelta(days=45) <= today:
        last = package.start_on + timedelta(days=44)
        packages.end(package, last, "Moved into a care home (invented)", who, None)


#: The invented person who answers requests for the busiest demo home-care provider.
HOME_CARE_STAFF = {"stoke-on-trent": "Lee Barnes"}


def provider_logins(councils: list[LocalAuthority]) -> list[DemoLogin]:
    """A sign-in for invented staff of the home-care provider most invented requests were sent
    to, so the provider's side of brokerage (requests to answer, offers made, accepted and not
    chosen) can be walked: the quality demo's providers are chosen for their quality records."""
    logins = []
    for council in councils:
        if council.code not in COUNCILS:
            continue
        busiest = (
            SentTo.objects.filter(
                request__local_authority=council,
                request__invented=True,
                request__service_kind__in=[kind for kind, _ in HOME_SERVICE_KINDS],
                location__provider__isnull=False,
            )
            .values("location__provider")
            .annotate(requests=Count("id"))
            .order_by("-requests", "location__provider")
            .first()
        )
        if busiest is None:
            continue
        provider = Provider.objects.get(pk=busiest["location__provider"])
        person = HOME_CARE_STAFF.get(council.slug, "Alex Morgan")
        logins.append(provider_login(council, provider, f"{council.slug}-home-care", person))
    return logins


def invent_all(councils: list[LocalAuthority], out: TextIO) -> None:
    from caremarket.sourcing import demo_placements  # it reads this module's broker

    for council in councils:
        if council.code in COUNCILS:
            invent(council, out)
            demo_placements.invent(council, out)
