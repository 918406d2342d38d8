"""Supply the council already records, in the sufficiency engine's service names.

Beds and units come from the council's declared figures (the care home beds and extra care
units it publishes), the latest period of each. Each model gets a `source` naming the figure,
file and line, which the engine passes through untouched and the page shows. A service with no
figure is left out rather than reported as zero, so the commissioner sees supply is unknown.
"""

from __future__ import annotations

from typing import Any

from caremarket.needs.models import TOTAL, CouncilFigure
from caremarket.places.models import LocalAuthority

#: engine service → (measure, categories that count as that service for older people)
DECLARED_SUPPLY = {
    "residential_care_beds": ("care_home_beds", {"residential", "older_people_residential"}),
    "nursing_care_beds": ("care_home_beds", {"nursing"}),
    "extra_care_units": ("extra_care_units", {TOTAL}),
}


def period_order(period: str) -> tuple[str, int, str]:
    """Latest last: 2024 < 2024/25 < 2024-03-31 < 2025-04-30 (good enough for stock figures)."""
    return (period[:4], len(period), period)


def register_supply(council: LocalAuthority) -> dict[str, Any]:
    """{service: {"supply": number, "source": text}} for each service with a declared figure."""
    found: dict[str, Any] = {}
    for service, (measure, categories) in DECLARED_SUPPLY.items():
        figures = [
            f
            for f in CouncilFigure.objects.for_council(council)
            .measure(measure)
            .select_related("import_run")
            if f.category in categories
        ]
        if not figures:
            continue
        latest = max(period_order(f.period) for f in figures)
        chosen = [f for f in figures if period_order(f.period) == latest]
        found[service] = {
            "supply": sum(f.value for f in chosen),
            "source": "; ".join(f"{measure} {f.category} {f.period} ({f.where()})" for f in chosen),
        }
    return found
