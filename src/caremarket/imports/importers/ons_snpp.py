"""ONS subnational population projections (SNPP), in ONS's own column layout.

AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP, then one column a year. AGE_GROUP is a single
year of age, "90 and over" or "All ages". Each (area, sex, age, year) becomes one
PopulationFigure of kind projection; councils not on this instance are reported, not created.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path

from caremarket.imports.framework import Importer, Parsed, RowError, csv_rows, open_text
from caremarket.imports.models import ImportRun
from caremarket.places.models import PopulationFigure

SEXES = {"persons": "all", "males": "male", "females": "female", "male": "male", "female": "female"}
REQUIRED = ("AREA_CODE", "AREA_NAME", "COMPONENT", "SEX", "AGE_GROUP")
YEAR_COLUMN = re.compile(r"^\d{4}$")


def parse_age_group(text: str) -> tuple[int, int | None] | None:
    """'65' → (65, 65); '90 and over' → (90, None); 'All ages' → (0, None)."""
    text = text.strip().lower()
    if text == "all ages":
        return 0, None
    match = re.fullmatch(r"(\d{1,3})( and over|\+)?", text)
    if not match:
        return None
    age = int(match.group(1))
    return (age, None) if match.group(2) else (age, age)


class OnsSnppImporter(Importer):
    format = "ons-snpp"
    publisher = "Office for National Statistics"
    dataset = "Subnational population projections for England"
    description = "ONS SNPP CSV: AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP, one column a year"

    def edition(self, path: Path) -> str:
        match = re.search(r"(20\d\d)", path.name)
        return f"{match.group(1)}-based" if match else ""

    def read(self, path: Path) -> Iterator[Parsed | RowError]:
        edition = self.edition(path)
        self.edition_label = (
            f"ONS {edition} subnational population projections ({path.name})"
            if edition
            else f"ONS subnational population projections ({path.name})"
        )
        with open_text(path) as handle:
            year_columns: list[str] | None = None
            for item in csv_rows(handle, REQUIRED):
                if isinstance(item, RowError):
                    yield item
                    continue
                line, row = item
                if year_columns is None:
                    year_columns = [c for c in row if YEAR_COLUMN.match(c)]
                    if not year_columns:
                        yield RowError(line, "", "no year columns (like 2024) after AGE_GROUP")
                        return
                if row["COMPONENT"].strip().lower() != "population":
                    continue
                council = self.context.council_for(row["AREA_CODE"])
                if council is None:
                    yield RowError(
                        line, "AREA_CODE", f"unknown council {row['AREA_CODE'].strip()!r}"
                    )
                    continue
                sex = SEXES.get(row["SEX"].strip().lower())
                if sex is None:
                    yield RowError(line, "SEX", f"unknown sex {row['SEX']!r}")
                    continue
                ages = parse_age_group(row["AGE_GROUP"])
                if ages is None:
                    yield RowError(line, "AGE_GROUP", f"not an age: {row['AGE_GROUP']!r}")
                    continue
                values: dict[int, float] = {}
                bad = False
                for column in year_columns:
                    try:
                        value = float(row[column])
                    except ValueError:
                        yield RowError(line, column, f"not a number: {row[column]!r}")
                        bad = True
                        break
                    if not math.isfinite(value) or value < 0:
                        yield RowError(line, column, f"must be a count of people: {row[column]!r}")
                        bad = True
                        break
                    values[int(column)] = value
                if bad:
                    continue
                yield Parsed(
                    line,
                    {"council": council, "sex": sex, "ages": ages, "values": values},
                )

    def write(self, row: Parsed, run: ImportRun) -> bool:
        changed = False
        age_from, age_to = row.values["ages"]
        for year, value in row.values["values"].items():
            figure, created = PopulationFigure.objects.get_or_create(
                local_authority=row.values["council"],
                area=None,
                year=year,
                age_from=age_from,
                age_to=age_to,
                sex=row.values["sex"],
                kind=PopulationFigure.Kind.PROJECTION,
                defaults={
                    "value": value,
                    "source": self.edition_label,
                    "import_run": run,
                    "source_row": row.line,
                },
            )
            if not created and figure.value != value:
                figure.value = value
                figure.source = self.edition_label
                figure.import_run = run
                figure.source_row = row.line
                figure.save(update_fields=["value", "source", "import_run", "source_row"])
                changed = True
            changed = changed or created
        return changed
