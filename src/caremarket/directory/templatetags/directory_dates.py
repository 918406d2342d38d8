"""`{{ day|long_date }}`: a date as `{{ day|date:"j F Y" }}` writes it (4 March 2025).

Formatted once per day and language, not on every use: a page of results shows a handful of
dates many times over, and Django's `date` filter looks up the format and the month's name in
the active language on each call. Anything that is not a plain date (a datetime, which the
`date` filter first moves into local time, or text) goes to the `date` filter itself.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language

register = template.Library()

LONG = "j F Y"


@functools.lru_cache(maxsize=4096)
def _long(day: date, language: str | None) -> str:
    return str(date_filter(day, LONG))


@register.filter(expects_localtime=True)
def long_date(value: Any) -> str:
    if type(value) is date:
        return _long(value, get_language())
    return str(date_filter(value, LONG))
