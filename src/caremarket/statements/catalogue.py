"""The sections an MPS holds: the union of the three seed statements, in their usual order.

Each has a key, a title, whether commissioners write narrative for it, and the data block (if
any) that is drawn from the council's figures. Councils reorder, hide or add sections per edition.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    data_key: str = ""


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("introduction", "Introduction and purpose"),
    SectionSpec("vision", "Vision and priorities"),
    SectionSpec("commissioning-intentions", "Commissioning intentions"),
    SectionSpec("local-picture", "Local picture", "population"),
    SectionSpec("prevalence", "Needs and prevalence", "prevalence"),
    SectionSpec("finances", "Finances and spend", "expenditure"),
    SectionSpec("supply", "Current supply", "supply"),
    SectionSpec("provision", "Where provision sits", "provision"),
    SectionSpec("quality", "Quality expectations", "quality"),
    SectionSpec("demand", "Demand for care and support", "demand"),
    SectionSpec("sufficiency", "Sufficiency and gaps", "sufficiency"),
    SectionSpec("market-opportunities", "Market opportunities", "opportunities"),
    SectionSpec("workforce", "Workforce", "workforce"),
    SectionSpec("fee-rates", "Fee rates", "fee_rates"),
    SectionSpec("pipeline", "Commissioning pipeline", "pipeline"),
    SectionSpec("feedback", "Feedback from people, carers and providers", "survey"),
    SectionSpec("key-messages", "Key messages to the market"),
    SectionSpec("contact", "Contact commissioners"),
    SectionSpec("sources", "Sources and technical appendix", "sources"),
)

#: Narrative headings in examples/narrative/<council>.md map onto section keys by title.
TITLE_ALIASES = {
    "Market opportunities": "market-opportunities",
    "Workforce": "workforce",
    "Local picture": "local-picture",
    "Quality expectations": "quality",
    "Feedback from people, carers and providers": "feedback",
    "Key messages to the market": "key-messages",
    "Contact commissioners": "contact",
    "Introduction and purpose": "introduction",
    "Vision and priorities": "vision",
    "Commissioning intentions": "commissioning-intentions",
}
