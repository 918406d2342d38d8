"""The front door in the words people use: the estimate's years and working, money and phone
numbers as people type them, and times without doubled full stops (issue 14)."""

from __future__ import annotations

import itertools
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from caremarket.assessments.finance import year_offer
from caremarket.assessments.models import Assessment, ChargingFigureOverride, Referral
from caremarket.rules.figures_store import figure, figure_names, financial_year_of
from tests.assessments.conftest import listed_service
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


# --- Check your answers and results in the words people answered ------------------------------


def regulation_words(html: str) -> list[str]:
    """Any outcome's regulation title, or a regulation reference, outside "Why we say this"."""
    from caremarket.rules.eligibility import ADULT_OUTCOMES, CARER_OUTCOMES

    outside = re.sub(r'<details class="govuk-details".*?</details>', "", html, flags=re.S)
    found = [o.title for o in (*ADULT_OUTCOMES, *CARER_OUTCOMES) if o.title in outside]
    return found + re.findall(r"reg\. \d", outside)


@pytest.mark.parametrize("journey", ["needs", "carer"])
def test_check_and_result_repeat_the_questions_people_answered(client, postcodes, journey):
    from caremarket.rules.eligibility import ADULT_OUTCOMES, CARER_OUTCOMES
    from tests.assessments.test_needs_journey import adult_answers, carer_answers, finish, walk

    outcomes = ADULT_OUTCOMES if journey == "needs" else CARER_OUTCOMES
    walk(client, journey, adult_answers() if journey == "needs" else carer_answers())
    check = client.get(reverse("assessments:check", kwargs={"journey": journey}))
    html = check.content.decode()
    for outcome in outcomes:
        assert f'<dt class="govuk-summary-list__key">{outcome.question}</dt>' in html
    assert regulation_words(html) == []
    assert "What is your postcode?:" not in html  # the question is the row's key, once
    result = finish(client, journey).content.decode()
    unmet = result.split('id="result-unmet"', 1)[1].split("</dl>", 1)[0]
    assert outcomes[0].question in unmet
    assert "I cannot do this" in unmet or "with difficulty" in unmet
    assert regulation_words(result) == []
    why = result.split("Why we say this", 1)[1]
    assert "reg. " in why and outcomes[0].plain.lower() in why
    assert not MACHINE.search(result), MACHINE.search(result)


def captions(client, journey, steps):
    from tests.assessments.test_needs_journey import q as question

    seen = []
    for step, data in steps:
        seen.append(client.get(question(journey, step)).context["caption"])
        client.post(question(journey, step), data)
    return seen


def progress_of(caption: str) -> tuple[int, int, int | None, int | None]:
    match = re.fullmatch(r"Part (\d+) of (\d+): [^,]+(?:, question (\d+) of (\d+))?", caption)
    assert match, caption
    part, parts, number, total = match.groups()
    return int(part), int(parts), int(number) if number else None, int(total) if total else None


@pytest.mark.parametrize("journey", ["needs", "carer", "finance"])
def test_progress_never_goes_backwards_or_jumps(client, postcodes, journey):
    from tests.assessments.test_needs_journey import adult_answers, carer_answers

    steps = {"needs": adult_answers(), "carer": carer_answers(), "finance": HOME_ANSWERS}[journey]
    seen = [progress_of(c) for c in captions(client, journey, steps)]
    assert {parts for _, parts, _, _ in seen} == {seen[0][1]}  # the number of parts is fixed
    assert seen[0][0] == 1 and seen[-1][0] == seen[0][1]
    for (part, _, number, total), (part2, _, number2, total2) in itertools.pairwise(seen):
        assert part2 in (part, part + 1)  # the same part or the next one, never back
        if part2 == part and number is not None:
            assert (number2, total2) == (number + 1, total)
        if part2 == part + 1 and number2 is not None:
            assert number2 == 1


def test_changing_an_answer_does_not_change_the_count_of_a_part(client, postcodes):
    from tests.assessments.test_needs_journey import adult_answers

    before = captions(client, "needs", adult_answers()[:6])
    client.post(
        reverse("assessments:question", kwargs={"journey": "needs", "step": "condition"}),
        {"impairment_or_illness": "no"},
    )
    outcome = reverse(
        "assessments:question", kwargs={"journey": "needs", "step": "outcome-nutrition"}
    )
    assert client.get(outcome).context["caption"] == before[4]


# --- Services suggested for the needs a person gave ----------------------------------------


def test_a_carer_is_offered_services_for_the_needs_they_gave_best_first(
    client, postcodes, coventry
):
    from tests.assessments.test_needs_journey import carer_answers, finish, walk

    listed_service("Drug and alcohol service", coventry, "mental-health")
    listed_service("Aardvark carers' centre", coventry, "carers-support")
    listed_service(
        "Zebra parents and carers group", coventry, "carers-support", "support-for-parents"
    )
    listed_service("Lunch club", coventry, "meals-and-food")
    answers = [
        (s, {"health_deteriorating": "yes"}) if s == "health" else (s, d)
        for s, d in carer_answers()
    ]
    walk(client, "carer", answers)
    result = finish(client, "carer")
    names = [s.name for s in result.context["services"]]
    # The one who looks after a child as well finds the group for both first, then carers'
    # support; nothing for drugs, alcohol or meals, which the carer did not mention.
    assert names == ["Zebra parents and carers group", "Aardvark carers' centre"]
    links = [c["label"] for c in result.context["categories"]]
    assert links[0] in ("Support for carers", "Support as a parent")


def test_suggestions_are_a_short_list_of_the_best_matches(client, postcodes, stoke):
    from caremarket.assessments.results import SUGGESTED_SERVICES
    from tests.assessments.test_needs_journey import adult_answers, finish, walk

    for n in range(SUGGESTED_SERVICES + 5):
        listed_service(f"Meals service {n:02d}", stoke, "meals-and-food")
    best = listed_service(
        "Zz meals, memory and help at home", stoke, "meals-and-food", "help-at-home"
    )
    walk(client, "needs", adult_answers(needs_help=1))
    services = finish(client, "needs").context["services"]
    assert len(services) == SUGGESTED_SERVICES
    assert services[0] == best


# --- Printing -----------------------------------------------------------------------------------


def test_result_pages_offer_printing_and_print_cleanly(client, postcodes):
    from django.contrib.staticfiles import finders

    result = result_page(client).content.decode()
    assert '<div data-print hidden><button type="button"' in result
    assert "Print your estimate" in result
    css = Path(finders.find("caremarket/app.css")).read_text(encoding="utf-8")
    printed = css.split("@media print", 1)[1]
    for hidden in (".govuk-service-navigation", ".govuk-footer", ".govuk-back-link", "main form"):
        assert hidden in printed
    assert "break-inside: avoid" in printed
    js = Path(finders.find("caremarket/app.js")).read_text(encoding="utf-8")
    assert "[data-print]" in js and "window.print()" in js


def test_negative_amounts_read_as_money(client, postcodes):
    from caremarket.assessments.templatetags.govuk_forms import pounds

    assert pounds(-2.35) == "−£2.35"
    assert pounds(12500.5) == "£12,500.50"
    assert pounds("not money") == ""
    poor = [
        (s, {"state_pension__amount": "100", **{k: v for k, v in d.items() if "state" not in k}})
        if s == "income-amounts"
        else (s, d)
        for s, d in HOME_ANSWERS
    ]
    result = result_page(client, poor).content.decode()
    assert "£-" not in result
    assert "−£" in result  # less is left than the guarantee


@pytest.mark.parametrize(
    ("amount", "words"),
    [("10.50", "10.5"), (Decimal("7.00"), "7"), (3.25, "3.25"), ("0", "0"), ("100", "100"),
     ("12.345", "12.35"), ("not hours", "not hours")],
)  # fmt: skip
def test_hours_read_as_people_write_them(amount, words):
    from caremarket.assessments.templatetags.govuk_forms import hours

    assert hours(amount) == words
