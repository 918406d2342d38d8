"""Packages after acceptance: changes and ends kept as history, and the commissioned hours and
market share read from them (not typed in)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import AuditEvent
from caremarket.imports.models import ImportRun
from caremarket.needs.models import CouncilFigure
from caremarket.sourcing import figures
from caremarket.sourcing.models import CareRequest, Offer, Package, PackageChange
from caremarket.statements.data import build_block
from tests.quality.helpers import user
from tests.sourcing.helpers import Brokerage, make_brokerage
from tests.sourcing.test_views import request_form, url

TODAY = timezone.localdate()


@pytest.fixture
def b(db: None) -> Brokerage:
    return make_brokerage()


def sourced(client: Client, b: Brokerage, start: date, **changes: object) -> Package:
    """A request for 4 calls of 30 minutes a day, 7 days (14 hours a week), accepted."""
    client.force_login(b.broker)
    day = (start - timedelta(days=3)).strftime("%d/%m/%Y")
    client.post(url("new_request", b), request_form(b, referred_on=day, start_on=day, **changes))
    item = CareRequest.objects.latest("pk")
    client.force_login(b.world.provider)
    form = {"location": b.world.home.pk, "start_on": start.strftime("%d/%m/%Y")}
    page = reverse("sourcing:provider_request", kwargs={"pk": item.pk})
    client.post(page, {**form, "weekly_price": "399.28"})
    client.force_login(b.broker)
    made = Offer.objects.get(request=item)
    client.post(url("accept", b, pk=item.pk), {"offer": made.pk})
    return Package.objects.get(request=item)


def change_form(**changes: object) -> dict[str, object]:
    form = {
        "action": "change",
        "change-calls_per_day": "4",
        "change-minutes": "45",
        "change-days_per_week": "7",
        "change-weekly_cost": "532.28",
        "change-from_day": TODAY.strftime("%d/%m/%Y"),
        "change-reason": "Needs longer calls",
    }
    return {**form, **{f"change-{k}" if k != "action" else k: v for k, v in changes.items()}}


def test_a_change_and_an_end_are_kept_as_history_and_counted(client: Client, b: Brokerage) -> None:
    start = TODAY - timedelta(days=20)
    package = sourced(client, b, start)
    (first,) = package.changes.all()
    assert (first.kind, first.effective_on, first.hours_per_week) == ("start", start, 14)
    assert figures.commissioned(b.world.stoke).total == 14  # type: ignore[union-attr]

    page = url("package", b, pk=package.pk)
    response = client.post(page, change_form(), follow=True)
    assert f"{package.reference} is changed from" in response.content.decode()
    package.refresh_from_db()
    assert (package.hours_per_week, package.weekly_cost) == (Decimal(21), Decimal("532.28"))
    assert [c.kind for c in package.changes.all()] == ["start", "change"]
    assert figures.commissioned(b.world.stoke, TODAY - timedelta(days=1)).total == 14  # type: ignore[union-attr]
    found = figures.commissioned(b.world.stoke)
    assert found is not None and found.total == 21
    assert found.by_provider == {"Grange Care Ltd": Decimal(21)}
    assert found.by_zone == {"Longton": Decimal(21)}  # the ward's locality
    assert found.by_funding == {"Council": Decimal(21)}

    last = TODAY + timedelta(days=6)
    end = {"action": "end", "end-last_day": last.strftime("%d/%m/%Y"), "end-reason": "Moved"}
    assert "ends after" in client.post(page, end, follow=True).content.decode()
    assert figures.commissioned(b.world.stoke, last).total == 21  # type: ignore[union-attr]
    assert figures.commissioned(b.world.stoke, last + timedelta(days=1)) is None
    history = client.get(page).content.decode()
    assert "Ended after this day" in history and "4 calls a day, 45 minutes each" in history
    assert "Record the change" not in history  # an ended package cannot change
    refused = client.post(page, change_form(), follow=True).content.decode()
    assert "it cannot be changed" in refused
    assert package.changes.count() == 3
    (changed,) = AuditEvent.objects.filter(action="sourcing: package changed")
    (ended,) = AuditEvent.objects.filter(action="sourcing: package ended")
    # The audit log reads its details in words: no ISO dates, no trailing zeros.
    assert changed.detail == f"21 hours a week from {TODAY.day} {TODAY:%B %Y}"
    assert ended.detail == f"last day of care {last.day} {last:%B %Y}"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"calls_per_day": "9"}, "Calls a day must be a whole number from 1 to 8"),
        ({"calls_per_day": ""}, "Enter calls a day"),
        ({"minutes": "20"}, "Choose the length of each call"),
        ({"weekly_cost": "-5"}, "Cost a week must be more than £0"),
        ({"weekly_cost": "1e9"}, "Cost a week must be less than £100,000"),
        ({"weekly_cost": "12.345"}, "Cost a week must be in pounds and pence"),
        ({"weekly_cost": "lots"}, "Cost a week must be an amount in pounds"),
        ({"from_day": "31/02/2026"}, "Changed care from must be a real date"),
        ({"from_day": "01/01/1999"}, "Changed care from must be between 2000 and 2100"),
        ({"reason": ""}, "Enter reason for the change"),
        ({"reason": "x" * 501}, "500"),
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(
    client: Client, b: Brokerage, changes: dict[str, str], message: str
) -> None:
    package = sourced(client, b, TODAY - timedelta(days=20))
    response = client.post(url("package", b, pk=package.pk), change_form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert package.changes.count() == 1
    package.refresh_from_db()
    assert package.hours_per_week == 14


def test_a_change_or_end_before_the_package_is_refused(client: Client, b: Brokerage) -> None:
    start = TODAY - timedelta(days=20)
    package = sourced(client, b, start)
    page = url("package", b, pk=package.pk)
    early = (start - timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(page, change_form(from_day=early))
    assert "A change must start on or after" in response.content.decode()
    end = {"action": "end", "end-last_day": "01/01/2001", "end-reason": "x"}
    assert "The last day of care must be on or after" in client.post(page, end).content.decode()
    assert "Enter last day of care" in client.post(page, {"action": "end"}).content.decode()
    assert package.changes.count() == 1


def test_commissioned_hours_and_market_share_on_the_pages(client: Client, b: Brokerage) -> None:
    sourced(client, b, TODAY - timedelta(days=20))
    sourced(client, b, TODAY - timedelta(days=10), funding="health")
    run = ImportRun.objects.create(format="figures", file_name="figures.csv", status="ok")
    for period, value in (("2024-05-31", 56), ("2023-05-31", 11500)):
        CouncilFigure.objects.create(
            local_authority=b.world.stoke,
            period=period,
            measure="home_care_hours_per_week",
            dimension="funding_source",
            category="Total",
            value=value,
            unit="hours_per_week",
            source="Capacity Tracker, May",
            import_run=run,
            source_row=1,
        )
    commissioner = user("stoke-commissioner", b.world.stoke, "commissioner")
    client.force_login(commissioner)
    page = client.get(url("packages", b)).content.decode()
    assert "Hours of care a week commissioned by Stoke-on-Trent on" in page
    assert "commissioned 28 hours of care a week through 2 packages with 1 provider" in page
    assert "NHS continuing healthcare" in page  # by funding
    # the latest market figure, 56 hours in May 2024: 28 of 56 is 50%
    assert "Stoke-on-Trent commissions 50.0% of the home care market" in page
    assert "31 May 2024" in page
    assert url("package", b, pk=Package.objects.first().pk) not in page  # type: ignore[union-attr]
    public = client.get(reverse("front:council", kwargs={"council": "stoke-on-trent"}))
    text = public.content.decode()
    assert "Days to source care in Stoke-on-Trent, by the month" in text
    assert "Stoke-on-Trent commissions 50.0% of the home care market" in text
    assert "Edith" not in text  # no person's name on the public page


def test_no_market_figure_means_no_share(b: Brokerage) -> None:
    assert figures.market_size(b.world.stoke) is None
    assert figures.commissioned_tables(b.world.stoke) == []
    assert not PackageChange.objects.exists()


def test_the_mps_reads_the_register_and_packages_instead_of_typed_figures(
    client: Client, b: Brokerage
) -> None:
    run = ImportRun.objects.create(format="figures", file_name="figures.csv", status="ok")
    for measure, value in (("home_care_hours_per_week", 999), ("fee_rate_gbp", 17.5)):
        CouncilFigure.objects.create(
            local_authority=b.world.stoke,
            period="2024/25",
            measure=measure,
            dimension="service",
            category="home_care",
            value=value,
            unit="hours_per_week" if measure.startswith("home") else "gbp",
            source="Typed in",
            import_run=run,
            source_row=1,
        )

    def ids(key: str) -> list[str]:
        block = build_block(key, b.world.stoke, None)
        return [t["id"] for t in block["tables"]] if block else []

    assert not any(i.startswith("commissioned") for i in ids("supply"))
    typed_supply = ids("supply")
    rates = build_block("fee_rates", b.world.stoke, None)
    assert rates is not None
    (register,) = [t for t in rates["tables"] if t["id"] == "contract-rates-by-call-length"]
    assert register["rows"] == [["Home care framework", "Framework agreement", 23.76, 19.01, 14.26]]
    assert "Typed in" not in str(rates)  # the typed fee rate gives way to the register

    sourced(client, b, TODAY - timedelta(days=5))
    supply = ids("supply")
    assert "commissioned-hours-by-provider" in supply
    assert "time-to-source-by-month" in supply
    assert len(supply) == len(typed_supply) - 1 + 3 + 3  # typed hours out; counted hours in
