"""`caremarket import safeguarding FILE`: a council's yearly safeguarding return and DoLS figures.

Tidy CSV, one count a row: local_authority, year, measure, breakdown, category, value, source
(the layout and words are in README.md, "Imports", and examples/safeguarding/). Every row is
checked before anything is written; a file holds whole returns: importing a council's year
again replaces that year's figures (counts the new file no longer states are removed), and the
same file again changes nothing. After the import, the consistency checks run on the returns it
touched and their findings are the import's warnings (more enquiries substantiated than
concluded, for example).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.utils import timezone

from caremarket.imports.framework import Importer, Parsed, RowError, csv_rows, open_text
from caremarket.imports.models import ImportRun
from caremarket.outcomes.models import SafeguardingFigure
from caremarket.rules.complaints import year_bounds
from caremarket.rules.safeguarding import MAX_COUNT, row_problems

COLUMNS = ("local_authority", "year", "measure", "breakdown", "category", "value", "source")
MAX_SOURCE = 1000


def parse_count(text: str) -> int:
    """ "4,193" → 4193; ValueError with the reason in words."""
    digits = text.replace(",", "")
    if not digits:
        raise ValueError("is empty; give the count (0 if there were none)")
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("is not a whole number of 0 or more")
    value = int(digits)
    if value > MAX_COUNT:
        raise ValueError(f"is more than {MAX_COUNT:,}, too many for one council's year")
    return value


class SafeguardingImporter(Importer):
    format = "safeguarding"
    publisher = "The council"
    dataset = "Safeguarding Adults Collection return and DoLS figures"
    description = "local_authority, year, measure, breakdown, category, value, source"

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        seen: dict[tuple[str, ...], int] = {}
        with open_text(path) as handle:
            for item in csv_rows(handle, COLUMNS):
                if isinstance(item, RowError):
                    yield item
                    continue
                line, raw = item
                row = {k: (raw[k] or "").strip() for k in COLUMNS}
                errors = [RowError(line, c, r) for c, r in self._problems(row)]
                value = 0
                try:
                    value = parse_count(row["value"])
                except ValueError as error:
                    errors.append(RowError(line, "value", str(error)))
                if errors:
                    yield from errors
                    continue
                council = self.context.council_for(row["local_authority"])
                key = (council.code if council else "", *(row[k] for k in COLUMNS[1:5]))
                if key in seen:
                    yield RowError(
                        line,
                        "",
                        f"repeats line {seen[key]} (same council, year, measure, breakdown and "
                        "category)",
                    )
                    continue
                seen[key] = line
                yield Parsed(line, {**row, "council": council, "value": value})

    def _problems(self, row: dict[str, str]) -> Iterator[tuple[str, str]]:
        if self.context.council_for(row["local_authority"]) is None:
            shown = row["local_authority"][:20] or "empty"
            yield "local_authority", f"is not a council we know ({shown!r}); give its ONS code"
        try:
            start, _ = year_bounds(row["year"])
        except ValueError:
            yield "year", "is not a financial year; write it like 2020/21"
        else:
            if start > timezone.localdate():
                yield "year", "has not started yet"
        yield from row_problems(row["measure"], row["breakdown"], row["category"])
        if not row["source"]:
            yield "source", "is empty: say where the figures come from"
        elif len(row["source"]) > MAX_SOURCE:
            yield "source", f"is longer than {MAX_SOURCE:,} characters"

    def write_batch(self, rows: list[Parsed], run: ImportRun) -> int:
        kept: set[tuple[int, str, str, str, str]] = self.__dict__.setdefault("_kept", set())
        changed = 0
        for row in rows:
            v = row.values
            key = (v["council"].pk, v["year"], v["measure"], v["breakdown"], v["category"])
            kept.add(key)
            figure, created = SafeguardingFigure.objects.get_or_create(
                local_authority=v["council"],
                year=v["year"],
                measure=v["measure"],
                breakdown=v["breakdown"],
                category=v["category"],
                defaults={
                    "value": v["value"],
                    "source": v["source"],
                    "import_run": run,
                    "source_row": row.line,
                },
            )
            if created:
                changed += 1
            elif (figure.value, figure.source) != (v["value"], v["source"]):
                figure.value, figure.source = v["value"], v["source"]
                figure.import_run, figure.source_row = run, row.line
                figure.save(update_fields=["value", "source", "import_run", "source_row"])
                changed += 1
        return changed

    def finish(self, run: ImportRun) -> list[str]:
        from caremarket.needs.checks import return_findings
        from caremarket.places.models import LocalAuthority

        kept: set[tuple[int, str, str, str, str]] = self.__dict__.get("_kept", set())
        returns = {(pk, year) for pk, year, *_ in kept}
        warnings = []
        for pk, year in sorted(returns):
            stale = [
                f.pk
                for f in SafeguardingFigure.objects.filter(local_authority_id=pk, year=year)
                if (pk, year, f.measure, f.breakdown, f.category) not in kept
            ]
            if stale:
                SafeguardingFigure.objects.filter(pk__in=stale).delete()
                warnings.append(
                    f"{len(stale)} count(s) of {year} that this file no longer states were removed"
                )
        for council in LocalAuthority.objects.filter(pk__in={pk for pk, _ in returns}):
            warnings += [
                str(f)
                for f in return_findings(council)
                if any(w.startswith(f"{run.file_name} line ") for w in f.rows)
            ]
        return warnings
