"""Phone numbers as people type them: the one rule the forms use to accept or refuse one.

A UK number is 0 and 9 or 10 more digits (01632 960001, 07700 900982, 0800 123 4567), also
written +44 7700 900982 or +44 (0)7700 900982. A number abroad is + and its country code, 8
to 15 digits in all (E.164). Spaces, dashes, dots and brackets are ignored.
"""

from __future__ import annotations

import re

__all__ = ["PHONE_EXAMPLE", "is_phone_number", "phone_digits", "restore_leading_zero"]

PHONE_EXAMPLE = "01632 960 001 or 07700 900 982"
_SEPARATORS = re.compile(r"[\s\-.()\u00a0]")
_UK_NATIONAL = re.compile(r"^0\d{9,10}$")
_INTERNATIONAL = re.compile(r"^\+[1-9]\d{7,14}$")


def phone_digits(text: str) -> str:
    """The number without separators, in UK national form where it is a UK number."""
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+440"):
        compact = "+44" + compact[4:]
    if compact.startswith("+44"):
        compact = "0" + compact[3:]
    return compact


def is_phone_number(text: str) -> bool:
    """True for a UK number or an international one written with its + country code."""
    if len(text) > 40:
        return False
    compact = phone_digits(text)
    return bool(_UK_NATIONAL.match(compact) or _INTERNATIONAL.match(compact))


_ZERO_LOST = re.compile(r"^[1-9]\d{9}$")


def restore_leading_zero(text: str) -> str:
    """A UK number whose leading 0 a spreadsheet dropped ('1782815182', as CQC's 2016
    directory holds them) gets it back: '01782815182'. Anything else is returned as it is."""
    compact = text.strip()
    return f"0{compact}" if _ZERO_LOST.match(compact) else text
