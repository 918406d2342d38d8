"""Supply the council already records, in the sufficiency engine's service names.

Care home beds come from the CQC register when the council has register data (the HSCA
import's registered beds in active, non-dormant homes for older people, nursing homes apart):
the register is current and counts every home, where a published figure is a year old and may
count only the homes the council contracts with. Without register data, and for extra care
units (which CQC does not register), the council's declared figures are used, the latest
period of each. Each model gets a `source` naming the figure,
file and line, which the engine passes through untouched and the page shows. A service with no
figure is left out rather than reported as zero, so the commissioner sees supply is unknown.
"""

from __future__ import annotations

from typing import Any

from caremarket.imports.models import ImportRun
from caremarket.market.models import Location
from caremarket.needs.models import TOTAL, CouncilFigure
from caremarket.places.models import LocalAuthority
from caremarket.rules.consistency import period_words

#: engine service → (measure, categories that count as that service for older people)
DECLARED_SUPPLY = {
    "residential_care_beds": ("care_home_beds", {"residential", "older_people_residential"}),
    "nursing_care_beds": ("care_home_beds", {"nursing"}),
    "extra_care_units": ("extra_care_units", {TOTAL}),
}


#: The CQC service user band whose homes count as older people's care home beds.
OLDER_PEOPLE_BAND = "Older People"


def period_order(period: str) -> tuple[str, int, str]:
    """Latest last: 2024 < 2024/25 < 2024-03-31 < 2025-04-30 (good enough for stock figures)."""
    return (period[:4], len(period), period)


def cqc_bed_supply(council: LocalAuthority) -> dict[str, Any]:
    """Residential and nursing beds from the CQC register, citing the imports; {} if none."""
    totals = Location.objects.bed_totals(council, band=OLDER_PEOPLE_BAND)
    if not totals.homes:
        return {}
    runs = ImportRun.objects.filter(pk__in=totals.import_run_ids).order_by("started_at")
    cited = "; ".join(f"{run.citation}, imported {run.started_at:%Y-%m-%d}" for run in runs)
    found: dict[str, Any] = {}
    for service, beds, homes, kind in (
        ("residential_care_beds", totals.residential, totals.residential_homes, "without"),
        ("nursing_care_beds", totals.nursing, totals.nursing_homes, "with"),
    ):
        found[service] = {
            "supply": beds,
            "source": (
                f"CQC register: {beds} registered beds in {homes} active care home(s) {kind} "
                f"nursing for older people ({cited})"
            ),
        }
    return found


def register_supply(council: LocalAuthority) -> dict[str, Any]:
    """{service: {"supply": number, "source": text}}: CQC register beds where the council has
    register data, otherwise each service's declared figure."""
    found: dict[str, Any] = cqc_bed_supply(council)
    for service, (measure, categories) in DECLARED_SUPPLY.items():
        if service in found:
            continue
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
            # The council's document in words, then the file and line for the appendix.
            "source": "; ".join(
                f"{f.source}, {period_words(f.period)} [{f.where()}]" for f in chosen
            ),
        }
    return found
