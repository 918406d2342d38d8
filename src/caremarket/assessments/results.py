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


#: How much each answer says about what a person needs: can't do it, not sure, hard but done.
NEED_WEIGHTS = {"needs_help": 3, "not_sure": 2, "struggling": 1}
#: Services suggested on a result page, best matches first; the directory holds the rest.
SUGGESTED_SERVICES = 10


def need_weights(journey: str, answers: Answers, result: Any) -> dict[str, int]:
    """Each need category's weight from what the person told us: the outcomes they cannot do,
    are unsure of or find hard, the kinds of condition they named and, for a carer, caring.

    Categories the rules add on their own (mental health support for a carer whose health is
    getting worse) get no weight: they are listed as places to look, but services are chosen
    only for needs the person gave, so a carer is never offered drug and alcohol support they
    did not ask about."""
    from caremarket.assessments.journeys import outcome_slug
    from caremarket.rules import eligibility as rules

    outcomes = rules.CARER_OUTCOMES if journey == "carer" else rules.ADULT_OUTCOMES
    unmet, unsure = set(result.unmet_outcomes), set(result.unsure_outcomes)
    weights: dict[str, int] = dict.fromkeys(result.suggested_categories, 0)
    for outcome in outcomes:
        ability = answers.get(outcome_slug(outcome), {}).get("ability")
        if outcome.code in unmet:
            weight = NEED_WEIGHTS["needs_help"]
        elif outcome.code in unsure:
            weight = NEED_WEIGHTS["not_sure"]
        elif ability == "with_difficulty":
            weight = NEED_WEIGHTS["struggling"]
        else:
            continue
        for code in outcome.categories:
            weights[code] = weights.get(code, 0) + weight
    if journey == "carer":
        for code in ("carers-support", "breaks-and-respite"):
            weights[code] = weights.get(code, 0) + 2
    else:
        for kind in answers.get("condition-kind", {}).get("conditions", []):
            for code in rules.IMPAIRMENT_KINDS.get(kind, ()):
                weights[code] = weights.get(code, 0) + 2
    return weights


def matching_services(weights: dict[str, int], council: LocalAuthority | None) -> list[Any]:
    """Directory services for the needs the person gave, the best match first: a service
    scores the weights of the categories it is filed under (ties by name)."""
    from django.db.models import Case, IntegerField, Sum, Value, When

    from caremarket.directory.models import Service

    wanted = {code: weight for code, weight in weights.items() if weight > 0}
    if not wanted:
        return []
    score = Sum(
        Case(
            *[When(categories__code=code, then=Value(w)) for code, w in wanted.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    services = (
        Service.objects.matching(list(wanted), council)
        .annotate(score=score)
        .select_related("organization")
        .order_by("-score", "name")
    )
    return list(services[:SUGGESTED_SERVICES])


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
    payload = eligibility_payload(journey, answers)
    try:
        result = assess(payload)
    except rules.EligibilityInputError as error:
        logger.warning(
            "eligibility refused: %s",
            ", ".join(sorted({p.split(":", 1)[0] for p in error.problems})),
        )
        return {
            "result": None,
            "headline": "",
            "problems": [
                "Some answers are missing or do not fit together. Check your answers, or ask "
                "the council."
            ],
        }
    weights = need_weights(journey, answers, result)
    categories = sorted(weights, key=lambda code: -weights[code])  # stable: the rules' order
    return {
        "result": result,
        "headline": result.headline,
        "likelihood": result.outcome.value,
        "problems": [],
        "unmet": _answered(journey, answers, result.unmet_outcomes),
        "unsure": _answered(journey, answers, result.unsure_outcomes),
        "categories": directory_links(categories),
        "services": matching_services(weights, council),
        "urgent_labels": [RISK_LABELS.get(c, c) for c in payload["urgent"]],
    }


def _answered(journey: str, answers: Answers, codes: list[str]) -> list[dict[str, Any]]:
    """The questions behind these outcomes as the person was asked them, with their answers."""
    from caremarket.assessments.journeys import flow_for, outcome_slug
    from caremarket.rules import eligibility as rules

    outcomes = rules.CARER_OUTCOMES if journey == "carer" else rules.ADULT_OUTCOMES
    flow = flow_for(journey)
    rows = []
    for outcome in outcomes:
        step = flow.step(outcome_slug(outcome))
        if outcome.code in codes and step is not None:
            rows.append(
                {
                    "question": outcome.question,
                    "answer": step.summary(answers.get(step.slug, {}), answers),
                }
            )
    return rows
