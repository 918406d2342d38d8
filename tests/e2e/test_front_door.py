"""The front door in Chromium: each self-assessment completed with the keyboard only, axe on
every page, and a resident's referral reaching the right council's inbox and no other."""

from __future__ import annotations

import pytest

from caremarket.accounts.models import Membership, User
from caremarket.places.models import LocalAuthority, Postcode
from caremarket.rules.eligibility import ADULT_OUTCOMES, CARER_OUTCOMES
from tests.e2e.conftest import assert_accessible

TAB_LIMIT = 120


@pytest.fixture
def councils(transactional_db):
    stoke = LocalAuthority.objects.create(
        code="E06000021",
        name="Stoke-on-Trent",
        slug="stoke-on-trent",
        contact_email="asc@stoke.example",
        safeguarding_phone="0800 561 0015",
    )
    coventry = LocalAuthority.objects.create(
        code="E08000026",
        name="Coventry",
        slug="coventry",
        safeguarding_phone="024 7683 3003",
    )
    Postcode.objects.create(
        postcode="ST4 1AA",
        outward="ST4",
        latitude=53.0,
        longitude=-2.18,
        local_authority_code=stoke.code,
    )
    Postcode.objects.create(
        postcode="CV1 2AA",
        outward="CV1",
        latitude=52.4,
        longitude=-1.5,
        local_authority_code=coventry.code,
    )
    return stoke, coventry


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has focus, as a keyboard user would."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"could not reach {selector} with Tab on {page.url}")


def choose_radio(page, name: str, value: str) -> None:
    tab_to(page, f"input[type=radio][name='{name}']")
    for _ in range(12):
        if focused(page, f"input[value='{value}']"):
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio {name}={value} on {page.url}")


def tick(page, name: str, value: str) -> None:
    tab_to(page, f"input[type=checkbox][name='{name}'][value='{value}']")
    page.keyboard.press("Space")


def type_into(page, field_id: str, text: str) -> None:
    tab_to(page, f"#{field_id}")
    page.keyboard.type(text)


def press_continue(page, label: str = "") -> None:
    """Tab to the main button (its text containing `label`), press Enter; axe the next page."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate(
            """label => {
                const el = document.activeElement;
                return !!el && el.matches('.govuk-button:not(.govuk-button--secondary)')
                    && el.textContent.includes(label);
            }""",
            label,
        ):
            break
    else:
        raise AssertionError(f"no button {label!r} reached with Tab on {page.url}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    assert not page.js_errors, page.js_errors


def follow_link(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)


def start(page, journey: str) -> None:
    page.goto(f"/help/{journey}/")
    assert_accessible(page)
    press_continue(page)


def answer_outcomes(page, outcomes, unmet: int) -> None:
    for n, _outcome in enumerate(outcomes):
        assert page.locator("h1").count() == 1
        choose_radio(page, "ability", "needs_help" if n < unmet else "without_help")
        press_continue(page)


def test_needs_journey_with_the_keyboard_then_referral_reaches_the_right_inbox(
    page, councils, browser, live_server
):
    stoke, coventry = councils
    page.goto("/help/")
    assert_accessible(page)
    follow_link(page, "a[href='/help/needs/']")
    press_continue(page)
    type_into(page, "id_postcode", "st4 1aa")
    press_continue(page)
    tick(page, "risks", "no_food")
    press_continue(page)
    # The very next page: who to call now, with the council's safeguarding number.
    assert "Get help now" in page.locator("h1").inner_text()
    assert stoke.safeguarding_phone in page.content()
    follow_link(page, "a.govuk-button")
    choose_radio(page, "impairment_or_illness", "yes")
    press_continue(page)
    tick(page, "conditions", "physical")
    press_continue(page)
    answer_outcomes(page, ADULT_OUTCOMES, unmet=2)
    choose_radio(page, "wellbeing_impact", "yes")
    press_continue(page)
    choose_radio(page, "fluctuation", "some_days")
    press_continue(page)
    assert "Check your answers" in page.locator("h1").inner_text()
    # A change link and back again.
    follow_link(page, "a[href*='/q/wellbeing/?change=1']")
    press_continue(page)
    assert "Check your answers" in page.locator("h1").inner_text()
    press_continue(page, "See your result")
    assert "Likely eligible" in page.locator("h1").inner_text()
    assert "An indication, not a decision" in page.content()
    follow_link(page, "a[href='/help/needs/refer/']")
    type_into(page, "id_name", "Ada Example")
    type_into(page, "id_phone", "01782 000000")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    press_continue(page, "Send to the council")
    reference = page.locator("#referral-reference").inner_text().strip()
    assert len(reference) == 10

    staff_context = browser.new_context(base_url=live_server.url)
    staff_page = staff_context.new_page()
    for username, council, sees in [("stoke", stoke, True), ("cov", coventry, False)]:
        user = User.objects.create_user(username, password="a long enough password")
        Membership.objects.create(user=user, local_authority=council, role="practitioner")
        staff_page.goto("/sign-in/")
        staff_page.fill("#id_username", username)
        staff_page.fill("#id_password", "a long enough password")
        staff_page.keyboard.press("Enter")
        staff_page.wait_for_url("**/staff/")
        staff_page.goto(f"/staff/{council.slug}/referrals/")
        assert_accessible(staff_page)
        assert (reference in staff_page.content()) is sees
        if sees:
            staff_page.get_by_role("link", name=reference).click()
            assert "Ada Example" in staff_page.content()
            assert_accessible(staff_page)
        staff_page.context.clear_cookies()
    staff_context.close()


def test_carer_journey_with_the_keyboard(page, councils):
    start(page, "carer")
    type_into(page, "id_postcode", "CV1 2AA")
    press_continue(page)
    tick(page, "risks", "none")
    press_continue(page)
    choose_radio(page, "provides_necessary_care", "yes")
    press_continue(page)
    choose_radio(page, "health_deteriorating", "yes")
    press_continue(page)
    # The first outcome "with difficulty": its effects appear, without "takes longer".
    choose_radio(page, "ability", "with_difficulty")
    assert page.locator("input[value='takes_significantly_longer']").count() == 0
    tick(page, "effects", "significant_pain_distress_or_anxiety")
    press_continue(page)
    answer_outcomes(page, CARER_OUTCOMES[1:], unmet=0)
    choose_radio(page, "wellbeing_impact", "yes")
    press_continue(page)
    choose_radio(page, "fluctuation", "steady")
    press_continue(page)
    press_continue(page, "See your result")
    assert "carer" in page.locator("h1").inner_text().lower()
    assert "A break from caring" in page.content()


def at_both_widths(page) -> None:
    """Axe and no sideways scrolling at desktop (1280 px) and phone (390 px) widths."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width}px"
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_finance_journey_with_the_keyboard_no_year_chosen_and_save_and_return(page, councils):
    start(page, "finance")
    type_into(page, "id_postcode", "ST4 1AA")
    press_continue(page)
    # Only years with figures, newest first, the default already chosen: nobody has to choose.
    labels = page.locator(".govuk-radios__label").all_inner_texts()
    assert labels == sorted(labels, reverse=True) and "2025 to 2026" in labels
    assert page.locator("input[name=year]:checked").count() == 1
    at_both_widths(page)
    press_continue(page)
    choose_radio(page, "setting", "home")
    press_continue(page)
    type_into(page, "id_age", "70")
    press_continue(page)
    type_into(page, "id_capital", "18400")
    # Save and come back later, by reference.
    tab_to(page, "button[name=save]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    reference = page.locator(".cm-reference").inner_text().strip()
    page.context.clear_cookies()
    page.goto("/help/return/")
    assert_accessible(page)
    type_into(page, "id_reference", reference)
    press_continue(page)
    assert "/q/income-types/" in page.url
    tick(page, "types", "state_pension")
    tick(page, "types", "attendance_allowance")
    press_continue(page)
    type_into(page, "id_state_pension__amount", "230.25")
    choose_radio(page, "attendance_allowance__rate", "higher")
    type_into(page, "id_attendance_allowance__amount", "110.40")
    press_continue(page)
    choose_radio(page, "night_care", "no")
    press_continue(page)
    type_into(page, "id_dre", "20")
    press_continue(page)
    type_into(page, "id_housing", "0")
    press_continue(page)
    type_into(page, "id_cost", "300")
    press_continue(page)
    press_continue(page, "See your estimate")
    assert "a week" in page.locator("h1").inner_text() or "pay" in page.locator("h1").inner_text()
    assert page.locator("#estimate-steps li").count() >= 3
    assert "This is an estimate, not a decision" in page.content()
    assert "Estimate for 2025 to 2026" in page.locator(".govuk-caption-l").inner_text()
    assert "Figure used: " in page.locator("#estimate-steps").inner_text()
    assert page.get_by_role("button", name="Print your estimate").is_visible()
    at_both_widths(page)


def test_error_summary_is_accessible_and_keeps_values(page, councils):
    start(page, "finance")
    type_into(page, "id_postcode", "not a postcode!")
    press_continue(page)
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").count() == 1
    assert page.input_value("#id_postcode") == "NOT A POSTCODE!" or page.input_value(
        "#id_postcode"
    ).lower().startswith("not")


def test_professional_and_ask_forms_pass_axe(page, councils):
    for path in ["/help/ask/", "/help/professional/", "/help/delete/", "/help/privacy/needs/"]:
        page.goto(path)
        assert_accessible(page)


def test_ask_for_help_with_an_unknown_postcode_by_keyboard(page, councils):
    page.goto("/help/ask/")
    assert_accessible(page)
    choose_radio(page, "who", "self")
    type_into(page, "id_name", "Ada Example")
    type_into(page, "id_postcode", "ZZ9 9ZZ")
    type_into(page, "id_phone", "01782 000000")
    type_into(page, "id_needs", "Help getting washed")
    choose_radio(page, "urgency", "routine")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    press_continue(page, "Send to the council")
    assert page.title().startswith("Error: ")
    tab_to(page, "#id_council")
    page.keyboard.press("ArrowDown")  # the first council in the list
    page.keyboard.press("ArrowDown")
    press_continue(page, "Send to the council")
    assert "Request sent to" in page.locator("h1").inner_text()


def test_professional_referral_by_keyboard(page, councils):
    page.goto("/help/professional/")
    type_into(page, "id_referrer_name", "Dr Grace Hopper")
    type_into(page, "id_referrer_role", "GP")
    choose_radio(page, "organisation_type", "gp")
    type_into(page, "id_organisation", "Hanley Health Centre")
    type_into(page, "id_referrer_phone", "01782 111111")
    type_into(page, "id_referrer_email", "grace@nhs.example")
    type_into(page, "id_name", "Alan Example")
    type_into(page, "id_postcode", "ST4 1AA")
    choose_radio(page, "consent", "no")
    press_continue(page, "Send the referral")
    assert "Say why you are referring" in page.content()
    type_into(page, "id_no_consent_reason", "Lacks capacity to decide")
    type_into(page, "id_needs", "Falls at home")
    choose_radio(page, "urgency", "urgent")
    press_continue(page, "Send the referral")
    assert "Request sent to Stoke-on-Trent" in page.locator("h1").inner_text()
