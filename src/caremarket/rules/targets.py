"""A figure against its target: met, near or missed, in words.

A target is a value for one measure and period, a direction and a tolerance band:

- **higher is better**: met when the actual is at or above the target; near when it is below
  but by no more than the tolerance; missed otherwise.
- **lower is better**: met at or below the target; near when above by no more than the
  tolerance; missed otherwise.
- **hit exactly**: met when the actual equals the target; near when it is off by no more than
  the tolerance either way; missed otherwise.

The tolerance is in the measure's own units (percentage points for a percentage), never a
share of the target, so a target of zero works like any other. A value on the band's edge is
near. Values are compared as shown (rounded to the decimals given), so 84.99999 shown as 85.0
meets a target of 85. No Django here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from caremarket.rules.consistency import amount, number


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    EXACT = "exact"

    @property
    def words(self) -> str:
        return DIRECTION_WORDS[self]


class Status(StrEnum):
    MET = "met"
    NEAR = "near"
    MISSED = "missed"

    @property
    def words(self) -> str:
        return STATUS_WORDS[self]


DIRECTION_WORDS = {
    Direction.HIGHER: "Higher is better",
    Direction.LOWER: "Lower is better",
    Direction.EXACT: "Hit exactly",
}
STATUS_WORDS = {
    Status.MET: "met the target",
    Status.NEAR: "near the target",
    Status.MISSED: "missed the target",
}

#: The largest magnitude a target, actual or tolerance may have (beyond it is a typing slip).
LIMIT = 1e12


@dataclass(frozen=True)
class Judgement:
    status: Status
    #: "Target 85%, actual 82.1%: near the target (2.9 percentage points below it, within the
    #: tolerance of 5 percentage points)."
    sentence: str


def _check(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"The {name} must be a number.")
    if not math.isfinite(value):
        raise ValueError(f"The {name} must be a finite number.")
    if abs(value) > LIMIT:
        raise ValueError(f"The {name} is too large (at most {number(LIMIT)}).")
    return float(value)


def _gap(value: float, unit: str, decimals: int) -> str:
    if unit == "pct":
        text = number(value, decimals)
        return f"{text} percentage point" + ("" if text == "1" else "s")
    return amount(value, unit, decimals)


def judge(
    actual: float,
    target: float,
    direction: Direction | str,
    tolerance: float = 0.0,
    *,
    unit: str = "",
    decimals: int = 1,
) -> Judgement:
    """Judge `actual` against `target`; ValueError, in words, for input that cannot be judged."""
    actual = _check("actual value", actual)
    target = _check("target", target)
    tolerance = _check("tolerance", tolerance)
    if tolerance < 0:
        raise ValueError("The tolerance cannot be negative.")
    if not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise ValueError("Decimals must be a whole number from 0 to 6.")
    try:
        way = Direction(direction)
    except ValueError:
        raise ValueError(
            "The direction must be higher is better, lower is better or hit exactly."
        ) from None
    # Compare as shown: the gap rounded to the decimals printed, so float noise cannot tip it.
    gap = round(round(actual, decimals) - round(target, decimals), decimals)
    band = round(tolerance, decimals)
    if way is Direction.HIGHER:
        shortfall = -gap
    elif way is Direction.LOWER:
        shortfall = gap
    else:
        shortfall = abs(gap)
    if shortfall <= 0:
        status = Status.MET
    elif shortfall <= band:
        status = Status.NEAR
    else:
        status = Status.MISSED
    head = (
        f"Target {amount(target, unit, decimals)}, actual {amount(actual, unit, decimals)}: "
        f"{status.words}"
    )
    if gap == 0:
        return Judgement(status, f"{head} (exactly on it).")
    side = "above" if gap > 0 else "below"
    detail = f"{_gap(abs(gap), unit, decimals)} {side} it"
    if status is Status.NEAR:
        detail += f", within the tolerance of {_gap(band, unit, decimals)}"
    elif status is Status.MISSED and band > 0:
        detail += f", beyond the tolerance of {_gap(band, unit, decimals)}"
    return Judgement(status, f"{head} ({detail}).")
