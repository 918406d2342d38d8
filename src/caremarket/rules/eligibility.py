"""Care Act eligibility: an indication, never a decision, of whether needs meet the criteria.

People want to know whether asking the council is worth it, and the front door wants the likely
ones referred; this applies the Care and Support (Eligibility Criteria) Regulations 2015
(SI 2015/313) to a person's own answers. Reg. 2 covers adults with care needs, reg. 3 carers.
Only the council decides, after a needs or carer's assessment (Care Act 2014, ss.9-10, 13).

The outcome definitions are data (:data:`ADULT_OUTCOMES`, :data:`CARER_OUTCOMES`) so the web
journey can build one question page per outcome; each maps to directory need categories
(:data:`NEED_CATEGORIES`, the directory's taxonomy) and to equipment and technology ideas.

"May be eligible" is defined precisely: no condition was answered "no", the answers do not
already show likely eligibility, and at least one outcome is (or may be) not achieved, or a
condition was answered "not sure", or needs fluctuate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "ABILITIES",
    "ADULT_CONDITIONS",
    "ADULT_EFFECTS",
    "ADULT_OUTCOMES",
    "ANSWERS",
    "CARER_EFFECTS",
    "CARER_OUTCOMES",
    "EFFECTS",
    "IMPAIRMENT_KINDS",
    "NEED_CATEGORIES",
    "URGENT_FLAGS",
    "EligibilityInputError",
    "EligibilityResult",
    "Likelihood",
    "Outcome",
    "assess_adult",
    "assess_carer",
]

NEED_CATEGORIES: dict[str, str] = {
    "help-at-home": "Help at home",
    "personal-care": "Personal care",
    "meals-and-food": "Meals and food",
    "equipment-and-adaptations": "Equipment and adaptations",
    "telecare": "Telecare and alarms",
    "memory-problems": "Memory problems and dementia",
    "mental-health": "Mental health and wellbeing",
    "sight-and-hearing": "Sight and hearing loss",
    "learning-disabilities": "Learning disabilities and autism",
    "social-groups": "Social groups and activities",
    "day-opportunities": "Day opportunities",
    "getting-out-and-about": "Getting out and about",
    "work-learning-and-volunteering": "Work, learning and volunteering",
    "support-for-parents": "Support as a parent",
    "carers-support": "Support for carers",
    "breaks-and-respite": "A break from caring",
    "housing-options": "Housing options, extra care and care homes",
    "money-and-benefits": "Money and benefits advice",
}
"""The directory's taxonomy of needs: stable code → plain label."""


class Likelihood(StrEnum):
    """How likely the needs are to meet the criteria; an indication only."""

    LIKELY = "likely_eligible"
    MAY = "may_be_eligible"
    UNLIKELY = "unlikely_to_be_eligible"


HEADLINES: dict[Likelihood, str] = {
    Likelihood.LIKELY: "Likely eligible — a referral is suggested",
    Likelihood.MAY: "May be eligible — a needs assessment would tell you",
    Likelihood.UNLIKELY: "Unlikely to be eligible",
}
CARER_HEADLINES: dict[Likelihood, str] = {
    Likelihood.LIKELY: "Likely eligible for carer's support — a referral is suggested",
    Likelihood.MAY: "May be eligible for carer's support — a carer's assessment would tell you",
    Likelihood.UNLIKELY: "Unlikely to be eligible for carer's support",
}


@dataclass(frozen=True)
class Outcome:
    """One outcome in the regulations, worded for a question page."""

    code: str
    regulation: str
    plain: str
    """The outcome in a resident's words, for results and reasons ("Dressing and undressing")."""
    title: str
    """The regulation's own words, for staff and citations."""
    question: str
    hint: str
    categories: tuple[str, ...]
    suggestions: tuple[str, ...] = ()
    not_applicable: str | None = None
    """Label of a "this does not apply to me" answer, where the outcome may not apply."""

    @property
    def may_not_apply(self) -> bool:
        """True when ``not_applicable`` is an allowed answer (no child, no wish to work...)."""
        return self.not_applicable is not None


ADULT_OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "nutrition",
        "reg. 2(2)(a)",
        "Getting food and drink, and eating enough",
        "Managing and maintaining nutrition",
        "Can you get food in, make meals and drinks, and eat and drink enough?",
        "Think about shopping, cooking, using the kettle and remembering to eat.",
        ("meals-and-food", "help-at-home"),
        (
            "kettle tipper or one-cup hot water dispenser",
            "perching stool and kitchen trolley",
            "easy-grip cutlery and non-slip mats",
            "online grocery delivery or a meals service",
        ),
    ),
    Outcome(
        "personal_hygiene",
        "reg. 2(2)(b)",
        "Washing yourself and keeping your clothes clean",
        "Maintaining personal hygiene",
        "Can you wash yourself and keep your clothes clean?",
        "Think about getting in and out of the bath or shower, and doing the washing.",
        ("personal-care", "equipment-and-adaptations"),
        (
            "bath board, bath lift or shower seat",
            "grab rails",
            "long-handled sponge or toe washer",
            "level-access shower (a Disabled Facilities Grant may help)",
        ),
    ),
    Outcome(
        "toilet_needs",
        "reg. 2(2)(c)",
        "Getting to and using the toilet",
        "Managing toilet needs",
        "Can you get to and use the toilet, and manage continence?",
        "Think about getting there in time, day and night.",
        ("personal-care", "equipment-and-adaptations"),
        (
            "raised toilet seat or toilet frame",
            "commode for night-time",
            "continence products and advice",
        ),
    ),
    Outcome(
        "being_clothed",
        "reg. 2(2)(d)",
        "Dressing and undressing",
        "Being appropriately clothed",
        "Can you dress and undress, in clothes that suit the weather and the occasion?",
        "Think about buttons, zips, socks and shoes.",
        ("personal-care",),
        (
            "long-handled shoe horn and sock aid",
            "button hook and zip puller",
            "clothes with easy fastenings",
        ),
    ),
    Outcome(
        "home_safety",
        "reg. 2(2)(e)",
        "Moving around your home safely",
        "Being able to make use of the home safely",
        "Can you move around your home safely, including stairs, doors and the cooker?",
        "Think about falls, getting up from a chair, and answering the door.",
        ("equipment-and-adaptations", "telecare"),
        (
            "personal alarm pendant or falls detector",
            "grab rails, stair rail or stairlift",
            "key safe for carers and emergency services",
            "linked smoke, heat and gas detectors",
            "video doorbell",
        ),
    ),
    Outcome(
        "habitable_home",
        "reg. 2(2)(f)",
        "Keeping your home clean, warm and safe, and paying the bills",
        "Maintaining a habitable home environment",
        "Can you keep your home clean, warm and safe enough to live in, and pay the bills?",
        "Think about cleaning, heating, rubbish, repairs and paying for gas and electricity.",
        ("help-at-home", "housing-options", "money-and-benefits"),
        (
            "lightweight or robot vacuum cleaner",
            "smart thermostat or heating controls you can reach",
            "handyperson service for small repairs",
            "Direct Debits set up for the bills",
        ),
    ),
    Outcome(
        "relationships",
        "reg. 2(2)(g)",
        "Keeping in touch with family and friends",
        "Developing and maintaining family or other personal relationships",
        "Can you keep in touch with family and friends and make new friends?",
        "Think about whether you feel lonely or cut off.",
        ("social-groups", "day-opportunities"),
        (
            "simple tablet or phone for video calls",
            "big-button phone with photo speed dial",
            "befriending calls or visits",
        ),
    ),
    Outcome(
        "work_and_learning",
        "reg. 2(2)(h)",
        "Work, training, education or volunteering",
        "Accessing and engaging in work, training, education or volunteering",
        "Can you take part in work, training, education or volunteering as you want to?",
        "Answer 'does not apply' if you do not want to do any of these.",
        ("work-learning-and-volunteering",),
        (
            "Access to Work support from the Department for Work and Pensions",
            "screen reader, magnifier or voice control software",
        ),
        "I do not want to work, train, study or volunteer",
    ),
    Outcome(
        "community_services",
        "reg. 2(2)(i)",
        "Getting out to the shops, the GP and other places",
        "Making use of necessary facilities or services in the local community",
        "Can you get out to the shops, the GP, public transport, and leisure and social places?",
        "Think about getting there, getting in, and getting home again.",
        ("getting-out-and-about", "social-groups", "day-opportunities"),
        (
            "walking aids, wheelchair or mobility scooter",
            "Blue Badge and disabled person's bus pass",
            "community transport or dial-a-ride",
        ),
    ),
    Outcome(
        "caring_for_a_child",
        "reg. 2(2)(j)",
        "Looking after a child you are responsible for",
        "Carrying out any caring responsibilities for a child",
        "Can you look after any child you are responsible for?",
        "Think about getting them to school, meals and bedtimes.",
        ("support-for-parents",),
        ("parenting support from the council's family services",),
        "I do not look after a child",
    ),
)
"""Reg. 2(2): the ten outcomes for adults with care needs, in the regulation's order."""

CARER_OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "caring_for_a_child",
        "reg. 3(2)(b)(i)",
        "Looking after a child you are responsible for",
        "Carrying out any caring responsibilities for a child",
        "Alongside caring, can you look after any child you are responsible for?",
        "Think about school runs, meals and time with them.",
        ("support-for-parents", "carers-support"),
        ("parenting support from the council's family services",),
        "I do not look after a child",
    ),
    Outcome(
        "caring_for_others",
        "reg. 3(2)(b)(ii)",
        "Caring for anyone else you look after",
        "Providing care to other persons for whom the carer provides care",
        "Can you also care for anyone else you look after?",
        "Answer 'does not apply' if you care for only one person.",
        ("carers-support", "breaks-and-respite"),
        ("shared online calendar or care app for the family",),
        "I care for only one person",
    ),
    Outcome(
        "habitable_home",
        "reg. 3(2)(b)(iii)",
        "Keeping your own home clean, warm and safe",
        "Maintaining a habitable home environment in the carer's home",
        "Can you keep your own home clean, warm and safe to live in?",
        "Think about cleaning, heating, repairs and bills.",
        ("help-at-home", "money-and-benefits"),
        ("handyperson service for small repairs", "Direct Debits set up for the bills"),
    ),
    Outcome(
        "nutrition",
        "reg. 3(2)(b)(iv)",
        "Eating properly yourself",
        "Managing and maintaining nutrition",
        "Do you have the time and energy to eat properly yourself?",
        "Think about skipping meals because of caring.",
        ("meals-and-food",),
        ("online grocery delivery", "batch cooking or a meals service"),
    ),
    Outcome(
        "relationships",
        "reg. 3(2)(b)(v)",
        "Keeping up your relationships with family and friends",
        "Developing and maintaining family or other personal relationships",
        "Can you keep up your relationships with family and friends?",
        "Think about whether caring leaves you cut off.",
        ("carers-support", "social-groups"),
        ("carers' groups, online or in person",),
    ),
    Outcome(
        "work_and_learning",
        "reg. 3(2)(b)(vi)",
        "Work, training, study or volunteering",
        "Engaging in work, training, education or volunteering",
        "Can you work, train, study or volunteer as you want to?",
        "Answer 'does not apply' if you do not want to do any of these.",
        ("work-learning-and-volunteering", "carers-support"),
        ("asking your employer about carer's leave and flexible working",),
        "I do not want to work, train, study or volunteer",
    ),
    Outcome(
        "community_services",
        "reg. 3(2)(b)(vii)",
        "Getting out to the shops, your GP and other services",
        "Making use of necessary facilities or services in the local community",
        "Can you get out to the shops, your GP and other services you need?",
        "Think about whether you can leave the person you care for.",
        ("getting-out-and-about", "breaks-and-respite"),
        ("telecare so you can leave the person you care for with peace of mind",),
    ),
    Outcome(
        "recreation",
        "reg. 3(2)(b)(viii)",
        "Having time for things you enjoy",
        "Engaging in recreational activities",
        "Do you get time for things you enjoy?",
        "Think about hobbies, exercise and rest.",
        ("breaks-and-respite", "social-groups"),
        ("a sitting service or short break for the person you care for",),
    ),
)
"""Reg. 3(2)(b): the eight outcomes for carers, in the regulation's order."""

ABILITIES: dict[str, str] = {
    "without_help": "I can do this on my own without difficulty",
    "with_difficulty": "I can do this on my own, but with difficulty",
    "needs_help": "I cannot do this without help",
    "not_sure": "I am not sure",
    "not_applicable": "This does not apply to me",
}
"""Answers to an outcome's question."""

EFFECTS: dict[str, str] = {
    "significant_pain_distress_or_anxiety": "It causes me significant pain, distress or anxiety",
    "endangers_health_or_safety": "It puts my health or safety, or someone else's, at risk",
    "takes_significantly_longer": "It takes me much longer than it would normally take",
}
"""What doing it "with difficulty" involves: the limbs of reg. 2(3) and 3(3)."""

ADULT_EFFECTS: dict[str, str] = {
    "significant_pain_distress_or_anxiety": "reg. 2(3)(b)",
    "endangers_health_or_safety": "reg. 2(3)(c)",
    "takes_significantly_longer": "reg. 2(3)(d)",
}
CARER_EFFECTS: dict[str, str] = {
    "significant_pain_distress_or_anxiety": "reg. 3(3)(b)",
    "endangers_health_or_safety": "reg. 3(3)(c)",
}
"""Carers have three limbs, not four: taking longer does not count (reg. 3(3))."""

_EFFECT_REASONS: dict[str, str] = {
    "significant_pain_distress_or_anxiety": "it causes you significant pain, distress or anxiety",
    "endangers_health_or_safety": "it puts your health or safety, or someone else's, at risk",
    "takes_significantly_longer": "it takes you much longer than it would normally take",
}

ANSWERS = ("yes", "no", "not_sure")
"""Answers to the condition questions (true and false are also accepted)."""

ADULT_CONDITIONS: dict[str, str] = {
    "impairment_or_illness": "Do your needs come from a physical or mental health condition, "
    "disability, illness or injury?",
    "wellbeing_impact": "Does not being able to do these things have a big effect on your "
    "wellbeing: your health, safety, dignity, relationships or control over your life?",
}
CARER_CONDITIONS: dict[str, str] = {
    "provides_necessary_care": "Do you look after an adult who could not manage without your help?",
    "health_deteriorating": "Is your physical or mental health getting worse, or at risk of "
    "getting worse, because of caring?",
    "wellbeing_impact": "Does caring have a big effect on your wellbeing: your health, "
    "relationships, finances, or control over your life?",
}

IMPAIRMENT_KINDS: dict[str, tuple[str, ...]] = {
    "physical": ("equipment-and-adaptations",),
    "memory": ("memory-problems",),
    "mental_health": ("mental-health",),
    "sight_or_hearing": ("sight-and-hearing",),
    "learning_disability_or_autism": ("learning-disabilities",),
    "long_term_condition": (),
    "other": (),
}
"""Optional ``conditions`` answer for adults: kinds of condition → extra need categories."""


@dataclass(frozen=True)
class UrgentFlag:
    """A situation that needs help today, before any assessment."""

    question: str
    reason: str


URGENT_FLAGS: dict[str, UrgentFlag] = {
    "at_risk_of_harm": UrgentFlag(
        "Is someone hurting, neglecting or exploiting you or the person you care for, or are "
        "you afraid they will?",
        "Someone may be at risk of harm or abuse: call 999 if anyone is in immediate danger; "
        "otherwise contact the council's adult safeguarding team today.",
    ),
    "no_food": UrgentFlag(
        "Are you without food, heating or water today?",
        "There is no food, heating or water: contact the council today; a local food bank or "
        "emergency support scheme may also help at once.",
    ),
    "alone_unsafe": UrgentFlag(
        "Are you unable to get up, wash, eat or use the toilet, with nobody helping?",
        "Basic needs are not being met and nobody is helping: contact the council's adult "
        "social care team today, or call 999 if anyone is in immediate danger.",
    ),
    "cared_for_unsafe": UrgentFlag(
        "Is the person you care for unsafe on their own, with nobody else to help?",
        "The person you care for is not safe on their own: contact the council's adult social "
        "care team today, or call 999 if anyone is in immediate danger.",
    ),
    "self_harm": UrgentFlag(
        "Are you thinking about harming yourself?",
        "You may be at risk of harming yourself: call 999 if you are in danger now; you can "
        "call NHS 111 (option 2, mental health) or Samaritans free on 116 123 at any time.",
    ),
    "carer_breakdown": UrgentFlag(
        "Has the person who usually provides care become unable to, or is about to stop?",
        "Care is breaking down: contact the council's adult social care team today so that "
        "care can be arranged quickly.",
    ),
}
"""Flags the UI uses to show emergency and safeguarding contacts at once."""

_DISCLAIMER = (
    "This is an indication, not a decision: only the council can decide, after an assessment. "
    "Anyone who appears to need care and support, and any carer who appears to need support, "
    "can ask for one (Care Act 2014, ss.9 and 10)."
)
_PREVENTION = (
    "Whatever the result, the council must give information and advice, and may offer help "
    "that stops needs growing (Care Act 2014, ss.2 and 4)."
)


class EligibilityInputError(ValueError):
    """The answers cannot be assessed; ``problems`` has one line per problem, naming the field."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass
class EligibilityResult:
    """What the answers suggest, with reasons; an indication, never a decision."""

    outcome: Likelihood
    headline: str
    reasons: list[str]
    unmet_outcomes: list[str]
    unsure_outcomes: list[str] = field(default_factory=list)
    suggested_categories: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    urgent: bool = False
    urgent_reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data for the API."""
        data = asdict(self)
        data["outcome"] = self.outcome.value
        return data


@dataclass(frozen=True)
class _Answer:
    outcome: Outcome
    ability: str
    effects: tuple[str, ...]


# --- reading answers ------------------------------------------------------------------------


def _yes_no(answers: Mapping[Any, Any], key: str, problems: list[str]) -> str | None:
    value = answers.get(key)
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "":
        problems.append(f"{key}: is required: one of {', '.join(ANSWERS)}")
        return None
    if not isinstance(value, str) or value not in ANSWERS:
        problems.append(f"{key}: must be one of {', '.join(ANSWERS)}")
        return None
    return value


def _flag(answers: Mapping[Any, Any], key: str, problems: list[str]) -> bool:
    value = answers.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        problems.append(f"{key}: must be true or false")
        return False
    return value


def _codes(value: Any, key: str, options: Sequence[str], problems: list[str]) -> list[str]:
    """A list of codes, or a mapping of code to true/false; unknown codes are problems."""
    if value is None:
        return []
    chosen: list[str] = []
    if isinstance(value, Mapping):
        for code, on in value.items():
            if code not in options:
                problems.append(f"{key}.{code}: unknown; known: {', '.join(options)}")
            elif not isinstance(on, bool):
                problems.append(f"{key}.{code}: must be true or false")
            elif on:
                chosen.append(code)
        return chosen
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        problems.append(f"{key}: must be a list of codes: {', '.join(options)}")
        return []
    for index, code in enumerate(value):
        if not isinstance(code, str) or code not in options:
            problems.append(f"{key}[{index}]: must be one of {', '.join(options)}")
        elif code not in chosen:
            chosen.append(code)
    return chosen


def _outcome_answers(value: Any, outcomes: Sequence[Outcome], problems: list[str]) -> list[_Answer]:
    if not isinstance(value, Mapping):
        problems.append(
            "outcomes: must be an object with an answer for each outcome: "
            + ", ".join(outcome.code for outcome in outcomes)
        )
        return []
    known = {outcome.code for outcome in outcomes}
    for code in value:
        if code not in known:
            problems.append(f"outcomes.{code}: unknown outcome; known: {', '.join(sorted(known))}")
    answers: list[_Answer] = []
    for outcome in outcomes:
        key = f"outcomes.{outcome.code}"
        choices = [a for a in ABILITIES if a != "not_applicable" or outcome.not_applicable]
        raw = value.get(outcome.code)
        effects_raw: Any = None
        if isinstance(raw, Mapping):
            for extra in raw:
                if extra not in ("ability", "effects"):
                    problems.append(f"{key}.{extra}: unknown field")
            ability, effects_raw, key = raw.get("ability"), raw.get("effects"), key + ".ability"
        else:
            ability = raw
        if ability is None or ability == "":
            problems.append(f"{key}: answer missing; give one of {', '.join(choices)}")
            continue
        if not isinstance(ability, str) or ability not in choices:
            problems.append(f"{key}: must be one of {', '.join(choices)}")
            continue
        effects = _codes(effects_raw, f"outcomes.{outcome.code}.effects", list(EFFECTS), problems)
        answers.append(_Answer(outcome, ability, tuple(effects)))
    return answers


def _check_keys(answers: Mapping[Any, Any], known: Sequence[str], problems: list[str]) -> None:
    for key in answers:
        if key not in known:
            problems.append(f"{key}: unknown field")


# --- deciding -------------------------------------------------------------------------------


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:]


def _unmet_count(count: int, total: int) -> str:
    if count == 0:
        return f"Your answers show none of the {total} outcomes that you cannot achieve"
    return f"You cannot achieve {count} of the {total} outcomes"


def _judge(
    answers: Sequence[_Answer], limbs: Mapping[str, str], unable: str, reasons: list[str]
) -> tuple[list[_Answer], list[_Answer], list[_Answer]]:
    """Split answers into not achieved, unsure, and achieved-with-difficulty; add reasons."""
    unmet: list[_Answer] = []
    unsure: list[_Answer] = []
    struggling: list[_Answer] = []
    for answer in answers:
        title = _lower_first(answer.outcome.plain)
        ref = answer.outcome.regulation
        if answer.ability == "needs_help":
            unmet.append(answer)
            reasons.append(
                f"Not achieved — {title}: you cannot do it without help ({ref}; {unable})."
            )
        elif answer.ability == "with_difficulty":
            counted = [effect for effect in answer.effects if effect in limbs]
            if counted:
                unmet.append(answer)
                why = "; ".join(
                    f"{_EFFECT_REASONS[effect]} ({ref}; {limbs[effect]})" for effect in counted
                )
                reasons.append(f"Not achieved — {title}: you can do it, but {why}.")
            else:
                struggling.append(answer)
                if "takes_significantly_longer" in answer.effects:
                    reasons.append(
                        f"Achieved — {title}: for a carer, taking much longer than normal does "
                        f"not count as being unable to achieve an outcome ({ref}; reg. 3(3) has "
                        "no such limb)."
                    )
                else:
                    reasons.append(
                        f"Achieved — {title}: you can do it with some difficulty, but without "
                        f"the pain, distress, anxiety or risk the rules look for ({ref})."
                    )
        elif answer.ability == "not_sure":
            unsure.append(answer)
            reasons.append(
                f"Not sure — {title}: an assessment would look at this with you ({ref})."
            )
    return unmet, unsure, struggling


def _categories(
    answers: Sequence[_Answer], first: Sequence[str] = (), extra: Sequence[str] = ()
) -> tuple[list[str], list[str]]:
    categories: list[str] = list(dict.fromkeys(first))
    suggestions: list[str] = []
    for answer in answers:
        for code in answer.outcome.categories:
            if code not in categories:
                categories.append(code)
        for idea in answer.outcome.suggestions:
            if idea not in suggestions:
                suggestions.append(idea)
    for code in extra:
        if code not in categories:
            categories.append(code)
    return categories, suggestions


def _urgent(answers: Mapping[Any, Any], problems: list[str]) -> list[str]:
    flags = _codes(answers.get("urgent"), "urgent", list(URGENT_FLAGS), problems)
    return [URGENT_FLAGS[flag].reason for flag in flags]


def assess_adult(answers: Mapping[str, Any]) -> EligibilityResult:
    """Indicate whether an adult's needs are likely to meet reg. 2 of SI 2015/313.

    Likely: an impairment or illness (2(1)(a)), two or more outcomes not achieved (2(1)(b)),
    and a significant impact on wellbeing (2(1)(c)). Unlikely: a condition answered "no", or no
    outcome that is or may be unachieved and needs that do not fluctuate. Otherwise: may be.
    """
    problems: list[str] = []
    if not isinstance(answers, Mapping):
        raise EligibilityInputError(["answers: must be an object"])
    _check_keys(
        answers,
        (*ADULT_CONDITIONS, "outcomes", "fluctuating", "urgent", "conditions"),
        problems,
    )
    impairment = _yes_no(answers, "impairment_or_illness", problems)
    wellbeing = _yes_no(answers, "wellbeing_impact", problems)
    outcome_answers = _outcome_answers(answers.get("outcomes"), ADULT_OUTCOMES, problems)
    fluctuating = _flag(answers, "fluctuating", problems)
    kinds = _codes(answers.get("conditions"), "conditions", list(IMPAIRMENT_KINDS), problems)
    urgent_reasons = _urgent(answers, problems)
    if problems or impairment is None or wellbeing is None:
        raise EligibilityInputError(problems)

    reasons: list[str] = []
    if impairment == "yes":
        reasons.append(
            "Your needs come from a physical or mental impairment or illness (reg. 2(1)(a))."
        )
    elif impairment == "no":
        reasons.append(
            "You said your needs do not come from a physical or mental impairment or illness; "
            "the rules need that (reg. 2(1)(a))."
        )
    else:
        reasons.append(
            "You were not sure whether your needs come from an impairment or illness; it "
            "includes physical, mental, sensory, learning and cognitive conditions, substance "
            "misuse and brain injury (reg. 2(1)(a))."
        )
    unmet, unsure, struggling = _judge(outcome_answers, ADULT_EFFECTS, "reg. 2(3)(a)", reasons)
    count = len(unmet)
    reasons.append(
        f"{_unmet_count(count, len(ADULT_OUTCOMES))}; the rules need two or more (reg. 2(1)(b))."
    )
    if wellbeing == "yes":
        reasons.append("This has a significant impact on your wellbeing (reg. 2(1)(c)).")
    elif wellbeing == "no":
        reasons.append(
            "You said this does not have a significant impact on your wellbeing; the rules need "
            "that (reg. 2(1)(c))."
        )
    else:
        reasons.append(
            "You were not sure about the impact on your wellbeing; an assessment would look at "
            "it with you (reg. 2(1)(c))."
        )
    if fluctuating:
        reasons.append(
            "Your needs change from day to day, so the council must look at them over long "
            "enough to see your usual level of need, not just a good day (reg. 2(4))."
        )

    if impairment == "yes" and wellbeing == "yes" and count >= 2:
        result = Likelihood.LIKELY
    elif impairment == "no" or wellbeing == "no" or (not (unmet or unsure) and not fluctuating):
        result = Likelihood.UNLIKELY
    else:
        result = Likelihood.MAY
    if result is not Likelihood.LIKELY:
        reasons.append(_PREVENTION)
    reasons.append(_DISCLAIMER)
    extra = [code for kind in kinds for code in IMPAIRMENT_KINDS[kind]]
    categories, suggestions = _categories([*unmet, *unsure, *struggling], extra=extra)
    return EligibilityResult(
        outcome=result,
        headline=HEADLINES[result],
        reasons=reasons,
        unmet_outcomes=[answer.outcome.code for answer in unmet],
        unsure_outcomes=[answer.outcome.code for answer in unsure],
        suggested_categories=categories,
        suggestions=suggestions,
        urgent=bool(urgent_reasons),
        urgent_reasons=urgent_reasons,
    )


def assess_carer(answers: Mapping[str, Any]) -> EligibilityResult:
    """Indicate whether a carer's needs are likely to meet reg. 3 of SI 2015/313.

    Likely: the needs arise from providing necessary care (3(1)(a)); the carer's health is, or
    is at risk of, deteriorating (3(2)(a)) or any one outcome is not achieved (3(2)(b)); and a
    significant impact on wellbeing (3(1)(c)). "Not achieved" has three limbs (3(3)): taking
    longer does not count. Unlikely: a condition answered "no", or neither route possible.
    """
    problems: list[str] = []
    if not isinstance(answers, Mapping):
        raise EligibilityInputError(["answers: must be an object"])
    _check_keys(answers, (*CARER_CONDITIONS, "outcomes", "fluctuating", "urgent"), problems)
    necessary = _yes_no(answers, "provides_necessary_care", problems)
    health = _yes_no(answers, "health_deteriorating", problems)
    wellbeing = _yes_no(answers, "wellbeing_impact", problems)
    outcome_answers = _outcome_answers(answers.get("outcomes"), CARER_OUTCOMES, problems)
    fluctuating = _flag(answers, "fluctuating", problems)
    urgent_reasons = _urgent(answers, problems)
    if problems or necessary is None or health is None or wellbeing is None:
        raise EligibilityInputError(problems)

    reasons: list[str] = []
    reasons.append(
        {
            "yes": "Your needs come from providing necessary care for an adult (reg. 3(1)(a)).",
            "no": "You said the person you look after could manage without your help; the "
            "rules need the care to be necessary (reg. 3(1)(a)).",
            "not_sure": "You were not sure whether the care you give is necessary; an "
            "assessment would look at this with you (reg. 3(1)(a)).",
        }[necessary]
    )
    reasons.append(
        {
            "yes": "Your physical or mental health is, or is at risk of, getting worse "
            "(reg. 3(2)(a)); that alone can meet this part of the rules.",
            "no": "You said your health is not at risk of getting worse because of caring "
            "(reg. 3(2)(a)).",
            "not_sure": "You were not sure whether your health is at risk of getting worse "
            "(reg. 3(2)(a)); talk to your GP, and an assessment would look at it with you.",
        }[health]
    )
    unmet, unsure, struggling = _judge(outcome_answers, CARER_EFFECTS, "reg. 3(3)(a)", reasons)
    reasons.append(
        f"{_unmet_count(len(unmet), len(CARER_OUTCOMES))}; for carers one is enough (reg. 3(2)(b))."
    )
    reasons.append(
        {
            "yes": "Caring has a significant impact on your wellbeing (reg. 3(1)(c)).",
            "no": "You said caring does not have a significant impact on your wellbeing; the "
            "rules need that (reg. 3(1)(c)).",
            "not_sure": "You were not sure about the impact on your wellbeing; an assessment "
            "would look at it with you (reg. 3(1)(c)).",
        }[wellbeing]
    )
    if fluctuating:
        reasons.append(
            "Your caring changes from week to week, so the council must look at it over long "
            "enough to see the usual picture (reg. 3(4))."
        )

    route = health == "yes" or bool(unmet)
    possible_route = route or health == "not_sure" or bool(unsure) or fluctuating
    if necessary == "yes" and wellbeing == "yes" and route:
        result = Likelihood.LIKELY
    elif necessary == "no" or wellbeing == "no" or not possible_route:
        result = Likelihood.UNLIKELY
    else:
        result = Likelihood.MAY
    if result is not Likelihood.LIKELY:
        reasons.append(_PREVENTION)
    reasons.append(_DISCLAIMER)
    extra = ["breaks-and-respite", "mental-health"] if health == "yes" else []
    categories, suggestions = _categories(
        [*unmet, *unsure, *struggling], first=["carers-support"], extra=extra
    )
    return EligibilityResult(
        outcome=result,
        headline=CARER_HEADLINES[result],
        reasons=reasons,
        unmet_outcomes=[answer.outcome.code for answer in unmet],
        unsure_outcomes=[answer.outcome.code for answer in unsure],
        suggested_categories=categories,
        suggestions=suggestions,
        urgent=bool(urgent_reasons),
        urgent_reasons=urgent_reasons,
    )
