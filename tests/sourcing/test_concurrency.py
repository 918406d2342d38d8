"""Exactly one acceptance per request when two brokers click at once, and one nomination to the
last empty extra care flat (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from caremarket.market.models import Scheme
from caremarket.rules.extracare import ExtraCareRuleError
from caremarket.sourcing import brokerage, extracare
from caremarket.sourcing.brokerage import BrokerageError
from caremarket.sourcing.models import (
    CareRequest,
    ExtraCareReferral,
    ExtraCareTerms,
    Offer,
    Package,
)
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


@pytest.mark.django_db(transaction=True)
def test_two_nominations_at_once_to_the_last_empty_flat_make_one() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers (run --postgresql)")
    b = make_brokerage()
    oak = Scheme.objects.create(
        local_authority=b.world.stoke,
        kind=Scheme.Kind.EXTRA_CARE,
        name="Oak Priory",
        source="Test",
        import_run=b.world.home.import_run,
        source_row=1,
    )
    ExtraCareTerms.objects.create(
        scheme=oak, nomination_rights=10, voids=1, voids_on=date(2024, 6, 1)
    )
    waiting = [
        ExtraCareReferral.objects.create(
            local_authority=b.world.stoke,
            scheme=oak,
            route="housing",
            stage="waiting",
            person_name=f"Invented Person {n}",
            received_on=date(2024, 5, 1),
        )
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def nominate(item: ExtraCareReferral) -> None:
        try:
            barrier.wait()
            extracare.nominate(item, "Flat 1", date(2024, 6, 2), b.broker)
            outcomes.append("nominated")
        except ExtraCareRuleError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=nominate, args=(r,)) for r in waiting]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["nominated", "refused"]
    assert ExtraCareReferral.objects.filter(stage="nominated").count() == 1
