"""Numbers formatted the way the councils' statements print them."""

from __future__ import annotations

import re
from typing import Any

FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def format_cell(value: Any, kind: str) -> str:
    """`kind` is int, decimal1, gbp, gbp_pence, pct, text, or a kind with its decimal places
    from the catalogue of measures: "number:2", "pct:0", "gbp:2"."""
    if value is None or value == "":
        return "–"
    if kind == "text" or isinstance(value, str):
        return str(value)
    number = float(value)
    if ":" in kind:
        base, _, places = kind.partition(":")
        digits = int(places) if places.isdigit() else 0
        sign = "-" if number < 0 else ""
        if base == "gbp":
            return f"{sign}£{abs(number):,.{digits}f}"
        return f"{number:,.{digits}f}" + ("%" if base == "pct" else "")
    if kind == "gbp":
        sign = "-" if number < 0 else ""
        return f"{sign}£{abs(number):,.0f}"
    if kind == "gbp_pence":
        sign = "-" if number < 0 else ""
        return f"{sign}£{abs(number):,.2f}"
    if kind == "pct":
        return f"{number:,.1f}%"
    if kind == "decimal1":
        return f"{number:,.1f}"
    return f"{number:,.0f}"


def financial_year(start_year: int) -> str:
    """2024 → '2024/25'."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


YEAR_SPAN = re.compile(r"^\s*(\d{4})\s*(?:/|-|–|—|to)\s*(\d{4}|\d{2})\s*$")


def _year_span(period: str) -> tuple[int, int] | None:
    """The first and last years a period names ("2024/25" → 2024, 2025), or None."""
    found = YEAR_SPAN.match(period or "")
    if found is None:
        return None
    start, end = int(found.group(1)), found.group(2)
    end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if len(end) == 2 and end_year < start:
        end_year += 100  # 1999/00
    return start, end_year


def reporting_year_of(period: str) -> str | None:
    """The financial year a period names, as "2024/25": "2024/25", "2024-25", "2024–2025" and
    "2024 to 2025" all do; a span of more than one year, or anything else, gives None."""
    span = _year_span(period)
    return financial_year(span[0]) if span and span[1] == span[0] + 1 else None


def period_in_words(period: str) -> str:
    """The period a statement covers, in words for its cover: a financial year ("2020/21",
    "2020-21") is "April 2020 to March 2021"; a span of years ("2024–2028") is "2024 to 2028";
    anything else as the council wrote it."""
    span = _year_span(period)
    if span is None or span[1] <= span[0]:
        return period
    start, end = span
    return f"April {start} to March {end}" if end == start + 1 else f"{start} to {end}"
