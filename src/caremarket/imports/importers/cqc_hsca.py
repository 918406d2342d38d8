"""CQC "care directory with filters" (HSCA_Active_Locations), as .xlsx or saved as CSV.

One row per active location with beds, coordinates, rating, dormancy, provider, and one Y/blank
column per "Regulated activity - …", "Service type - …" and "Service user band - …". Columns
are matched by name (case, punctuation and spacing ignored, with aliases for names that have
drifted between releases); a missing required column refuses the file, naming it. The national
file has about 50,000 rows: it is read as a stream (openpyxl read-only for .xlsx) and written
in batches of 2,000 (see cqc_register.upsert_locations). It is a full register refresh: a
location missing from the file is marked deregistered (see `finish`). Councils are matched by
the register's name for them; a location in a council not on this instance is still stored,
with `local_authority` empty and `local_authority_name` kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from django.utils import timezone

from caremarket.directory.register import sync_register_listings
from caremarket.imports.framework import Context, Importer, Parsed, RowError
from caremarket.imports.importers.cqc_directory import LOCATION_ID
from caremarket.imports.importers.cqc_register import (
    CouncilMatcher,
    place_by_postcode,
    unplaced_warning,
    upsert_locations,
)
from caremarket.imports.importers.tabular import (
    Cells,
    normalise,
    parse_count,
    parse_date,
    parse_flag,
    parse_number,
    resolve_columns,
    table_rows,
)
from caremarket.imports.models import ImportRun
from caremarket.market.models import Location
from caremarket.quality.register import record_cqc_ratings

COLUMNS: dict[str, tuple[str, ...]] = {
    "cqc_location_id": ("Location ID",),
    "registration_date": ("Location HSCA start date", "HSCA start date"),
    "dormant": ("Dormant (Y/N)", "Dormant"),
    "care_home": ("Care home?", "Care home"),
    "name": ("Location Name",),
    "phone": ("Location Telephone Number",),
    "website": ("Location Web Address",),
    "beds": ("Care homes beds", "Care home beds", "Care homes beds at location"),
    "inspection_category": ("Location Primary Inspection Category",),
    "latest_rating": ("Location Latest Overall Rating",),
    "latest_rating_date": ("Publication Date", "Location Latest Overall Rating Publication Date"),
    "region": ("Location Region",),
    "local_authority": ("Location Local Authority",),
    "street": ("Location Street Address",),
    "line_2": ("Location Address Line 2",),
    "city": ("Location City",),
    "county": ("Location County",),
    "postcode": ("Location Postal Code", "Location Postcode"),
    "latitude": ("Location Latitude",),
    "longitude": ("Location Longitude",),
    "provider_id": ("Provider ID",),
    "provider_name": ("Provider Name",),
    "companies_house": ("Provider Companies House Number", "Companies House Number"),
}
REQUIRED = ("cqc_location_id", "name", "care_home", "local_authority", "postcode")
FLAG_COLUMN = re.compile(
    r"^\s*(regulated activity|service type|service user band)s?\s*-\s*(.+?)\s*$", re.I
)
FLAG_FIELD = {
    "regulated activity": "regulated_activities",
    "service type": "service_types",
    "service user band": "service_user_bands",
}

FIELDS = (
    "cqc_location_id",
    "name",
    "phone",
    "website",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "local_authority",
    "local_authority_name",
    "region",
    "care_home",
    "beds",
    "dormant",
    "registration_date",
    "latest_rating",
    "latest_rating_date",
    "inspection_category",
    "service_types",
    "service_user_bands",
    "regulated_activities",
    "deregistered",
    "deregistered_date",
)


class CqcHscaImporter(Importer):
    format = "cqc-hsca"
    publisher = "Care Quality Commission"
    dataset = "Care directory with filters (HSCA_Active_Locations)"
    description = "HSCA_Active_Locations as .xlsx or CSV; columns matched by name"
    batch_size = 2000
    keeps_rows = True

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        #: Every location id the file lists, bad rows included: a row skipped for a bad cell is
        #: still on the register and must not be marked deregistered.
        self.listed_ids: set[str] = set()
        #: A row that could not be read at all (a truncated file) hides which ids it listed.
        self.unreadable_rows = False
        #: The councils the file covers (the register's names for them, lower case): a file
        #: filtered to a region or a few councils refreshes only those councils' locations.
        self.councils_covered: set[str] = set()

    def edition(self, path: Path) -> str:
        match = re.search(r"(\d{1,2}[_ -][A-Za-z]+[_ -]20\d\d)", path.name)
        return match.group(1).replace("_", " ") if match else ""

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        self.unplaced: list[tuple[str, str, int]] = []
        header, rows = table_rows(path, "Location ID")
        columns = resolve_columns(header, COLUMNS, REQUIRED)
        flags: dict[str, tuple[str, str]] = {}
        for name in header:
            match = FLAG_COLUMN.match(name)
            if match:
                flags[normalise(name)] = (FLAG_FIELD[match.group(1).lower()], match.group(2))
        label = {field: aliases[0] for field, aliases in COLUMNS.items()}
        by_field = {field: field for field in COLUMNS}
        councils = CouncilMatcher(self.context)
        seen: dict[str, int] = {}
        for item in rows:
            if isinstance(item, RowError):
                self.unreadable_rows = True
                yield item
                continue
            line, raw = item
            # Each wanted cell once (50,000 rows × 23 fields); the flag columns below.
            text = {field: raw.get(columns.get(field, ""), "").strip() for field in COLUMNS}
            cells = Cells(line, text, by_field, label)
            errors, values = cells.errors, cells.values

            location_id = text["cqc_location_id"]
            self.listed_ids.add(location_id)
            self.councils_covered.add(text["local_authority"].strip().lower())
            if not LOCATION_ID.match(location_id):
                errors.append(
                    RowError(line, "Location ID", f"not a CQC location id: {location_id[:20]!r}")
                )
            if not text["name"]:
                errors.append(RowError(line, "Location Name", "missing"))
            cells.parse("registration_date", parse_date)
            cells.parse("latest_rating_date", parse_date)
            cells.parse("dormant", parse_flag)
            cells.parse("care_home", parse_flag)
            cells.parse("beds", parse_count)
            cells.parse("latitude", lambda t: parse_number(t, -90, 90))
            cells.parse("longitude", lambda t: parse_number(t, -180, 180))
            council, reason = councils.match(text["local_authority"])
            if reason:
                errors.append(RowError(line, "Location Local Authority", reason))
            lists: dict[str, list[str]] = {
                "service_types": [],
                "service_user_bands": [],
                "regulated_activities": [],
            }
            for column, (field, name) in flags.items():
                flag = raw.get(column, "")
                if flag == "Y":  # nearly every ticked cell; blank is the rest
                    lists[field].append(name)
                elif flag:
                    try:
                        if parse_flag(flag):
                            lists[field].append(name)
                    except ValueError as error:
                        errors.append(RowError(line, name, str(error)))
            if errors:
                yield from errors
                continue
            if location_id in seen:
                yield RowError(line, "Location ID", f"repeats line {seen[location_id]}")
                continue
            seen[location_id] = line
            address = ", ".join(text[f] for f in ("street", "line_2", "city", "county") if text[f])
            provider_id = text["provider_id"]
            yield Parsed(
                line,
                {
                    "location": {
                        **values,
                        **lists,
                        "cqc_location_id": location_id,
                        "name": text["name"][:300],
                        "phone": text["phone"][:40],
                        "website": text["website"][:300],
                        "address": address[:500],
                        "postcode": text["postcode"].upper()[:10],
                        "local_authority": council,
                        "local_authority_name": text["local_authority"][:200],
                        "region": text["region"][:100],
                        "latest_rating": text["latest_rating"][:40],
                        "inspection_category": text["inspection_category"][:200],
                        # On the active register, so registered (again, if it had lapsed).
                        "deregistered": False,
                        "deregistered_date": None,
                    },
                    "provider": {
                        "cqc_provider_id": provider_id,
                        "name": text["provider_name"][:300],
                        "companies_house_number": text["companies_house"][:20],
                    }
                    if provider_id
                    else None,
                },
            )

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        self.unplaced += place_by_postcode(rows)
        return upsert_locations(rows, run, (*FIELDS, "area"))

    def finish(self, run: ImportRun) -> list[str]:
        return self._deregister(run) + unplaced_warning(self.unplaced)

    def _deregister(self, run: ImportRun) -> list[str]:
        """A full register refresh: a location no longer on the active register is deregistered.

        The HSCA file lists every active location, so absence means CQC removed it. With
        `--council` the file is taken as that council's download and only its locations are
        checked; without it, the locations of every council the file covers are (the whole
        register for the national file; a file filtered to one region leaves the rest alone).
        The location is kept (its history, ratings and capacity snapshots still matter) with
        `deregistered` set, the date of this import, and this run as its provenance
        (`source_row` 0: not in the file).
        """
        if self.unreadable_rows:
            sync_register_listings(run, self.context.checkpoint, self.context.pace())
            record_cqc_ratings(run, self.context.checkpoint)
            return ["some rows could not be read, so no location was marked deregistered"]
        active = Location.objects.filter(deregistered=False)
        if self.context.council is not None:
            active = active.filter(local_authority=self.context.council)
        gone = [
            pk
            for pk, location_id, council in active.values_list(
                "pk", "cqc_location_id", "local_authority_name"
            ).iterator()
            if location_id not in self.listed_ids
            and (self.context.council is not None or council.lower() in self.councils_covered)
        ]
        today = timezone.localdate()
        for start in range(0, len(gone), 2000):
            Location.objects.filter(pk__in=gone[start : start + 2000]).update(
                deregistered=True, deregistered_date=today, import_run=run, source_row=0
            )
            self.context.checkpoint()
        sync_register_listings(run, self.context.checkpoint, self.context.pace())
        record_cqc_ratings(run, self.context.checkpoint)
        if not gone:
            return []
        scope = self.context.council.name if self.context.council else "the national register"
        return [f"{len(gone)} location(s) no longer on {scope} marked deregistered on {today}"]
