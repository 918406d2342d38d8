"""The kinds of document the statements engine writes, and the sections each holds.

Two kinds share one engine (drafting, review by a second commissioner, frozen editions, the
HTML page, the tagged PDF and a CSV per table):

- the **Market Position Statement** (`MPS_SECTIONS`): the union of the three seed statements,
  in their usual order;
- the **Local Account** (`LOCAL_ACCOUNT_SECTIONS`): the council's yearly account to its
  residents, with the sections of Stoke-on-Trent's Local Account 2020–21 (seed 001).

Each section has a key, a title and the data block (if any) drawn from the council's figures;
a section without one is narrative the council writes. Councils reorder, hide or add sections
per edition.

Adding a data section to the Local Account (or the MPS) is two small changes:

1. In `statements/data.py`, register a provider under a new key. Use `@provider(key)` for
   figures that do not depend on the document's year (it gets the council and the edition's
   sufficiency scenario), or `@yearly_provider(key)` for figures of one reporting year (it gets
   the council and the year as "2024/25", from a Local Account's period). Either returns a list
   of `Table`s (a table for every chart, sources in words) or an empty list when the council has
   no figures, and the section then says so to staff and is left out of what is published.
2. Here, give the section its data key: `SectionSpec("services", "Our services and what they
   did", "activity")`. New statements get it; editions already started keep their sections.

Tests: tests/statements/test_local_account.py shows how a data section is checked.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    data_key: str = ""


MPS = "mps"
LOCAL_ACCOUNT = "local_account"


MPS_SECTIONS: tuple[SectionSpec, ...] = (
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

#: Seed 001's sections. "Our services and what they did" draws its activity from Client Level
#: Data, "Keeping our population safe" the safeguarding return and DoLS figures, and
#: "Compliments, complaints and comments" the complaints log.
LOCAL_ACCOUNT_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("introduction", "Introduction"),
    SectionSpec("priorities", "Our priorities and vision"),
    SectionSpec("our-city", "Our city and its people", "city"),
    SectionSpec("workforce", "Our workforce and partnerships", "workforce"),
    SectionSpec("expenditure", "Our expenditure", "expenditure"),
    SectionSpec("services", "Our services and what they did", "activity"),
    SectionSpec("keeping-safe", "Keeping our population safe", "safeguarding"),
    SectionSpec("challenge", "Challenge and culture"),
    SectionSpec("how-we-are-doing", "How we are doing", "outcomes"),
    SectionSpec("compliments-complaints", "Compliments, complaints and comments", "complaints"),
    SectionSpec("next-steps", "Next steps and key priorities"),
    SectionSpec("sources", "Sources", "sources"),
)


@dataclass(frozen=True)
class DocumentType:
    kind: str
    #: "Market Position Statement", "Local Account": how the document names itself.
    name: str
    plural: str
    #: The title a new document starts with.
    default_title: str
    #: What the period field asks for.
    period_hint: str
    sections: tuple[SectionSpec, ...]
    #: Headings in a narrative file (examples/narrative/<council>.md) that name a section by
    #: another title.
    title_aliases: dict[str, str]


MPS_TITLE_ALIASES = {
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

DOCUMENT_TYPES: dict[str, DocumentType] = {
    MPS: DocumentType(
        MPS,
        "Market Position Statement",
        "Market Position Statements",
        "Adult Social Care Market Position Statement",
        "For example 2024–2028",
        MPS_SECTIONS,
        MPS_TITLE_ALIASES,
    ),
    LOCAL_ACCOUNT: DocumentType(
        LOCAL_ACCOUNT,
        "Local Account",
        "Local Accounts",
        "Adult Social Care Local Account",
        "The year it accounts for, 1 April to 31 March, for example 2024/25",
        LOCAL_ACCOUNT_SECTIONS,
        {
            "Foreword": "introduction",
            "Our city": "our-city",
            "Our workforce": "workforce",
            "Our services": "services",
            "Compliments, complaints and comments": "compliments-complaints",
            "Next steps": "next-steps",
        },
    ),
}


def document_type(kind: str) -> DocumentType:
    return DOCUMENT_TYPES[kind]
