"""OS Code-Point Open: every live postcode unit in Great Britain, with its grid reference.

The layout as OS ships it: `codepo_gb.zip` holds one CSV per postcode area (`Data/CSV/st.csv`
…) with **no header row**, and the column names in a separate file,
`Doc/Code-Point_Open_Column_Headers.csv` (first line short codes, second line names). Either
the zip or one area file (or several concatenated) may be imported; the header file is found
with `--header`, else beside the file (or in `../../Doc/` as unpacked), else inside the zip,
else OS's documented column order is used and the summary says so.

Columns used: Postcode, Positional_quality_indicator, Eastings, Northings,
Admin_county_code, Admin_district_code and Admin_ward_code. Eastings/northings (British
National Grid) become latitude/longitude with pyproj (`places/grid.py`). The council is the
county where the file names one (two-tier areas: the county has the adult social care duties),
else the district; the ward is the file's. Postcodes OS publishes without coordinates
(positional quality 90) cannot be placed and are left out, counted in the summary.

Code-Point Open holds live postcodes only, so every postcode imported is marked live; an
area file says nothing about postcodes elsewhere, so none is marked terminated for being
absent. Written in bulk batches; the grid conversion runs once per batch, when writing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from caremarket.imports.framework import Importer, ImportRefused, Parsed, RowError, open_text
from caremarket.imports.importers.onspd import normal_postcode, write_postcodes
from caremarket.imports.importers.tabular import is_zip
from caremarket.imports.models import ImportRun
from caremarket.places.areas import refresh_centroids
from caremarket.places.grid import to_latitude_longitude

HEADER_FILE = "Code-Point_Open_Column_Headers.csv"
#: OS's documented column order (Code-Point Open user guide; the header file's second line).
DEFAULT_COLUMNS = (
    "Postcode",
    "Positional_quality_indicator",
    "Eastings",
    "Northings",
    "Country_code",
    "NHS_regional_HA_code",
    "NHS_HA_code",
    "Admin_county_code",
    "Admin_district_code",
    "Admin_ward_code",
)
REQUIRED = (
    "Postcode",
    "Positional_quality_indicator",
    "Eastings",
    "Northings",
    "Admin_county_code",
    "Admin_district_code",
    "Admin_ward_code",
)
#: Positional quality: 10 within the building … 60 approximate; 90 no coordinates.
QUALITIES = frozenset({10, 20, 30, 40, 50, 60})
NO_COORDINATES = 90
#: The National Grid's extent, in metres.
MAX_EASTING = 700_000
MAX_NORTHING = 1_300_000
AREA_CODE = re.compile(r"^[EWSNL]\d{8}$")


def _code(raw: str) -> str:
    return raw.strip().upper()


class CodePointOpenImporter(Importer):
    format = "codepoint-open"
    publisher = "Ordnance Survey"
    dataset = "Code-Point Open"
    description = (
        "OS Code-Point Open as shipped (the zip, or area CSVs without a header row; the "
        "header file beside them or --header)"
    )
    batch_size = 5000

    def edition(self, path: Path) -> str:
        match = re.search(r"(20\d\d[-_.]\d\d?)", path.name)
        return match.group(1) if match else ""

    # --- the header ------------------------------------------------------------------------

    def _header(self, path: Path, archive: zipfile.ZipFile | None) -> list[str]:
        given = self.context.options.get("header")
        if given:
            given = Path(given)
            if not given.is_file():
                raise ImportRefused(f"no such header file: {given}")
            return self._header_names(given.read_bytes(), given.name)
        for candidate in (
            path.parent / HEADER_FILE,
            path.parent.parent.parent / "Doc" / HEADER_FILE,
        ):
            if candidate.is_file():
                return self._header_names(candidate.read_bytes(), candidate.name)
        if archive is not None:
            for member in archive.namelist():
                if member.endswith(HEADER_FILE):
                    return self._header_names(archive.read(member), member)
        self.header_note = (
            f"no {HEADER_FILE} beside the file: its columns were read in OS's documented order"
        )
        return list(DEFAULT_COLUMNS)

    def _header_names(self, data: bytes, name: str) -> list[str]:
        try:
            lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error) as error:
            raise ImportRefused(f"the header file {name} cannot be read: {error}") from None
        # The second line holds the names; the first OS's two-letter codes.
        names = [n.strip() for n in (lines[1] if len(lines) > 1 else lines[0] if lines else [])]
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise ImportRefused(
                f"the header file {name} does not name the column(s) "
                + ", ".join(repr(m) for m in missing)
            )
        return names

    # --- the rows ---------------------------------------------------------------------------

    def _sources(self, path: Path) -> Iterator[tuple[str, io.TextIOBase]]:
        """(name, text) of each data file: the area files of a zip, or the file itself."""
        if self.archive is None:
            with open_text(path) as handle:
                yield "", handle
            return
        members = sorted(
            m
            for m in self.archive.namelist()
            if m.lower().endswith(".csv")
            and not m.endswith(HEADER_FILE)
            and "/doc/" not in m.lower()
        )
        if not members:
            raise ImportRefused("the zip holds no area CSV files (Data/CSV/*.csv)")
        for member in members:
            with self.archive.open(member) as raw:
                yield (
                    member.rsplit("/", 1)[-1],
                    io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""),
                )

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        self.header_note = ""
        self.without_coordinates = 0
        self.archive: zipfile.ZipFile | None = None
        if is_zip(path):
            try:
                self.archive = zipfile.ZipFile(path)
            except zipfile.BadZipFile as error:
                raise ImportRefused(f"the zip cannot be read ({error}); is it truncated?") from None
        try:
            header = self._header(path, self.archive)
            yield from self._rows(path, header)
        finally:
            if self.archive is not None:
                self.archive.close()

    def _rows(self, path: Path, header: list[str]) -> Iterator[Parsed | RowError]:
        width = len(header)
        at = {name: header.index(name) for name in REQUIRED}
        seen: dict[str, tuple[str, int]] = {}
        for source, handle in self._sources(path):
            where = f"{source}: " if source else ""
            reader = csv.reader(handle, strict=True)
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except (csv.Error, UnicodeDecodeError, zipfile.BadZipFile, EOFError) as error:
                    yield RowError(
                        reader.line_num,
                        "",
                        f"{where}cannot be read ({error}); is the file truncated?",
                    )
                    break
                line = reader.line_num
                if not fields or all(not f.strip() for f in fields):
                    continue
                if line == 1 and fields[0].strip() in ("Postcode", "PC"):
                    continue  # a header row someone added
                if len(fields) != width:
                    yield RowError(
                        line,
                        "",
                        f"{where}has {len(fields)} field(s) but Code-Point Open rows have "
                        f"{width}; is the file truncated?",
                    )
                    continue
                item = self._row(line, where, fields, at)
                if isinstance(item, Parsed):
                    postcode = item.values["postcode"]
                    if postcode in seen:
                        first_source, first_line = seen[postcode]
                        first = (
                            f"{first_source} line {first_line}"
                            if first_source
                            else f"line {first_line}"
                        )
                        yield RowError(line, "Postcode", f"{where}repeats {first}")
                        continue
                    seen[postcode] = (source, line)
                    yield item
                elif item is not None:
                    yield from item

    def _row(
        self, line: int, where: str, fields: list[str], at: dict[str, int]
    ) -> Parsed | list[RowError] | None:
        errors: list[RowError] = []
        raw_postcode = fields[at["Postcode"]]
        postcode = normal_postcode(raw_postcode)
        if postcode is None:
            errors.append(
                RowError(line, "Postcode", f"{where}not a postcode: {raw_postcode[:12]!r}")
            )
        quality_text = fields[at["Positional_quality_indicator"]].strip()
        quality = int(quality_text) if quality_text.isdigit() else None
        if quality is None or (quality not in QUALITIES and quality != NO_COORDINATES):
            errors.append(
                RowError(
                    line,
                    "Positional_quality_indicator",
                    f"{where}not an OS quality code (10 to 60, or 90): {quality_text[:10]!r}",
                )
            )
        grid: list[int] = []
        for column, high in (("Eastings", MAX_EASTING), ("Northings", MAX_NORTHING)):
            text = fields[at[column]].strip()
            if not text.isdigit():
                errors.append(
                    RowError(line, column, f"{where}not a whole number of metres: {text[:12]!r}")
                )
            elif int(text) > high:
                errors.append(
                    RowError(
                        line,
                        column,
                        f"{where}outside the National Grid (over {high:,} m): {text[:12]}",
                    )
                )
            else:
                grid.append(int(text))
        codes: dict[str, str] = {}
        for column in ("Admin_county_code", "Admin_district_code", "Admin_ward_code"):
            code = _code(fields[at[column]])
            if code and not AREA_CODE.match(code):
                errors.append(RowError(line, column, f"{where}not an ONS area code: {code[:12]!r}"))
            codes[column] = code
        if not codes["Admin_district_code"] and quality != NO_COORDINATES:
            errors.append(RowError(line, "Admin_district_code", f"{where}missing"))
        if errors:
            return errors
        if quality == NO_COORDINATES:
            self.without_coordinates += 1
            return None
        if grid == [0, 0]:
            return [
                RowError(
                    line,
                    "Eastings",
                    f"{where}grid reference 0, 0 with a positional quality of {quality}",
                )
            ]
        assert postcode is not None and quality is not None
        return Parsed(
            line,
            {
                "postcode": postcode,
                "outward": postcode.split()[0],
                "eastings": grid[0],
                "northings": grid[1],
                "local_authority_code": codes["Admin_county_code"] or codes["Admin_district_code"],
                "district_code": codes["Admin_district_code"],
                "ward_code": codes["Admin_ward_code"],
                "positional_quality": quality,
            },
        )

    # --- writing ----------------------------------------------------------------------------

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        points = to_latitude_longitude(
            [r.values["eastings"] for r in rows], [r.values["northings"] for r in rows]
        )
        values: list[dict[str, Any]] = []
        for row, (latitude, longitude) in zip(rows, points, strict=True):
            found = {k: v for k, v in row.values.items() if k not in ("eastings", "northings")}
            found.update(latitude=latitude, longitude=longitude, terminated=False)
            values.append(found)
        return write_postcodes(
            values,
            (
                "latitude",
                "longitude",
                "local_authority_code",
                "district_code",
                "ward_code",
                "positional_quality",
                "terminated",
            ),
            run,
        )

    def finish(self, run: ImportRun) -> list[str]:
        warnings = []
        if self.header_note:
            warnings.append(self.header_note)
        if self.without_coordinates:
            warnings.append(
                f"{self.without_coordinates:,} postcode(s) have no coordinates in the file "
                "(positional quality 90) and were left out"
            )
        refresh_centroids()
        return warnings
