"""Named council records as CSV: the commissioning pipeline and declared (non-CQC) schemes.

Both carry a council code, a name that is unique within the council, a few typed fields and a
source; one small base reads and validates them, so each format only lists its columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from django.db import models

from caremarket.imports.framework import Importer, Parsed, RowError, csv_rows, open_text
from caremarket.imports.models import ImportRun
from caremarket.market.models import CommissioningContract, Scheme

Parser = Callable[[str], Any]


def text(limit: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"longer than {limit} characters")
        return value

    return parse


def required_text(limit: int) -> Parser:
    def parse(value: str) -> str:
        if not value:
            raise ValueError("missing")
        return text(limit)(value)

    return parse


def optional_date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date: {value[:20]!r} (use YYYY-MM-DD)") from None


def optional_amount(value: str) -> float | None:
    if not value:
        return None
    try:
        amount = float(value.replace(",", "").lstrip("£"))
    except ValueError:
        raise ValueError(f"not an amount: {value[:20]!r}") from None
    if not math.isfinite(amount) or amount < 0:
        raise ValueError("must be a positive amount of money")
    return amount


def optional_count(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(f"not a whole number of at least 0: {value[:20]!r}")
    return int(value)


class CouncilRecordsImporter(Importer):
    """Rows keyed by (council, `key_column`); other columns parsed by `fields`."""

    model: ClassVar[type[models.Model]]
    key_column: ClassVar[str]
    fields: ClassVar[dict[str, Parser]]
    publisher = "The council"

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        columns = ("local_authority", *self.fields, "source")
        seen: dict[tuple[str, str], int] = {}
        with open_text(path) as handle:
            for item in csv_rows(handle, columns):
                if isinstance(item, RowError):
                    yield item
                    continue
                line, raw = item
                values: dict[str, Any] = {}
                errors = []
                council = self.context.council_for(raw["local_authority"])
                if council is None:
                    errors.append(
                        RowError(
                            line,
                            "local_authority",
                            f"unknown council {raw['local_authority'].strip()!r}",
                        )
                    )
                for column, parse in {**self.fields, "source": required_text(1000)}.items():
                    try:
                        values[column] = parse((raw[column] or "").strip())
                    except ValueError as error:
                        errors.append(RowError(line, column, str(error)))
                if errors:
                    yield from errors
                    continue
                key = (raw["local_authority"].strip(), values[self.key_column].lower())
                if key in seen:
                    yield RowError(line, self.key_column, f"repeats line {seen[key]}")
                    continue
                seen[key] = line
                yield Parsed(line, {**values, "local_authority": council})

    def write(self, row: Parsed, run: ImportRun) -> bool:
        values = dict(row.values)
        lookup = {
            "local_authority": values.pop("local_authority"),
            self.key_column: values.pop(self.key_column),
        }
        record = self.model.objects.filter(**lookup).first()
        if record is None:
            self.model.objects.create(**lookup, **values, import_run=run, source_row=row.line)
            return True
        if all(getattr(record, k) == v for k, v in values.items()):
            return False
        for k, v in values.items():
            setattr(record, k, v)
        record.import_run, record.source_row = run, row.line  # type: ignore[attr-defined]
        record.save()
        return True


def scheme_kind(value: str) -> str:
    if value not in Scheme.Kind.values:
        raise ValueError(f"unknown kind {value[:30]!r}; use one of {', '.join(Scheme.Kind.values)}")
    return value


class PipelineImporter(CouncilRecordsImporter):
    format = "pipeline"
    dataset = "Commissioning pipeline"
    description = (
        "local_authority, contract, service, current_end_date, recommissioning_date, "
        "estimated_value_gbp, status, source"
    )
    model = CommissioningContract
    key_column = "contract"
    fields = {
        "contract": required_text(300),
        "service": required_text(200),
        "current_end_date": optional_date,
        "recommissioning_date": optional_date,
        "estimated_value_gbp": optional_amount,
        "status": text(200),
    }


class SchemesImporter(CouncilRecordsImporter):
    format = "schemes"
    dataset = "Declared schemes and community provision"
    description = "local_authority, kind, name, area, units, tenure, operator, source"
    model = Scheme
    key_column = "name"
    fields = {
        "kind": scheme_kind,
        "name": required_text(200),
        "area": text(200),
        "units": optional_count,
        "tenure": text(60),
        "operator": text(200),
    }
