"""A council's wards and the localities made of them.

`wards`: one row per electoral ward with its ONS code, name and council code, e.g. the OS
Boundary-Line code list Code-Point Open ships (`ward_code,ward_name,lad_code,lad_name`).
OS's " Ward" suffix is dropped from names ("Burslem Park Ward" → "Burslem Park"). The council
code may be the ward's district in a two-tier area, when the postcode table (Code-Point Open,
imported first) says which county it is in. Two wards of one council with the same name (two
districts of a county) are told apart by their district's name.

`localities`: one row per ward saying which locality (town, neighbourhood, care zone) it is
in: `council,locality,ward_code` (or `ward_name`). The wards must be imported first. A ward
belongs to one locality; re-importing moves it if the file says so.

Both keep the areas' centroids (`places/areas.py`) up to date.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from caremarket.imports.framework import (
    Importer,
    ImportRefused,
    Parsed,
    RowError,
    csv_rows,
    open_text,
)
from caremarket.imports.importers.tabular import normalise, resolve_columns
from caremarket.imports.models import ImportRun
from caremarket.places.areas import refresh_centroids
from caremarket.places.models import Area, LocalAuthority, Postcode

WARD_CODE = re.compile(r"^[EWS]\d{8}$")
WARD_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("ward_code", "code", "wd_code", "WD24CD", "WD23CD", "WD22CD"),
    "name": ("ward_name", "name", "WD24NM", "WD23NM", "WD22NM"),
    "council": ("lad_code", "council", "council_code", "LAD24CD", "LAD23CD", "LAD22CD"),
    "council_name": ("lad_name", "council_name", "LAD24NM", "LAD23NM", "LAD22NM"),
}
LOCALITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "council": ("council", "council_code", "lad_code"),
    "locality": ("locality", "locality_name", "town"),
    "ward_code": ("ward_code", "code"),
    "ward_name": ("ward_name", "ward"),
}
MAX_NAME = 200


def ward_name(name: str) -> str:
    """OS's 'Burslem Park Ward' → 'Burslem Park'."""
    name = " ".join(name.split())
    return name[: -len(" Ward")] if name.endswith(" Ward") else name


def _table(
    path: Path, wanted: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> tuple[dict[str, str], Iterator[tuple[int, dict[str, str]] | RowError]]:
    with open_text(path) as handle:
        try:
            header = next(csv.reader(handle))
        except (StopIteration, csv.Error) as error:
            raise ImportRefused(f"the header cannot be read: {error}") from None
    columns = resolve_columns(header, wanted, required)

    def rows() -> Iterator[tuple[int, dict[str, str]] | RowError]:
        with open_text(path) as handle:
            yield from csv_rows(handle, (), header_normaliser=normalise)

    return columns, rows()


class _Councils:
    """A row's council by code: a council on this instance, or the county of a district."""

    def __init__(self, importer: Importer) -> None:
        self.context = importer.context
        self.counties: dict[str, LocalAuthority | None] = {}

    def find(self, code: str) -> LocalAuthority | None:
        council = self.context.council_for(code)
        if council is not None or self.context.only_council:
            return council
        if code not in self.counties:
            county = (
                Postcode.objects.filter(district_code=code)
                .exclude(local_authority_code=code)
                .values_list("local_authority_code", flat=True)
                .first()
            )
            self.counties[code] = self.context.council_for(county) if county else None
        return self.counties[code]


class _AreasImporter(Importer):
    """Both formats end by placing the areas they touched (their postcodes' centroids)."""

    def finish(self, run: ImportRun) -> list[str]:
        refresh_centroids()
        return []


class WardsImporter(_AreasImporter):
    format = "wards"
    publisher = "Ordnance Survey / Office for National Statistics"
    dataset = "Electoral wards (code, name and council)"
    description = "Wards CSV: ward_code, ward_name, lad_code (OS Boundary-Line code list)"

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        columns, rows = _table(path, WARD_COLUMNS, ("code", "name", "council"))
        councils = _Councils(self)
        good: list[tuple[int, dict[str, object]]] = []
        seen: dict[str, int] = {}
        for item in rows:
            if isinstance(item, RowError):
                yield item
                continue
            line, raw = item
            code = raw[columns["code"]].strip().upper()
            name = ward_name(raw[columns["name"]])
            council_code = raw[columns["council"]].strip().upper()
            errors = []
            if not WARD_CODE.match(code):
                errors.append(RowError(line, "ward_code", f"not an ONS ward code: {code[:12]!r}"))
            if not name:
                errors.append(RowError(line, "ward_name", "missing"))
            elif len(name) > MAX_NAME:
                errors.append(RowError(line, "ward_name", f"longer than {MAX_NAME} characters"))
            council = councils.find(council_code) if council_code else None
            if council is None:
                errors.append(
                    RowError(
                        line,
                        "lad_code",
                        f"{council_code[:12]!r} is not a council on this instance"
                        if council_code
                        else "missing",
                    )
                )
            if errors:
                yield from errors
                continue
            if code in seen:
                yield RowError(line, "ward_code", f"repeats line {seen[code]}")
                continue
            seen[code] = line
            council_name = raw.get(columns.get("council_name", ""), "").strip()
            good.append(
                (
                    line,
                    {
                        "code": code,
                        "name": name,
                        "council": council,
                        "district": council_name if council_code != council.code else "",
                    },
                )
            )
        # Two wards of one council with one name (two districts of a county): add the district.
        names = Counter((v["council"], v["name"]) for _, v in good)
        for line, values in good:
            if names[(values["council"], values["name"])] > 1:
                values["name"] = f"{values['name']} ({values['district'] or values['code']})"
            yield Parsed(line, values)

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        existing = {
            (a.local_authority_id, a.code): a
            for a in Area.objects.filter(
                kind=Area.Kind.WARD, code__in=[r.values["code"] for r in rows]
            )
        }
        changed = 0
        for row in rows:
            council = row.values["council"]
            name = str(row.values["name"])
            ward = existing.get((council.pk, row.values["code"]))
            if ward is None:
                Area.objects.create(
                    local_authority=council,
                    kind=Area.Kind.WARD,
                    code=row.values["code"],
                    name=name,
                    import_run=run,
                )
                changed += 1
            elif ward.name != name:
                ward.name, ward.import_run = name, run
                ward.save(update_fields=["name", "import_run"])
                changed += 1
        return changed


class LocalitiesImporter(_AreasImporter):
    format = "localities"
    publisher = "The council"
    dataset = "Localities made of wards"
    description = "Localities CSV: council, locality, ward_code (or ward_name); wards first"

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        columns, rows = _table(path, LOCALITY_COLUMNS, ("council", "locality"))
        if "ward_code" not in columns and "ward_name" not in columns:
            raise ImportRefused("required column(s) missing: 'ward_code' (or 'ward_name')")
        wards = {
            (w.local_authority_id, key): w
            for w in Area.objects.filter(kind=Area.Kind.WARD)
            for key in (w.code, normalise(w.name))
        }
        seen: dict[int, int] = {}
        for item in rows:
            if isinstance(item, RowError):
                yield item
                continue
            line, raw = item
            errors = []
            code = raw[columns["council"]].strip().upper()
            council = self.context.council_for(code) if code else None
            if council is None:
                errors.append(
                    RowError(
                        line,
                        "council",
                        f"{code[:12]!r} is not a council on this instance" if code else "missing",
                    )
                )
            locality = " ".join(raw[columns["locality"]].split())
            if not locality:
                errors.append(RowError(line, "locality", "missing"))
            elif len(locality) > MAX_NAME:
                errors.append(RowError(line, "locality", f"longer than {MAX_NAME} characters"))
            by_code = raw.get(columns.get("ward_code", ""), "").strip().upper()
            by_name = raw.get(columns.get("ward_name", ""), "").strip()
            ward = None
            if council is not None:
                key = by_code or normalise(ward_name(by_name))
                ward = wards.get((council.pk, key)) if key else None
                if ward is None:
                    column = "ward_code" if by_code else "ward_name"
                    errors.append(
                        RowError(
                            line,
                            column,
                            f"no ward {(by_code or by_name)[:60]!r} in {council.name}: import "
                            "its wards first"
                            if (by_code or by_name)
                            else "missing",
                        )
                    )
            if errors:
                yield from errors
                continue
            assert ward is not None
            if ward.pk in seen:
                yield RowError(
                    line, "ward_code", f"the ward is already in a locality on line {seen[ward.pk]}"
                )
                continue
            seen[ward.pk] = line
            yield Parsed(line, {"council": council, "locality": locality, "ward": ward})

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        changed = 0
        for row in rows:
            locality, created = Area.objects.get_or_create(
                local_authority=row.values["council"],
                kind=Area.Kind.LOCALITY,
                name=row.values["locality"],
                defaults={"import_run": run},
            )
            ward = Area.objects.get(pk=row.values["ward"].pk)
            if ward.parent_id != locality.pk:
                ward.parent, ward.import_run = locality, run
                ward.save(update_fields=["parent", "import_run"])
                changed += 1
            elif created:
                changed += 1
        return changed
