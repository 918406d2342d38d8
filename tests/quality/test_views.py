"""Quality pages: the council's team, other councils, practitioners and providers."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import AuditEvent
from caremarket.quality import register
from caremarket.quality.models import Audit, Concern, PlacementStop, ProviderRecord
from caremarket.quality.register import Who
from caremarket.rules.quality import GOOD, POOR
from tests.quality.helpers import World, make_world


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def as_user(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def url(name: str, world: World, **kwargs: object) -> str:
    return reverse(f"quality:{name}", kwargs={"council": world.stoke.slug, **kwargs})


def watched(client: Client, world: World, query: str = "") -> str:
    """The dashboard's table of watched locations ("" when it has none)."""
    page = client.get(url("dashboard", world) + query).content.decode()
    return page.split('id="locations"', 1)[1] if 'id="locations"' in page else ""


def concern_form(world: World, **changes: str) -> dict[str, str]:
    return {
        "location": str(world.home.pk),
        "source": "hospital",
        "risk": "high",
        "what": "Discharged with pressure sores not on the care plan.",
        "raised_by": "Ward 4 discharge nurse",
        "dealt_with_by": str(world.officer.pk),
        **changes,
    }


def test_a_practitioner_logs_a_concern_the_quality_team_sees_it_overdue(
    client: Client, world: World
) -> None:
    as_user(client, world.practitioner)
    response = client.post(url("log_concern", world), concern_form(world), follow=True)
    assert "is logged. It must be dealt with by" in response.content.decode()
    item = Concern.objects.get()
    assert item.due_at == item.logged_at + timedelta(hours=24)
    assert client.get(url("concern", world, pk=item.pk)).status_code == 403
    # A day and a bit later the dashboard says so, loudly, first.
    Concern.objects.filter(pk=item.pk).update(
        logged_at=timezone.now() - timedelta(hours=25), due_at=timezone.now() - timedelta(hours=1)
    )
    as_user(client, world.officer)
    page = client.get(url("dashboard", world)).content.decode()
    assert "1 concern overdue" in page and item.reference in page
    assert page.index('id="overdue"') < page.index('id="locations"')
    detail = client.get(url("concern", world, pk=item.pk)).content.decode()
    assert "Overdue: this concern was due by" in detail
    assert "Ward 4 discharge nurse" in detail
    assert AuditEvent.objects.filter(action="viewed_concern", object_id=str(item.pk)).exists()


def test_bad_concern_input_is_refused_with_messages_and_nothing_saved(
    client: Client, world: World
) -> None:
    as_user(client, world.officer)
    page = client.post(url("log_concern", world), {}).content.decode()
    for message in (
        "Choose the location the concern is about",
        "Choose who raised the concern",
        "Choose the risk",
        "Enter what happened",
    ):
        assert message in page
    huge = client.post(url("log_concern", world), concern_form(world, what="x" * 5000))
    assert "What happened must be 2000 characters or fewer" in huge.content.decode()
    elsewhere = client.post(
        url("log_concern", world), concern_form(world, location=str(world.coventry_home.pk))
    )
    assert "Choose the location the concern is about" in elsewhere.content.decode()
    assert not Concern.objects.exists()


def test_another_council_sees_nothing(client: Client, world: World) -> None:
    item = register.log_concern(
        Who(world.officer), world.stoke, world.home, source="cqc", risk="low", what="x"
    )
    as_user(client, world.coventry_officer)
    assert client.get(url("dashboard", world)).status_code == 403
    assert client.get(url("concern", world, pk=item.pk)).status_code == 403
    own = reverse("quality:concern", kwargs={"council": "coventry", "pk": item.pk})
    assert client.get(own).status_code == 404
    elsewhere = reverse("quality:location", kwargs={"council": "coventry", "pk": world.home.pk})
    assert client.get(elsewhere).status_code == 404
    dashboard = client.get(reverse("quality:dashboard", kwargs={"council": "coventry"}))
    assert "Meir Grange" not in dashboard.content.decode()  # not even in the picker


def test_a_concern_closed_with_a_notice_and_the_dashboard_filters(
    client: Client, world: World
) -> None:
    item = register.log_concern(
        Who(world.officer), world.stoke, world.home, source="family", risk="medium", what="x"
    )
    as_user(client, world.officer)
    response = client.post(
        url("concern", world, pk=item.pk),
        {"action": "close", "outcome": "notice", "note": "Notice sent about night staffing."},
    )
    item.refresh_from_db()
    notice = item.notices.get()
    assert response["Location"] == url("notice", world, pk=notice.pk)
    page = client.get(url("dashboard", world)).content.decode()
    assert "Notice of concern open" in page
    assert "Meir Grange" not in watched(client, world, "?type=home_care")
    assert "Meir Grange" in watched(client, world, "?type=residential")
    assert "Meir Grange" not in watched(client, world, "?rag=Green")
    assert "Meir Grange" in watched(client, world, "?rag=Amber")


def test_a_placement_stop_shows_to_staff_on_the_directory_listing_until_lifted(
    client: Client, world: World
) -> None:
    as_user(client, world.officer)
    bad = client.post(
        url("start_stop", world, pk=world.home.pk),
        {"scope": "partial", "reason": "x", "started_on": "1/11/2026", "review_on": "1/10/2026"},
    ).content.decode()
    assert "Enter the placements a partial stop covers" in bad
    assert "The review date must be on or after the start date" in bad
    client.post(
        url("start_stop", world, pk=world.home.pk),
        {
            "scope": "full",
            "reason": "Medicines errors",
            "started_on": "1/11/2026",
            "review_on": "29/11/2026",
        },
    )
    stop = PlacementStop.objects.get()
    listing = reverse("directory:service", kwargs={"pk": world.service.pk})
    for person, sees in (
        (world.officer, True),
        (world.practitioner, True),
        (world.coventry_officer, False),
        (world.provider, False),
    ):
        as_user(client, person)
        assert ("Full placement stop" in client.get(listing).content.decode()) is sees, person
    client.logout()
    assert "placement stop" not in client.get(listing).content.decode().lower()
    as_user(client, world.officer)
    client.post(url("stop", world, pk=stop.pk), {"lifted_on": "20/11/2026", "lift_note": "Fixed"})
    stop.refresh_from_db()
    assert stop.lifted_on == date(2026, 11, 20) and stop.lifted_by == world.officer
    assert "Full placement stop" not in client.get(listing).content.decode()


def test_the_record_keeps_the_council_facts(client: Client, world: World) -> None:
    as_user(client, world.officer)
    response = client.post(
        url("location", world, pk=world.home.pk),
        {
            "officer": str(world.officer.pk),
            "contracts": "Residential framework 2024\nDementia block contract",
            "dspt": "met",
            "asc_wds_complete": "on",
            "capacity_tracker_complete": "on",
            "bcp_on_file": "on",
            "bcp_review_date": "not a date",
        },
    )
    assert "must be a real date" in response.content.decode()
    assert not ProviderRecord.objects.exists()
    client.post(
        url("location", world, pk=world.home.pk),
        {
            "officer": str(world.officer.pk),
            "contracts": "Residential framework",
            "bcp_on_file": "on",
        },
    )
    record = ProviderRecord.objects.get()
    assert (record.officer, record.contract_list, record.bcp_on_file) == (
        world.officer,
        ["Residential framework"],
        True,
    )
    page = client.get(url("location", world, pk=world.home.pk)).content.decode()
    assert "Workforce data set not complete" in page


def shared_audit(world: World, worst: str | None = POOR) -> Audit:
    who = Who(world.officer)
    audit = register.start_audit(who, world.stoke, world.home, timezone.localdate())
    scores = {s.standard_id: (GOOD, "Seen.") for s in audit.scores.all()}
    if worst:
        scores[audit.scores.first().standard_id] = (worst, "Care plans out of date.")
    register.save_scores(who, audit, scores, "A calm home.")
    register.share_audit(who, audit, timezone.localdate())
    return audit


def test_the_officer_scores_and_publishes_on_the_page(client: Client, world: World) -> None:
    as_user(client, world.officer)
    client.post(url("start_audit", world, pk=world.home.pk), {"visit_date": "3/11/2026"})
    audit = Audit.objects.get()
    standards = [s.standard_id for s in audit.scores.all()]
    data = {f"rating-{pk}": GOOD for pk in standards}
    data[f"evidence-{standards[0]}"] = "x" * 3000
    page = client.post(url("audit", world, pk=audit.pk), data).content.decode()
    assert "must be 2,000 characters or fewer" in page
    data[f"evidence-{standards[0]}"] = "Care plans reviewed monthly."
    client.post(url("audit", world, pk=audit.pk), {**data, "action": "publish"})
    audit.refresh_from_db()
    assert (audit.status, audit.rating, audit.score) == ("published", GOOD, "3.00")


def test_a_provider_sees_its_own_records_only(client: Client, world: World) -> None:
    audit = shared_audit(world)
    draft = register.start_audit(Who(world.officer), world.stoke, world.home, date(2026, 1, 1))
    other = register.start_audit(
        Who(world.officer), world.stoke, world.other_home, date(2026, 1, 1)
    )
    register.save_scores(
        Who(world.officer), other, {other.scores.first().standard_id: (GOOD, "")}, ""
    )
    register.share_audit(Who(world.officer), other, timezone.localdate())
    hidden = register.log_concern(
        Who(world.officer), world.stoke, world.home, source="whistleblower", risk="high", what="x"
    )
    shared = register.log_concern(
        Who(world.officer), world.stoke, world.home, source="family", risk="low", what="y"
    )
    register.assign_concern(Who(world.officer), shared, None, True)
    as_user(client, world.provider)
    home = client.get(reverse("quality:provider_home")).content.decode()
    assert shared.reference in home and hidden.reference not in home
    assert "Longton Lodge" not in home
    assert client.get(reverse("quality:provider_audit", kwargs={"pk": audit.pk})).status_code == 200
    for pk in (draft.pk, other.pk):
        assert client.get(reverse("quality:provider_audit", kwargs={"pk": pk})).status_code == 404
    assert client.get(url("dashboard", world)).status_code == 403
    assert client.get(url("log_concern", world)).status_code == 403


def test_provider_comments_then_action_plan(client: Client, world: World) -> None:
    audit = shared_audit(world)
    page = reverse("quality:provider_audit", kwargs={"pk": audit.pk})
    as_user(client, world.provider)
    client.post(page, {"action": "comment", "comments": "Care plans were updated on the day."})
    audit.refresh_from_db()
    assert audit.provider_comments == "Care plans were updated on the day."
    register.publish_audit(Who(world.officer), audit, timezone.localdate())
    issue = register.issues_of(audit)[0]
    missing = client.post(page, {"action": "plan"}).content.decode()
    assert f"Enter an action for {issue.standard.name}" in missing
    assert "Enter who owns the action" in missing
    # a wrong date loses nothing typed, and the summary links to the field
    half = client.post(
        page,
        {
            "action": "plan",
            f"action-{issue.pk}": "Review every care plan.",
            f"owner-{issue.pk}": "Registered manager",
            f"by-{issue.pk}": "31/02/2026",
        },
    ).content.decode()
    assert f'<a href="#by-{issue.pk}">Enter the date the action for' in half
    assert ">Review every care plan.</textarea>" in half
    assert 'value="Registered manager"' in half and 'value="31/02/2026"' in half
    assert f'id="by-{issue.pk}-error"' in half and f'id="action-{issue.pk}-error"' not in half
    client.post(
        page,
        {
            "action": "plan",
            f"action-{issue.pk}": "Review every care plan.",
            f"owner-{issue.pk}": "Registered manager",
            f"by-{issue.pk}": "1/12/2026",
        },
    )
    plan = audit.action_plan
    plan.refresh_from_db()
    assert plan.submitted_by == world.provider and plan.actions.count() == 1
    as_user(client, world.other_provider)
    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "comment", "comments": "x"}).status_code == 404


def test_every_council_page_renders_with_real_records(client: Client, world: World) -> None:
    who = Who(world.officer)
    item = register.log_concern(who, world.stoke, world.home, source="cqc", risk="low", what="x")
    notice = register.issue_notice(
        who, world.stoke, world.home, kind="breach", reason="Staffing", on=date(2026, 11, 1)
    )
    stop = register.start_stop(
        who,
        world.stoke,
        world.home,
        scope="partial",
        partial_detail="Nursing beds",
        reason="x",
        started_on=date(2026, 11, 1),
        review_on=date(2026, 12, 1),
    )
    register.record_exit(
        who,
        world.stoke,
        world.other_home,
        kind="unplanned",
        exit_on=timezone.localdate(),
        people_affected=12,
        moved_to="10 to homes nearby, 2 home with care",
        reason="",
    )
    audit = shared_audit(world)
    as_user(client, world.officer)
    pages = {
        url("dashboard", world): "Locations the council watches",
        url("location", world, pk=world.home.pk): "Partial placement stop: Nursing beds",
        url("start_stop", world, pk=world.home.pk): "Start a placement stop",
        url("issue_notice", world, pk=world.home.pk): "Issue a notice",
        url("record_exit", world, pk=world.home.pk): "Record an exit or closure",
        url("start_audit", world, pk=world.home.pk): "Start an audit",
        url("open_enquiry", world, pk=world.home.pk): "Open a Large-Scale Enquiry",
        url("log_concern", world) + f"?location={world.home.pk}": "Log a concern",
        url("concern", world, pk=item.pk): item.reference,
        url("notice", world, pk=notice.pk): "Notice of breach",
        url("stop", world, pk=stop.pk): "In force",
        url("audit", world, pk=audit.pk): "comments due by",
        url("exits", world): "1 exit, 12 people affected",
    }
    for page, words in pages.items():
        response = client.get(page)
        assert response.status_code == 200, page
        assert words in response.content.decode(), page


def test_the_public_sees_a_published_audit_only_and_never_its_evidence(
    client: Client, world: World
) -> None:
    audit = shared_audit(world)
    page = reverse("quality:public_audit", kwargs={"pk": audit.pk})
    listing = reverse("directory:service", kwargs={"pk": world.service.pk})
    assert client.get(page).status_code == 404  # a draft shared with the provider
    assert "Council quality audits" not in client.get(listing).content.decode()
    register.publish_audit(Who(world.officer), audit, date(2026, 11, 20))
    text = client.get(page).content.decode()
    assert "Requires improvement" in text and "Stoke-on-Trent quality audit" in text
    assert "Care plans out of date" not in text and "Seen." not in text
    shown = client.get(listing).content.decode()
    assert "Council quality audits" in shown and page in shown


def test_a_published_audit_shared_with_another_council(client: Client, world: World) -> None:
    audit = shared_audit(world)
    shared = reverse("quality:shared_audit", kwargs={"council": "coventry", "pk": audit.pk})
    as_user(client, world.officer)
    refused = client.post(
        url("audit", world, pk=audit.pk),
        {"action": "share_councils", "councils": [str(world.coventry.pk)]},
    )
    assert "Only a published audit can be shared" in refused.content.decode()
    register.publish_audit(Who(world.officer), audit, date(2026, 11, 20))
    client.post(
        url("audit", world, pk=audit.pk),
        {"action": "share_councils", "councils": [str(world.coventry.pk), str(world.stoke.pk)]},
    )
    assert list(audit.shared_with.all()) == [world.coventry]
    as_user(client, world.coventry_officer)
    text = client.get(shared).content.decode()
    assert "Shared by Stoke-on-Trent" in text and "Requires improvement" in text
    assert "Care plans out of date" not in text  # evidence notes stay with the auditing council
    assert AuditEvent.objects.filter(action="viewed_shared_audit").exists()
    assert client.get(url("audit", world, pk=audit.pk)).status_code == 403
    register.watch(world.coventry, world.home)  # Coventry places people there too
    dashboard = client.get(reverse("quality:dashboard", kwargs={"council": "coventry"}))
    assert "by Stoke-on-Trent" in dashboard.content.decode()
    as_user(client, world.officer)
    client.post(url("audit", world, pk=audit.pk), {"action": "share_councils"})  # unshare
    as_user(client, world.coventry_officer)
    assert client.get(shared).status_code == 404


def test_a_large_scale_enquiry_from_opening_to_closure(client: Client, world: World) -> None:
    as_user(client, world.officer)
    client.post(
        url("open_enquiry", world, pk=world.home.pk),
        {"reason": "Several falls and a missed medicines round.", "opened_on": "2/11/2026"},
    )
    from caremarket.quality.models import Enquiry

    item = Enquiry.objects.get()
    page = url("enquiry", world, pk=item.pk)
    again = client.post(
        url("open_enquiry", world, pk=world.home.pk), {"reason": "x", "opened_on": "3/11/2026"}
    )
    assert "already open here" in again.content.decode()
    view = register.location_views(world.stoke, [world.home])[0]
    assert view.reasons[0] == "Large-Scale Enquiry open"
    early = client.post(
        page, {"action": "meeting", "kind": "strategy", "held_on": "1/11/2026", "notes": "x"}
    )
    assert "cannot be before the enquiry opened" in early.content.decode()
    client.post(
        page,
        {"action": "meeting", "kind": "strategy", "held_on": "4/11/2026", "notes": "Agreed."},
    )
    missing = client.post(
        page, {"action": "action", "owner": "Home manager", "due_on": "20/11/2026"}
    )
    assert "Enter action" in missing.content.decode()
    assert not item.actions.exists()
    client.post(
        page,
        {
            "action": "action",
            "what": "Falls audit",
            "owner": "Home manager",
            "due_on": "20/11/2026",
        },
    )
    assert item.actions.get().action == "Falls audit"
    refused = client.post(
        page, {"action": "close", "outcome": "Assured.", "closed_on": "30/11/2026"}
    )
    assert "Mark every action done" in refused.content.decode()
    client.post(page, {"action": "done", "id": str(item.actions.get().pk)})
    client.post(page, {"action": "close", "outcome": "Assured.", "closed_on": "30/11/2026"})
    item.refresh_from_db()
    assert item.closed_by == world.officer and item.meetings.count() == 1
    assert "Closed on 30 November 2026" in client.get(page).content.decode()
    as_user(client, world.coventry_officer)
    coventry = reverse("quality:enquiry", kwargs={"council": "coventry", "pk": item.pk})
    assert client.get(coventry).status_code == 404


def test_the_dashboard_filters_by_ward_and_locality(client: Client, world: World) -> None:
    from caremarket.places.models import Area

    north = Area.objects.create(local_authority=world.stoke, kind="locality", name="North")
    ward = Area.objects.create(local_authority=world.stoke, kind="ward", name="Meir", parent=north)
    world.home.area = ward
    world.home.save()
    register.watch(world.stoke, world.home)
    register.watch(world.stoke, world.other_home)
    as_user(client, world.officer)
    everything = watched(client, world)
    assert "Meir Grange" in everything and "Longton Lodge" in everything
    for area in (ward, north):
        table = watched(client, world, f"?area={area.pk}")
        assert "Meir Grange" in table and "Longton Lodge" not in table
    assert "Longton Lodge" in watched(client, world, "?area=999999")  # unknown: no filter
    page = client.get(url("dashboard", world)).content.decode()
    assert "Meir (ward)" in page and "North (locality)" in page


#: The settings page's bands and caps as the default scheme fills them in.
DEFAULT_BANDS = {
    "minimum_0": "3.5",
    "minimum_1": "2.5",
    "minimum_2": "1.5",
    "cap_1": "",
    "cap_2": "",
    "cap_3": "Requires improvement",
}


def settings_post(world: World, **changes: str) -> dict[str, str]:
    """Everything the settings page posts, unchanged but for `changes`."""
    from caremarket.quality.models import Domain, Standard, standards_for

    standards_for(world.stoke)
    domains = Domain.objects.filter(local_authority=world.stoke)
    form = {"high_risk_hours": "24", "other_hours": "72", "concern_retention_days": "2190"}
    form |= DEFAULT_BANDS
    form |= {f"domain-{d.pk}": str(d.weight) for d in domains}
    form |= {f"standard-{s.pk}": str(s.weight) for s in Standard.objects.filter(domain__in=domains)}
    return form | changes


def test_a_quality_officer_sets_rating_bands_and_caps(client: Client, world: World) -> None:
    from caremarket.quality.models import QualitySettings

    as_user(client, world.officer)
    page = url("settings", world)
    shown = client.get(page).content.decode()
    assert 'value="2.5"' in shown and "Poor takes every lower average" in shown
    for changes, message in (
        (
            {"minimum_1": "3.6"},
            "The lowest average score for Excellent must be higher than for Good",
        ),
        ({"minimum_1": "-2"}, "must be more than 1 and no more than 4"),
        ({"minimum_0": "4000000"}, "must be more than 1 and no more than 4"),
        ({"minimum_0": "9" * 40}, "Excellent must be a number with at most two decimal"),
        ({"minimum_2": "lots"}, "must be a number with at most two decimal places, like 2.5"),
        ({"minimum_2": "NaN"}, "must be a number with at most two decimal places"),
        ({"minimum_2": "1.555"}, "must be a number with at most two decimal places"),
        ({"minimum_2": ""}, "Enter the lowest average score for Requires improvement"),
        ({"minimum_2": "1"}, "must be more than 1"),
        ({"cap_3": "Excellent"}, "Choose the cap for Poor from the list"),
        ({"cap_2": "Poor"}, "Choose the cap for Requires improvement from the list"),
    ):
        bad = client.post(page, settings_post(world, **changes))
        text = bad.content.decode()
        assert bad.status_code == 200 and message in text, (changes, text[:3000])
        assert "govuk-error-summary" in text
        (field, typed), *_ = changes.items()
        if field.startswith("minimum") and typed and len(typed) < 13:
            assert f'value="{typed}"' in text  # what was typed is kept
    assert not QualitySettings.objects.filter(local_authority=world.stoke).exists()
    done = client.post(
        page,
        settings_post(
            world, minimum_0="3.75", minimum_1="2.6", cap_2="Good", cap_3="Requires improvement"
        ),
    )
    assert done.status_code == 302
    scheme = QualitySettings.for_council(world.stoke).scheme
    assert scheme.band(Fraction(26, 10)) == GOOD and scheme.band(Fraction(259, 100)) != GOOD
    assert dict(scheme.caps) == {"Requires improvement": "Good", POOR: "Requires improvement"}
    event = AuditEvent.objects.get(action="changed_quality_settings")
    assert event.user == world.officer
    assert event.detail == (
        "Excellent from an average of 3.75; Good from an average of 2.6; "
        "cap for Requires improvement: Good"
    )
    again = client.get(page).content.decode()
    assert 'value="3.75"' in again and 'value="2.6"' in again
    # back to the default: stored as "the default" again
    client.post(page, settings_post(world))
    assert QualitySettings.objects.get(local_authority=world.stoke).rating_scheme == {}
    # an audit published now is rated by the council's bands: all Good but one Requires
    # improvement in a weight-1 standard: (15×3 + 2 + 3 for safeguarding's double weight…)
    client.post(page, settings_post(world, minimum_1="3"))  # Good needs an average of 3
    audit = register.start_audit(Who(world.officer), world.stoke, world.home, date(2026, 1, 5))
    scores = {s.standard_id: (GOOD, "") for s in audit.scores.all()}
    first = audit.scores.order_by("standard__domain__position", "standard__position").first()
    assert first is not None
    scores[first.standard_id] = ("Requires improvement", "")
    register.save_scores(Who(world.officer), audit, scores, "")
    result = register.publish_audit(Who(world.officer), audit, date(2026, 1, 6))
    # weights: 16 standards, safeguarding's four count twice, so 20; (19×3 + 2) / 20 = 2.95
    assert (result.score_text, result.rating) == ("2.95", "Requires improvement")


def test_a_council_admin_sets_clocks_retention_and_weights(client: Client, world: World) -> None:
    from caremarket.accounts.models import Membership
    from caremarket.quality.models import Domain, QualitySettings, Standard

    Membership.objects.create(user=world.officer, local_authority=world.stoke, role="council_admin")
    as_user(client, world.officer)
    page = url("settings", world)
    assert client.get(page).status_code == 200
    domains = list(Domain.objects.filter(local_authority=world.stoke))
    assert len(domains) == 5
    weights = {f"domain-{d.pk}": str(d.weight) for d in domains}
    weights |= {f"standard-{s.pk}": "1" for s in Standard.objects.filter(domain__in=domains)}
    safeguarding = next(d for d in domains if d.name == "Safeguarding and safety")
    form = {"high_risk_hours": "12", "other_hours": "48", "concern_retention_days": "2190"}
    form |= DEFAULT_BANDS
    bad = client.post(page, {**form, **weights, f"domain-{safeguarding.pk}": "lots"})
    assert "Each weight must be a whole number from 0 to 10" in bad.content.decode()
    assert 'value="lots"' in bad.content.decode()  # what was typed is kept
    slow = client.post(page, {**form, **weights, "high_risk_hours": "100"})
    assert "cannot have longer than others" in slow.content.decode()
    client.post(
        page,
        {
            **form,
            **weights,
            f"domain-{safeguarding.pk}": "3",
            "new_standard": "Oral health",
            "new_standard_domain": str(domains[1].pk),
        },
    )
    settings = QualitySettings.objects.get(local_authority=world.stoke)
    assert (settings.high_risk_hours, settings.other_hours) == (12, 48)
    safeguarding.refresh_from_db()
    assert safeguarding.weight == 3
    assert Standard.objects.filter(domain=domains[1], name="Oral health").exists()
    item = register.log_concern(
        Who(world.officer), world.stoke, world.home, source="cqc", risk="high", what="x"
    )
    assert item.due_at == item.logged_at + timedelta(hours=12)
    as_user(client, world.coventry_officer)
    assert client.get(page).status_code == 403
