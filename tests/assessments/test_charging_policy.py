"""A council admin sets the council's discretionary charging policy; the estimate follows it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from caremarket.accounts.models import AuditEvent
from caremarket.assessments.models import FrontDoorSettings
from caremarket.assessments.results import charge_result
from tests.assessments.test_charging_figures import answers_for

URL = reverse("assessments:settings", kwargs={"council": "stoke-on-trent"})
RETENTION = {
    "assessment_retention_days": "30",
    "referral_retention_days": "365",
    "out_of_hours_phone": "",
    "percentage_of_available_income_at_home": "100",
    "minimum_weekly_charge_at_home": "0",
}


def test_the_statutory_minimum_is_the_default(stoke):
    assert FrontDoorSettings.for_council(stoke).charging_policy() == {}
    assert charge_result(answers_for("2025/26"), stoke)["council_policy"] is False


def test_an_admin_sets_a_policy_and_the_estimate_uses_it(client, stoke, stoke_admin):
    client.force_login(stoke_admin)
    page = client.get(URL).content.decode()
    assert "Charging policy" in page and 'name="disregard_night_care_element"' in page
    before = charge_result(answers_for("2025/26"), stoke)["estimate"]
    response = client.post(
        URL,
        {
            **RETENTION,
            "disregard_night_care_element": "on",
            "percentage_of_available_income_at_home": "90",
            "maximum_weekly_charge_at_home": "50",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    settings = FrontDoorSettings.objects.get(local_authority=stoke)
    assert settings.charging_policy() == {
        "disregard_night_care_element": True,
        "percentage_of_available_income_at_home": "90.00",
        "maximum_weekly_charge_at_home": "50.00",
    }
    after = charge_result(answers_for("2025/26"), stoke)
    assert after["council_policy"] is True
    assert Decimal(str(after["estimate"]["weekly_contribution"])) <= Decimal("50")
    assert after["estimate"]["weekly_contribution"] < before["weekly_contribution"]
    # Another council's residents are charged by the regulations alone.
    assert charge_result(answers_for("2025/26"), None)["estimate"] == before
    assert AuditEvent.objects.filter(action="changed_front_door_settings").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"percentage_of_available_income_at_home": "120"}, "percentage", "from 0 to 100"),
        ({"percentage_of_available_income_at_home": "lots"}, "percentage", "in numbers"),
        ({"maximum_weekly_charge_at_home": "-5"}, "maximum", "from £0 to £10,000"),
        ({"minimum_weekly_charge_at_home": "9" * 40}, "minimum", ""),
        (
            {"upper_capital_limit_at_home": "20000", "lower_capital_limit_at_home": "30000"},
            "lower",
            "must be less than the upper limit",
        ),
        (
            {"minimum_weekly_charge_at_home": "60", "maximum_weekly_charge_at_home": "50"},
            "minimum",
            "cannot be more than the largest",
        ),
    ],
)
def test_bad_policy_values_are_refused_with_a_message(
    client, stoke, stoke_admin, changes, field, message
):
    client.force_login(stoke_admin)
    response = client.post(URL, {**RETENTION, **changes})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert message in page
    assert not FrontDoorSettings.objects.filter(local_authority=stoke).exists()
