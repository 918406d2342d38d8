"""Invented care home vacancies and placement requests, and extra care nominations, for the
demo, so those pages have something to show. Everything here is made up and marked `invented`.

- Care homes: the council's care homes on the demo's register sample report invented
  vacancies in their portal over the last few days; a few invented placement requests are
  matched on them, most offered on and accepted, the newest still open.
- Extra care: each scheme the council declared gets invented nomination rights and empty
  flats, and invented referrals that reproduce the counts in Stoke-on-Trent's Local Account
  2020/21 table (expressions of interest, nominations, placements per scheme): the council's
  expressions of interest, housing referrals making up the nominations beyond them, and
  private referrals making up the placements beyond the nominations. A few referrals in recent
  weeks wait at each step. Choices follow the row's number, not chance, so two demo runs tell
  the same story.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from caremarket.market.models import Location, Scheme
from caremarket.places.models import LocalAuthority
from caremarket.sourcing import brokerage
from caremarket.sourcing.demo import broker
from caremarket.sourcing.models import (
    CareRequest,
    ExtraCareReferral,
    ExtraCareTerms,
    Offer,
    SentTo,
    ServiceKind,
    VacancyUpdate,
)
from caremarket.sourcing.vacancies import record_vacancies

#: Stoke-on-Trent Local Account 2020/21, section 8, table "Extra Care": expressions of
#: interest, nominations and placements in 2020/21, by scheme (seed 001).
LOCAL_ACCOUNT_2020_21: dict[str, tuple[int, int, int]] = {
    "Berryhill Village": (57, 26, 68),
    "Camoy's Court": (25, 9, 3),
    "Maple West": (55, 21, 39),
    "Oak Priory": (62, 108, 65),
    "Rowan Village": (33, 34, 23),
    "St Dominic's Court": (38, 20, 20),
    "West End Village": (61, 11, 12),
    "Willow Barns": (51, 15, 51),
}
YEAR_START = date(2020, 4, 1)
#: Care homes given invented vacancies, and placement requests posted on them.
HOMES = 10
PLACEMENTS = 6
REASONS_NOT = (
    "Needs are for nursing care the scheme cannot give",
    "Lives outside the city and has no local connection",
)


def bed_kinds(home: Location) -> tuple[str, str]:
    """The general and dementia kinds of bed a home has, from its register service types."""
    nursing = any(
        "nursing" in str(t).lower() and "without" not in str(t).lower()
        for t in home.service_types or []
    )
    return (
        ("general_nursing", "dementia_nursing")
        if nursing
        else (
            "general_residential",
            "dementia_residential",
        )
    )


def invent_vacancies(council: LocalAuthority, now: datetime) -> list[Location]:
    homes = list(
        Location.objects.for_council(council)
        .filter(care_home=True)
        .exclude(area=None)
        .order_by("cqc_location_id")[:HOMES]
    )
    for n, home in enumerate(homes):
        general, dementia = bed_kinds(home)
        record_vacancies(
            home,
            {general: 1 + n % 3, dementia: (n + 1) % 2},
            source=VacancyUpdate.Source.PORTAL,
            at=now - timedelta(days=n % 4, hours=n),
            invented=True,
        )
    return homes


def invent_placements(council: LocalAuthority, homes: list[Location], today: date) -> int:
    who = broker(council)
    posted = 0
    for n, home in enumerate(homes[:PLACEMENTS]):
        general, dementia = bed_kinds(home)
        kind = dementia if (n + 1) % 2 else general
        area = home.area.parent if home.area and home.area.parent else home.area
        if area is None:
            continue
        referred = today - timedelta(days=8 - n)
        item = CareRequest(
            local_authority=council,
            service_kind=ServiceKind.CARE_HOME,
            bed_kind=kind,
            area=area,
            referred_on=referred,
            start_on=referred + timedelta(days=2),
            needs=["dementia"] if kind == dementia else [],
            funding=CareRequest.Funding.COUNCIL,
            summary="Needs a room on the ground floor. (Invented for the demo.)",
            person_name=f"Invented resident {n + 1}",
            person_address=f"An invented address in {area.name}",
            created_by=who,
            invented=True,
        )
        brokerage.post(item)
        posted += 1
        sent = list(SentTo.objects.filter(request=item).select_related("location")[:2])
        if n >= PLACEMENTS - 2 or not sent:
            continue  # the newest wait for offers
        offers = [
            Offer.objects.create(
                request=item,
                location=s.location,
                start_on=item.start_on + timedelta(days=i),
                weekly_price=Decimal("780.00") + 45 * i + 10 * n,
                note="Invented for the demo.",
            )
            for i, s in enumerate(sent)
        ]
        brokerage.accept(item, offers[n % len(offers)].pk, who, None)
    return posted


def _referral(
    council: LocalAuthority, scheme: Scheme, n: int, **fields: object
) -> ExtraCareReferral:
    return ExtraCareReferral(
        local_authority=council,
        scheme=scheme,
        person_name=f"Invented person {scheme.pk}-{n}",
        invented=True,
        **fields,
    )


def year_referrals(council: LocalAuthority, scheme: Scheme) -> list[ExtraCareReferral]:
    """2020/21's invented referrals at one scheme, giving the Local Account's three counts."""
    eoi, nominations, placements = LOCAL_ACCOUNT_2020_21[scheme.name]
    council_nominated = min(nominations, eoi * 3 // 4)
    housing = nominations - council_nominated
    placed_from_nominations = min(placements, nominations)
    private = placements - placed_from_nominations
    rows = []
    for i in range(eoi):
        got = YEAR_START + timedelta(days=i * 300 // eoi)
        fields: dict[str, object] = {
            "route": "council",
            "received_on": got,
            "panel_on": got + timedelta(days=7),
        }
        if i < council_nominated:
            placed = i < placed_from_nominations
            fields.update(
                stage="placed" if placed else "withdrawn",
                eligible=True,
                suitable=True,
                panel_reason="Eligible, and the scheme can meet the person's needs",
                nominated_on=got + timedelta(days=14),
                flat=f"Flat {i + 1}",
                placed_on=got + timedelta(days=28) if placed else None,
                withdrawn_on=None if placed else got + timedelta(days=21),
                withdrawn_reason="" if placed else "Chose to stay at home",
            )
        elif i % 2:
            fields.update(
                stage="not_accepted",
                eligible=bool(i % 4 == 1),
                suitable=False,
                panel_reason=REASONS_NOT[(i // 2) % 2],
            )
        else:
            fields.update(
                stage="withdrawn",
                withdrawn_on=got + timedelta(days=5),
                withdrawn_reason="Moved in with family",
            )
        rows.append(_referral(council, scheme, i, **fields))
    for j in range(housing):
        got = YEAR_START + timedelta(days=4 + j * 300 // max(housing, 1))
        placed = council_nominated + j < placed_from_nominations
        rows.append(
            _referral(
                council,
                scheme,
                eoi + j,
                route="housing",
                received_on=got,
                stage="placed" if placed else "withdrawn",
                nominated_on=got + timedelta(days=3),
                flat=f"Flat {j + 1}",
                placed_on=got + timedelta(days=20) if placed else None,
                withdrawn_on=None if placed else got + timedelta(days=10),
                withdrawn_reason="" if placed else "Offered another home",
            )
        )
    for k in range(private):
        got = YEAR_START + timedelta(days=9 + k * 300 // max(private, 1))
        rows.append(
            _referral(
                council,
                scheme,
                eoi + housing + k,
                route="private",
                received_on=got,
                stage="placed",
                placed_on=got + timedelta(days=14),
            )
        )
    return rows


def recent_referrals(
    council: LocalAuthority, scheme: Scheme, n: int, today: date
) -> list[ExtraCareReferral]:
    """Referrals of the last few weeks, one waiting at each step, at every other scheme."""
    if n % 2:
        return []
    got = today - timedelta(days=20 + n)
    return [
        _referral(council, scheme, 1000, route="council", received_on=got, stage="panel"),
        _referral(
            council,
            scheme,
            1001,
            route="council",
            received_on=got,
            stage="waiting",
            panel_on=got + timedelta(days=6),
            eligible=True,
            suitable=True,
            panel_reason="Eligible, and the scheme can meet the person's needs",
        ),
        _referral(
            council,
            scheme,
            1002,
            route="housing",
            received_on=got,
            stage="nominated",
            nominated_on=got + timedelta(days=9),
            flat="Flat 7",
        ),
    ]


def invent_extra_care(council: LocalAuthority, today: date) -> int:
    schemes = list(
        Scheme.objects.filter(
            local_authority=council, kind=Scheme.Kind.EXTRA_CARE, name__in=LOCAL_ACCOUNT_2020_21
        ).order_by("name")
    )
    rows: list[ExtraCareReferral] = []
    for n, scheme in enumerate(schemes):
        ExtraCareTerms.objects.create(
            scheme=scheme,
            nomination_rights=40 + 5 * n,
            voids=2 + n % 3,
            voids_on=today - timedelta(days=n % 5),
            invented=True,
        )
        rows += year_referrals(council, scheme) + recent_referrals(council, scheme, n, today)
    ExtraCareReferral.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def invent(council: LocalAuthority, out: TextIO, today: date | None = None) -> None:
    """Invent it all once; nothing when the council has invented vacancies already."""
    if VacancyUpdate.objects.filter(location__local_authority=council, invented=True).exists():
        return
    today = today or timezone.localdate()
    now = timezone.make_aware(datetime.combine(today, time(9, 30)))
    with transaction.atomic():
        homes = invent_vacancies(council, now)
        posted = invent_placements(council, homes, today)
        referrals = invent_extra_care(council, today)
    out.write(
        f"{council.name}: invented vacancies at {len(homes)} care homes, {posted} placement "
        f"requests and {referrals} extra care referrals\n"
    )
