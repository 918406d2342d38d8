"""Reading published tables whose columns drift: header search, name matching, CSV or .xlsx.

Public files (the CQC register, the ONS Postcode Directory, the Capacity Tracker) rename a
column now and then, add preamble lines, or come as a spreadsheet. These helpers find the header
row, match columns by a normalised name with aliases, and yield the same `(line, row)` stream
from CSV and from .xlsx (read-only, streamed), so an importer validates one shape of row.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from caremarket.imports.framework import ImportRefused, RowError, csv_rows, open_text

HEADER_SEARCH_LINES = 20


def normalise(header: str) -> str:
    """'Care home?' → 'care home'; 'Dormant (Y/N)' → 'dormant y n'."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())


def is_zip(path: Path) -> bool:
    """Whether the file is a zip archive (an .xlsx workbook is one), by its first bytes."""
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def resolve_columns(
    header: Iterable[str], wanted: dict[str, tuple[str, ...]], required: Iterable[str]
) -> dict[str, str]:
    """Map each wanted field to the normalised header naming it; refuse if a required one is
    missing, naming it as the publisher spells it (the first alias)."""
    present = {normalise(h) for h in header}
    found: dict[str, str] = {}
    for field, aliases in wanted.items():
        for alias in aliases:
            if normalise(alias) in present:
                found[field] = normalise(alias)
                break
    missing = [wanted[f][0] for f in required if f not in found]
    if missing:
        raise ImportRefused("required column(s) missing: " + ", ".join(repr(m) for m in missing))
    return found


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def table_rows(
    path: Path, key_column: str, headerless: Callable[[list[str]], list[str] | None] | None = None
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]] | RowError]]:
    """The original header and a stream of (line, row keyed by normalised header).

    The header is the first row (within the first 20) holding `key_column`; lines before it
    (CQC's preamble, a `# Source:` comment) are skipped. A .xlsx file (by its zip signature)
    is read from the first sheet that has such a header. When no row holds it, `headerless`
    may recognise the first row as data of a known layout and return that layout's header.
    """
    if is_zip(path):
        return _xlsx_rows(path, key_column)
    key = normalise(key_column)
    with open_text(path) as handle:
        reader = csv.reader(handle)
        skip = None
        header: list[str] = []
        first: list[str] = []
        try:
            for index, fields in enumerate(reader):
                if index >= HEADER_SEARCH_LINES:
                    break
                first = first or fields
                if key in {normalise(f) for f in fields}:
                    skip, header = index, fields
                    break
        except csv.Error as error:
            raise ImportRefused(f"the header cannot be read: {error}") from None
    given = headerless(first) if skip is None and headerless is not None and first else None
    if skip is None and given is None:
        raise ImportRefused(f"required column(s) missing: {key_column!r} (no header row found)")

    def rows() -> Iterator[tuple[int, dict[str, str]] | RowError]:
        with open_text(path) as handle:
            yield from csv_rows(
                handle, (), skip_lines=skip or 0, header_normaliser=normalise, header=given
            )

    return given or header, rows()


#: A workbook's parts may inflate to this much in all: a council's or CQC's largest extract is
#: well under it; a "zip bomb" (1 MB that inflates to 1 GiB) is refused before it is parsed.
MAX_XLSX_INFLATED = 512 * 1024 * 1024
#: Parts other than worksheets (shared strings, styles) are held in memory while reading.
MAX_XLSX_PART_IN_MEMORY = 128 * 1024 * 1024
#: Bytes of one cell's text (or one tag) in the XML: a spreadsheet cell holds at most 32,767
#: characters, which with UTF-8 and XML escapes stays well under this.
MAX_XLSX_RUN = 256 * 1024
XLSX_SCAN_CHUNK = 1024 * 1024
_LONG_RUN = re.compile(rb"[^<>]{%d}" % (MAX_XLSX_RUN + 1))


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def check_xlsx(path: Path) -> None:
    """Refuse a workbook that would inflate too far, or hold a cell too large or an XML entity
    declaration, before openpyxl parses any of it. The sizes come from the zip's directory
    (zipfile never inflates a part past its declared size: a lie fails its checksum), and
    every part is then inflated in 1 MB pieces and scanned, never held whole."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            total = sum(part.file_size for part in parts)
            if total > MAX_XLSX_INFLATED:
                raise ImportRefused(
                    f"the spreadsheet would unpack to {_mib(total)}, more than the "
                    f"{_mib(MAX_XLSX_INFLATED)} allowed: save it as CSV, or split it"
                )
            for part in parts:
                in_memory = not part.filename.startswith("xl/worksheets/")
                if in_memory and part.file_size > MAX_XLSX_PART_IN_MEMORY:
                    raise ImportRefused(
                        f"the spreadsheet's part {part.filename} would unpack to "
                        f"{_mib(part.file_size)}, more than the "
                        f"{_mib(MAX_XLSX_PART_IN_MEMORY)} allowed: save it as CSV"
                    )
                if part.filename.endswith((".xml", ".rels")):
                    with archive.open(part) as stream:
                        _scan_xml(stream, part.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError) as error:
        raise ImportRefused(f"the spreadsheet cannot be read ({error}); is it truncated?") from None


def _scan_xml(stream: Any, name: str) -> None:
    run = 0  # bytes since the last < or > at the end of the previous piece
    tail = b""  # the previous piece's end, so a declaration split between pieces is seen
    while chunk := stream.read(XLSX_SCAN_CHUNK):
        window = tail + chunk
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            raise ImportRefused(f"the spreadsheet's part {name} declares XML entities: refused")
        tail = chunk[-16:]
        cut = [i for i in (chunk.find(b"<"), chunk.find(b">")) if i >= 0]
        if run + (min(cut) if cut else len(chunk)) > MAX_XLSX_RUN or _LONG_RUN.search(chunk):
            raise ImportRefused(
                f"a cell in the spreadsheet ({name}) is larger than a spreadsheet cell can be "
                "(32,767 characters): refused"
            )
        last = max(chunk.rfind(b"<"), chunk.rfind(b">"))
        run = len(chunk) - last - 1 if last >= 0 else run + len(chunk)


def _xlsx_rows(
    path: Path, key_column: str
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]] | RowError]]:
    from openpyxl import load_workbook

    check_xlsx(path)
    key = normalise(key_column)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportRefused(f"the spreadsheet cannot be read ({error}); is it truncated?") from None
    for sheet in book.worksheets:
        for index, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if index > HEADER_SEARCH_LINES:
                break
            header = [_cell_text(c) for c in cells]
            if key in {normalise(h) for h in header}:
                return header, _sheet_rows(book, sheet, index, header)
    book.close()
    raise ImportRefused(f"required column(s) missing: {key_column!r} (no sheet has it)")


def _sheet_rows(
    book: Any, sheet: Any, header_line: int, header: list[str]
) -> Iterator[tuple[int, dict[str, str]] | RowError]:
    names = [normalise(h) for h in header]
    width = len(names)
    try:
        for line, cells in enumerate(
            sheet.iter_rows(min_row=header_line + 1, values_only=True), start=header_line + 1
        ):
            values = [_cell_text(c) for c in cells]
            if not any(values):
                continue
            if len(values) > width and any(values[width:]):
                yield RowError(line, "", f"has values beyond the header's {width} columns")
                continue
            values = (values + [""] * width)[:width]
            yield line, dict(zip(names, values, strict=True))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as error:
        yield RowError(0, "", f"the spreadsheet cannot be read further ({error}); truncated?")
    finally:
        book.close()


DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%b/%Y - %H:%M",
    "%d/%m/%Y - %H:%M",  # CQC_directory.csv of 2016
    "%d/%b/%Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
)


DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> date | None:
    """A date in any of the layouts the publishers use; None for blank; ValueError if bad.

    ISO and dd/mm/yyyy (nearly every cell of a register file) are parsed without `strptime`,
    which is slow enough to be a third of a 50,000-row import.
    """
    text = text.strip()
    if not text or text.upper() in {"NA", "N/A"}:
        return None
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return date.fromisoformat(text)
        match = DAY_MONTH_YEAR.match(text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        raise ValueError(f"not a date: {text[:30]!r}") from None
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text[:30]!r}")


def parse_count(text: str) -> int | None:
    """A whole number of at least 0 (blank → None); '12.0' is accepted from spreadsheets."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"not a number: {text[:30]!r}") from None
    if number < 0:
        raise ValueError(f"cannot be negative: {text[:30]!r}")
    if not number.is_integer():
        raise ValueError(f"not a whole number: {text[:30]!r}")
    return int(number)


def parse_number(text: str, low: float | None = None, high: float | None = None) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"not a number: {text[:30]!r}") from None
    if (
        number != number
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        raise ValueError(f"out of range: {text[:30]!r}")
    return number


def parse_flag(text: str) -> bool:
    """Y/Yes/True/1 → True; N/No/False/0/blank → False; anything else is an error."""
    value = text.strip().lower()
    if value in {"y", "yes", "true", "1"}:
        return True
    if value in {"", "n", "no", "false", "0"}:
        return False
    raise ValueError(f"not Y or N: {text[:20]!r}")


def council_key(name: str) -> str:
    """Names as the register spells them → a key that matches ours ('&' = 'and', no 'City of')."""
    key = normalise(name.replace("&", " and "))
    key = re.sub(r"^(city of|county of) ", "", key)
    key = re.sub(r" (city of|county of)$", "", key)  # ONS's "Bristol, City of"
    key = re.sub(r" (city|county|borough|metropolitan borough|district)? ?council$", "", key)
    # CQC's 2016 directory abbreviates compass points: "Bath & N E Somerset".
    points = {"n": "north", "e": "east", "s": "south", "w": "west"}
    return "".join(points.get(word, word) for word in key.split())


class Cells:
    """One row's cells by field name, collecting the reason each bad cell is bad."""

    def __init__(
        self, line: int, raw: dict[str, str], columns: dict[str, str], labels: dict[str, str]
    ) -> None:
        self.line = line
        self.raw = raw
        self.columns = columns
        self.labels = labels
        self.errors: list[RowError] = []
        self.values: dict[str, Any] = {}

    def get(self, field: str) -> str:
        return self.raw.get(self.columns.get(field, ""), "").strip()

    def parse(self, field: str, parser: Callable[[str], Any]) -> None:
        """Store the parsed cell in `values`, or note why it is bad."""
        try:
            self.values[field] = parser(self.get(field))
        except ValueError as error:
            self.errors.append(RowError(self.line, self.labels.get(field, field), str(error)))
