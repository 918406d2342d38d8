"""A small brokerage world on top of the quality world: wards, a framework and three
home-care locations, one of them under a placement stop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.accounts.models import User
from caremarket.market.models import Location
from caremarket.places.models import Area
from caremarket.quality.models import PlacementStop
from caremarket.sourcing.models import Contract, Holding
from tests.quality.helpers import World, make_world, user

BANES_RATES = {"60": "23.76", "45": "19.01", "30": "14.26"}


@dataclass
class Brokerage:
    world: World
    ward: Area
    other_ward: Area
    contract: Contract
    stopped: Location
    broker: User
    coventry_broker: User


def make_brokerage() -> Brokerage:
    world = make_world()
    stoke = world.stoke
    locality = Area.objects.create(local_authority=stoke, kind=Area.Kind.LOCALITY, name="Longton")
    ward = Area.objects.create(
        local_authority=stoke, kind=Area.Kind.WARD, name="Meir North", parent=locality
    )
    other_ward = Area.objects.create(local_authority=stoke, kind=Area.Kind.WARD, name="Tunstall")
    contract = Contract.objects.create(
        local_authority=stoke,
        name="Home care framework",
        kind=Contract.Kind.FRAMEWORK,
        service_kind="home_care",
        starts_on=date(2020, 1, 1),
        rates=BANES_RATES,
    )
    stopped = Location.objects.create(
        cqc_location_id="1-000000009",
        provider=world.home.provider,
        name="Stopped Home Care",
        local_authority=stoke,
        latest_rating="Good",
        import_run=world.home.import_run,
        source_row=9,
    )
    for place, hours in ((world.home, "40"), (world.other_home, "20"), (stopped, "50")):
        holding = Holding.objects.create(
            contract=contract, location=place, spare_hours=Decimal(hours), specialisms=["dementia"]
        )
        holding.areas.add(locality)
    PlacementStop.objects.create(
        local_authority=stoke,
        location=stopped,
        scope=PlacementStop.Scope.FULL,
        reason="Medicines errors",
        started_on=date(2024, 1, 1),
        started_by=world.officer,
        review_on=date(2030, 1, 1),
    )
    return Brokerage(
        world=world,
        ward=ward,
        other_ward=other_ward,
        contract=contract,
        stopped=stopped,
        broker=world.practitioner,
        coventry_broker=user("coventry-broker", world.coventry, "practitioner"),
    )
