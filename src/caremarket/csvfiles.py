"""Every CSV the product writes goes through `writer`, so no cell can become a spreadsheet formula.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and some a tab or carriage return
before one) as a formula: a pipeline contract named `=HYPERLINK("https://…")` would become a live
link in a provider's copy of a published table. Such text cells are written with a leading
apostrophe (OWASP's "CSV injection" advice), which spreadsheets show as text. Numbers, and text
that is a plain number such as "-5", "-£1,200" or "+0.25%", are written as they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A number as the product prints it: sign, pound sign, thousands commas, decimals, per cent.
PLAIN_NUMBER = re.compile(r"[+-]?£?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet will show it, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeWriter:
    """csv.writer with every cell passed through `safe_cell`."""

    def __init__(self, out: _Writable, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writable, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)
