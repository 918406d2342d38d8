"""ASCOF measures in words: what each counts, and how its rows are named.

Shared by the staff ASCOF page and the Local Account's "How we are doing" section; a row's
label is also the category an ASCOF target is set on (`outcomes.targets`).
"""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.rules.ascof import MeasureRow


@dataclass(frozen=True)
class MeasureText:
    code: str
    title: str
    numerator: str
    denominator: str
    per: str  # "%" or "per 100,000"


MEASURES = (
    MeasureText(
        "2A",
        "People who had reablement, who were not already receiving long-term support, and "
        "needed no further ongoing support afterwards",
        "Reablement episodes of new clients ending in the year that were followed by "
        "short-term support only, or by no further support.",
        "Reablement episodes of new clients (no long-term support in the 91 days before) "
        "ending in the year, apart from those where the person died, went into hospital, or "
        "what happened next could not be told. Episodes less than 8 days apart count as one.",
        "%",
    ),
    MeasureText(
        "2B",
        "Adults aged 18 to 64 whose long-term needs are met by moving into a care home",
        "People aged 18 to 64 who started long-term residential or nursing care in the year "
        "and had no such care in the 12 months before it.",
        "The council's population aged 18 to 64.",
        "per 100,000",
    ),
    MeasureText(
        "2C",
        "Adults aged 65 and over whose long-term needs are met by moving into a care home",
        "People aged 65 and over who started long-term residential or nursing care in the year "
        "and had no such care in the 12 months before it.",
        "The council's population aged 65 and over.",
        "per 100,000",
    ),
    MeasureText(
        "2E",
        "People receiving long-term support who live in their own home or with family",
        "People who had long-term support in the year and live in settled accommodation (their "
        "own home, with family, supported living, Shared Lives, extra care), including those "
        "whose home support shows they live at home.",
        "Everyone who had long-term support in the year, including people whose accommodation "
        "is not known. The learning disability figures count people aged 18 to 64 whose main "
        "support is for a learning disability.",
        "%",
    ),
    MeasureText(
        "3D",
        "People using services who direct their own support, and those who receive direct payments",
        "Clients (parts 1a and 2a): people in long-term community support at the end of the "
        "year with a direct payment or a personal budget the council manages (1a), or a "
        "direct payment (2a). Carers (parts 1b and 2b): carers supported directly in the year "
        "with a direct payment or personal budget (1b), or a direct payment (2b).",
        "Clients: everyone in long-term community support at the end of the year (anyone also "
        "in a care home counts there instead). Carers: carers supported directly in the year "
        "by direct payment, personal budget or commissioned support.",
        "%",
    ),
)
#: Each measure's name in a document's table (a Local Account's "How we are doing").
SHORT_TITLES = {
    "2A": "New clients who needed no ongoing support after reablement",
    "2B": "Adults aged 18 to 64 moving into care homes",
    "2C": "Adults aged 65 and over moving into care homes",
    "2E": "People in long-term support living in their own home or with family",
    "3D": "People who direct their own support",
}
PART_NAMES = {
    "1a": "Clients who direct their own support",
    "2a": "Clients who receive direct payments",
    "1b": "Carers who direct their own support",
    "2b": "Carers who receive direct payments",
}
GROUP_NAMES = {"18 to 64": "Aged 18 to 64", "65 and above": "Aged 65 and over", "Total": "All ages"}


def row_label(row: MeasureRow) -> str:
    """A row's label on the ASCOF page, which is also how a target names it: "Clients who
    direct their own support (1a), All ages"."""
    parts = []
    if row.part:
        parts.append(f"{PART_NAMES[row.part]} ({row.part})")
    if row.cohort == "learning disability":
        parts.append("Learning disability")
    parts.append(GROUP_NAMES.get(row.group, row.group))
    if row.gender and row.gender != "Total":
        parts.append(row.gender)
    return ", ".join(parts)
