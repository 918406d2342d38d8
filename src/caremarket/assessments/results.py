"""From answers to what the person sees: the rules' indication or estimate, plus services."""

from __future__ import annotations

from typing import Any

from caremarket.assessments.finance import charge_payload
from caremarket.assessments.flow import Answers
from caremarket.assessments.models import ChargingFigureOverride
from caremarket.places.models import LocalAuthority


def charge_result(answers: Answers, council: LocalAuthority | None) -> dict[str, Any]:
    """The estimate with its steps, or the problems (e.g. a year with no figures yet)."""
    from caremarket.rules.charging import ChargingInputError, estimate

    payload = charge_payload(answers)
    overrides = ChargingFigureOverride.objects.for_rules(council)
    try:
        return {"estimate": estimate(payload, overrides or None), "problems": []}
    except ChargingInputError as error:
        return {"estimate": None, "problems": list(error.problems)}


def eligibility_result(
    journey: str, answers: Answers, council: LocalAuthority | None
) -> dict[str, Any]:
    """The rules' indication for a needs or carer's self-assessment, with services to try."""
    raise NotImplementedError
