"""Council admins enter charging figures (e.g. 2026/27) without a code change; the estimate
uses them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse

from caremarket.assessments.models import ChargingFigureOverride
from caremarket.assessments.results import charge_result
from tests.assessments.test_finance_journey import HOME_ANSWERS


def answers_for(year: str) -> dict:
    answers = {step: data for step, data in HOME_ANSWERS}
    answers["year"] = {"year": year}
    answers["income-types"] = {"types": ["state_pension", "attendance_allowance"]}
    return answers


def test_an_admin_adds_a_figure_and_the_estimate_uses_it(client, stoke, stoke_admin):
    client.force_login(stoke_admin)
    url = reverse("assessments:charging_figures", kwargs={"council": "stoke-on-trent"})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "capital.lower_limit",
            "from_date": "6/4/2025",
            "amount": "10000",
            "cite": "Council decision 2025",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    row = ChargingFigureOverride.objects.get()
    assert (row.local_authority, row.from_date, row.amount) == (
        stoke,
        date(2025, 4, 6),
        Decimal("10000.00"),
    )
    page = client.get(url).content.decode()  # words, not the figures' dotted names
    assert '<option value="capital.lower_limit">Lower capital limit</option>' in page
    table = page.split('id="figure-overrides"')[1].split("</table>")[0]
    assert "Lower capital limit" in table and "£10,000.00" in table
    assert "capital.lower_limit" not in table
    from caremarket.accounts.models import AuditEvent

    event = AuditEvent.objects.get(action="added_charging_figure")
    assert event.detail == "Lower capital limit from 6 April 2025: £10,000.00"
    with_override = charge_result(answers_for("2025/26"), stoke)["estimate"]
    without = charge_result(answers_for("2025/26"), None)["estimate"]
    assert with_override["tariff_income"] > without["tariff_income"]


def test_a_council_admin_cannot_enter_national_figures(client, stoke, stoke_admin):
    client.force_login(stoke_admin)
    url = reverse("assessments:charging_figures", kwargs={"council": "stoke-on-trent"})
    client.post(
        url,
        {
            "name": "capital.lower_limit",
            "from_date": "6/4/2026",
            "amount": "14250",
            "cite": "x",
            "national": "on",
        },
    )
    assert ChargingFigureOverride.objects.get().local_authority == stoke


def test_bad_figure_input_is_refused(client, stoke, stoke_admin):
    client.force_login(stoke_admin)
    url = reverse("assessments:charging_figures", kwargs={"council": "stoke-on-trent"})
    response = client.post(url, {"name": "no.such", "from_date": "31/2/2026", "amount": "x"})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose a figure" in html
    assert "Enter a real date" in html
    assert not ChargingFigureOverride.objects.exists()


def test_2026_27_is_an_error_until_entered_then_estimated(stoke):
    from caremarket.rules.figures_store import load_figures

    result = charge_result(answers_for("2026/27"), stoke)
    assert result["estimate"] is None and result["problems"]
    start = date(2026, 4, 6)
    for name, figure in load_figures().items():
        latest = max(figure.values, key=lambda v: v.start)
        ChargingFigureOverride.objects.create(
            local_authority=None,
            name=name,
            from_date=start,
            amount=latest.amount,
            cite="LAC(DHSC)(2026)1 (test)",
        )
    result = charge_result(answers_for("2026/27"), stoke)
    assert result["problems"] == []
    assert result["estimate"]["financial_year"] == "2026/27"
    assert "LAC(DHSC)(2026)1 (test)" in result["estimate"]["figures"]
