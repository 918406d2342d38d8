"""A question-per-page journey: ordered steps, each with a form, a condition and a summary.

The journey decides which step comes next from the answers so far, so the Back link, the
check-your-answers page and "Change" links all come from one list and cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models

Answers = dict[str, Any]


def _always(answers: Answers) -> bool:
    return True


def _no_detour(answers: Answers) -> str | None:
    return None


@dataclass(frozen=True)
class Step:
    """One page: `slug` in the URL, `label` on the check page, and how to make its form."""

    slug: str
    label: str
    form_class: type[forms.Form]
    applies: Callable[[Answers], bool] = _always
    #: After saving, a page to show before the next question (the urgent-help page).
    detour: Callable[[Answers], str | None] = _no_detour
    template: str = "assessments/question.html"
    caption: str = ""
    intro: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: For a form that depends on earlier answers (the amount of each income chosen).
    builder: Callable[[Answers], type[forms.Form]] | None = None

    def form_type(self, answers: Answers) -> type[forms.Form]:
        return self.builder(answers) if self.builder else self.form_class

    def summary(self, stored: dict[str, Any], answers: Answers | None = None) -> list[str]:
        """The answer in words, as shown on the check-your-answers page."""
        form = self.form_type(answers or {})()
        lines: list[str] = []
        for name, value in stored.items():
            if name not in form.fields or value in (None, "", []):
                continue
            f = form.fields[name]
            choices = dict(getattr(f, "choices", []) or [])
            if isinstance(value, list):
                lines.extend(str(choices.get(v, v)) for v in value)
            elif isinstance(f, forms.ModelChoiceField):
                lines.append(
                    str(f.queryset.filter(**{f.to_field_name or "pk": value}).first() or value)
                )
            elif isinstance(f, forms.BooleanField):
                lines.append("Yes" if value else "No")
            elif isinstance(f, forms.DecimalField):
                amount = f"£{Decimal(value):,.2f}"
                lines.append(f"{f.label}: {amount}" if len(stored) > 1 else amount)
            elif choices:
                lines.append(str(choices.get(value, value)))
            else:
                lines.append(f"{f.label}: {value}" if len(stored) > 1 else str(value))
        return lines or ["Not answered"]


def to_stored(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned form data as JSON: decimals and dates as strings, councils as slugs."""
    out: dict[str, Any] = {}
    for name, value in cleaned.items():
        if isinstance(value, models.Model):
            out[name] = getattr(value, "slug", value.pk)
        elif isinstance(value, Decimal):
            out[name] = str(value)
        elif hasattr(value, "isoformat"):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out


@dataclass(frozen=True)
class Flow:
    """A journey's steps in order; which apply depends on the answers."""

    key: str
    title: str
    all_steps: tuple[Step, ...]

    def step(self, slug: str) -> Step | None:
        return next((s for s in self.all_steps if s.slug == slug), None)

    def steps(self, answers: Answers) -> list[Step]:
        return [s for s in self.all_steps if s.applies(answers)]

    def next_after(self, slug: str, answers: Answers) -> Step | None:
        steps = self.steps(answers)
        slugs = [s.slug for s in steps]
        if slug not in slugs:
            return self.first_missing(answers)
        index = slugs.index(slug)
        return steps[index + 1] if index + 1 < len(steps) else None

    def previous(self, slug: str, answers: Answers) -> Step | None:
        steps = self.steps(answers)
        slugs = [s.slug for s in steps]
        if slug not in slugs:
            return None
        index = slugs.index(slug)
        return steps[index - 1] if index > 0 else None

    def first_missing(self, answers: Answers) -> Step | None:
        return next((s for s in self.steps(answers) if s.slug not in answers), None)

    def is_complete(self, answers: Answers) -> bool:
        return self.first_missing(answers) is None
