"""Helpers for the register, capacity, postcode and prevalence importer tests."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from caremarket.imports.framework import ImportReport, run_import
from caremarket.imports.importers.registry import IMPORTERS
from caremarket.places.models import LocalAuthority

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

Row = dict[str, str]


def run(format_name: str, path: Path, council: str | None = None, **options: bool) -> ImportReport:
    """Import `path` as the command line would (`--council CODE`, `--skip-bad-rows` …)."""
    la = LocalAuthority.objects.get(code=council) if council else None
    return run_import(IMPORTERS[format_name], path, council=la, **options)


def read_table(path: Path, skip_lines: int = 0) -> tuple[list[str], list[str], list[Row]]:
    """(preamble lines, header, rows) of a fixture CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        preamble = [handle.readline() for _ in range(skip_lines)]
        reader = csv.DictReader(handle)
        return preamble, list(reader.fieldnames or []), list(reader)


def variant(
    source: Path,
    out: Path,
    *,
    skip_lines: int = 0,
    rename: dict[str, str | None] | None = None,
    rows: Callable[[list[Row]], list[Row]] | None = None,
) -> Path:
    """A copy of a fixture with columns renamed (to None: dropped) and/or rows changed."""
    preamble, names, data = read_table(source, skip_lines)
    rename = rename or {}
    kept = [n for n in names if rename.get(n, n) is not None]
    data = rows(data) if rows else data
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(preamble)
        writer = csv.writer(handle)
        writer.writerow([rename.get(n) or n for n in kept])
        for row in data:
            writer.writerow([row.get(n, "") for n in kept])
    return out


def edit(index: int, cells: Row) -> Callable[[list[Row]], list[Row]]:
    """Rows with row `index` (0-based) given new cell values, keyed by header name."""

    def change(data: list[Row]) -> list[Row]:
        data[index] = {**data[index], **cells}
        return data

    return change


def drop(index: int) -> Callable[[list[Row]], list[Row]]:
    """Rows without row `index` (0-based)."""
    return lambda data: data[:index] + data[index + 1 :]
