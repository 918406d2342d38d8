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
    #: The part of the journey the page belongs to ("Daily life"); progress counts parts.
    section: str = ""
    applies: Callable[[Answers], bool] = _always
    #: After saving, a page to show before the next question (the urgent-help page).
    detour: Callable[[Answers], str | None] = _no_detour
    template: str = "assessments/question.html"
    intro: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: For a form that depends on earlier answers (the amount of each income chosen).
    builder: Callable[[Answers], type[forms.Form]] | None = None

    def form_type(self, answers: Answers) -> type[forms.Form]:
        return self.builder(answers) if self.builder else self.form_class

    def question(self, answers: Answers | None = None) -> str:
        """The question as the page asks it: its first field's label (the page's heading),
        or the label of a page that asks several things under one heading."""
        if self.template == "assessments/question_many.html":
            return self.label
        form = self.form_type(answers or {})()
        first = next(iter(form.fields.values()), None)
        return str(first.label) if first is not None and first.label else self.label

    def summary(self, stored: dict[str, Any], answers: Answers | None = None) -> list[str]:
        """The answer in words, as shown on the check-your-answers page."""
        form = self.form_type(answers or {})()
        first = next(iter(form.fields), None)
        lines: list[str] = []
        for name, value in stored.items():
            # The first field's label is the question itself; others are named on their line.
            named = len(stored) > 1 and (name != first or self.template.endswith("_many.html"))
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
                lines.append(f"{f.label}: {amount}" if named else amount)
            elif choices:
                lines.append(str(choices.get(value, value)))
            else:
                lines.append(f"{f.label}: {value}" if named else str(value))
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

    def sections(self) -> list[str]:
        return list(dict.fromkeys(s.section for s in self.all_steps))

    def progress(self, step: Step, answers: Answers) -> str:
        """Where this page is, in words that never go backwards or jump: the part of the
        journey (parts are fixed), and the question within a part whose questions do not
        depend on earlier answers."""
        sections = self.sections()
        if len(sections) < 2:
            return self.title
        caption = f"Part {sections.index(step.section) + 1} of {len(sections)}: {step.section}"
        part = [s for s in self.all_steps if s.section == step.section]
        if all(s.applies is _always for s in part):
            caption += f", question {part.index(step) + 1} of {len(part)}"
        return caption

    def first_missing(self, answers: Answers) -> Step | None:
        return next((s for s in self.steps(answers) if s.slug not in answers), None)

    def is_complete(self, answers: Answers) -> bool:
        return self.first_missing(answers) is None
