"""The editorial pages: a provider's listings and form, the council's queue, diff, decision,
review dates; who may see which, and what is audited."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import AuditEvent, Membership, User
from caremarket.directory import editorial
from caremarket.directory.models import ListingChange, Organization, Service
from tests.directory.test_editorial import (
    PASSWORD,
    World,
    edited,
    make_world,
    registered_listing,
)

COUNCIL = {"council": "stoke-on-trent"}


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def form_data(service: Service, **changes: object) -> dict[str, object]:
    """What the browser posts for the listing as it is, with `changes`."""
    data: dict[str, object] = {
        k: v for k, v in editorial.snapshot(service).items() if v not in (None, "")
    }
    data["languages"] = ", ".join(editorial.snapshot(service)["languages"])
    data.update(changes)
    return data


def signed_in(client: Client, account: User) -> Client:
    client.force_login(account)
    return client


def test_a_provider_sees_only_their_organisations_listings(client: Client, world: World) -> None:
    page = signed_in(client, world.provider).get(reverse("listings:manage")).content.decode()
    assert "Meir Lunch Club" in page and "Longton Coffee Morning" not in page
    assert "Not reviewed yet" in page and "Up to date" not in page


def test_another_organisations_listing_is_a_404(client: Client, world: World) -> None:
    signed_in(client, world.provider)
    url = reverse("listings:manage_edit", kwargs={"pk": world.other_service.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(world.other_service, name="Mine")).status_code == 404
    assert ListingChange.objects.count() == 0
    unknown = reverse("listings:manage_edit", kwargs={"pk": uuid.uuid4()})
    assert client.get(unknown).status_code == 404
    other = editorial.propose(
        user=world.other_provider,
        service=world.other_service,
        data=edited(world.other_service, phone="01782 999999"),
    )
    change_url = reverse("listings:manage_change", kwargs={"pk": other.pk})
    assert client.get(change_url).status_code == 404
    assert client.post(change_url, {"action": "withdraw"}).status_code == 404
    other.refresh_from_db()
    assert other.state == "pending"


def test_a_council_officer_is_not_a_provider(client: Client, world: World) -> None:
    signed_in(client, world.commissioner)
    assert client.get(reverse("listings:manage")).status_code == 403


def test_proposing_an_edit_through_the_form(client: Client, world: World) -> None:
    signed_in(client, world.provider)
    url = reverse("listings:manage_edit", kwargs={"pk": world.service.pk})
    page = client.get(url).content.decode()
    assert 'name="categories"' in page and "Memory problems and dementia" in page
    assert 'value="social-groups" checked' in page
    response = client.post(
        url,
        form_data(
            world.service,
            description="Lunch on Tuesdays and Thursdays.",
            languages="English, Urdu, English",
            categories=["social-groups", "meals-and-food"],
        ),
    )
    change = ListingChange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("listings:manage_change", kwargs={"pk": change.pk})
    assert change.proposed["languages"] == ["English", "Urdu"]
    assert editorial.changed_fields(change) == ["description", "categories", "languages"]
    world.service.refresh_from_db()
    assert world.service.description == "Hot lunch and company on Tuesdays."
    mine = client.get(response["Location"]).content.decode()
    assert "Waiting for approval" in mine and "Lunch on Tuesdays and Thursdays." in mine
    listing = client.get(reverse("listings:manage")).content.decode()
    assert "Changes waiting for approval" in listing
    # The form now starts from the waiting proposal.
    again = client.get(url).content.decode()
    assert "Lunch on Tuesdays and Thursdays." in again and "are waiting for approval" in again


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the name of the service"),
        ({"kind": "spaceship"}, "kind", "Choose the kind of service"),
        ({"description": "x" * 5001}, "description", "5,000 characters or fewer"),
        ({"categories": []}, "categories", "Select at least one thing the service helps with"),
        ({"categories": ["not-a-category"]}, "categories", "Select at least one"),
        ({"age_min": "sixty"}, "age_min", "must be a whole number"),
        ({"age_min": "70", "age_max": "60"}, "age_max", "Oldest age must be the same as"),
        ({"age_max": "200"}, "age_max", "120 or less"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"phone": "call me"}, "phone", "Enter a phone number"),
        ({"url": "not a website"}, "url", "Enter a website address"),
        ({"phone": "", "email": "", "url": ""}, "email", "at least one way to contact"),
        ({"costs": []}, "costs", "Select what the service costs"),
        ({"access": "magic"}, "access", "Select how people get it"),
        ({"languages": ",".join(["Lang"] * 21 + [str(i) for i in range(21)])}, "languages", "20"),
        ({}, None, "You have not changed anything"),
    ],
)
def test_bad_input_comes_back_with_an_error_summary(
    client: Client, world: World, changes: dict, field: str | None, message: str
) -> None:
    signed_in(client, world.provider)
    url = reverse("listings:manage_edit", kwargs={"pk": world.service.pk})
    data = form_data(world.service, **changes)
    for key, value in changes.items():
        if value in ("", []):
            data.pop(key, None)
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400, page
    assert "There is a problem" in page and "<title>Error: " in page
    assert message in page
    if field:
        assert f'href="#id_{field}' in page
    assert ListingChange.objects.count() == 0


def test_the_register_owns_a_registered_listings_name(client: Client, world: World) -> None:
    home = registered_listing(world)
    signed_in(client, world.provider)
    url = reverse("listings:manage_edit", kwargs={"pk": home.pk})
    page = client.get(url).content.decode()
    assert "From the CQC register" in page and "1 Grange Road, Meir" in page and "Good" in page
    assert 'name="name"' not in page and 'name="kind"' not in page
    response = client.post(
        url, form_data(home, name="Renamed Grange", kind="other", phone="01782 777777")
    )
    assert response.status_code == 302
    change = ListingChange.objects.get()
    assert change.proposed["name"] == "Meir Grange" and change.proposed["kind"] == "care_home"
    assert editorial.changed_fields(change) == ["phone"]


def test_proposing_a_new_listing(client: Client, world: World) -> None:
    signed_in(client, world.provider)
    url = reverse("listings:manage_new")
    page = client.get(url).content.decode()
    assert "Meir Community Trust" in page and "Longton Friends" not in page
    data = form_data(world.service, name="Meir Memory Café", organization=str(world.org.pk))
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    change = ListingChange.objects.get()
    assert change.service is None and change.proposed["name"] == "Meir Memory Café"
    refused = client.post(url, {**data, "organization": str(world.other_org.pk)})
    assert refused.status_code == 400
    assert "Select the organisation that runs the service" in refused.content.decode()


def test_a_provider_without_an_organisation_is_told_what_to_do(
    client: Client, world: World
) -> None:
    lonely = User.objects.create_user("lonely", password=PASSWORD)
    Membership.objects.create(user=lonely, local_authority=world.stoke, role="provider")
    signed_in(client, lonely)
    assert (
        "not linked to an organisation"
        in client.get(reverse("listings:manage_new")).content.decode()
    )
    assert (
        "cannot change any listings yet" in client.get(reverse("listings:manage")).content.decode()
    )


def test_withdrawing_a_change(client: Client, world: World) -> None:
    change = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, phone="01782 5")
    )
    signed_in(client, world.provider)
    url = reverse("listings:manage_change", kwargs={"pk": change.pk})
    assert "Withdraw this change" in client.get(url).content.decode()
    response = client.post(url, {"action": "withdraw"}, follow=True)
    assert "You withdrew the change" in response.content.decode()
    change.refresh_from_db()
    assert change.state == "withdrawn"
    assert "Withdraw this change" not in client.get(url).content.decode()


def diff_rows(page: str) -> dict[str, list[str]]:
    table = page.split('id="diff"', 1)[1].split("</table>", 1)[0].split("<tbody", 1)[1]
    rows = {}
    for row_id, row in re.findall(r'<tr[^>]*id="diff-(\w+)"[^>]*>(.*?)</tr>', table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows[row_id] = [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
    return rows


def test_the_council_sees_a_diff_and_approves(client: Client, world: World) -> None:
    change = editorial.propose(
        user=world.provider,
        service=world.service,
        data=edited(world.service, description="Lunch on Tuesdays and Thursdays."),
    )
    signed_in(client, world.commissioner)
    queue = client.get(reverse("listings:staff_queue", kwargs=COUNCIL)).content.decode()
    assert "Meir Lunch Club" in queue and 'id="pending-count">1<' in queue
    url = reverse("listings:staff_change", kwargs={**COUNCIL, "pk": change.pk})
    page = client.get(url).content.decode()
    rows = diff_rows(page)
    assert rows["description"] == [
        "Description",
        "Hot lunch and company on Tuesdays.",
        "Lunch on Tuesdays and Thursdays.",
        "Changed",
    ]
    assert rows["phone"][-1] == "Not changed"
    assert 'data-changed="true"' in page and "When proposed" not in page
    response = client.post(url, {"decision": "approve", "note": ""})
    assert response.status_code == 302
    world.service.refresh_from_db()
    assert world.service.description == "Lunch on Tuesdays and Thursdays."
    assert world.service.last_reviewed == timezone.localdate()
    after = client.get(url).content.decode()
    assert "Approved" in after and "History of this listing" in after
    assert "Your decision" not in after
    assert mail.outbox[0].to == ["editor@meir.example"]
    assert "http://testserver/directory/manage/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        action="approved_listing_change", local_authority=world.stoke
    ).exists()


def test_the_diff_shows_when_the_listing_moved_on(client: Client, world: World) -> None:
    change = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, phone="01782 3")
    )
    Service.objects.filter(pk=world.service.pk).update(phone="01782 4", email="a@b.example")
    signed_in(client, world.commissioner)
    page = client.get(
        reverse("listings:staff_change", kwargs={**COUNCIL, "pk": change.pk})
    ).content.decode()
    rows = diff_rows(page)
    assert "When proposed" in page and "The listing has changed since" in page
    assert rows["phone"][:4] == ["Phone", "01782 000000", "01782 4", "01782 3"]
    assert "Also changed since proposed" in rows["phone"][4]
    assert "Changed since proposed: kept" in rows["email"][4]


def test_rejecting_needs_a_reason(client: Client, world: World) -> None:
    change = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, name="Renamed")
    )
    signed_in(client, world.commissioner)
    url = reverse("listings:staff_change", kwargs={**COUNCIL, "pk": change.pk})
    response = client.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 400
    assert "Enter the reason for rejecting the change" in response.content.decode()
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"decision": "reject", "note": "Not its name."})
    assert response.status_code == 302
    change.refresh_from_db()
    world.service.refresh_from_db()
    assert change.state == "rejected" and world.service.name == "Meir Lunch Club"
    assert "Not its name." in mail.outbox[0].body
    again = client.post(url, {"decision": "approve"}, follow=True).content.decode()
    assert "already rejected" in again
    world.service.refresh_from_db()
    assert world.service.name == "Meir Lunch Club"


def test_another_councils_officer_cannot_see_or_decide(client: Client, world: World) -> None:
    change = editorial.propose(
        user=world.provider, service=world.service, data=edited(world.service, name="Renamed")
    )
    outsider = User.objects.create_user("coventry", password=PASSWORD)
    Membership.objects.create(user=outsider, local_authority=world.coventry, role="commissioner")
    signed_in(client, outsider)
    stoke_url = reverse("listings:staff_change", kwargs={**COUNCIL, "pk": change.pk})
    assert client.post(stoke_url, {"decision": "approve"}).status_code == 403
    coventry_url = reverse("listings:staff_change", kwargs={"council": "coventry", "pk": change.pk})
    assert client.get(coventry_url).status_code == 404
    assert client.post(coventry_url, {"decision": "approve"}).status_code == 404
    queue = client.get(reverse("listings:staff_queue", kwargs={"council": "coventry"}))
    assert "Meir Lunch Club" not in queue.content.decode()
    change.refresh_from_db()
    assert change.state == "pending"


def test_quality_officers_do_not_edit_the_directory(client: Client, world: World) -> None:
    officer = User.objects.create_user("quality", password=PASSWORD)
    Membership.objects.create(user=officer, local_authority=world.stoke, role="quality_officer")
    signed_in(client, officer)
    assert client.get(reverse("listings:staff_queue", kwargs=COUNCIL)).status_code == 403


def test_lapsed_and_due_listings_and_marking_reviewed(client: Client, world: World) -> None:
    today = timezone.localdate()
    Service.objects.filter(pk=world.service.pk).update(review_due=today - timedelta(days=1))
    Service.objects.filter(pk=world.other_service.pk).update(review_due=today + timedelta(days=10))
    signed_in(client, world.commissioner)
    url = reverse("listings:staff_reviews", kwargs=COUNCIL)
    page = client.get(url).content.decode()
    lapsed = page.split('id="lapsed"', 1)[1].split("</table>", 1)[0]
    due = page.split('id="due"', 1)[1].split("</table>", 1)[0]
    assert "Meir Lunch Club" in lapsed and "Longton Coffee Morning" in due
    queue = client.get(reverse("listings:staff_queue", kwargs=COUNCIL)).content.decode()
    assert 'id="lapsed-count">1<' in queue
    response = client.post(url, {"service": str(world.service.pk)}, follow=True)
    assert "marked as reviewed" in response.content.decode()
    world.service.refresh_from_db()
    assert not world.service.is_lapsed and world.service.last_reviewed == today
    assert AuditEvent.objects.filter(action="reviewed_listing", local_authority=world.stoke)
    assert client.post(url, {"service": "not-a-uuid"}).status_code == 404
    assert client.post(url, {"service": str(uuid.uuid4())}).status_code == 404
    provider_page = signed_in(client, world.other_provider).get(reverse("listings:manage"))
    assert "Review due soon" in provider_page.content.decode()


def test_another_councils_listing_cannot_be_marked_reviewed(client: Client, world: World) -> None:
    outsider = User.objects.create_user("coventry", password=PASSWORD)
    Membership.objects.create(user=outsider, local_authority=world.coventry, role="council_admin")
    signed_in(client, outsider)
    url = reverse("listings:staff_reviews", kwargs={"council": "coventry"})
    assert client.post(url, {"service": str(world.service.pk)}).status_code == 404


def test_a_provider_confirms_an_unchanged_listing(client: Client, world: World) -> None:
    today = timezone.localdate()
    Service.objects.filter(pk=world.service.pk).update(review_due=today - timedelta(days=2))
    signed_in(client, world.provider)
    url = reverse("listings:manage_edit", kwargs={"pk": world.service.pk})
    page = client.get(url).content.decode()
    assert "Residents are told it may be out of date" in page
    response = client.post(url, {"action": "confirm"}, follow=True)
    assert "is reviewed until" in response.content.decode()
    world.service.refresh_from_db()
    assert world.service.last_reviewed == today and not world.service.is_lapsed
    assert ListingChange.objects.count() == 0
    assert AuditEvent.objects.filter(action="confirmed_listing", local_authority=world.stoke)
    other = reverse("listings:manage_edit", kwargs={"pk": world.other_service.pk})
    assert client.post(other, {"action": "confirm"}).status_code == 404
    world.other_service.refresh_from_db()
    assert world.other_service.last_reviewed is None


def test_a_national_organisations_new_listing_names_its_council(
    client: Client, world: World
) -> None:
    national = Organization.objects.create(name="National Carers Line")
    national.editors.add(world.provider)
    Membership.objects.create(user=world.provider, local_authority=world.coventry, role="provider")
    signed_in(client, world.provider)
    url = reverse("listings:manage_new")
    page = client.get(url).content.decode()
    assert "Council directory" in page and "Coventry" in page
    data = form_data(world.service, name="Carers Line", organization=str(national.pk))
    missing = client.post(url, data)
    assert missing.status_code == 400
    assert "Select the council whose directory it goes in" in missing.content.decode()
    response = client.post(url, {**data, "council": str(world.coventry.pk)})
    assert response.status_code == 302
    change = ListingChange.objects.get()
    assert change.organization == national and change.local_authority == world.coventry


def test_review_status_words_are_the_same_everywhere(client: Client, world: World) -> None:
    """One set of words: no date or never reviewed is "Not reviewed yet", never up to date."""
    today = timezone.localdate()
    service = world.service
    cases = [
        ({"review_due": None, "last_reviewed": None}, "Not reviewed yet", "not been reviewed yet"),
        (
            {"review_due": today + timedelta(days=200), "last_reviewed": None},
            "Not reviewed yet",
            "not been reviewed yet",
        ),
        (
            {"review_due": today - timedelta(days=1), "last_reviewed": today - timedelta(days=366)},
            "Review overdue",
            "was due for review",
        ),
        (
            {
                "review_due": today + timedelta(days=10),
                "last_reviewed": today - timedelta(days=355),
            },
            "Review due soon",
            "Next review due",
        ),
        (
            {
                "review_due": today + timedelta(days=300),
                "last_reviewed": today - timedelta(days=65),
            },
            "Reviewed",
            "Next review due",
        ),
    ]
    signed_in(client, world.provider)
    for fields, tag, sentence in cases:
        Service.objects.filter(pk=service.pk).update(**fields)
        listing_page = client.get(reverse("listings:manage")).content.decode()
        row = listing_page.split("Meir Lunch Club", 1)[1].split("</tr>", 1)[0]
        assert re.search(rf'govuk-tag[^"]*">{tag}</strong>', row), (fields, row)
        assert "Up to date" not in row
        if fields["review_due"] is None:
            assert "No date yet" in row
        form = client.get(reverse("listings:manage_edit", kwargs={"pk": service.pk}))
        status = form.content.decode().split('id="review-status">', 1)[1].split("</p>", 1)[0]
        assert sentence in status, (fields, status)


def test_a_new_listing_does_not_promise_the_listing_as_it_is_now(
    client: Client, world: World
) -> None:
    signed_in(client, world.provider)
    new = client.get(reverse("listings:manage_new")).content.decode()
    assert "as it is now" not in new
    assert "once the council has approved it" in new
    edit = client.get(reverse("listings:manage_edit", kwargs={"pk": world.service.pk}))
    assert "residents see the listing as it is now" in edit.content.decode()
