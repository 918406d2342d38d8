"""Care homes: vacancy updates (portal and Capacity Tracker, freshest wins) and placement
requests matched on vacancies, offered, accepted and counted per home."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import AuditEvent
from caremarket.market.models import CapacitySnapshot
from caremarket.sourcing.models import CareRequest, Offer, Placement, SentTo, VacancyUpdate
from caremarket.sourcing.vacancies import VacancyError, record_vacancies
from tests.imports.helpers import run
from tests.sourcing.helpers import Brokerage, make_brokerage

NAME, ADDRESS = "Winifred Invented-Person", "3 Imaginary Lane, Longton, ST3 1ZZ"


@pytest.fixture
def b(db: None) -> Brokerage:
    made = make_brokerage()
    w = made.world
    for home in (w.home, w.other_home):
        home.area = made.ward
        home.save(update_fields=["area"])
    return made


def url(name: str, b: Brokerage, **kwargs: object) -> str:
    return reverse(f"sourcing:{name}", kwargs={"council": b.world.stoke.slug, **kwargs})


def snapshot(b: Brokerage, day: date, **counts: int) -> None:
    """Longton Lodge's vacancies on that day, through the real Capacity Tracker import."""
    home = b.world.other_home
    kinds = ",".join(f"vacancies_{k}" for k in counts)
    values = ",".join(str(v) for v in counts.values())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tracker.csv"
        path.write_text(
            f"cqc_location_id,local_authority,date,maximum_capacity,used_beds,{kinds}\n"
            f"{home.cqc_location_id},E06000021,{day:%Y-%m-%d},40,38,{values}\n"
        )
        report = run("capacity-tracker", path)
    assert not report.errors
    assert CapacitySnapshot.objects.get(date=day).location == home


def test_a_provider_updates_its_homes_vacancies_and_bad_input_loses_nothing(
    client: Client, b: Brokerage
) -> None:
    w = b.world
    client.force_login(w.provider)
    listing = client.get(reverse("sourcing:provider_vacancies")).content.decode()
    assert "Meir Grange" in listing and "Longton Lodge" not in listing
    page = reverse("sourcing:provider_vacancy", kwargs={"pk": w.home.pk})
    for bad, message in (
        ({"general_residential": "-1"}, "Residential vacancies must be a whole number from 0"),
        ({"general_residential": "two"}, "Residential vacancies must be a whole number from 0"),
        ({"dementia_nursing": "100000"}, "Dementia nursing vacancies must be a whole number"),
        ({"general_residential": "1.5"}, "Residential vacancies must be a whole number"),
        ({}, "Enter the vacancies for at least one kind of bed (0 when full)"),
    ):
        response = client.post(page, bad)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not VacancyUpdate.objects.exists()
    response = client.post(page, {"general_residential": "0", "dementia_residential": "2"})
    assert response.status_code == 302
    update = VacancyUpdate.objects.get()
    assert update.counts == {"general_residential": 0, "dementia_residential": 2}
    assert update.source == "portal" and update.reported_by == w.provider
    assert AuditEvent.objects.filter(action="sourcing: vacancies updated").count() == 1
    listing = client.get(reverse("sourcing:provider_vacancies")).content.decode()
    assert "Residential 0, Dementia residential 2." in listing
    # another provider's home is not found; a provider cannot read the council's table
    other = reverse("sourcing:provider_vacancy", kwargs={"pk": w.other_home.pk})
    assert client.get(other).status_code == 404
    assert client.post(other, {"general_residential": "5"}).status_code == 404
    assert client.get(url("vacancies", b)).status_code in (302, 403, 404)


def test_the_fresher_source_is_shown_with_its_date(client: Client, b: Brokerage) -> None:
    w = b.world
    today = timezone.localdate()
    snapshot(b, today - timedelta(days=2), general_nursing=3)
    record_vacancies(
        w.other_home,
        {"general_nursing": 1},
        source="portal",
        at=timezone.now() - timedelta(days=5),
    )
    client.force_login(b.broker)
    page = client.get(url("vacancies", b)).content.decode()
    two_days_ago = today - timedelta(days=2)
    span = '<span class="govuk-body-s">'
    assert f"Nursing 3. {span}NHS Capacity Tracker, {two_days_ago:%-d %B %Y}" in page
    record_vacancies(w.other_home, {"general_nursing": 0}, source="api")
    page = client.get(url("vacancies", b)).content.decode()
    assert f"Nursing 0. {span}The home&#x27;s own update, by API, {today:%-d %B %Y}" in page
    # Meir Grange has no report at all
    assert "Not reported" in page


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"penthouse": 1}, "Unknown kind of bed: penthouse"),
        ({}, "at least one kind of bed"),
        ({"general_residential": True}, "whole number"),
        ({"general_residential": "3"}, "whole number"),
        ({"general_residential": 1000}, "from 0 to 999"),
        ({"general_residential": -1}, "from 0 to 999"),
    ],
)
def test_record_vacancies_refuses_bad_counts(
    b: Brokerage, counts: dict[str, object], message: str
) -> None:
    with pytest.raises(VacancyError, match=message):
        record_vacancies(b.world.home, counts, source="api")
    assert not VacancyUpdate.objects.exists()


def test_record_vacancies_refuses_a_home_care_location_and_an_unknown_source(
    b: Brokerage,
) -> None:
    with pytest.raises(VacancyError, match="is not a care home"):
        record_vacancies(b.stopped, {"general_residential": 1}, source="portal")
    with pytest.raises(VacancyError, match="Unknown source"):
        record_vacancies(b.world.home, {"general_residential": 1}, source="fax")
    assert not VacancyUpdate.objects.exists()


def placement_form(b: Brokerage, **changes: object) -> dict[str, object]:
    return {
        "bed_kind": "dementia_residential",
        "area": str(b.ward.parent_id),
        "referred_on": "31/05/2024",
        "start_on": "03/06/2024",
        "needs": ["dementia"],
        "funding": "council",
        "summary": "Needs a ground-floor room.",
        "person_name": NAME,
        "person_address": ADDRESS,
        **changes,
    }


def test_a_placement_request_goes_to_homes_with_a_vacancy_and_one_offer_is_accepted(
    client: Client, b: Brokerage
) -> None:
    w = b.world
    record_vacancies(w.home, {"dementia_residential": 1}, source="portal")
    snapshot(b, timezone.localdate() - timedelta(days=1), general_residential=2)
    client.force_login(b.broker)
    response = client.post(url("new_placement", b), placement_form(b), follow=True)
    page = response.content.decode()
    assert "was sent to 1 care home." in page
    item = CareRequest.objects.get()
    assert item.is_placement and item.hours_per_week is None and item.area == b.ward.parent
    assert set(SentTo.objects.values_list("location__name", flat=True)) == {"Meir Grange"}
    assert "1 dementia residential vacancy (The home&#x27;s own update" in page
    assert "No dementia residential vacancies (NHS Capacity Tracker" in page
    assert "In Longton" in page
    # the home that was not sent it cannot see it; the one that was sees no name or address
    client.force_login(w.other_provider)
    provider_page = reverse("sourcing:provider_request", kwargs={"pk": item.pk})
    assert client.get(provider_page).status_code == 404
    client.force_login(w.provider)
    page = client.get(provider_page).content.decode()
    assert "Care home placement request" in page and "Dementia residential" in page
    assert NAME not in page and ADDRESS not in page
    form = {"location": str(w.home.pk), "start_on": "05/06/2024", "weekly_price": "812.50"}
    client.post(provider_page, form)
    offer = Offer.objects.get()
    client.force_login(b.broker)
    client.post(url("accept", b, pk=item.pk), {"offer": str(offer.pk)})
    placement = Placement.objects.get()
    assert placement.location == w.home and placement.bed_kind == "dementia_residential"
    assert str(placement.weekly_cost) == "812.50"
    client.force_login(w.provider)
    page = client.get(provider_page).content.decode()
    assert NAME in page and ADDRESS in page
    client.force_login(b.broker)
    page = client.get(url("request", b, pk=item.pk)).content.decode()
    assert "Meir Grange: a dementia residential bed from 5 June 2024, £812.50 a week." in page
    # a second accept finds it sourced
    response = client.post(url("accept", b, pk=item.pk), {"offer": str(offer.pk)}, follow=True)
    assert "has already been sourced" in response.content.decode()
    assert Placement.objects.count() == 1


def test_placements_per_home(client: Client, b: Brokerage) -> None:
    test_a_placement_request_goes_to_homes_with_a_vacancy_and_one_offer_is_accepted(client, b)
    Placement.objects.update(start_on=timezone.localdate() - timedelta(days=3))
    client.force_login(b.world.officer)
    assert client.get(url("placements", b)).status_code in (302, 403, 404)
    client.force_login(b.broker)
    page = client.get(url("placements", b)).content.decode()
    assert "in place today: 1." in page
    assert "Dementia residential 1" in page and "£812.50" in page


def test_a_placement_ends_and_leaves_the_count_per_home(client: Client, b: Brokerage) -> None:
    test_a_placement_request_goes_to_homes_with_a_vacancy_and_one_offer_is_accepted(client, b)
    placement = Placement.objects.get()
    Placement.objects.update(start_on=timezone.localdate() - timedelta(days=10))
    end = url("end_placement", b, pk=placement.request_id)
    for bad, message in (
        ({"reason": "Moved to hospital"}, "Enter last day of care"),
        ({"last_day": "31/13/2024", "reason": "x"}, "Last day of care must be a real date"),
        ({"last_day": "01/01/2020", "reason": "x"}, "The last day of care must be on or after"),
        ({"last_day": "01/01/2100"}, "Enter reason the package ends"),
    ):
        page = client.post(end, bad, follow=True).content.decode()
        assert message in page
    placement.refresh_from_db()
    assert placement.end_on is None
    yesterday = timezone.localdate() - timedelta(days=1)
    client.post(end, {"last_day": f"{yesterday:%d/%m/%Y}", "reason": "Moved to hospital"})
    placement.refresh_from_db()
    assert placement.end_on == yesterday and placement.end_reason == "Moved to hospital"
    assert AuditEvent.objects.filter(action="sourcing: placement ended").count() == 1
    page = client.post(end, {"last_day": f"{yesterday:%d/%m/%Y}", "reason": "x"}, follow=True)
    assert "The placement at Meir Grange ended on" in page.content.decode()
    page = client.get(url("placements", b)).content.decode()
    assert "in place today: 0." in page


def test_a_placements_cost_and_bed_change_is_kept_in_its_history(
    client: Client, b: Brokerage
) -> None:
    """Issue 16: a placement's changes (weekly cost, kind of bed) are recorded like a
    package's, audited, shown as its history, and bad input is refused in words."""
    test_a_placement_request_goes_to_homes_with_a_vacancy_and_one_offer_is_accepted(client, b)
    placement = Placement.objects.get()
    [start] = placement.changes.all()
    assert (start.kind, start.bed_kind, str(start.weekly_cost), start.made_by) == (
        "start", "dementia_residential", "812.50", b.broker,
    )  # fmt: skip
    change = url("change_placement", b, pk=placement.request_id)
    good = {"change-bed_kind": "dementia_nursing", "change-weekly_cost": "1045.00",
            "change-from_day": "01/09/2024", "change-reason": "Needs nursing care now"}  # fmt: skip
    for bad, message in (
        ({"change-bed_kind": ""}, "Choose the kind of bed"),
        ({"change-bed_kind": "penthouse"}, "Choose the kind of bed"),
        ({"change-weekly_cost": "lots"}, "Cost a week must be an amount in pounds"),
        ({"change-weekly_cost": "99999999999"}, "Cost a week must be"),
        ({"change-from_day": "31/02/2024"}, "Changed from must be a real date"),
        ({"change-from_day": "01/06/2024"}, "A change must start on or after 5 June 2024"),
        ({"change-reason": ""}, "Enter reason for the change"),
    ):
        page = client.post(change, {**good, **bad}, follow=True).content.decode()
        assert message in page, message
    assert placement.changes.count() == 1  # nothing kept from a bad form
    page = client.post(change, good, follow=True).content.decode()
    assert "The placement at Meir Grange is changed from 1 September 2024." in page
    placement.refresh_from_db()
    assert (placement.bed_kind, str(placement.weekly_cost)) == ("dementia_nursing", "1045.00")
    event = AuditEvent.objects.get(action="sourcing: placement changed")
    assert event.detail == "a dementia nursing bed at £1,045.00 a week from 1 September 2024"
    assert event.user == b.broker
    history = page.split('id="placement-history"')[1].split("</table>")[0]
    assert "Dementia residential" in history and "£812.50" in history
    assert "Dementia nursing" in history and "£1,045.00" in history
    assert "Needs nursing care now" in history
    # an end after the change closes the history; an ended placement takes no change
    client.post(url("end_placement", b, pk=placement.request_id),
                {"last_day": "30/09/2024", "reason": "Moved nearer family"})  # fmt: skip
    kinds = list(placement.changes.values_list("kind", flat=True))
    assert kinds == ["start", "change", "end"]
    page = client.post(change, {**good, "change-from_day": "01/10/2024"}, follow=True)
    assert "ended on 30 September 2024; it cannot be changed" in page.content.decode()
    assert placement.changes.count() == 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bed_kind": ""}, "Choose the kind of bed the person needs"),
        ({"bed_kind": "penthouse"}, "Choose the kind of bed the person needs"),
        ({"area": ""}, "Choose the area the person would like to live in"),
        ({"area": "999999"}, "Choose the area the person would like to live in from the list"),
        ({"start_on": "30/05/2024"}, "must be on or after the referral date"),
        ({"start_on": "31/02/2024"}, "Place needed from must be a real date"),
        ({"start_on": ""}, "Enter place needed from"),
        ({"person_name": "x" * 5000}, "characters"),
        ({"needs": ["flying"]}, "Choose specialist needs from the list"),
    ],
)
def test_bad_placement_requests_are_refused_with_a_message(
    client: Client, b: Brokerage, changes: dict[str, object], message: str
) -> None:
    client.force_login(b.broker)
    response = client.post(url("new_placement", b), placement_form(b, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CareRequest.objects.exists()
