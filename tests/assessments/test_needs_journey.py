"""The adults' and carers' self-assessments: pages built from the rules' outcomes, urgent
help on the very next page, check answers, result, and referral to the right council."""

from __future__ import annotations

from django.urls import reverse

from caremarket.assessments.journeys import outcome_slug
from caremarket.assessments.models import Assessment, Referral
from caremarket.rules.eligibility import ADULT_OUTCOMES, CARER_OUTCOMES


def q(journey: str, step: str) -> str:
    return reverse("assessments:question", kwargs={"journey": journey, "step": step})


def adult_answers(needs_help: int = 3, urgent: list[str] | None = None):
    steps = [
        ("where", {"postcode": "ST4 1AA"}),
        ("safety", {"risks": urgent or ["none"]}),
        ("condition", {"impairment_or_illness": "yes"}),
        ("condition-kind", {"conditions": ["memory"]}),
    ]
    for n, outcome in enumerate(ADULT_OUTCOMES):
        ability = "needs_help" if n < needs_help else "without_help"
        steps.append((outcome_slug(outcome), {"ability": ability}))
    steps += [
        ("wellbeing", {"wellbeing_impact": "yes"}),
        ("fluctuation", {"fluctuation": "steady"}),
    ]
    return steps


def carer_answers():
    steps = [
        ("where", {"postcode": "CV1 2AA"}),
        ("safety", {"risks": ["none"]}),
        ("caring", {"provides_necessary_care": "yes"}),
        ("health", {"health_deteriorating": "no"}),
    ]
    for n, outcome in enumerate(CARER_OUTCOMES):
        if n == 0:
            data = {
                "ability": "with_difficulty",
                "effects": ["significant_pain_distress_or_anxiety"],
            }
        else:
            data = {"ability": "without_help"}
        steps.append((outcome_slug(outcome), data))
    steps += [
        ("wellbeing", {"wellbeing_impact": "yes"}),
        ("fluctuation", {"fluctuation": "steady"}),
    ]
    return steps


def walk(client, journey, steps):
    response = None
    for step, data in steps:
        response = client.post(q(journey, step), data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
        if response["Location"].endswith("/urgent/"):
            response = client.get(response["Location"])
    return response


def finish(client, journey):
    client.post(reverse("assessments:check", kwargs={"journey": journey}))
    return client.get(reverse("assessments:result", kwargs={"journey": journey}))


def test_there_is_one_page_per_outcome_in_the_rules(client, postcodes):
    for outcome in ADULT_OUTCOMES:
        page = client.get(q("needs", outcome_slug(outcome)))
        assert page.status_code == 302  # not yet: earlier questions first
    walk(client, "needs", adult_answers()[:4])
    page = client.get(q("needs", outcome_slug(ADULT_OUTCOMES[0])))
    assert ADULT_OUTCOMES[0].question in page.content.decode()


def test_likely_eligible_adult_gets_reasons_services_and_suggestions(client, postcodes):
    walk(client, "needs", adult_answers(needs_help=3))
    result = finish(client, "needs")
    html = result.content.decode()
    assert result.status_code == 200
    assert result.context["likelihood"] == "likely_eligible"
    assert "An indication, not a decision" in html
    assert "Memory problems and dementia" in html  # from the kind of condition
    assert 'id="suggestions"' in html
    assert reverse("assessments:refer", kwargs={"journey": "needs"}) in html


def test_unlikely_adult_is_told_so_with_reasons(client, postcodes):
    walk(client, "needs", adult_answers(needs_help=0))
    result = finish(client, "needs")
    assert result.context["likelihood"] == "unlikely_to_be_eligible"
    assert result.context["result"].reasons


def test_an_urgent_answer_shows_the_councils_contacts_on_the_very_next_page(
    client, postcodes, stoke
):
    client.post(q("needs", "where"), {"postcode": "ST4 1AA"})
    response = client.post(q("needs", "safety"), {"risks": ["at_risk_of_harm"]})
    assert response["Location"] == reverse("assessments:urgent", kwargs={"journey": "needs"})
    page = client.get(response["Location"])
    html = page.content.decode()
    assert stoke.safeguarding_phone in html
    assert "999" in html
    assert page.context["continue_url"] == q("needs", "condition")


def test_none_and_a_risk_together_is_an_error(client, postcodes):
    client.post(q("needs", "where"), {"postcode": "ST4 1AA"})
    response = client.post(q("needs", "safety"), {"risks": ["none", "no_food"]})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_difficulty_needs_its_effects_and_keeps_the_choice(client, postcodes):
    walk(client, "needs", adult_answers()[:4])
    url = q("needs", outcome_slug(ADULT_OUTCOMES[0]))
    response = client.post(url, {"ability": "with_difficulty"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_effects_0"' in html
    assert 'value="with_difficulty" checked' in html


def test_missing_answer_shows_the_error_summary(client, postcodes):
    walk(client, "needs", adult_answers()[:2])
    response = client.post(q("needs", "condition"), {})
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_impairment_or_illness_0"' in html
    assert html.count("<title>Error: ") == 1


def test_carer_taking_longer_does_not_count_but_distress_does(client, postcodes):
    walk(client, "carer", carer_answers())
    page = client.get(q("carer", outcome_slug(CARER_OUTCOMES[1])))
    assert "takes_significantly_longer" not in page.content.decode()
    result = finish(client, "carer")
    assert result.context["likelihood"] == "likely_eligible"
    assert "A break from caring" in result.content.decode()


def test_check_page_lists_every_answer_with_change_links(client, postcodes):
    walk(client, "needs", adult_answers())
    page = client.get(reverse("assessments:check", kwargs={"journey": "needs"}))
    html = page.content.decode()
    assert html.count(">Change<") == len(adult_answers())
    assert q("needs", "wellbeing") + "?change=1" in html


def test_a_resident_referral_reaches_their_council_only(
    client, postcodes, stoke, coventry, stoke_practitioner, coventry_practitioner, mailoutbox
):
    walk(client, "needs", adult_answers(urgent=["no_food"]))
    finish(client, "needs")
    response = client.post(
        reverse("assessments:refer", kwargs={"journey": "needs"}),
        {"name": "Ada Example", "phone": "01782 000000", "consent": "on"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.local_authority == stoke
    assert referral.urgency == "urgent"
    assert referral.kind == "resident"
    assert referral.consent
    assert Assessment.objects.get().status == "referred"
    sent = client.get(response["Location"])
    assert referral.reference in sent.content.decode()
    # The council hears that something arrived, without any personal data in the email.
    assert len(mailoutbox) == 1
    assert "Ada" not in mailoutbox[0].body

    client.force_login(stoke_practitioner)
    inbox = client.get(reverse("assessments:inbox", kwargs={"council": "stoke-on-trent"}))
    assert referral.reference in inbox.content.decode()
    client.force_login(coventry_practitioner)
    other = client.get(reverse("assessments:inbox", kwargs={"council": "coventry"}))
    assert referral.reference not in other.content.decode()


def test_referral_needs_consent_and_a_way_to_contact(client, postcodes):
    walk(client, "needs", adult_answers())
    finish(client, "needs")
    response = client.post(
        reverse("assessments:refer", kwargs={"journey": "needs"}), {"name": "Ada"}
    )
    html = response.content.decode()
    assert "Tick the box to agree" in html
    assert "Enter a phone number or an email address" in html
    assert not Referral.objects.exists()


def test_the_result_lists_the_councils_directory_services_for_the_needs(
    client, postcodes, stoke, coventry
):
    from caremarket.directory.models import Service
    from tests.assessments.conftest import listed_service

    def listed(name, council, status=Service.Status.ACTIVE):
        return listed_service(name, council, "memory-problems", status=status)

    cafe = listed("Hanley Memory Cafe", stoke)
    listed("Coventry Memory Cafe", coventry)  # another council's
    listed("Closed Memory Cafe", stoke, Service.Status.DEFUNCT)
    walk(client, "needs", adult_answers(needs_help=3))
    html = finish(client, "needs").content.decode()
    services = html.split('id="matching-services"', 1)[1].split("</ul>", 1)[0]
    assert "Hanley Memory Cafe" in services and cafe.get_absolute_url() in services
    assert "Coventry Memory Cafe" not in services and "Closed Memory Cafe" not in services
    assert client.get(cafe.get_absolute_url()).status_code == 200
