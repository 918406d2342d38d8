"""The demo's compliments, complaints and comments log for Stoke-on-Trent, 2020/21.

Stoke-on-Trent's Local Account 2020-21 (seed 001, section 11) publishes only the year's counts:
by service area, 26 complaints upheld, 72% answered within its 15 working days. Its service
areas' complaints add up to 84 while its total is 88: the log has the 4 others under "Service
area not published", so that 72% of 88 (63) can be reproduced. The entries here
are invented (each is marked invented and its reference says so) so that the log's summary
reproduces those published counts; the dates, and how the 26 split into fully and partly
upheld, are made up.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TextIO

from django.utils import timezone

from caremarket.outcomes.models import Feedback
from caremarket.places.models import LocalAuthority
from caremarket.rules.working_days import deadline

UNKNOWN_AREA = "Service area not published"
#: Service area as printed → (compliments, complaints, comments), seed 001 section 11.
PUBLISHED = {
    "Domiciliary Care": (0, 7, 0),
    "Community Wellbeing Teams": (22, 23, 0),
    "Physical Disability Services": (4, 7, 1),
    "Reablement": (3, 5, 0),
    "Lifeline & Telecare": (31, 10, 0),
    "Hospital Assessment Team": (8, 7, 0),
    "Learning Disability": (2, 1, 0),
    "Financial Assessment and Charging": (1, 13, 0),
    "Residential Care": (0, 5, 0),
    "Extra Care": (2, 4, 0),
    "Independent Contracts": (0, 0, 0),
    "Commissioning": (8, 2, 0),
    "Safeguarding": (1, 0, 0),
    "Strategic Governance and Planning": (0, 0, 0),
    # the areas' complaints add up to 84, the printed total is 88: the 4 others' area is unknown
    UNKNOWN_AREA: (0, 4, 0),
}
UPHELD = 26
#: 72% of 88 complaints answered in time: 63 (71.6%, printed as 72%).
IN_TIME = 63
#: The invented split of the 26 upheld complaints.
FULLY_UPHELD = 17
DEADLINE = 15
YEAR_START = date(2020, 4, 1)


def invent_feedback(council: LocalAuthority, out: TextIO) -> None:
    """Replace the council's invented entries with the 2020/21 log (same every time)."""
    Feedback.objects.filter(local_authority=council, invented=True).delete()
    rng = random.Random(2021)
    now = timezone.now()
    entries: list[Feedback] = []
    complaints: list[Feedback] = []
    for area, counts in PUBLISHED.items():
        for kind, count in (
            (Feedback.Kind.COMPLIMENT, counts[0]),
            (Feedback.Kind.COMPLAINT, counts[1]),
            (Feedback.Kind.COMMENT, counts[2]),
        ):
            for _ in range(count):
                # received on a weekday up to mid-February, so every answer falls in the year
                received = YEAR_START + timedelta(days=rng.randrange(0, 320))
                while received.weekday() >= 5:
                    received += timedelta(days=1)
                entry = Feedback(
                    local_authority=council,
                    kind=kind,
                    received=received,
                    service_area=area,
                    invented=True,
                    recorded_at=now,
                )
                entries.append(entry)
                if kind == Feedback.Kind.COMPLAINT:
                    complaints.append(entry)
    rng.shuffle(complaints)
    for i, entry in enumerate(complaints):
        due = deadline(entry.received, DEADLINE)
        if i < IN_TIME:
            entry.responded = min(due, entry.received + timedelta(days=rng.randint(2, 20)))
        else:
            entry.responded = due + timedelta(days=rng.randint(1, 12))
    rng.shuffle(complaints)
    _split_upheld(complaints)
    entries.sort(key=lambda e: (e.received, e.kind, e.service_area))
    for number, entry in enumerate(entries, 1):
        entry.reference = f"INVENTED-{number:03d}"
    Feedback.objects.bulk_create(entries)
    out.write(
        f"Compliments, complaints and comments: {len(entries)} invented entries for "
        f"{council.name} 2020/21, totalling its published counts\n"
    )


def _split_upheld(complaints: list[Feedback]) -> None:
    """Exactly `UPHELD` upheld: the first `FULLY_UPHELD` fully, the rest partly; others not."""
    for i, entry in enumerate(complaints):
        if i < FULLY_UPHELD:
            entry.upheld = Feedback.Upheld.FULLY
        elif i < UPHELD:
            entry.upheld = Feedback.Upheld.PARTLY
        else:
            entry.upheld = Feedback.Upheld.NOT
