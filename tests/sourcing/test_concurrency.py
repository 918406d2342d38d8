"""Exactly one acceptance per request when two brokers click at once (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from caremarket.sourcing import brokerage
from caremarket.sourcing.brokerage import BrokerageError
from caremarket.sourcing.models import CareRequest, Offer, Package
from tests.sourcing.helpers import make_brokerage


@pytest.mark.django_db(transaction=True)
def test_two_brokers_accepting_at_once_make_one_package() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers (run --postgresql)")
    b = make_brokerage()
    item = CareRequest(
        local_authority=b.world.stoke,
        service_kind="home_care",
        area=b.ward,
        calls_per_day=4,
        minutes=30,
        days_per_week=7,
        referred_on=date(2024, 5, 31),
        start_on=date(2024, 6, 3),
        funding="council",
        person_name="Invented Person",
        person_address="1 Invented Street",
        created_by=b.broker,
    )
    brokerage.post(item)
    offers = [
        Offer.objects.create(
            request=item, location=place, start_on=date(2024, 6, 3), weekly_price=Decimal(price)
        )
        for place, price in ((b.world.home, "399.28"), (b.world.other_home, "410"))
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click(offer: Offer) -> None:
        try:
            barrier.wait()
            brokerage.accept(item, offer.pk, b.broker, None)
            outcomes.append("accepted")
        except BrokerageError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(o,)) for o in offers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "refused"]
    assert Package.objects.count() == 1
    statuses = sorted(Offer.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "not_chosen"]
