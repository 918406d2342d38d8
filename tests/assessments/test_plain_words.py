"""The front door in the words people use: the estimate's years and working, money and phone
numbers as people type them, and times without doubled full stops (issue 14)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from caremarket.assessments.finance import year_offer
from caremarket.assessments.models import Assessment, ChargingFigureOverride, Referral
from caremarket.rules.figures_store import figure, figure_names, financial_year_of
from tests.assessments.test_finance_journey import HOME_ANSWERS, answer_all, q
from tests.assessments.test_referrals import ASK

#: Machine words that must never reach a resident: figure keys, field keys, year codes.
MACHINE = re.compile(
    r"\b(?:mig|capital|benefits|care_home)\.[a-z_]+|financial_year|[a-z]+_[a-z_]+:"
)


def result_page(client, answers=HOME_ANSWERS):
    answer_all(client, answers)
    client.post(reverse("assessments:check", kwargs={"journey": "finance"}))
    return client.get(reverse("assessments:result", kwargs={"journey": "finance"}))


# --- The years an estimate is offered for ----------------------------------------------------


def test_only_years_with_figures_are_offered_newest_first(client, postcodes):
    answer_all(client, HOME_ANSWERS[:1])
    page = client.get(q("year"))
    choices = [value for value, _ in page.context["form"].fields["year"].choices]
    assert choices == ["2025/26", "2024/25"]
    html = page.content.decode()
    labels = re.findall(r'govuk-radios__label" for="[^"]+">([^<]+)<', html)
    assert labels == ["2025 to 2026", "2024 to 2025"]
    # This year (2026/27 from December 2026) has no figures: the latest is chosen, and said.
    if financial_year_of(date.today()) not in choices:
        assert "the latest year we have them for" in html
        assert re.search(r'value="2025/26"[^>]*checked', html)


def test_no_year_chosen_uses_the_default_and_estimates(client, postcodes):
    answers = [(s, {} if s == "year" else d) for s, d in HOME_ANSWERS]
    result = result_page(client, answers)
    assert result.context["estimate"] is not None
    assert Assessment.objects.get().answers["year"] == {"year": "2025/26"}
    assert "Estimate for 2025 to 2026" in result.content.decode()


def test_a_year_not_offered_is_refused_in_a_few_words(client, postcodes):
    answer_all(client, HOME_ANSWERS[:1])
    for bad in ("2027/28", "x" * 5000, "2026/27"):
        response = client.post(q("year"), {"year": bad})
        assert response.status_code == 200
        assert response.context["form"].errors["year"] == ["Select one of the years shown"]


def test_current_year_is_the_default_when_its_figures_exist(stoke):
    amount = figure("capital.upper_limit", date(2025, 4, 6))
    for name in figure_names():
        ChargingFigureOverride.objects.create(
            local_authority=stoke, name=name, from_date=date(2026, 4, 6), amount=amount, cite="x"
        )
    offer = year_offer({"where": {"council": stoke.slug}}, today=date(2026, 12, 1))
    assert offer.years == ["2026/27", "2025/26", "2024/25"]
    assert offer.default == "2026/27"
    assert offer.note == ""
    # Another council's figures do not count for a person elsewhere.
    assert year_offer({}, today=date(2026, 12, 1)).default == "2025/26"


def test_a_year_whose_figures_went_missing_is_explained_in_words(client, postcodes, stoke):
    amount = figure("capital.upper_limit", date(2025, 4, 6))
    rows = [
        ChargingFigureOverride.objects.create(
            local_authority=stoke, name=name, from_date=date(2026, 4, 6), amount=amount, cite="x"
        )
        for name in figure_names()
    ]
    answers = [(s, {"year": "2026/27"} if s == "year" else d) for s, d in HOME_ANSWERS]
    answer_all(client, answers)
    client.post(reverse("assessments:check", kwargs={"journey": "finance"}))
    rows[0].delete()
    result = client.get(reverse("assessments:result", kwargs={"journey": "finance"}))
    html = result.content.decode()
    assert result.context["estimate"] is None
    assert "We do not have the amounts for 2026 to 2027 yet" in html
    assert not MACHINE.search(html), MACHINE.search(html)


def test_the_working_names_each_figure_by_its_label(client, postcodes):
    answers = [
        (s, {"types": ["state_pension", "attendance_allowance", "other_benefit"]})
        if s == "income-types"
        else (s, {**d, "other_benefit__amount": "81.90"})
        if s == "income-amounts"
        else (s, d)
        for s, d in HOME_ANSWERS
    ]
    result = result_page(client, answers)
    html = result.content.decode()
    assert result.context["estimate"] is not None
    assert "Figure used: Minimum Income Guarantee: single, pension credit age or over" in html
    assert "Figures used: Lower capital limit" in html
    assert "Savings Credit disregard" not in html.split("How we worked it out")[0]
    assert not MACHINE.search(html), MACHINE.search(html)


# --- Money as people type it ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12,000", "12000"),
        ("£12,500.50", "12500.50"),
        (" 12 500 ", "12500"),
        ("£ 1,234.5", "1234.5"),
    ],
)
def test_money_is_accepted_as_people_type_it(client, postcodes, typed, stored):
    answer_all(client, HOME_ANSWERS[:4])
    response = client.post(q("capital"), {"capital": typed})
    assert response.status_code == 302, response.context["form"].errors
    assert Assessment.objects.get().answers["capital"] == {"capital": stored}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your savings and investments"),
        ("lots", "Enter your savings and investments in numbers, like 12,500 or 12,500.50"),
        ("12,50", "Check your savings and investments: put commas only between thousands"),
        ("-5", "Your savings and investments must be £0 or more"),
        ("12.345", "Enter your savings and investments in pounds and pence, like 150.50"),
        ("9" * 5000, "Your savings and investments must be £100,000,000 or less"),
    ],
)
def test_wrong_money_says_what_to_fix_in_a_few_words(client, postcodes, typed, message):
    answer_all(client, HOME_ANSWERS[:4])
    response = client.post(q("capital"), {"capital": typed})
    assert response.status_code == 200
    errors = response.context["form"].errors["capital"]
    assert len(errors) == 1 and errors[0].startswith(message)
    assert "How much do you have" not in errors[0]  # not the whole question again
    html = response.content.decode()
    if typed and len(typed) < 100:
        assert f'value="{typed}"' in html  # what was typed is kept


def test_weekly_income_amounts_take_commas_and_pound_signs(client, postcodes):
    answer_all(client, HOME_ANSWERS[:6])
    response = client.post(
        q("income-amounts"),
        {
            "state_pension__amount": "£230.25",
            "attendance_allowance__rate": "higher",
            "attendance_allowance__amount": "1,10.40",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["attendance_allowance__amount"] == [
        "Check the weekly amount of Attendance Allowance: put commas only between thousands, "
        "like 12,500"
    ]
    assert "state_pension__amount" not in errors


# --- Phone numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["abc", "123", "0" * 31, "0770 090", "+44"])
def test_a_phone_number_that_is_not_one_is_refused(client, postcodes, typed):
    response = client.post(reverse("assessments:ask"), {**ASK, "phone": typed})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        "Enter a phone number, like 01632 960 001 or 07700 900 982"
    ]
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "typed",
    ["024 7600 0000", "07700 900982", "+44 (0)7700 900982", "(01632) 960-001", "+33 1 23 45 67 89"],
)
def test_phone_numbers_are_accepted_as_people_write_them(client, postcodes, typed):
    response = client.post(reverse("assessments:ask"), {**ASK, "phone": typed})
    assert response.status_code == 302
    assert Referral.objects.get().details["phone"] == typed


def test_a_professional_must_give_a_real_phone_number(client, postcodes):
    from tests.assessments.test_referrals import PROFESSIONAL

    response = client.post(
        reverse("assessments:professional"), {**PROFESSIONAL, "referrer_phone": "call me"}
    )
    assert response.status_code == 200
    assert "referrer_phone" in response.context["form"].errors
    missing = client.post(
        reverse("assessments:professional"), {**PROFESSIONAL, "referrer_phone": ""}
    )
    assert missing.context["form"].errors["referrer_phone"] == ["Enter your phone number"]


# --- Times ------------------------------------------------------------------------------------


def test_the_time_a_request_was_sent_ends_with_one_full_stop(client, postcodes):
    response = client.post(reverse("assessments:ask"), ASK)
    html = client.get(response["Location"]).content.decode()
    sentence = re.search(r"Sent on [^<]*", html).group(0)
    assert re.search(r"at \d{1,2}:\d{2}(am|pm)\. Keep", sentence), sentence
    assert ".." not in sentence and "m.." not in html
