"""A UK number whose leading zero a spreadsheet dropped gets it back; nothing else changes."""

from __future__ import annotations

from caremarket.rules.phone import restore_leading_zero


def test_a_lost_leading_zero_comes_back() -> None:
    assert restore_leading_zero("1782815182") == "01782815182"
    assert restore_leading_zero("2476665513") == "02476665513"


def test_other_numbers_are_left_alone() -> None:
    for text in ("01782 815182", "01782815182", "+44 1782 815182", "12345", "", "999"):
        assert restore_leading_zero(text) == text
