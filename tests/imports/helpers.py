"""Shared helpers for the importer tests: run an import, count what is stored, make bad files."""

from __future__ import annotations

from pathlib import Path

from caremarket.imports.framework import ImportReport, run_import
from caremarket.imports.importers.registry import IMPORTERS
from caremarket.imports.models import ImportRun
from caremarket.market.models import (
    CapacitySnapshot,
    CommissioningContract,
    Location,
    Provider,
    Scheme,
)
from caremarket.needs.models import CouncilFigure, PrevalenceRate
from caremarket.outcomes.models import SafeguardingFigure
from caremarket.places.models import LocalAuthority, PopulationFigure, Postcode

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

STORED = (
    ImportRun,
    Provider,
    Location,
    CapacitySnapshot,
    Postcode,
    PrevalenceRate,
    CouncilFigure,
    CommissioningContract,
    Scheme,
    PopulationFigure,
    SafeguardingFigure,
)


FIGURES_HEADER = "local_authority,period,measure,dimension,category,value,unit,source\n"


def figures_csv(tmp_path: Path, rows: list[str], name: str = "figures.csv") -> Path:
    """A tidy council-figures file of these rows (each a CSV line without its end)."""
    return write(tmp_path, name, FIGURES_HEADER + "\n".join(rows) + "\n")


def counts() -> dict[str, int]:
    """How many rows each importable table holds: equal before and after = nothing written."""
    return {model.__name__: model.objects.count() for model in STORED}


def run(
    format_name: str,
    path: Path,
    council: str | None = None,
    **options: bool,
) -> ImportReport:
    la = LocalAuthority.objects.get(code=council) if council else None
    return run_import(IMPORTERS[format_name], path, council=la, **options)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def truncated(path: Path, tmp_path: Path) -> Path:
    """The file cut just before its last comma, as an interrupted download would leave it."""
    data = path.read_bytes().rstrip()
    out = tmp_path / f"truncated-{path.name}"
    out.write_bytes(data[: data.rfind(b",")])
    return out


def reencoded(path: Path, tmp_path: Path, encoding: str) -> Path:
    """The file saved in another encoding, with one non-ASCII letter so the bytes differ."""
    text = path.read_text(encoding="utf-8").replace(" ", " é", 1)
    out = tmp_path / f"{encoding}-{path.name}"
    out.write_bytes(text.encode(encoding))
    return out


def with_lines(path: Path, tmp_path: Path, extra: list[str], name: str = "") -> Path:
    """The good fixture with `extra` lines appended (bad rows to test)."""
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(extra) + "\n"
    return write(tmp_path, name or f"bad-{path.name}", text)


def header_only(path: Path, tmp_path: Path, header_line: int = 1) -> Path:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    return write(tmp_path, f"header-{path.name}", "".join(lines[:header_line]))
