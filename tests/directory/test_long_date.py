"""`long_date` writes a date exactly as `|date:"j F Y"` does, whatever it is given."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.template.defaultfilters import date as date_filter
from django.utils import translation

from caremarket.directory.templatetags.directory_dates import long_date


def test_it_writes_dates_as_the_date_filter_does():
    values = [
        date(2025, 3, 4),
        date(1999, 12, 31),
        datetime(2025, 3, 4, 23, 30, tzinfo=UTC),
    ]
    for value in [*values, None, "", "not a date"]:
        assert long_date(value) == date_filter(value, "j F Y"), value
    assert long_date(date(2025, 3, 4)) == "4 March 2025"


def test_each_language_gets_its_own_month_names():
    with translation.override("fr"):
        french = long_date(date(2025, 3, 4))
        assert french == date_filter(date(2025, 3, 4), "j F Y")
    assert long_date(date(2025, 3, 4)) == "4 March 2025"
    assert french == "4 mars 2025"
