"""Every CSV the product writes neutralises cells a spreadsheet would run as formulas."""

import csv
import io
import re
from pathlib import Path
from unittest import TestCase

from caremarket.csvfiles import safe_cell
from caremarket.planning.results import Result, rows_csv
from caremarket.statements.render import table_csv

SRC = Path(__file__).resolve().parent.parent / "src" / "caremarket"


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


class FormulaInjectionTests(TestCase):
    def test_text_starting_like_a_formula_is_written_as_text(self):
        for value in ("=1+1", "+cmd", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1"):
            with self.subTest(value=value):
                self.assertEqual(safe_cell(value), "'" + value)

    def test_real_numbers_and_plain_text_are_unchanged(self):
        plain = ("-5", "+0.25", "-1e3", "-1,234", "-£1,200", "-£1,200.50", "-12.5%")
        for value in (-5, -5.25, 0, *plain, "Home care", "", None, "a=b"):
            with self.subTest(value=value):
                self.assertEqual(safe_cell(value), value)

    def test_a_published_mps_table_cannot_carry_a_formula(self):
        table = {
            "columns": [
                {"label": "Contract", "kind": "text"},
                {"label": "Change", "kind": "int"},
                {"label": "Value", "kind": "gbp"},
            ],
            "rows": [
                ['=HYPERLINK("https://evil.example","Click")', -5, -1200],
                ["@cmd", -1234, 5],
            ],
            "sources": ["Pipeline"],
        }
        rows = read(table_csv(table))
        self.assertEqual(rows[1], ['\'=HYPERLINK("https://evil.example","Click")', "-5", "-£1,200"])
        self.assertEqual(rows[2], ["'@cmd", "-1,234", "£5"])

    def test_a_scenario_csv_cannot_carry_a_formula(self):
        result = Result(
            rows=[
                {"service": "=2+5", "tenure": "+x", "year": 2030,
                 "demand": 10, "supply": 15, "gap": -5},
            ],
            problems=[],
        )  # fmt: skip
        rows = read(rows_csv(result))
        self.assertEqual(rows[1], ["'=2+5", "'+x", "2030", "10", "15", "-5"])

    def test_no_module_writes_csv_around_the_helper(self):
        writers = re.compile(r"csv\.(writer|DictWriter)\(")
        offenders = [
            str(path.relative_to(SRC))
            for path in SRC.rglob("*.py")
            if path.name != "csvfiles.py" and writers.search(path.read_text(encoding="utf-8"))
        ]
        self.assertEqual(offenders, [], "write CSV with caremarket.csvfiles.writer")
