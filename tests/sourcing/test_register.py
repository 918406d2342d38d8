"""The contract register's staff forms: contracts, lots, uplifts and holdings, with bad input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import AuditEvent
from caremarket.places.models import Area
from caremarket.sourcing import brokerage
from caremarket.sourcing.models import CareRequest, Contract, Holding, Lot, Uplift
from tests.quality.helpers import user
from tests.sourcing.helpers import Brokerage, make_brokerage


@pytest.fixture
def b(db: None) -> Brokerage:
    return make_brokerage()


@pytest.fixture
def commissioner(b: Brokerage, client: Client) -> Client:
    client.force_login(user("stoke-commissioner", b.world.stoke, "commissioner"))
    return client


def url(name: str, **kwargs: object) -> str:
    return reverse(f"sourcing:{name}", kwargs={"council": "stoke-on-trent", **kwargs})


CONTRACT = {
    "name": "Independence at Home",
    "kind": "dynamic_purchasing",
    "service_kind": "home_care",
    "starts_on": "01/04/2024",
    "ends_on": "",
    "rate_60": "23.76",
    "rate_45": "19.01",
    "rate_30": "14.26",
    "rate_15": "",
    "care_home_rates": "Residential: 650\nNursing with dementia: £1,012.50\n",
}


def test_a_commissioner_adds_a_contract_with_lots_uplifts_and_holdings(
    commissioner: Client, b: Brokerage
) -> None:
    response = commissioner.post(url("contract_new"), CONTRACT, follow=True)
    assert "Independence at Home is saved" in response.content.decode()
    contract = Contract.objects.get(name="Independence at Home")
    assert contract.local_authority == b.world.stoke
    assert contract.rates == {"60": "23.76", "45": "19.01", "30": "14.26"}
    assert contract.care_home_rates == {"Residential": "650.00", "Nursing with dementia": "1012.50"}

    locality = Area.objects.get(name="Longton")
    lot = {"name": "Lot 1: Longton", "service_kind": "sitting", "client_group": "older_people"}
    commissioner.post(url("lot_new", pk=contract.pk), {**lot, "areas": [locality.pk]})
    saved = Lot.objects.get(contract=contract)
    assert [a.name for a in saved.areas.all()] == ["Longton"]

    uplift = {"applies_from": "01/04/2025", "percent": "5"}
    commissioner.post(url("uplift_new", pk=contract.pk), uplift)
    assert Uplift.objects.get(contract=contract).percent == 5
    assert [
        str(Uplift(percent=Decimal(p), applies_from=date(2025, 4, 1)))
        for p in ("10.00", "4.50", "-2")
    ] == [
        "10% from 01 April 2025",
        "4.5% from 01 April 2025",
        "-2% from 01 April 2025",
    ]

    holding = {
        "location": b.world.other_home.cqc_location_id,
        "lot": saved.pk,
        "spare_hours": "30",
        "specialisms": ["dementia"],
    }
    commissioner.post(url("holding_new", pk=contract.pk), holding)
    held = Holding.objects.get(contract=contract)
    assert (held.location, held.lot, held.spare_hours) == (b.world.other_home, saved, 30)

    page = commissioner.get(url("contract", pk=contract.pk)).content.decode()
    assert "1 hour £23.76; 45 minutes £19.01; 30 minutes £14.26" in page
    # on today's date, after the 5% uplift: 24.948 → £24.95, 19.9605 → £19.96, 14.973 → £14.97
    assert "1 hour £24.95; 45 minutes £19.96; 30 minutes £14.97" in page
    assert "Residential £682.50 a week" in page
    assert "sitting service for older people, in Longton" in page
    assert "Longton Lodge</strong> on Lot 1: Longton: the lot's zone" in page

    # the lot's service and zone are what the matching reads: a sitting request in Meir North
    # (a ward of Longton) goes to the holder of the sitting lot
    item = CareRequest(
        local_authority=b.world.stoke,
        service_kind="sitting",
        area=b.ward,
        calls_per_day=1,
        minutes=60,
        days_per_week=1,
        referred_on=date(2025, 5, 1),
        start_on=timezone.localdate(),
        funding="council",
        person_name="Invented",
        person_address="Invented",
        needs=["dementia"],
    )
    found = brokerage.post(item)
    assert [m.candidate.name for m in found if m.eligible] == ["Longton Lodge"]

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"sourcing: contract added", "sourcing: lot saved", "sourcing: uplift saved"} <= actions
    assert "sourcing: holding saved" in actions

    # edit and remove
    commissioner.post(url("contract_edit", pk=contract.pk), {**CONTRACT, "kind": "block"})
    contract.refresh_from_db()
    assert contract.kind == "block"
    commissioner.post(url("holding_edit", pk=contract.pk, holding=held.pk), {"action": "remove"})
    assert not Holding.objects.filter(contract=contract).exists()
    assert "sourcing: holding removed" in AuditEvent.objects.values_list("action", flat=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter contract name"),
        ({"kind": "handshake"}, "Choose the kind of contract"),
        ({"starts_on": "31/02/2024"}, "Start date must be a real date"),
        ({"ends_on": "31/03/2024"}, "End date must be on or after the start date"),
        ({"rate_60": "-1"}, "Rate for an hour&#x27;s call must be more than £0"),
        ({"rate_30": "99999999"}, "Rate for a 30-minute call must be less than £10,000"),
        ({"rate_45": "19.011"}, "must be in pounds and pence"),
        ({"rate_45": "NaN"}, "must be an amount in pounds"),
        ({"care_home_rates": "Residential 650"}, "Line 1: write the band"),
        ({"care_home_rates": "A: 1\nB: lots"}, "Line 2: the price a week for B"),
        ({"care_home_rates": "A: 0"}, "Line 1: the price a week for A"),
        ({"care_home_rates": "A: 1e9"}, "Line 1: the price a week for A"),
        ({"care_home_rates": "A: 1\na: 2"}, "Line 2: a is given twice"),
        ({"care_home_rates": "\n".join(f"B{i}: 1" for i in range(21))}, "at most 20"),
        ({"care_home_rates": f"{'x' * 101}: 1"}, "100 characters or fewer"),
    ],
)
def test_bad_contracts_are_refused_with_a_message_and_nothing_saved(
    commissioner: Client, b: Brokerage, changes: dict[str, str], message: str
) -> None:
    before = Contract.objects.count()
    response = commissioner.post(url("contract_new"), {**CONTRACT, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Contract.objects.count() == before


@pytest.mark.parametrize(
    ("what", "form", "message"),
    [
        ("uplift_new", {"applies_from": "01/04/2025", "percent": "150"}, "between -50% and 100%"),
        ("uplift_new", {"applies_from": "01/04/2025", "percent": "x"}, "must be a number"),
        ("uplift_new", {"applies_from": "", "percent": "5"}, "Enter uplift applies from"),
        ("uplift_new", {"applies_from": "01/04/2025", "percent": "5.555"}, "2 decimal places"),
        ("holding_new", {"location": "Meir Grange"}, "Enter a CQC location ID"),
        ("holding_new", {"location": "1-999"}, "No location 1-999 is on the CQC register"),
        (
            "holding_new",
            {"location": "1-000000001"},
            "That location already holds a place on this contract",
        ),
        ("holding_new", {"location": "1-000000003", "spare_hours": "-3"}, "0 or more"),
        ("holding_new", {"location": "1-000000003", "areas": ["99999"]}, "Choose areas"),
        ("holding_new", {"location": "1-000000003", "specialisms": ["flying"]}, "from the list"),
        ("lot_new", {"name": "", "service_kind": "home_care"}, "Enter lot name"),
        ("lot_new", {"name": "A", "service_kind": "x", "client_group": "y"}, "Choose the lot"),
    ],
)
def test_bad_parts_are_refused(
    commissioner: Client, b: Brokerage, what: str, form: dict[str, object], message: str
) -> None:
    counts = (Uplift.objects.count(), Holding.objects.count(), Lot.objects.count())
    response = commissioner.post(url(what, pk=b.contract.pk), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Uplift.objects.count(), Holding.objects.count(), Lot.objects.count()) == counts


def test_a_second_uplift_on_the_same_day_is_refused(commissioner: Client, b: Brokerage) -> None:
    Uplift.objects.create(contract=b.contract, applies_from=date(2025, 4, 1), percent=Decimal(5))
    form = {"applies_from": "01/04/2025", "percent": "3"}
    response = commissioner.post(url("uplift_new", pk=b.contract.pk), form)
    assert "already has an uplift from that day" in response.content.decode()
    assert Uplift.objects.get().percent == 5


def test_brokers_read_the_register_but_do_not_edit_it(client: Client, b: Brokerage) -> None:
    client.force_login(b.broker)
    page = client.get(url("contract", pk=b.contract.pk)).content.decode()
    assert "Home care framework" in page and "Add a provider" not in page
    assert client.post(url("contract_new"), CONTRACT).status_code == 403
    coventry = Contract.objects.create(
        local_authority=b.world.coventry,
        name="Coventry's",
        kind="spot",
        service_kind="home_care",
        starts_on=date(2024, 1, 1),
    )
    client.force_login(user("stoke-commissioner", b.world.stoke, "commissioner"))
    assert client.get(url("contract", pk=coventry.pk)).status_code == 404
    assert client.post(url("contract_edit", pk=coventry.pk), CONTRACT).status_code == 404
