"""The directory's taxonomy of needs, in a resident's words.

The codes and labels are `rules.eligibility.NEED_CATEGORIES` (one place: the self-assessments
suggest the same categories the directory files services under). Each term adds the other
words residents use for it, so "a break from caring" and "respite" find the same services.
"""

from __future__ import annotations

from caremarket.rules.eligibility import NEED_CATEGORIES

#: The taxonomy's identity in Open Referral UK (`taxonomy.id` and `taxonomy.name`).
TAXONOMY_ID = "8f5b5c6e-3b5a-4a38-9a0c-6d1f0c2a7e01"
TAXONOMY_NAME = "caremarket needs"
TAXONOMY_DESCRIPTION = (
    "What a resident or carer needs help with, in their own words; the categories the "
    "caremarket self-assessments suggest."
)

#: code → words residents use for it besides its label (searched like the label).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "help-at-home": ("home care", "domiciliary care", "carers coming in", "care at home"),
    "personal-care": ("washing", "dressing", "bathing", "toileting", "getting up"),
    "meals-and-food": ("meals on wheels", "lunch club", "cooking", "shopping", "food bank"),
    "equipment-and-adaptations": (
        "aids",
        "grab rails",
        "stairlift",
        "walking frame",
        "occupational therapy",
        "disabled facilities grant",
    ),
    "telecare": ("alarm", "pendant", "falls detector", "technology enabled care", "careline"),
    "memory-problems": ("dementia", "alzheimers", "forgetful", "memory cafe", "confusion"),
    "mental-health": ("anxiety", "depression", "wellbeing", "loneliness", "isolation"),
    "sight-and-hearing": ("blind", "deaf", "visual impairment", "hearing loss", "sensory"),
    "learning-disabilities": ("learning disability", "autism", "autistic", "asperger"),
    "social-groups": ("lunch club", "community lounge", "coffee morning", "friendship", "club"),
    "day-opportunities": ("day centre", "day care", "day services", "activities"),
    "getting-out-and-about": ("transport", "dial a ride", "bus pass", "blue badge", "driving"),
    "work-learning-and-volunteering": ("jobs", "employment", "college", "volunteer", "training"),
    "support-for-parents": ("parenting", "children", "young carers", "family support"),
    "carers-support": ("carer", "caring for someone", "carers centre", "carers assessment"),
    "breaks-and-respite": ("respite", "short break", "sitting service", "replacement care"),
    "housing-options": (
        "care home",
        "nursing home",
        "residential care",
        "extra care",
        "sheltered housing",
        "supported living",
        "moving home",
    ),
    "money-and-benefits": (
        "benefits",
        "attendance allowance",
        "pension credit",
        "debt",
        "paying for care",
    ),
}

assert set(SYNONYMS) == set(NEED_CATEGORIES), "every need category has its resident words"


def terms() -> list[tuple[str, str, tuple[str, ...]]]:
    """(code, label, synonyms) for every term, in the taxonomy's order."""
    return [(code, label, SYNONYMS[code]) for code, label in NEED_CATEGORIES.items()]


def sync_taxonomy(using: str = "default") -> None:
    """Create or update the terms from the code; terms are never deleted (services cite them)."""
    from caremarket.directory.models import TaxonomyTerm

    for position, (code, label, synonyms) in enumerate(terms()):
        TaxonomyTerm.objects.using(using).update_or_create(
            code=code,
            defaults={"name": label, "synonyms": list(synonyms), "position": position},
        )
