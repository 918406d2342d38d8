"""The financial self-assessment: pages in order, back and change links, the estimate."""

from __future__ import annotations

from django.urls import reverse

from caremarket.assessments.models import Assessment


def q(step: str) -> str:
    return reverse("assessments:question", kwargs={"journey": "finance", "step": step})


HOME_ANSWERS = [
    ("where", {"postcode": "st41aa"}),
    ("year", {"year": "2025/26"}),
    ("setting", {"setting": "home"}),
    ("age", {"age": "70"}),
    ("capital", {"capital": "18400"}),
    ("income-types", {"types": ["state_pension", "attendance_allowance"]}),
    (
        "income-amounts",
        {
            "state_pension__amount": "230.25",
            "attendance_allowance__rate": "higher",
            "attendance_allowance__amount": "110.40",
        },
    ),
    ("night-care", {"night_care": "no"}),
    ("extra-costs", {"dre": "20"}),
    ("housing", {"housing": "0"}),
    ("cost", {"cost": "300"}),
]


def answer_all(client, answers=HOME_ANSWERS):
    for step, data in answers:
        response = client.post(q(step), data)
        assert response.status_code == 302, (step, response.content[:2000])
    return response


def test_it_walks_the_home_journey_to_an_explained_estimate(client, postcodes):
    response = answer_all(client)
    assert response["Location"] == reverse("assessments:check", kwargs={"journey": "finance"})
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Check your answers" in page.content.decode()
    response = client.post(reverse("assessments:check", kwargs={"journey": "finance"}))
    result = client.get(response["Location"])
    html = result.content.decode()
    assert result.status_code == 200
    assert "This is an estimate, not a decision" in html
    assert "estimate-steps" in html
    assessment = Assessment.objects.get()
    assert assessment.local_authority.slug == "stoke-on-trent"
    assert result.context["estimate"]["weekly_cost_of_care"] == 300.0


def test_it_skips_care_home_questions_for_care_at_home(client, postcodes):
    answer_all(client, HOME_ANSWERS[:3])
    assert client.get(q("home-value")).status_code == 302
    assert client.get(q("weeks")).status_code == 302


def test_it_refuses_bad_money_and_keeps_what_was_typed(client, postcodes):
    answer_all(client, HOME_ANSWERS[:4])
    response = client.post(q("capital"), {"capital": "lots"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_capital"' in html
    assert 'value="lots"' in html
    assert response.context["form"].errors
    huge = client.post(q("capital"), {"capital": "9" * 5000})
    assert huge.status_code == 200
    assert "There is a problem" in huge.content.decode()


def test_it_cannot_jump_ahead_by_url(client, postcodes):
    answer_all(client, HOME_ANSWERS[:2])
    response = client.get(q("cost"))
    assert response.status_code == 302
    assert response["Location"] == q("setting")


def test_back_link_goes_to_the_previous_question(client, postcodes):
    answer_all(client, HOME_ANSWERS[:3])
    response = client.get(q("age"))
    assert response.context["back"] == q("setting")


def test_change_link_returns_to_the_check_page(client, postcodes):
    answer_all(client)
    response = client.get(q("capital") + "?change=1")
    assert response.context["back"] == reverse("assessments:check", kwargs={"journey": "finance"})
    response = client.post(q("capital") + "?change=1", {"capital": "1000"})
    assert response["Location"].startswith(
        reverse("assessments:check", kwargs={"journey": "finance"})
    )
    assert Assessment.objects.get().answers["capital"] == {"capital": "1000"}


def test_changing_to_a_care_home_asks_the_new_questions_then_returns(client, postcodes):
    answer_all(client)
    response = client.post(q("setting") + "?change=1", {"setting": "care_home"})
    assert response["Location"] == q("home-value") + "?change=1"


def test_a_year_without_figures_is_an_error_not_a_guess(client, postcodes):
    answers = [(s, {"year": "2027/28"} if s == "year" else d) for s, d in HOME_ANSWERS]
    answer_all(client, answers[:1])
    response = client.post(q("year"), {"year": "2027/28"})
    # 2027/28 may not be offered yet; either way no estimate is invented.
    if response.status_code == 302:
        answer_all(client, answers[2:])
        client.post(reverse("assessments:check", kwargs={"journey": "finance"}))
        result = client.get(reverse("assessments:result", kwargs={"journey": "finance"}))
        assert result.context["estimate"] is None
        assert result.context["problems"]
    else:
        assert "There is a problem" in response.content.decode()


CARE_HOME_ANSWERS = [
    ("where", {"postcode": "ST4 1AA"}),
    ("year", {"year": "2025/26"}),
    ("setting", {"setting": "care_home"}),
    ("age", {"age": "84"}),
    ("capital", {"capital": "5000"}),
    ("home-value", {"home_value": "150000"}),
    ("relative", {"relative": "no"}),
    ("weeks", {"weeks": "4"}),
    ("income-types", {"types": ["state_pension"]}),
    ("income-amounts", {"state_pension__amount": "230.25"}),
    ("cost", {"cost": "900"}),
]


def test_the_care_home_journey_asks_about_the_home_and_estimates(client, postcodes):
    response = answer_all(client, CARE_HOME_ANSWERS)
    assert response["Location"] == reverse("assessments:check", kwargs={"journey": "finance"})
    client.post(response["Location"])
    result = client.get(reverse("assessments:result", kwargs={"journey": "finance"}))
    estimate = result.context["estimate"]
    assert estimate is not None, result.context["problems"]
    assert estimate["setting"] == "care_home"
    # In the first 12 weeks the home is ignored, so the council pays part of the fee.
    assert not estimate["pays_full_cost"]
    assert "12" in " ".join(step["text"] for step in estimate["steps"])


def test_at_66_it_asks_about_state_pension_age(client, postcodes):
    answer_all(client, HOME_ANSWERS[:3])
    response = client.post(q("age"), {"age": "66"})
    assert response["Location"] == q("pension-age")
    response = client.post(q("age"), {"age": "67"})
    assert response["Location"] == q("capital")


def test_an_unknown_postcode_asks_for_the_council_in_the_journey(client, postcodes, coventry):
    response = client.post(q("where"), {"postcode": "ZZ9 9ZZ"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the council area" in html
    assert 'name="council"' in html
    response = client.post(q("where"), {"postcode": "ZZ9 9ZZ", "council": "coventry"})
    assert response.status_code == 302
    assert Assessment.objects.get().local_authority == coventry
