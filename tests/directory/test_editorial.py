"""The editorial workflow as plain calls: who may propose, what a diff shows, what approving
writes. `World` and `make_world` are shared by the other editorial, reminder and report tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from caremarket.accounts.models import AuditEvent, Membership, User
from caremarket.directory import editorial
from caremarket.directory.editorial import EditorialError
from caremarket.directory.models import ListingChange, Organization, Service, TaxonomyTerm
from caremarket.imports.models import ImportRun
from caremarket.market.models import Location
from caremarket.places.models import LocalAuthority

PASSWORD = "a long enough password"


@dataclass
class World:
    stoke: LocalAuthority
    coventry: LocalAuthority
    provider: User
    other_provider: User
    commissioner: User
    org: Organization
    other_org: Organization
    service: Service
    other_service: Service


def user(name: str, council: LocalAuthority, role: str, email: str = "") -> User:
    account = User.objects.create_user(name, email=email, password=PASSWORD)
    Membership.objects.create(user=account, local_authority=council, role=role)
    return account


def listing(org: Organization, council: LocalAuthority, name: str, **fields: Any) -> Service:
    values: dict[str, Any] = {
        "kind": Service.Kind.COMMUNITY_GROUP,
        "description": "Hot lunch and company on Tuesdays.",
        "costs": ["charge"],
        "phone": "01782 000000",
        "review_due": timezone.localdate() + timedelta(days=200),
        **fields,
    }
    service = Service.objects.create(organization=org, local_authority=council, name=name, **values)
    service.categories.set(TaxonomyTerm.objects.filter(code="social-groups"))
    return service


def make_world() -> World:
    """Two councils, two organisations in Stoke with one listing and one editor each."""
    stoke = LocalAuthority.objects.create(
        code="E06000021", name="Stoke-on-Trent", slug="stoke-on-trent"
    )
    coventry = LocalAuthority.objects.create(code="E08000026", name="Coventry", slug="coventry")
    provider = user("provider", stoke, "provider", "editor@meir.example")
    other_provider = user("other", stoke, "provider", "editor@other.example")
    commissioner = user("commissioner", stoke, "commissioner", "directory@stoke.example")
    org = Organization.objects.create(name="Meir Community Trust", local_authority=stoke)
    org.editors.add(provider)
    other_org = Organization.objects.create(name="Longton Friends", local_authority=stoke)
    other_org.editors.add(other_provider)
    return World(
        stoke=stoke,
        coventry=coventry,
        provider=provider,
        other_provider=other_provider,
        commissioner=commissioner,
        org=org,
        other_org=other_org,
        service=listing(org, stoke, "Meir Lunch Club"),
        other_service=listing(other_org, stoke, "Longton Coffee Morning"),
    )


def registered_listing(world: World) -> Service:
    """A care home from the CQC register, run by the provider's organisation."""
    run = ImportRun.objects.create(
        format="cqc-hsca",
        publisher="CQC",
        dataset="HSCA active locations",
        file_name="hsca.csv",
        sha256="0" * 64,
        status="ok",
    )
    location = Location.objects.create(
        cqc_location_id="1-000000001",
        name="Meir Grange",
        address="1 Grange Road, Meir",
        postcode="ST3 7AA",
        local_authority=world.stoke,
        care_home=True,
        latest_rating="Good",
        import_run=run,
        source_row=2,
    )
    return listing(
        world.org,
        world.stoke,
        "Meir Grange",
        kind=Service.Kind.CARE_HOME,
        cqc_location=location,
        description="A care home for 40 older people.",
    )


def edited(service: Service, **changes: Any) -> dict[str, Any]:
    data = editorial.snapshot(service)
    data.update(changes)
    return data


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def test_a_proposal_changes_nothing_until_approved(world: World) -> None:
    change = editorial.propose(
        user=world.provider,
        service=world.service,
        data=edited(world.service, description="Lunch on Tuesdays and Thursdays."),
    )
    world.service.refresh_from_db()
    assert world.service.description == "Hot lunch and company on Tuesdays."
    assert change.state == ListingChange.State.PENDING
    assert change.local_authority == world.stoke and change.organization == world.org
    assert editorial.changed_fields(change) == ["description"]
    (event,) = AuditEvent.objects.filter(action="proposed_listing_change")
    assert event.detail == "listing Meir Lunch Club; description"  # words, not service=12


def test_the_diff_shows_current_and_proposed_with_the_changed_rows_marked(world: World) -> None:
    change = editorial.propose(
        user=world.provider,
        service=world.service,
        data=edited(world.service, phone="01782 111111", categories=["social-groups", "telecare"]),
    )
    rows = {r.field: r for r in editorial.diff(change)}
    assert [f for f, r in rows.items() if r.changed] == ["categories", "phone"]
    assert rows["phone"].current == "01782 000000" and rows["phone"].proposed == "01782 111111"
    assert rows["categories"].current == "Social groups and activities"
    assert rows["categories"].proposed == "Social groups and activities; Telecare and alarms"
    assert rows["description"].current == rows["description"].proposed
    assert not any(r.moved for r in rows.values())


def test_approving_applies_exactly_the_proposed_fields_and_starts_a_review(world: World) -> None:
    world.service.review_due = timezone.localdate() - timedelta(days=3)
    world.service.review_reminder_sent = timezone.localdate() - timedelta(days=40)
    world.service.save()
    change = editorial.propose(
        user=world.provider,
        service=world.service,
        data=edited(
            world.service,
            description="Lunch on Tuesdays and Thursdays.",
            languages=["English", "Urdu"],
            age_min=55,
            categories=["social-groups", "meals-and-food"],
        ),
    )
    before = editorial.snapshot(world.service)
    editorial.approve(change, world.commissioner, "Thanks")
    world.service.refresh_from_db()
    after = editorial.snapshot(world.service)
    assert {f for f in after if after[f] != before[f]} == {
        "description",
        "languages",
        "age_min",
        "categories",
    }
    assert after["description"] == "Lunch on Tuesdays and Thursdays."
    assert after["categories"] == ["meals-and-food", "social-groups"]
    assert world.service.last_reviewed == timezone.localdate()
    assert world.service.review_due > timezone.localdate() and not world.service.is_lapsed
    assert world.service.review_reminder_sent is None
    change.refresh_from_db()
    assert change.state == "approved" and change.decided_by == world.commissioner
    assert AuditEvent.objects.filter(action="approved_listing_change").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["editor@meir.example"]
    assert "published" in mail.outbox[0].subject


def test_rejecting_needs_a_reason_and_leaves_the_listing(world: World) -> None:
    change = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, name="Renamed")
    )
    with pytest.raises(EditorialError):
        editorial.reject(change, world.commissioner, "  ")
    editorial.reject(change, world.commissioner, "The club has not changed its name.")
    world.service.refresh_from_db()
    assert world.service.name == "Meir Lunch Club"
    change.refresh_from_db()
    assert change.state == "rejected" and change.decision_note.startswith("The club")
    assert "not approved" in mail.outbox[0].subject
    assert "The club has not changed its name." in mail.outbox[0].body
    (event,) = AuditEvent.objects.filter(action="rejected_listing_change")
    assert event.detail == "listing Meir Lunch Club"
    with pytest.raises(EditorialError, match="already rejected"):
        editorial.approve(change, world.commissioner)


def test_a_provider_cannot_touch_another_organisations_listing(world: World) -> None:
    assert editorial.can_edit(world.provider, world.service)
    assert not editorial.can_edit(world.provider, world.other_service)
    assert list(editorial.editable_services(world.provider)) == [world.service]
    with pytest.raises(EditorialError):
        editorial.propose(
            user=world.provider,
            service=world.other_service,
            data=edited(world.other_service, name="Mine now"),
        )
    with pytest.raises(EditorialError):
        editorial.propose(
            user=world.provider, organization=world.other_org, data=edited(world.service)
        )
    assert ListingChange.objects.count() == 0


def test_an_editor_needs_the_provider_role_for_the_listings_council(world: World) -> None:
    elsewhere = User.objects.create_user("elsewhere", password=PASSWORD)
    Membership.objects.create(user=elsewhere, local_authority=world.coventry, role="provider")
    world.org.editors.add(elsewhere)
    assert not editorial.can_edit(elsewhere, world.service)
    assert not editorial.editable_services(elsewhere).exists()
    commissioner_editor = world.commissioner
    world.org.editors.add(commissioner_editor)
    assert not editorial.can_edit(commissioner_editor, world.service)


def test_cqc_owned_fields_cannot_be_changed_even_if_posted(world: World) -> None:
    home = registered_listing(world)
    change = editorial.propose(
        user=world.provider,
        service=home,
        data=edited(home, name="Not Meir Grange", kind="community_group", phone="01782 222222"),
    )
    assert change.proposed["name"] == "Meir Grange" and change.proposed["kind"] == "care_home"
    assert editorial.changed_fields(change) == ["phone"]
    # Even a change stored with them (an older proposal, or one written directly) leaves them.
    ListingChange.objects.filter(pk=change.pk).update(
        proposed={**change.proposed, "name": "Sneaky", "kind": "other"}
    )
    change.refresh_from_db()
    editorial.approve(change, world.commissioner)
    home.refresh_from_db()
    assert home.name == "Meir Grange" and home.kind == "care_home" and home.phone == "01782 222222"
    rows = {r.field: r for r in editorial.diff(change)}
    assert rows["name"].locked and rows["kind"].locked and not rows["phone"].locked


def test_only_cqc_fields_changed_is_nothing_changed(world: World) -> None:
    home = registered_listing(world)
    with pytest.raises(EditorialError, match="not changed anything"):
        editorial.propose(user=world.provider, service=home, data=edited(home, name="Other"))


def test_a_concurrent_edit_is_shown_and_kept(world: World) -> None:
    change = editorial.propose(
        user=world.provider,
        service=world.service,
        data=edited(world.service, description="New words.", phone="01782 333333"),
    )
    # Meanwhile the council corrects the email and, differently, the phone.
    Service.objects.filter(pk=world.service.pk).update(
        email="hello@meir.example", phone="01782 444444"
    )
    rows = {r.field: r for r in editorial.diff(change)}
    assert rows["email"].moved and not rows["email"].changed and not rows["email"].conflict
    assert rows["email"].original == "" and rows["email"].current == "hello@meir.example"
    assert rows["phone"].conflict
    assert (rows["phone"].original, rows["phone"].current, rows["phone"].proposed) == (
        "01782 000000",
        "01782 444444",
        "01782 333333",
    )
    assert rows["description"].changed and not rows["description"].moved
    editorial.approve(change, world.commissioner)
    world.service.refresh_from_db()
    # The proposer's fields win; the field only the council changed is kept.
    assert world.service.email == "hello@meir.example"
    assert world.service.phone == "01782 333333" and world.service.description == "New words."


def test_a_new_proposal_replaces_the_waiting_one(world: World) -> None:
    first = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, phone="01782 1")
    )
    second = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, phone="01782 2")
    )
    first.refresh_from_db()
    assert first.state == "withdrawn" and second.state == "pending"
    assert ListingChange.objects.filter(state="pending").count() == 1


def test_nothing_changed_is_refused(world: World) -> None:
    with pytest.raises(EditorialError, match="not changed anything"):
        editorial.propose(user=world.provider, service=world.service, data=edited(world.service))


def test_a_new_listing_is_created_on_approval(world: World) -> None:
    data = edited(world.service, name="Meir Memory Café", categories=["memory-problems"])
    change = editorial.propose(user=world.provider, organization=world.org, data=data)
    assert change.service is None and change.original == {}
    assert Service.objects.filter(name="Meir Memory Café").count() == 0
    assert all(r.changed for r in editorial.diff(change) if r.proposed)
    editorial.approve(change, world.commissioner)
    created = Service.objects.get(name="Meir Memory Café")
    assert created.organization == world.org and created.local_authority == world.stoke
    assert created.status == "active" and created.review_due is not None
    assert list(created.categories.values_list("code", flat=True)) == ["memory-problems"]
    change.refresh_from_db()
    assert change.service == created


def test_withdraw_only_while_pending_and_only_by_an_editor(world: World) -> None:
    change = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, phone="01782 5")
    )
    with pytest.raises(EditorialError):
        editorial.withdraw(change, world.other_provider)
    editorial.withdraw(change, world.provider)
    change.refresh_from_db()
    assert change.state == "withdrawn"
    with pytest.raises(EditorialError):
        editorial.approve(change, world.commissioner)
    world.service.refresh_from_db()
    assert world.service.phone == "01782 000000"
    assert AuditEvent.objects.filter(action="withdrew_listing_change").count() == 1


def test_no_email_when_the_proposer_has_none(world: World) -> None:
    world.provider.email = ""
    world.provider.save()
    change = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, phone="01782 6")
    )
    editorial.approve(change, world.commissioner)
    assert mail.outbox == []


def test_council_of_falls_back_to_the_organisation_and_the_register(world: World) -> None:
    home = registered_listing(world)
    Service.objects.filter(pk=home.pk).update(local_authority=None)
    home.refresh_from_db()
    assert editorial.council_of(home) == world.stoke
    Organization.objects.filter(pk=world.org.pk).update(local_authority=None)
    home = Service.objects.get(pk=home.pk)
    assert editorial.council_of(home) == world.stoke  # from the CQC location
    assert Service.objects.filter(editorial.in_council(world.stoke), pk=home.pk).exists()
    assert not Service.objects.filter(editorial.in_council(world.coventry), pk=home.pk).exists()


def test_confirming_a_listing_is_for_its_editors(world: World) -> None:
    editorial.confirm_current(world.service, world.provider)
    world.service.refresh_from_db()
    assert world.service.last_reviewed == timezone.localdate()
    with pytest.raises(EditorialError):
        editorial.confirm_current(world.other_service, world.provider)


def test_a_stale_copy_cannot_decide_twice(world: World) -> None:
    change = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, phone="01782 7")
    )
    stale = ListingChange.objects.get(pk=change.pk)  # a second officer's open page
    editorial.withdraw(change, world.provider)
    assert stale.state == "pending"
    with pytest.raises(EditorialError, match="already withdrawn"):
        editorial.approve(stale, world.commissioner)
    world.service.refresh_from_db()
    assert world.service.phone == "01782 000000"
    assert not AuditEvent.objects.filter(action="approved_listing_change").exists()
    assert mail.outbox == []
