"""Targets judged by hand: each direction on, inside and beyond the band, its edges, a zero
target, float noise, and input that cannot be judged."""

from __future__ import annotations

import math

import pytest

from caremarket.rules.targets import Direction, Status, judge


@pytest.mark.parametrize(
    ("actual", "target", "direction", "tolerance", "status"),
    [
        # Higher is better: target 85, band 5 -> met from 85, near from 80, missed below 80.
        (85.0, 85.0, "higher", 5, Status.MET),
        (90.0, 85.0, "higher", 5, Status.MET),
        (82.1, 85.0, "higher", 5, Status.NEAR),
        (80.0, 85.0, "higher", 5, Status.NEAR),  # exactly on the band's edge
        (79.9, 85.0, "higher", 5, Status.MISSED),
        (84.9, 85.0, "higher", 0, Status.MISSED),  # no band: anything short misses
        # Lower is better: target 10, band 2 -> met up to 10, near up to 12.
        (10.0, 10.0, "lower", 2, Status.MET),
        (3.0, 10.0, "lower", 2, Status.MET),
        (12.0, 10.0, "lower", 2, Status.NEAR),
        (12.1, 10.0, "lower", 2, Status.MISSED),
        # Hit exactly: target 100, band 3 -> met only at 100, near from 97 to 103.
        (100.0, 100.0, "exact", 3, Status.MET),
        (103.0, 100.0, "exact", 3, Status.NEAR),
        (97.0, 100.0, "exact", 3, Status.NEAR),
        (96.9, 100.0, "exact", 3, Status.MISSED),
        (103.1, 100.0, "exact", 3, Status.MISSED),
        # A zero target works like any other (the band is in units, not a share of it).
        (0.0, 0.0, "lower", 1, Status.MET),
        (1.0, 0.0, "lower", 1, Status.NEAR),
        (1.5, 0.0, "lower", 1, Status.MISSED),
        (0.0, 0.0, "higher", 0, Status.MET),
        (-0.5, 0.0, "higher", 1, Status.NEAR),
    ],
)
def test_status(
    actual: float, target: float, direction: str, tolerance: float, status: Status
) -> None:
    assert judge(actual, target, direction, tolerance).status is status


def test_float_noise_is_compared_as_shown() -> None:
    # 0.1 + 0.2 is 0.30000000000000004: shown to one decimal it is on a target of 0.3.
    assert judge(0.1 + 0.2, 0.3, Direction.LOWER, 0).status is Status.MET
    assert judge(84.99999, 85, "higher", 0, decimals=1).status is Status.MET
    # Rounded to one decimal, 79.94 is 79.9: beyond a band of 5 below 85.
    assert judge(79.94, 85, "higher", 5).status is Status.MISSED


def test_sentences_in_words() -> None:
    assert (
        judge(82.1, 85, "higher", 5, unit="pct").sentence
        == "Target 85.0%, actual 82.1%: near the target (2.9 percentage points below it, "
        "within the tolerance of 5.0 percentage points)."
    )
    assert (
        judge(85, 85, "higher", 5, unit="pct", decimals=0).sentence
        == "Target 85%, actual 85%: met the target (exactly on it)."
    )
    assert (
        judge(3641, 6000, "higher", 0, decimals=0).sentence
        == "Target 6,000, actual 3,641: missed the target (2,359 below it)."
    )
    assert (
        judge(148, 100, "higher", 10, decimals=0).sentence
        == "Target 100, actual 148: met the target (48 above it)."
    )
    assert (
        judge(14, 10, "lower", 2, decimals=0).sentence
        == "Target 10, actual 14: missed the target (4 above it, beyond the tolerance of 2)."
    )
    assert (
        judge(2500, 2400, "lower", 200, unit="gbp", decimals=0).sentence
        == "Target £2,400, actual £2,500: near the target (£100 above it, within the tolerance "
        "of £200)."
    )
    assert "1 percentage point " in judge(84, 85, "higher", 2, unit="pct", decimals=0).sentence


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((math.nan, 1, "higher", 0), {}, "actual value must be a finite number"),
        ((1, math.inf, "higher", 0), {}, "target must be a finite number"),
        ((1, 1, "higher", -1), {}, "tolerance cannot be negative"),
        ((1, 1, "upwards", 0), {}, "higher is better, lower is better or hit exactly"),
        ((1, 1, "", 0), {}, "higher is better, lower is better or hit exactly"),
        (("85", 1, "higher", 0), {}, "actual value must be a number"),
        ((None, 1, "higher", 0), {}, "actual value must be a number"),
        ((True, 1, "higher", 0), {}, "actual value must be a number"),
        ((1, 1e13, "higher", 0), {}, "target is too large"),
        ((1, 1, "higher", 1e300), {}, "tolerance is too large"),
        ((1, 1, "higher", 0), {"decimals": 7}, "Decimals must be a whole number"),
    ],
)
def test_bad_input_is_refused_in_words(args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        judge(*args, **kwargs)


def test_direction_and_status_words() -> None:
    assert [d.words for d in Direction] == ["Higher is better", "Lower is better", "Hit exactly"]
    assert [s.words for s in Status] == ["met the target", "near the target", "missed the target"]
