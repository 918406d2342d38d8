"""Keyed hashes for person identifiers in Client Level Data (HMAC-SHA256, `PSEUDONYM_KEY`).

The same identifier always gives the same pseudonym under one key, so a person's events link
across files and a carer's "linked person id" still finds the cared-for person, but the
identifier cannot be read back or guessed by hashing candidate NHS numbers without the key.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def pseudonym(kind: str, value: str) -> str:
    """The keyed hash of an identifier of one kind (``nhs`` or ``local``)."""
    message = f"{kind}:{value}".encode()
    return hmac.new(settings.PSEUDONYM_KEY, message, hashlib.sha256).hexdigest()


def _check_digit(nine: str) -> int:
    """The modulus 11 check digit of an NHS number's first nine digits (10: no valid number)."""
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return 0 if check == 11 else check


def nhs_number_problem(digits: str) -> str | None:
    """Why a 10-digit string is not an NHS number (modulus 11 check digit), or None."""
    if len(digits) != 10 or not digits.isdigit():
        return "an NHS number has 10 digits"
    check = _check_digit(digits[:9])
    if check == 10 or check != int(digits[9]):
        return "is not a valid NHS number (its check digit does not match)"
    return None


def nhs_number_from(prefix: int) -> str:
    """The first valid NHS number at or after a 9-digit prefix (for invented test people)."""
    while True:
        digits = f"{prefix:09d}"
        check = _check_digit(digits)
        if check != 10:
            return digits + str(check)
        prefix += 1
