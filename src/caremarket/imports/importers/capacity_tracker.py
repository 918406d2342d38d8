"""NHS Capacity Tracker care-home export, one row per location per day, as CSV.

The Tracker's own download is not published in a fixed layout, so caremarket defines one from
its field list (the council's performance team saves the export under these headings; column
order does not matter, names are matched case- and punctuation-insensitively):

    cqc_location_id, date, maximum_capacity, used_beds        (required)
    local_authority                                           (ONS code, or give --council)
    location_name, accepting_admissions (Y/N), admission_status,
    staff_employed, staff_absent, home_care_hours, people_served,
    vacancies_general_residential, vacancies_general_nursing,
    vacancies_dementia_residential, vacancies_dementia_nursing,
    vacancies_ld_residential, vacancies_ld_nursing, vacancies_mh_residential,
    vacancies_mh_nursing, vacancies_young_physically_disabled,
    vacancies_transitional_care, vacancies_community_care    (optional)

Occupancy is used ÷ maximum capacity (`CapacitySnapshot.occupancy`). Used beds above capacity,
negative counts and a date that is not a date are bad rows. A snapshot links to the register
location when it is known; one (location, date) pair per file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from caremarket.imports.framework import Importer, Parsed, RowError
from caremarket.imports.importers.cqc_directory import LOCATION_ID
from caremarket.imports.importers.tabular import (
    Cells,
    parse_count,
    parse_date,
    parse_flag,
    parse_number,
    resolve_columns,
    table_rows,
)
from caremarket.imports.models import ImportRun
from caremarket.market.models import BED_TYPES, CapacitySnapshot, Location

COUNTS = (
    "used_beds",
    "staff_employed",
    "staff_absent",
    "people_served",
    *(f"vacancies_{b}" for b in BED_TYPES),
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "cqc_location_id": ("cqc_location_id", "Location ID", "CQC Location ID"),
    "date": ("date", "Last updated", "Snapshot date"),
    "total_beds": ("maximum_capacity", "Maximum capacity", "total_beds"),
    "local_authority": ("local_authority", "Local authority code"),
    "location_name": ("location_name",),
    "accepting_admissions": ("accepting_admissions",),
    "admission_status": ("admission_status",),
    "home_care_hours": ("home_care_hours",),
    **{c: (c,) for c in COUNTS},
}
REQUIRED = ("cqc_location_id", "date", "total_beds", "used_beds")
#: Fields of CapacitySnapshot this format sets (besides its key).
FIELDS = (
    "local_authority",
    "location",
    "total_beds",
    "home_care_hours",
    "accepting_admissions",
    "admission_status",
    *COUNTS,
)


class CapacityTrackerImporter(Importer):
    format = "capacity-tracker"
    publisher = "NHS England (Capacity Tracker)"
    dataset = "Capacity Tracker care home export"
    description = "cqc_location_id, date, maximum_capacity, used_beds, vacancies by bed type …"
    batch_size = 1000

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        header, rows = table_rows(path, "cqc_location_id")
        columns = resolve_columns(header, COLUMNS, REQUIRED)
        if "local_authority" not in columns and self.context.council is None:
            from caremarket.imports.framework import ImportRefused

            raise ImportRefused("required column(s) missing: 'local_authority' (or give --council)")
        seen: dict[tuple[str, object], int] = {}
        for item in rows:
            if isinstance(item, RowError):
                yield item
                continue
            line, raw = item

            cells = Cells(line, raw, columns, {f: a[0] for f, a in COLUMNS.items()})

            errors, values = cells.errors, cells.values

            location_id = cells.get("cqc_location_id")
            if not LOCATION_ID.match(location_id):
                errors.append(
                    RowError(
                        line, "cqc_location_id", f"not a CQC location id: {location_id[:20]!r}"
                    )
                )
            cells.parse("date", parse_date)
            cells.parse("total_beds", parse_count)
            for field in COUNTS:
                cells.parse(field, parse_count)
            cells.parse("home_care_hours", lambda t: parse_number(t, 0))
            cells.parse("accepting_admissions", lambda t: parse_flag(t) if t else None)
            values["admission_status"] = cells.get("admission_status")[:100]
            if "date" in values and values["date"] is None:
                errors.append(RowError(line, "date", "missing"))
            if values.get("total_beds") is None and "total_beds" in values:
                errors.append(RowError(line, "maximum_capacity", "missing"))
            if values.get("used_beds") is None and "used_beds" in values:
                errors.append(RowError(line, "used_beds", "missing"))
            used, total = values.get("used_beds"), values.get("total_beds")
            if used is not None and total is not None and used > total:
                errors.append(
                    RowError(line, "used_beds", f"{used} used beds is more than capacity {total}")
                )
            council = self.context.council
            code = cells.get("local_authority")
            if code:
                found = self.context.council_for(code)
                if found is None or (council is not None and found != council):
                    errors.append(RowError(line, "local_authority", f"unknown council {code!r}"))
                council = found
            elif council is None:
                errors.append(RowError(line, "local_authority", "missing (or give --council)"))
            if errors:
                yield from errors
                continue
            key = (location_id, values["date"])
            if key in seen:
                yield RowError(line, "", f"repeats line {seen[key]} (same location and date)")
                continue
            seen[key] = line
            yield Parsed(
                line, {**values, "cqc_location_id": location_id, "local_authority": council}
            )

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        ids = {r.values["cqc_location_id"] for r in rows}
        locations = {
            loc.cqc_location_id: loc for loc in Location.objects.filter(cqc_location_id__in=ids)
        }
        existing = {
            (s.cqc_location_id, s.date): s
            for s in CapacitySnapshot.objects.filter(
                cqc_location_id__in=ids, date__in={r.values["date"] for r in rows}
            )
        }
        new: list[CapacitySnapshot] = []
        changed: list[CapacitySnapshot] = []
        for row in rows:
            values = {
                **row.values,
                "location": locations.get(row.values["cqc_location_id"]),
            }
            found = existing.get((values["cqc_location_id"], values["date"]))
            if found is None:
                new.append(CapacitySnapshot(**values, import_run=run, source_row=row.line))
            elif any(getattr(found, f) != values[f] for f in FIELDS):
                for f in FIELDS:
                    setattr(found, f, values[f])
                found.import_run, found.source_row = run, row.line
                changed.append(found)
        CapacitySnapshot.objects.bulk_create(new, batch_size=500)
        CapacitySnapshot.objects.bulk_update(
            changed, [*FIELDS, "import_run", "source_row"], batch_size=500
        )
        return len(new) + len(changed)
