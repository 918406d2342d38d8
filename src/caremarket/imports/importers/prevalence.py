"""Prevalence rates by age band and sex (the POPPI/PANSI method's input), in two layouts.

- The CFAS II reference-rate layout (examples/data/prevalence/): a leading `# Source: …`
  comment, then `AgeBand,Sex,<X>Prevalence,<X>Prevalence95Lower,<X>Prevalence95Upper` for one
  or more conditions X. The comment becomes each rate's source.
- A generic layout: `measure,age_from,age_to,sex,rate,source` (age_to blank for an open band
  such as 90+), optionally with `lower,upper`.

Rates are proportions (0.012 = 1.2%), as both layouts publish them; a value above 1 is almost
certainly a percentage typed by mistake, so it is a bad row rather than being divided by 100.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from caremarket.imports.framework import Importer, ImportRefused, Parsed, RowError, open_text
from caremarket.imports.importers.tabular import normalise, parse_count, parse_number, table_rows
from caremarket.imports.models import ImportRun
from caremarket.needs.models import PrevalenceRate

GENERIC = ("measure", "age_from", "age_to", "sex", "rate", "source")
SEXES = {
    "male": "male",
    "males": "male",
    "m": "male",
    "female": "female",
    "females": "female",
    "f": "female",
    "all": "all",
    "persons": "all",
    "people": "all",
    "": "all",
}
BAND = re.compile(r"^(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})$|^(\d{1,3})\s*(?:\+|and over)$")
MEASURE = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_band(text: str) -> tuple[int, int | None]:
    match = BAND.match(text.strip().lower())
    if not match:
        raise ValueError(f"not an age band: {text[:20]!r} (like 65-69 or 90+)")
    if match.group(3):
        return int(match.group(3)), None
    low, high = int(match.group(1)), int(match.group(2))
    if high < low:
        raise ValueError(f"the band ends before it starts: {text[:20]!r}")
    return low, high


def parse_rate(text: str) -> float:
    rate = parse_number(text)
    if rate is None:
        raise ValueError("missing")
    if not 0 <= rate <= 1:
        raise ValueError(f"not a proportion between 0 and 1: {text[:20]!r} (0.012 means 1.2%)")
    return rate


def snake(name: str) -> str:
    """'DementiaPrevalence' → 'dementia'; 'Learning Disability' → 'learning_disability'."""
    name = re.sub(r"prevalence$", "", name, flags=re.I)
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return normalise(name).replace(" ", "_")


class PrevalenceImporter(Importer):
    format = "prevalence"
    publisher = "As stated in the file"
    dataset = "Prevalence rates by age band and sex"
    description = (
        "CFAS II layout (AgeBand,Sex,XPrevalence,…) or measure,age_from,age_to,sex,rate,source"
    )

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        comment = self._comment(path)
        head = ""
        with open_text(path) as handle:
            for _, text in zip(range(20), handle, strict=False):
                if text.strip() and not text.startswith("#"):
                    head = text
                    break
        if "ageband" in normalise(head).replace(" ", ""):
            yield from self._read_cfas(path, comment or path.name)
        else:
            yield from self._read_generic(path)

    def _comment(self, path: Path) -> str:
        with open_text(path) as handle:
            line = handle.readline().strip()
        if not line.startswith("#"):
            return ""
        return re.sub(r"^#\s*(source:)?\s*", "", line, flags=re.I)[:300]

    def _read_cfas(self, path: Path, source: str) -> Iterator[Parsed | RowError]:
        header, rows = table_rows(path, "AgeBand")
        names = {normalise(h): h for h in header}
        for required in ("ageband", "sex"):
            if not any(n.replace(" ", "") == required for n in names):
                raise ImportRefused(f"required column(s) missing: {required!r}")
        age_key = next(n for n in names if n.replace(" ", "") == "ageband")
        measures = [
            (snake(h), normalise(h)) for h in header if re.search(r"prevalence$", h.strip(), re.I)
        ]
        if not measures:
            raise ImportRefused("required column(s) missing: a '…Prevalence' column")
        seen: dict[tuple[str, int, int | None, str], int] = {}
        for item in rows:
            if isinstance(item, RowError):
                yield item
                continue
            line, raw = item
            errors: list[RowError] = []
            try:
                band = parse_band(raw[age_key])
            except ValueError as error:
                errors.append(RowError(line, names[age_key], str(error)))
            sex = SEXES.get(raw["sex"].strip().lower())
            if sex is None:
                errors.append(RowError(line, "Sex", f"not Male, Female or Persons: {raw['sex']!r}"))
            parsed = []
            for measure, column in measures:
                values: dict[str, float | None] = {}
                for part, suffix in (("rate", ""), ("lower", "95lower"), ("upper", "95upper")):
                    key = column + suffix
                    if key not in raw:
                        continue
                    try:
                        if part == "rate" or raw[key].strip():
                            values[part] = parse_rate(raw[key])
                    except ValueError as error:
                        errors.append(RowError(line, names[key], str(error)))
                parsed.append((measure, values))
            if errors:
                yield from errors
                continue
            key = (parsed[0][0], band[0], band[1], sex or "all")
            if key in seen:
                yield RowError(
                    line, names[age_key], f"repeats line {seen[key]} (same band and sex)"
                )
                continue
            seen[key] = line
            yield Parsed(
                line,
                {
                    "rates": [
                        {
                            "measure": measure,
                            "age_from": band[0],
                            "age_to": band[1],
                            "sex": sex,
                            "source": source,
                            **values,
                        }
                        for measure, values in parsed
                    ]
                },
            )

    def _read_generic(self, path: Path) -> Iterator[Parsed | RowError]:
        header, rows = table_rows(path, "measure")
        present = {normalise(h) for h in header}
        missing = [c for c in GENERIC if c.replace("_", " ") not in present]
        if missing:
            raise ImportRefused("required column(s) missing: " + ", ".join(map(repr, missing)))
        seen: dict[tuple[str, int, int | None, str, str], int] = {}
        for item in rows:
            if isinstance(item, RowError):
                yield item
                continue
            line, raw = item
            errors: list[RowError] = []
            measure = raw["measure"].strip()
            if not MEASURE.match(measure):
                errors.append(RowError(line, "measure", f"not a snake_case name: {measure[:40]!r}"))
            ages: list[int | None] = []
            for column in ("age from", "age to"):
                try:
                    ages.append(parse_count(raw[column]))
                except ValueError as error:
                    errors.append(RowError(line, column.replace(" ", "_"), str(error)))
            if len(ages) == 2:
                if ages[0] is None:
                    errors.append(RowError(line, "age_from", "missing"))
                elif ages[1] is not None and ages[1] < ages[0]:
                    errors.append(RowError(line, "age_to", "is below age_from"))
            sex = SEXES.get(raw["sex"].strip().lower())
            if sex is None:
                errors.append(RowError(line, "sex", f"not male, female or all: {raw['sex']!r}"))
            values: dict[str, float | None] = {}
            for column in ("rate", "lower", "upper"):
                text = raw.get(column, "")
                if column != "rate" and not text.strip():
                    continue
                try:
                    values[column] = parse_rate(text)
                except ValueError as error:
                    errors.append(RowError(line, column, str(error)))
            source = raw["source"].strip()
            if not source:
                errors.append(RowError(line, "source", "missing: every rate must say where from"))
            elif len(source) > 300:
                errors.append(RowError(line, "source", "longer than 300 characters"))
            if errors:
                yield from errors
                continue
            key = (measure, ages[0] or 0, ages[1], sex or "all", source)
            if key in seen:
                yield RowError(
                    line, "", f"repeats line {seen[key]} (same measure, band, sex, source)"
                )
                continue
            seen[key] = line
            yield Parsed(
                line,
                {
                    "rates": [
                        {
                            "measure": measure,
                            "age_from": ages[0],
                            "age_to": ages[1],
                            "sex": sex,
                            "source": source,
                            **values,
                        }
                    ]
                },
            )

    def write(self, row: Parsed, run: ImportRun) -> bool:
        changed = False
        for rate in row.values["rates"]:
            lookup = {k: rate[k] for k in ("measure", "age_from", "age_to", "sex", "source")}
            values = {k: rate.get(k) for k in ("rate", "lower", "upper")}
            found = PrevalenceRate.objects.filter(**lookup).first()
            if found is None:
                PrevalenceRate.objects.create(
                    **lookup, **values, import_run=run, source_row=row.line
                )
                changed = True
            elif any(getattr(found, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(found, k, v)
                found.import_run, found.source_row = run, row.line
                found.save()
                changed = True
        return changed
