"""ONS Postcode Directory (ONSPD) or National Statistics Postcode Lookup (NSPL) as CSV.

Columns used: `pcds` (postcode with its space), `lat`, `long`, `doterm` (the month a postcode
was terminated, blank if live) and the local authority code column, whose name carries the
boundary year (`oslaua`, `laua`, `lad23cd`, `lad24cd` …). Every postcode is stored, whatever
its council: postcodes are national, a resident may live over the border, and a council that
joins later needs no re-import. Postcodes ONS publishes without a grid reference (latitude
99.999999) cannot be placed and are left out, not reported as bad. Written in bulk batches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from caremarket.imports.framework import Importer, ImportRefused, Parsed, RowError
from caremarket.imports.importers.tabular import parse_number, table_rows
from caremarket.imports.models import ImportRun
from caremarket.places.models import Postcode

LA_COLUMN = re.compile(r"^(oslaua|laua|lad\d\dcd)$")
POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")
LA_CODE = re.compile(r"^[EWSNL]\d{8}$")
NO_GRID_LATITUDE = 99.999999


def normal_postcode(text: str) -> str | None:
    """'st41aa' → 'ST4 1AA'; None if it is not shaped like a postcode."""
    match = POSTCODE.match(text.strip().upper().replace("  ", " "))
    return f"{match.group(1)} {match.group(2)}" if match else None


class OnspdImporter(Importer):
    format = "onspd"
    publisher = "Office for National Statistics"
    dataset = "ONS Postcode Directory"
    description = "ONSPD/NSPL CSV: pcds, lat, long, doterm and the LA code (oslaua, lad23cd …)"
    batch_size = 5000

    def edition(self, path: Path) -> str:
        match = re.search(r"([A-Z]{3}_?20\d\d)", path.name.upper())
        return match.group(1) if match else ""

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        header, rows = table_rows(path, "pcds")
        names = [h.strip().lower() for h in header]
        missing = [c for c in ("pcds", "lat", "long", "doterm") if c not in names]
        la_columns = [n for n in names if LA_COLUMN.match(n)]
        if not la_columns:
            missing.append("oslaua (or laua / ladYYcd)")
        if missing:
            raise ImportRefused("required column(s) missing: " + ", ".join(map(repr, missing)))
        la_column = la_columns[0]
        seen: dict[str, int] = {}
        for item in rows:
            if isinstance(item, RowError):
                yield item
                continue
            line, raw = item
            errors: list[RowError] = []
            postcode = normal_postcode(raw["pcds"])
            if postcode is None:
                errors.append(RowError(line, "pcds", f"not a postcode: {raw['pcds'][:12]!r}"))
            coordinates: list[float | None] = []
            for column, low, high in (("lat", -90.0, 100.0), ("long", -180.0, 180.0)):
                try:
                    coordinates.append(parse_number(raw[column], low, high))
                except ValueError as error:
                    errors.append(RowError(line, column, str(error)))
            code = raw[la_column].strip()
            if code and not LA_CODE.match(code):
                errors.append(RowError(line, la_column, f"not an ONS area code: {code[:12]!r}"))
            doterm = raw["doterm"].strip()
            if doterm and not re.fullmatch(r"\d{6}", doterm):
                errors.append(RowError(line, "doterm", f"not a year and month: {doterm[:10]!r}"))
            if errors:
                yield from errors
                continue
            assert postcode is not None
            latitude, longitude = coordinates
            if latitude is None or longitude is None or latitude >= NO_GRID_LATITUDE:
                continue  # no grid reference: cannot be placed
            if postcode in seen:
                yield RowError(line, "pcds", f"repeats line {seen[postcode]}")
                continue
            seen[postcode] = line
            yield Parsed(
                line,
                {
                    "postcode": postcode,
                    "outward": postcode.split()[0],
                    "latitude": latitude,
                    "longitude": longitude,
                    "local_authority_code": code,
                    "terminated": bool(doterm),
                },
            )

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        return write_postcodes(
            [row.values for row in rows],
            ("latitude", "longitude", "local_authority_code", "terminated"),
            run,
        )


def write_postcodes(values: list[dict[str, Any]], fields: tuple[str, ...], run: ImportRun) -> int:
    """Create new postcodes and update those whose `fields` differ; return how many changed.

    Shared by both postcode products (ONSPD and Code-Point Open), each owning its own fields.
    """
    existing = {
        p.postcode: p for p in Postcode.objects.filter(postcode__in=[v["postcode"] for v in values])
    }
    new: list[Postcode] = []
    changed: list[Postcode] = []
    for value in values:
        found = existing.get(value["postcode"])
        if found is None:
            new.append(Postcode(**value, import_run=run))
        elif any(getattr(found, f) != value[f] for f in fields):
            for f in fields:
                setattr(found, f, value[f])
            found.import_run = run
            changed.append(found)
    Postcode.objects.bulk_create(new, batch_size=1000)
    Postcode.objects.bulk_update(changed, [*fields, "import_run"], batch_size=1000)
    return len(new) + len(changed)
