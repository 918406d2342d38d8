"""What each form collects and why: the privacy notice shown beside it (UK GDPR arts. 9, 13)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    title: str
    collected: tuple[str, ...]
    why: str
    who_sees: str
    kept: str


COMMON_KEPT = (
    "Answers you have not sent to the council are deleted {days} days after you last changed "
    "them, or straight away if you ask. They are stored encrypted."
)

NOTICES = {
    "needs": Notice(
        "Needs self-assessment",
        (
            "your postcode, to find your council",
            "your answers about your health and what you can do day to day",
        ),
        "To give you an indication of whether you may be eligible for care and support, and "
        "a list of services that may help. Health information is special category data: we "
        "use it only for this, with your explicit consent when you choose to send it.",
        "Nobody, unless you choose to send your answers to the council with a request for help.",
        COMMON_KEPT,
    ),
    "carer": Notice(
        "Carer's self-assessment",
        (
            "your postcode, to find your council",
            "your answers about the care you give and how it affects you",
        ),
        "To give you an indication of whether you may be eligible for support as a carer, "
        "and a list of carers' services, breaks and respite.",
        "Nobody, unless you choose to ask the council for a carer's assessment.",
        COMMON_KEPT,
    ),
    "finance": Notice(
        "Financial self-assessment",
        (
            "your postcode, to use your council's charging figures",
            "your age, savings, income and costs",
        ),
        "To estimate what you may pay towards your care. It is not a financial assessment.",
        "Nobody. The council does not see these answers.",
        COMMON_KEPT,
    ),
    "ask": Notice(
        "Ask for help",
        (
            "your name, postcode and how to contact you",
            "what help you need, and anything urgent",
        ),
        "So the council's adult social care team can contact you about the help you need "
        "(Care Act 2014, s.9). You agree to this when you send the form.",
        "The council's adult social care front door team for the area you live in. Every time "
        "a member of staff opens your request it is recorded.",
        "Kept by the council for {referral_days} days after your request is dealt with, or "
        "moved into your care record. You can ask for it to be deleted using your reference.",
    ),
    "professional": Notice(
        "Professional referral",
        (
            "your name, role, organisation and contact details",
            "the person's name, contact details, needs, risks and consent",
        ),
        "So the council's adult social care team can act on the referral (Care Act 2014, "
        "ss.9 and 42).",
        "The council's adult social care front door team for the area where the person lives. "
        "Every time a member of staff opens the referral it is recorded.",
        "Kept by the council for {referral_days} days after the referral is dealt with, or "
        "moved into the person's care record.",
    ),
    "delete": Notice(
        "Delete your information",
        ("your reference",),
        "To find and delete what you sent.",
        "Nobody: the reference is used only to find your answers.",
        "A record that something was deleted (the date, not what it was) is kept in the audit log.",
    ),
}
