"""Extra care: an expression of interest through the panel and a nomination to a move; private
and housing referrals; nomination terms; the table per scheme per year, on a page and as CSV."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import AuditEvent
from caremarket.market.models import Scheme
from caremarket.rules.extracare import financial_year
from caremarket.sourcing.models import ExtraCareReferral, ExtraCareTerms
from tests.quality.helpers import World, make_world, user

Stage = ExtraCareReferral.Stage


@pytest.fixture
def w(db: None) -> World:
    return make_world()


def scheme(w: World, name: str, council: object = None, units: int | None = 60) -> Scheme:
    return Scheme.objects.create(
        local_authority=council or w.stoke,
        kind=Scheme.Kind.EXTRA_CARE,
        name=name,
        units=units,
        source="Test",
        import_run=w.home.import_run,
        source_row=1,
    )


def url(name: str, w: World, **kwargs: object) -> str:
    return reverse(f"sourcing:{name}", kwargs={"council": w.stoke.slug, **kwargs})


def day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).strftime("%d/%m/%Y")


def refer(client: Client, w: World, place: Scheme, route: str = "council") -> ExtraCareReferral:
    form = {
        "route": route,
        "scheme": str(place.pk),
        "person_name": "Ada Invented",
        "received_on": day(30),
    }
    assert client.post(url("new_referral", w), form).status_code == 302
    return ExtraCareReferral.objects.latest("id")


def step(client: Client, w: World, item: ExtraCareReferral, action: str, **form: str) -> str:
    page = url("referral", w, pk=item.pk)
    return client.post(page, {"action": action, **form}, follow=True).content.decode()


YES = {"eligible": "yes", "suitable": "yes"}


def test_an_expression_of_interest_through_panel_and_nomination_to_a_move(
    client: Client, w: World
) -> None:
    oak = scheme(w, "Oak Priory")
    client.force_login(w.practitioner)
    item = refer(client, w, oak)
    assert item.stage == Stage.PANEL and item.person_name == "Ada Invented"
    # the panel: a reason always, dates after the referral and not in the future
    page = step(client, w, item, "decide", eligible="yes", suitable="yes", panel_on=day(20))
    assert "Enter the panel&#x27;s reason" in page
    page = step(client, w, item, "decide", **YES, panel_reason="Fine", panel_on=day(40))
    assert "The panel&#x27;s date must be on or after the referral" in page
    page = step(client, w, item, "decide", **YES, panel_reason="Fine", panel_on=day(-1))
    assert "The panel&#x27;s date cannot be in the future" in page
    item.refresh_from_db()
    assert item.stage == Stage.PANEL
    page = step(
        client,
        w,
        item,
        "decide",
        eligible="yes",
        suitable="yes",
        panel_reason="Needs met by the scheme's care team",
        panel_on=day(20),
    )
    item.refresh_from_db()
    assert item.stage == Stage.WAITING and item.eligible and item.suitable
    # nomination needs the scheme's empty flats recorded, and one free
    page = step(client, w, item, "nominate", flat="Flat 14", nominated_on=day(10))
    assert "Record Oak Priory&#x27;s nomination rights and empty flats first" in page
    terms_page = url("scheme_terms", w, pk=oak.pk)
    for bad, message in (
        ({"nomination_rights": "61", "voids": "1"}, "cannot be more than the scheme&#x27;s 60"),
        ({"nomination_rights": "many", "voids": "1"}, "must be a whole number from 0 to 5000"),
        ({"nomination_rights": "40", "voids": "-2"}, "must be a whole number from 0 to 5000"),
        ({"nomination_rights": "40"}, "Enter flats empty now"),
    ):
        response = client.post(terms_page, {"voids_on": day(1), **bad})
        assert message in response.content.decode()
    assert not ExtraCareTerms.objects.exists()
    client.post(terms_page, {"nomination_rights": "40", "voids": "1", "voids_on": day(1)})
    page = step(client, w, item, "nominate", flat="", nominated_on=day(10))
    assert "Enter flat" in page
    step(client, w, item, "nominate", flat="Flat 14", nominated_on=day(10))
    item.refresh_from_db()
    assert item.stage == Stage.NOMINATED and item.flat == "Flat 14"
    # the one empty flat is promised: a second nominee waits
    other = refer(client, w, oak, route="housing")
    assert other.stage == Stage.WAITING
    page = step(client, w, other, "nominate", flat="Flat 2", nominated_on=day(5))
    assert "Oak Priory has no empty flat that is not already nominated to" in page
    # the move fills the flat
    page = step(client, w, item, "place", placed_on=day(2))
    item.refresh_from_db()
    assert item.stage == Stage.PLACED and ExtraCareTerms.objects.get().voids == 0
    assert "This referral is closed." in page
    # a step that is not open is refused
    page = step(
        client, w, item, "decide", eligible="no", suitable="no", panel_reason="x", panel_on=day(1)
    )
    assert "That step is not open for this referral" in page
    assert AuditEvent.objects.filter(action__startswith="sourcing: extra care").count() == 6


def test_private_and_housing_referrals_and_withdrawal(client: Client, w: World) -> None:
    willow = scheme(w, "Willow Barns", units=None)
    ExtraCareTerms.objects.create(
        scheme=willow, nomination_rights=10, voids=3, voids_on=timezone.localdate()
    )
    client.force_login(w.practitioner)
    private = refer(client, w, willow, route="private")
    page = client.get(url("referral", w, pk=private.pk)).content.decode()
    assert "Record the move" in page and "Nominate to the flat" not in page
    step(client, w, private, "place", placed_on=day(3))
    private.refresh_from_db()
    assert private.stage == Stage.PLACED and private.nominated_on is None
    housing = refer(client, w, willow, route="housing")
    step(client, w, housing, "nominate", flat="Flat 3", nominated_on=day(2))
    housing.refresh_from_db()
    assert housing.stage == Stage.NOMINATED
    page = step(client, w, housing, "withdraw", withdrawn_reason="", withdrawn_on=day(1))
    assert "Enter reason it is withdrawn" in page
    page = step(client, w, housing, "withdraw", withdrawn_reason="Moved away", withdrawn_on=day(3))
    assert "The date withdrawn must be on or after the nomination" in page
    step(client, w, housing, "withdraw", withdrawn_reason="Moved away", withdrawn_on=day(1))
    housing.refresh_from_db()
    assert housing.stage == Stage.WITHDRAWN and housing.withdrawn_reason == "Moved away"
    refused = refer(client, w, willow)
    step(
        client,
        w,
        refused,
        "decide",
        eligible="yes",
        suitable="no",
        panel_reason="Needs nursing care",
        panel_on=day(1),
    )
    refused.refresh_from_db()
    assert refused.stage == Stage.NOT_ACCEPTED
    # the table: one expression of interest, one nomination, one placement this year
    year = financial_year(timezone.localdate() - timedelta(days=30))
    client.force_login(user("stoke-commissioner", w.stoke, "commissioner"))
    assert client.get(url("extra_care", w)).status_code == 403
    page = client.get(url("extra_care_table", w)).content.decode()
    assert "Ada Invented" not in page and "Willow Barns" in page
    csv = client.get(url("extra_care_csv", w)).content.decode()
    assert csv.splitlines()[0] == (
        "Extra care scheme,Year,Expressions of interest,Nominations,Placements"
    )
    years = {line.split(",")[1] for line in csv.splitlines()[1:]}
    assert year in years


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"route": ""}, "Choose how it came"),
        ({"route": "carrier pigeon"}, "Choose how it came"),
        ({"scheme": ""}, "Choose the extra care scheme"),
        ({"scheme": "coventry"}, "Choose the extra care scheme from the list"),
        ({"person_name": ""}, "Enter person&#x27;s name"),
        ({"person_name": "x" * 5000}, "characters"),
        ({"received_on": "32/01/2024"}, "Date received must be a real date"),
        ({"received_on": "01/01/1850"}, "Date received must be between 2000 and 2100"),
    ],
)
def test_bad_referrals_are_refused_with_a_message(
    client: Client, w: World, changes: dict[str, str], message: str
) -> None:
    oak = scheme(w, "Oak Priory")
    elsewhere = scheme(w, "Coventry Court", council=w.coventry)
    form = {"route": "council", "scheme": str(oak.pk), "person_name": "Ada", "received_on": day(3)}
    form.update(changes)
    if form["scheme"] == "coventry":
        form["scheme"] = str(elsewhere.pk)
    client.force_login(w.practitioner)
    response = client.post(url("new_referral", w), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExtraCareReferral.objects.exists()


def test_another_councils_referral_and_scheme_are_not_found(client: Client, w: World) -> None:
    elsewhere = scheme(w, "Coventry Court", council=w.coventry)
    item = ExtraCareReferral.objects.create(
        local_authority=w.coventry,
        scheme=elsewhere,
        route="council",
        stage="panel",
        person_name="Someone Else",
        received_on=date(2024, 1, 1),
    )
    client.force_login(w.practitioner)
    assert client.get(url("referral", w, pk=item.pk)).status_code == 404
    assert client.get(url("scheme_terms", w, pk=elsewhere.pk)).status_code == 404
