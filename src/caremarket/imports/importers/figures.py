"""Council figures as tidy CSV: local_authority, period, measure, dimension, category, value,
unit, source, and optionally base_period (the period a change is measured from); the layout and
vocabulary are in examples/figures/README.md.

A row whose category is `Total` is the council's stated total of the other rows with the same
council, period, measure and dimension; the consistency checks compare them after import.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path

from caremarket.imports.framework import Importer, Parsed, RowError, csv_rows, open_text
from caremarket.imports.models import ImportRun
from caremarket.needs.models import CouncilFigure

COLUMNS = (
    "local_authority",
    "period",
    "measure",
    "dimension",
    "category",
    "value",
    "unit",
    "source",
)
#: Optional: a change row's starting period ("up 25% since May 2023" → 2023-05-31).
OPTIONAL = ("base_period",)
PERIOD = re.compile(r"^(\d{4}/\d{2}|\d{4}|\d{4}-\d{2}-\d{2})$")
NAME = re.compile(r"^[a-z][a-z0-9_]*(\|[a-z][a-z0-9_]*)*$")
#: Measures that may be negative: changes, and gaps published as surplus (minus) or shortfall.
SIGNED = re.compile(r"change|shortfall|surplus|gap|difference|reduction")
COUNTS = {"people", "count", "beds", "units", "posts", "hours", "hours_per_week", "days"}


def valid_period(text: str) -> bool:
    if not PERIOD.match(text):
        return False
    if "/" in text:
        start, end = text.split("/")
        return (int(start) + 1) % 100 == int(end)
    if "-" in text:
        from datetime import date

        try:
            date.fromisoformat(text)
        except ValueError:
            return False
    return True


def printed_decimals(text: str) -> int:
    """'60.0' → 1, '810.30' → 2, '97500000' → 0: the precision the document printed."""
    mantissa = text.strip().lower().split("e")[0]
    return min(len(mantissa.split(".")[1]), 6) if "." in mantissa else 0


class FiguresImporter(Importer):
    format = "figures"
    publisher = "The council"
    dataset = "Council figures (tidy CSV)"
    description = "local_authority, period, measure, dimension, category, value, unit, source"

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        seen: dict[tuple[str, ...], int] = {}
        with open_text(path) as handle:
            for item in csv_rows(handle, COLUMNS):
                if isinstance(item, RowError):
                    yield item
                    continue
                line, raw = item
                row = {k: (raw.get(k) or "").strip() for k in (*COLUMNS, *OPTIONAL)}
                problems = list(self.problems(row))
                if problems:
                    yield from (RowError(line, column, reason) for column, reason in problems)
                    continue
                council = self.context.council_for(row["local_authority"])
                key = tuple(row[k] for k in COLUMNS if k not in ("value", "unit"))
                if key in seen:
                    yield RowError(line, "", f"repeats line {seen[key]} (same council, period, "
                                   "measure, dimension, category and source)")  # fmt: skip
                    continue
                seen[key] = line
                yield Parsed(
                    line,
                    {
                        **row,
                        "council": council,
                        "value": float(row["value"]),
                        "decimals": printed_decimals(row["value"]),
                    },
                )

    def problems(self, row: dict[str, str]) -> Iterator[tuple[str, str]]:
        if self.context.council_for(row["local_authority"]) is None:
            yield (
                "local_authority",
                f"unknown council {row['local_authority']!r} (give its ONS code)",
            )
        if not valid_period(row["period"]):
            yield "period", f"not a period: {row['period']!r} (use 2023/24, 2023 or 2024-03-31)"
        if row["base_period"]:
            if not valid_period(row["base_period"]):
                shown = repr(row["base_period"][:40])
                yield "base_period", f"not a period: {shown} (use 2023/24, 2023 or 2024-03-31)"
            elif "change" not in row["measure"] and "additional" not in row["measure"]:
                yield "base_period", "only a change has a period it is measured from"
        for column in ("measure", "dimension"):
            if row[column] != "all" and not NAME.match(row[column]):
                yield column, f"not a snake_case name: {row[column][:60]!r}"
        if not row["category"]:
            yield "category", "missing (use Total for an un-split figure)"
        elif len(row["category"].split("|")) != len(row["dimension"].split("|")):
            yield "category", "must have as many |-separated parts as the dimension"
        try:
            value = float(row["value"])
        except ValueError:
            yield "value", f"not a number: {row['value'][:40]!r}"
        else:
            if not math.isfinite(value):
                yield "value", "must be a finite number"
            elif value < 0 and row["unit"] in COUNTS and not SIGNED.search(row["measure"]):
                yield "value", f"a count of {row['unit']} cannot be negative"
        if not row["unit"]:
            yield "unit", "missing"
        if not row["source"]:
            yield "source", "missing: every figure must say where it came from"
        elif len(row["source"]) > 1000:
            yield "source", "longer than 1,000 characters"

    def write(self, row: Parsed, run: ImportRun) -> bool:
        v = row.values
        figure, created = CouncilFigure.objects.get_or_create(
            local_authority=v["council"],
            period=v["period"],
            measure=v["measure"],
            dimension=v["dimension"],
            category=v["category"],
            source=v["source"],
            defaults={
                "value": v["value"],
                "decimals": v["decimals"],
                "unit": v["unit"],
                "base_period": v["base_period"],
                "import_run": run,
                "source_row": row.line,
            },
        )
        if created:
            return True
        fields = ("value", "decimals", "unit", "base_period")
        if all(getattr(figure, name) == v[name] for name in fields):
            return False
        for name in fields:
            setattr(figure, name, v[name])
        figure.import_run, figure.source_row = run, row.line
        figure.save(update_fields=[*fields, "import_run", "source_row"])
        return True

    def finish(self, run: ImportRun) -> list[str]:
        from caremarket.needs.checks import findings_for_run

        return [str(f) for f in findings_for_run(run)]
