"""Referral forms routed by postcode, and the practitioners' inbox with triage and audit."""

from __future__ import annotations

from django.urls import reverse

from caremarket.accounts.models import AuditEvent
from caremarket.assessments.models import Referral

ASK = {
    "who": "self",
    "name": "Ada Example",
    "postcode": "cv1 2aa",
    "phone": "024 7600 0000",
    "needs": "Help getting washed in the morning",
    "urgency": "routine",
    "consent": "on",
}
PROFESSIONAL = {
    "referrer_name": "Dr Grace Hopper",
    "referrer_role": "GP",
    "organisation_type": "gp",
    "organisation": "Hanley Health Centre",
    "referrer_phone": "01782 111111",
    "referrer_email": "grace@nhs.example",
    "name": "Alan Example",
    "postcode": "ST4 1AA",
    "consent": "no",
    "no_consent_reason": "Lacks capacity to decide about this referral",
    "needs": "Falls at home, not eating",
    "risks": "Lives alone",
    "urgency": "urgent",
}


def test_ask_for_help_is_routed_by_postcode(client, postcodes, coventry):
    response = client.post(reverse("assessments:ask"), ASK)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.local_authority == coventry
    assert referral.source == "ask"
    page = client.get(response["Location"])
    assert referral.reference in page.content.decode()
    assert "Coventry" in page.content.decode()


def test_an_unknown_postcode_asks_the_person_to_choose_their_council(client, postcodes, stoke):
    response = client.post(reverse("assessments:ask"), {**ASK, "postcode": "ZZ9 9ZZ"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "We could not find the council for this postcode" in html
    assert 'name="council"' in html
    assert 'value="Ada Example"' in html
    response = client.post(
        reverse("assessments:ask"), {**ASK, "postcode": "ZZ9 9ZZ", "council": "stoke-on-trent"}
    )
    assert response.status_code == 302
    assert Referral.objects.get().local_authority == stoke


def test_a_carer_asking_for_an_assessment_makes_a_carers_referral(client, postcodes):
    client.post(reverse("assessments:ask"), {**ASK, "who": "carer"})
    assert Referral.objects.get().kind == "carer"


def test_bad_and_huge_input_is_refused_with_messages(client, postcodes):
    response = client.post(
        reverse("assessments:ask"), {**ASK, "needs": "x" * 10000, "email": "nope", "consent": ""}
    )
    html = response.content.decode()
    assert "There is a problem" in html
    assert "must be 2000 characters or fewer" in html
    assert "correct format" in html
    assert "Tick the box to agree" in html
    assert not Referral.objects.exists()


def test_professional_referral_without_consent_needs_a_reason(client, postcodes, stoke):
    data = {**PROFESSIONAL, "no_consent_reason": ""}
    response = client.post(reverse("assessments:professional"), data)
    assert "Say why you are referring" in response.content.decode()
    response = client.post(reverse("assessments:professional"), PROFESSIONAL)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.local_authority, referral.kind, referral.consent, referral.urgency) == (
        stoke,
        "professional",
        False,
        "urgent",
    )
    assert referral.details["organisation_type"] == "gp"


def make_referral(council, **extra) -> Referral:
    return Referral.objects.create(
        local_authority=council,
        kind="resident",
        source="ask",
        consent=True,
        details={"name": "Ada Example"},
        **extra,
    )


def test_practitioners_see_only_their_councils_referrals(
    client, stoke, coventry, stoke_practitioner
):
    mine = make_referral(stoke)
    theirs = make_referral(coventry)
    client.force_login(stoke_practitioner)
    inbox = client.get(reverse("assessments:inbox", kwargs={"council": "stoke-on-trent"}))
    assert mine.reference in inbox.content.decode()
    assert theirs.reference not in inbox.content.decode()
    # Another council's referral under this council's URL: not found, not forbidden.
    url = reverse(
        "assessments:referral", kwargs={"council": "stoke-on-trent", "reference": theirs.reference}
    )
    assert client.get(url).status_code == 404
    # And that council's own URL: this user holds no role there.
    url = reverse(
        "assessments:referral", kwargs={"council": "coventry", "reference": theirs.reference}
    )
    assert client.get(url).status_code == 403


def test_every_view_of_a_referral_is_audited_without_personal_data(
    client, stoke, stoke_practitioner
):
    referral = make_referral(stoke)
    client.force_login(stoke_practitioner)
    url = reverse(
        "assessments:referral",
        kwargs={"council": "stoke-on-trent", "reference": referral.reference},
    )
    page = client.get(url)
    assert "Ada Example" in page.content.decode()
    client.get(url)
    events = AuditEvent.objects.filter(action="viewed_referral", object_id=str(referral.pk))
    assert events.count() == 2
    assert all("Ada" not in e.detail for e in AuditEvent.objects.all())


def test_triage_moves_through_the_states_with_timestamps(client, stoke, stoke_practitioner):
    referral = make_referral(stoke)
    client.force_login(stoke_practitioner)
    url = reverse(
        "assessments:referral",
        kwargs={"council": "stoke-on-trent", "reference": referral.reference},
    )
    client.post(url, {"action": "move", "to_status": "screened", "note": "Called back"})
    referral.refresh_from_db()
    assert referral.status == "screened" and referral.screened_at is not None
    response = client.post(url, {"action": "close"})
    assert "Select the reason for closing" in response.content.decode()
    client.post(url, {"action": "close", "close_reason": "no_longer_needed"})
    referral.refresh_from_db()
    assert referral.status == "closed" and referral.decided_at is not None
    assert referral.close_reason == "no_longer_needed"
    assert [e.to_status for e in referral.events.all()] == ["screened", "closed"]
    assert referral.events.first().note == {"text": "Called back"}
    moves = AuditEvent.objects.filter(action="triaged_referral").order_by("pk")
    assert [e.detail for e in moves] == ["from new to screened", "from screened to closed"]
    # A closed referral cannot be reopened by a forged post.
    for forged in (
        {"action": "move", "to_status": "new"},
        {"action": "close", "close_reason": "x"},
    ):
        client.post(url, forged)
        referral.refresh_from_db()
        assert referral.status == "closed"


def test_a_deletion_request_lets_the_team_delete(client, stoke, stoke_practitioner):
    referral = make_referral(stoke)
    client.force_login(stoke_practitioner)
    url = reverse(
        "assessments:referral",
        kwargs={"council": "stoke-on-trent", "reference": referral.reference},
    )
    client.post(url, {"action": "delete"})
    assert Referral.objects.exists()  # still open, no request: not deleted
    Referral.objects.filter(pk=referral.pk).update(deletion_requested_at=referral.created_at)
    client.post(url, {"action": "delete"})
    assert not Referral.objects.exists()
    assert AuditEvent.objects.filter(action="deleted_referral").exists()


def test_a_council_admin_sets_retention_periods(client, stoke, stoke_admin):
    from caremarket.assessments.models import FrontDoorSettings

    client.force_login(stoke_admin)
    url = reverse("assessments:settings", kwargs={"council": "stoke-on-trent"})
    assert client.get(url).status_code == 200
    response = client.post(url, {"assessment_retention_days": "0", "referral_retention_days": "90"})
    assert "There is a problem" in response.content.decode()
    client.post(url, {"assessment_retention_days": "14", "referral_retention_days": "90"})
    saved = FrontDoorSettings.objects.get(local_authority=stoke)
    assert (saved.assessment_retention_days, saved.referral_retention_days) == (14, 90)
    days = {"assessment_retention_days": "14", "referral_retention_days": "90"}
    for wrong in ("abc", "999", "0" * 41):
        response = client.post(url, {**days, "out_of_hours_phone": wrong})
        assert response.context["form"].errors["out_of_hours_phone"], wrong
    client.post(url, {**days, "out_of_hours_phone": " 01782 234234 "})
    assert FrontDoorSettings.objects.get(local_authority=stoke).out_of_hours_phone == "01782 234234"


def test_a_practitioner_cannot_change_settings_or_figures(client, stoke, stoke_practitioner):
    client.force_login(stoke_practitioner)
    for name in ("assessments:settings", "assessments:charging_figures"):
        assert client.get(reverse(name, kwargs={"council": "stoke-on-trent"})).status_code == 403


def referral_url(referral) -> str:
    return reverse(
        "assessments:referral",
        kwargs={"council": referral.local_authority.slug, "reference": referral.reference},
    )


def test_reason_for_closing_is_asked_only_when_closing(client, stoke, stoke_practitioner):
    referral = make_referral(stoke)
    client.force_login(stoke_practitioner)
    html = client.get(referral_url(referral)).content.decode()
    triage = html.split('<h2 class="govuk-heading-m">Triage</h2>', 1)[1].split("</form>", 1)[0]
    assert "Reason for closing" not in triage
    assert 'value="closed"' not in triage
    closing = html.split('id="close-referral"', 1)[1].split("</details>", 1)[0]
    assert "Close this referral" in closing and "Reason for closing" in closing
    # Moving on without closing asks for no reason; closing with "Other" needs a note.
    response = client.post(referral_url(referral), {"action": "move", "to_status": "screened"})
    assert response.status_code == 302
    response = client.post(referral_url(referral), {"action": "close", "close_reason": "other"})
    assert response.context["close_form"].errors["close_note"] == ["Say why the referral is closed"]
    assert 'id="close-referral" open' in response.content.decode()
    huge = client.post(referral_url(referral), {"action": "close", "close_reason": "x" * 5000})
    assert huge.context["close_form"].errors["close_reason"] == ["Select the reason for closing"]
    referral.refresh_from_db()
    assert referral.status == "screened" and referral.close_reason == ""


def test_a_referral_is_assigned_to_a_named_worker_of_the_council(
    client, stoke, coventry, stoke_practitioner, stoke_admin, coventry_practitioner
):
    from tests.assessments.conftest import make_staff

    stoke_practitioner.first_name, stoke_practitioner.last_name = "Mary", "Seacole"
    stoke_practitioner.save()
    provider = make_staff("stoke-provider", stoke, "provider")
    referral = make_referral(stoke)
    client.force_login(stoke_admin)
    page = client.get(referral_url(referral))
    choices = [label for _, label in page.context["assign_form"].fields["assigned_to"].choices]
    assert "Mary Seacole" in choices and "stoke-admin" in choices
    assert provider.username not in choices and "coventry-practitioner" not in choices
    # Someone from another council, a provider, or nonsense cannot be given it.
    for wrong in (coventry_practitioner.pk, provider.pk, "x" * 5000, "-1"):
        response = client.post(referral_url(referral), {"action": "assign", "assigned_to": wrong})
        assert response.status_code == 200
        assert response.context["form"].errors["assigned_to"] == ["Choose someone from the list"]
    response = client.post(
        referral_url(referral), {"action": "assign", "assigned_to": stoke_practitioner.pk}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.assigned_to == stoke_practitioner and referral.assigned_at is not None
    html = client.get(referral_url(referral)).content.decode()
    assert "Mary Seacole (since" in html
    assert "assigned to Mary Seacole by stoke-admin" in html
    event = AuditEvent.objects.get(action="assigned_referral")
    assert event.detail == f"to user {stoke_practitioner.pk}" and event.username == "stoke-admin"
    assert "Mary" not in event.detail
    # the audit log page names them when it is read (the council admin reads it)
    log = client.get(reverse("accounts:audit_log", kwargs={"council": "stoke-on-trent"}))
    assert "Assigned a referral (to Mary Seacole)" in log.content.decode()
    # Unassigning is recorded too; assigning to the same person again is not a new step.
    client.post(referral_url(referral), {"action": "assign", "assigned_to": stoke_practitioner.pk})
    client.post(referral_url(referral), {"action": "assign", "assigned_to": ""})
    referral.refresh_from_db()
    assert referral.assigned_to is None
    assert AuditEvent.objects.filter(action="assigned_referral").count() == 2
    assert referral.status == "new"
    # Another council's practitioner cannot see or assign it at all.
    client.force_login(coventry_practitioner)
    response = client.post(
        reverse(
            "assessments:referral",
            kwargs={"council": "coventry", "reference": referral.reference},
        ),
        {"action": "assign", "assigned_to": coventry_practitioner.pk},
    )
    assert response.status_code == 404


def test_a_council_with_nobody_to_assign_says_so(client, coventry):
    from caremarket.accounts.models import User

    site_admin = User.objects.create_superuser("site-admin", password="a-long-password-1")
    referral = make_referral(coventry)
    client.force_login(site_admin)
    html = client.get(referral_url(referral)).content.decode()
    assert 'id="no-workers"' in html and 'name="assigned_to"' not in html
    response = client.post(referral_url(referral), {"action": "assign", "assigned_to": "1"})
    assert response.context["form"].errors["assigned_to"] == ["Choose someone from the list"]
