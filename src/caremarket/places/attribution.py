"""The attribution a page owes when it uses postcode positions (distances, "near ST4 1AA").

OS Code-Point Open's licence asks for OS's, Royal Mail's and National Statistics' copyright
lines wherever the data is used; the ONS Postcode Directory for ONS's and OS's. The year is
the edition's (the import run's edition, else when it was imported).
"""

from __future__ import annotations

import re

from caremarket.imports.models import ImportRun

CODEPOINT = (
    "Contains OS data © Crown copyright and database right {year}. Contains Royal Mail data "
    "© Royal Mail copyright and database right {year}. Contains National Statistics data "
    "© Crown copyright and database right {year}."
)
ONSPD = (
    "Contains OS data © Crown copyright and database right {year}. Source: Office for "
    "National Statistics licensed under the Open Government Licence v3.0."
)


def postcode_attribution() -> list[str]:
    """One line per postcode source this instance holds (latest edition of each)."""
    lines = []
    for format_name, text in (("codepoint-open", CODEPOINT), ("onspd", ONSPD)):
        run = ImportRun.objects.filter(format=format_name).order_by("-started_at", "-id").first()
        if run is None:
            continue
        found = re.search(r"20\d\d", run.edition)
        year = found.group(0) if found else str(run.started_at.year)
        lines.append(text.format(year=year))
    return lines
