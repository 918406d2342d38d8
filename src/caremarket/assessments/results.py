"""From answers to what the person sees: the rules' indication or estimate, plus services."""

from __future__ import annotations

import logging
from typing import Any

from caremarket.assessments.finance import charge_payload
from caremarket.assessments.flow import Answers
from caremarket.assessments.models import ChargingFigureOverride, FrontDoorSettings
from caremarket.places.models import LocalAuthority

logger = logging.getLogger(__name__)


def charge_result(answers: Answers, council: LocalAuthority | None) -> dict[str, Any]:
    """The estimate with its steps, or what stops it in words (never the rules' field keys)."""
    from caremarket.rules.charging import ChargingInputError, estimate
    from caremarket.rules.figures_store import year_has_figures, year_label_in_words

    payload = charge_payload(answers)
    policy = FrontDoorSettings.for_council(council).charging_policy()
    if policy:
        payload["policy"] = policy
    overrides = ChargingFigureOverride.objects.for_rules(council)
    year = str(payload.get("financial_year") or "")
    try:
        result = estimate(payload, overrides or None)
    except ChargingInputError as error:
        # Which checks failed, by field name only: never the amounts a person entered.
        logger.warning(
            "charging estimate refused: %s",
            ", ".join(sorted({p.split(":", 1)[0] for p in error.problems})),
        )
        if year and not year_has_figures(year, overrides or None):
            problem = (
                f"We do not have the amounts for {year_label_in_words(year)} yet, so we cannot "
                "estimate for that year. Change the year to one we have, or ask the council."
            )
        else:
            problem = (
                "Some of your answers do not fit together, so we cannot work out an estimate. "
                "Check your answers, or ask the council."
            )
        return {"estimate": None, "problems": [problem]}
    return {
        "estimate": result,
        "year_in_words": year_label_in_words(result["financial_year"]),
        "problems": [],
        "council_policy": bool(policy),
    }


def eligibility_payload(journey: str, answers: Answers) -> dict[str, Any]:
    """The rules' input (`assess_adult` / `assess_carer`) from the stored page answers."""
    from caremarket.assessments.journeys import outcome_slug, urgent_risks
    from caremarket.rules import eligibility as rules

    outcomes = rules.CARER_OUTCOMES if journey == "carer" else rules.ADULT_OUTCOMES
    payload: dict[str, Any] = {
        "outcomes": {
            o.code: {
                "ability": answers.get(outcome_slug(o), {}).get("ability"),
                "effects": [
                    e for e in answers.get(outcome_slug(o), {}).get("effects", []) if e != "none"
                ],
            }
            for o in outcomes
        },
        "wellbeing_impact": answers.get("wellbeing", {}).get("wellbeing_impact"),
        "fluctuating": answers.get("fluctuation", {}).get("fluctuation", "steady") != "steady",
        "urgent": urgent_risks(answers),
    }
    if journey == "carer":
        payload["provides_necessary_care"] = answers.get("caring", {}).get(
            "provides_necessary_care"
        )
        payload["health_deteriorating"] = answers.get("health", {}).get("health_deteriorating")
    else:
        payload["impairment_or_illness"] = answers.get("condition", {}).get("impairment_or_illness")
        payload["conditions"] = answers.get("condition-kind", {}).get("conditions", [])
    return payload


def matching_services(categories: list[str], council: LocalAuthority | None) -> list[Any]:
    """Directory services in these categories, the person's council's own (and national ones)."""
    from caremarket.directory.models import Service

    return list(Service.objects.matching(categories, council).select_related("organization")[:20])


def directory_links(categories: list[str]) -> list[dict[str, str]]:
    from django.urls import NoReverseMatch, reverse

    from caremarket.rules.eligibility import NEED_CATEGORIES

    try:
        base = reverse("directory:search")
    except NoReverseMatch:
        base = ""
    return [
        {
            "code": code,
            "label": NEED_CATEGORIES.get(code, code),
            "url": f"{base}?category={code}" if base else "",
        }
        for code in categories
    ]


def eligibility_result(
    journey: str, answers: Answers, council: LocalAuthority | None
) -> dict[str, Any]:
    """The rules' indication for a needs or carer's self-assessment, with services to try."""
    from caremarket.assessments.journeys import RISK_LABELS
    from caremarket.rules import eligibility as rules

    assess = rules.assess_carer if journey == "carer" else rules.assess_adult
    outcomes = rules.CARER_OUTCOMES if journey == "carer" else rules.ADULT_OUTCOMES
    payload = eligibility_payload(journey, answers)
    try:
        result = assess(payload)
    except rules.EligibilityInputError as error:
        return {"result": None, "headline": "", "problems": list(error.problems)}
    titles = {o.code: o.title for o in outcomes}
    categories = list(result.suggested_categories)
    if journey == "carer":
        # Every carer is pointed at carers' support and at breaks, whatever the indication.
        for code in ("carers-support", "breaks-and-respite"):
            if code not in categories:
                categories.append(code)
    return {
        "result": result,
        "headline": result.headline,
        "likelihood": result.outcome.value,
        "problems": [],
        "unmet": [titles[c] for c in result.unmet_outcomes],
        "unsure": [titles[c] for c in result.unsure_outcomes],
        "categories": directory_links(categories),
        "services": matching_services(categories, council),
        "urgent_labels": [RISK_LABELS.get(c, c) for c in payload["urgent"]],
    }
