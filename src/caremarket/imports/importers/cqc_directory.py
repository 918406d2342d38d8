"""CQC's monthly `CQC_directory.csv`: every active location, for the public directory.

Four preamble lines ("CQC Locations data", blank, "This data was produced on …", blank), then:
Name, Also known as, Address, Postcode, Phone number, Service's website (if available), Service
types (`|`-separated), Date of latest check (`01/Jan/2024 - 00:00`), Specialisms/services
(`|`-separated), Provider name, Local authority, Region, Location URL, CQC Location ID (for
office use only), CQC Provider ID (for office use only). No beds: those come from the HSCA file,
and this format never touches them.

A file without its preamble and header (rows only, as some copies are kept) is read in that
column order when its first row has the 15 fields with a location id in the 14th, and the
summary says so.

No coordinates either: each location is placed from the postcode table (Code-Point Open or
ONSPD), with its ward, when it is new, has no position yet, or its postcode changed (the HSCA
file's own coordinates are otherwise kept). A postcode the table does not hold (one that no
longer exists, or none imported yet) is listed in the summary and the location is left without
a position: never guessed from a nearby postcode.

The edition is the preamble's "produced on" date, else the month in the file name
(`…2016-02…` → February 2016), else the `edition` option (the demo says "a sample").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from pathlib import Path

from caremarket.directory.register import sync_register_listings
from caremarket.imports.framework import Importer, Parsed, RowError
from caremarket.imports.importers.cqc_register import (
    CouncilMatcher,
    place_by_postcode,
    unplaced_warning,
    upsert_locations,
)
from caremarket.imports.importers.tabular import Cells, parse_date, resolve_columns, table_rows
from caremarket.imports.models import ImportRun
from caremarket.quality.register import record_cqc_ratings
from caremarket.rules.phone import restore_leading_zero

COLUMNS: dict[str, tuple[str, ...]] = {
    "cqc_location_id": ("CQC Location ID (for office use only)", "CQC Location ID", "Location ID"),
    "name": ("Name", "Location name"),
    "also_known_as": ("Also known as",),
    "address": ("Address",),
    "postcode": ("Postcode",),
    "phone": ("Phone number",),
    "website": ("Service's website (if available)", "Service's website", "Website"),
    "service_types": ("Service types",),
    "latest_check_date": ("Date of latest check",),
    "specialisms": ("Specialisms/services", "Specialisms"),
    "provider_name": ("Provider name",),
    "local_authority": ("Local authority",),
    "region": ("Region",),
    "provider_id": ("CQC Provider ID (for office use only)", "CQC Provider ID", "Provider ID"),
}
REQUIRED = ("cqc_location_id", "name", "postcode", "local_authority")
#: The columns in order, for a file kept without its preamble and header.
ORDERED_HEADER = [
    "Name",
    "Also known as",
    "Address",
    "Postcode",
    "Phone number",
    "Service's website (if available)",
    "Service types",
    "Date of latest check",
    "Specialisms/services",
    "Provider name",
    "Local authority",
    "Region",
    "Location URL",
    "CQC Location ID (for office use only)",
    "CQC Provider ID (for office use only)",
]

#: "1-101613224" for most; NHS locations use ODS-style codes such as "RJE01".
LOCATION_ID = re.compile(r"^[0-9A-Z][0-9A-Z-]{2,19}$")

#: The Location fields this format owns (and so may change on re-import).
FIELDS = (
    "cqc_location_id",
    "name",
    "also_known_as",
    "address",
    "postcode",
    "phone",
    "website",
    "service_types",
    "specialisms",
    "latest_check_date",
    "care_home",
    "local_authority",
    "local_authority_name",
    "region",
)
CARE_HOME_TYPES = {
    "residential homes",
    "nursing homes",
    "care home service with nursing",
    "care home service without nursing",
}


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split("|") if part.strip()]


class CqcDirectoryImporter(Importer):
    format = "cqc-directory"
    publisher = "Care Quality Commission"
    dataset = "CQC directory of active locations (CQC_directory.csv)"
    description = (
        "CQC_directory.csv as downloaded each month (four preamble lines, then the header)"
    )
    batch_size = 1000
    keeps_rows = True

    def edition(self, path: Path) -> str:
        given = str(self.context.options.get("edition", ""))
        produced = getattr(self, "produced_on", "")
        if produced:
            return f"{produced}, {given}" if given else produced
        month = re.search(r"(20\d\d)-(0[1-9]|1[0-2])", path.name)
        found = f"{calendar.month_name[int(month.group(2))]} {month.group(1)}" if month else ""
        return ", ".join(p for p in (found, given) if p)

    def _headerless(self, first: list[str]) -> list[str] | None:
        if len(first) == len(ORDERED_HEADER) and LOCATION_ID.match(first[13].strip()):
            self.headerless = True
            return ORDERED_HEADER
        return None

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        self.headerless = False
        self.unplaced: list[tuple[str, str, int]] = []
        header, rows = table_rows(path, COLUMNS["cqc_location_id"][0], self._headerless)
        self.produced_on = self._produced_on(path)
        columns = resolve_columns(header, COLUMNS, REQUIRED)
        councils = CouncilMatcher(self.context)
        seen: dict[str, int] = {}
        for item in rows:
            if isinstance(item, RowError):
                yield item
                continue
            line, raw = item

            cells = Cells(line, raw, columns, {f: a[0] for f, a in COLUMNS.items()})

            errors = cells.errors
            location_id = cells.get("cqc_location_id")
            if not LOCATION_ID.match(location_id):
                errors.append(
                    RowError(
                        line,
                        COLUMNS["cqc_location_id"][0],
                        f"not a CQC location id: {location_id[:20]!r}",
                    )
                )
            if not cells.get("name"):
                errors.append(RowError(line, "Name", "missing"))
            try:
                checked = parse_date(cells.get("latest_check_date"))
            except ValueError as error:
                errors.append(RowError(line, "Date of latest check", str(error)))
                checked = None
            council, reason = councils.match(cells.get("local_authority"))
            if reason:
                errors.append(RowError(line, "Local authority", reason))
            if errors:
                yield from errors
                continue
            if location_id in seen:
                yield RowError(
                    line, COLUMNS["cqc_location_id"][0], f"repeats line {seen[location_id]}"
                )
                continue
            seen[location_id] = line
            types = split_list(cells.get("service_types"))
            provider_id = cells.get("provider_id")
            yield Parsed(
                line,
                {
                    "location": {
                        "cqc_location_id": location_id,
                        "name": cells.get("name")[:300],
                        "also_known_as": cells.get("also_known_as")[:300],
                        "address": cells.get("address")[:500],
                        "postcode": cells.get("postcode").upper()[:10],
                        "phone": restore_leading_zero(cells.get("phone"))[:40],
                        "website": cells.get("website")[:300],
                        "service_types": types,
                        "specialisms": split_list(cells.get("specialisms")),
                        "latest_check_date": checked,
                        "care_home": any(t.lower() in CARE_HOME_TYPES for t in types),
                        "local_authority": council,
                        "local_authority_name": cells.get("local_authority")[:200],
                        "region": cells.get("region")[:100],
                    },
                    "provider": {
                        "cqc_provider_id": provider_id,
                        "name": cells.get("provider_name")[:300],
                    }
                    if provider_id
                    else None,
                },
            )

    def _produced_on(self, path: Path) -> str:
        """'This data was produced on 1 January 2024' from the preamble, if there is one."""
        try:
            with path.open(encoding="utf-8-sig", errors="replace") as handle:
                for _, text in zip(range(4), handle, strict=False):
                    match = re.search(r"produced on\s+(.+?)[\s,]*$", text.strip())
                    if match:
                        return match.group(1).strip('" ,')[:100]
        except OSError:
            pass
        return ""

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        self.unplaced += place_by_postcode(rows)
        return upsert_locations(rows, run, (*FIELDS, "latitude", "longitude", "area"))

    def finish(self, run: ImportRun) -> list[str]:
        """The locations this file brought or changed are listed in the directory."""
        sync_register_listings(run, self.context.checkpoint, self.context.pace())
        record_cqc_ratings(run, self.context.checkpoint)
        warnings = []
        if self.headerless:
            warnings.append(
                "the file has no header row: its columns were read in the order of CQC's "
                "CQC_directory.csv (Name, Also known as, Address, Postcode, …)"
            )
        return warnings + unplaced_warning(self.unplaced)
