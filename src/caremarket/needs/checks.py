"""Consistency checks on a council's figures: what does not add up is reported, never corrected.

The rules are pure functions in `caremarket.rules.consistency` (see there for what each one
checks and how printed precision is allowed for); this module feeds them the imported rows.
Each finding names the rule, the figures, their sources and the arithmetic, in words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from caremarket.accounts.audit import record
from caremarket.accounts.models import User
from caremarket.imports.models import ImportRun
from caremarket.needs.models import CouncilFigure, ExplainedFinding
from caremarket.outcomes.models import SafeguardingFigure
from caremarket.places.models import LocalAuthority
from caremarket.rules.consistency import Figure, Finding, run_checks
from caremarket.rules.safeguarding import ReturnRow, check_figures

__all__ = [
    "CheckedFinding",
    "ExplainError",
    "Finding",
    "checked_figures",
    "council_findings",
    "explain",
    "findings_for_council",
    "findings_for_run",
    "return_findings",
    "withdraw",
]

#: Longest explanation kept: a paragraph, not a report.
EXPLANATION_LIMIT = 2000


def checked_figures(rows: Iterable[CouncilFigure]) -> list[Figure]:
    return [
        Figure(
            council=f.local_authority.code,
            period=f.period,
            measure=f.measure,
            dimension=f.dimension,
            category=f.category,
            value=f.value,
            unit=f.unit,
            source=f.source,
            where=f.where(),
            decimals=f.decimals,
            base_period=f.base_period,
        )
        for f in rows
    ]


def findings_for_council(council: LocalAuthority) -> list[Finding]:
    """Findings on the council's published figures, then on its safeguarding returns (each
    checked on its own, so a figure published in both is not compared across them)."""
    rows = CouncilFigure.objects.for_council(council).select_related(
        "import_run", "local_authority"
    )
    return run_checks(checked_figures(rows)) + return_findings(council)


def return_findings(council: LocalAuthority) -> list[Finding]:
    """Findings on the council's safeguarding returns (`caremarket import safeguarding`)."""
    rows = SafeguardingFigure.objects.filter(local_authority=council).select_related("import_run")
    return run_checks(
        check_figures(
            ReturnRow(
                council=council.code,
                year=f.year,
                measure=f.measure,
                breakdown=f.breakdown,
                category=f.category,
                value=f.value,
                source=f.source,
                where=f.where(),
            )
            for f in rows
        )
    )


def findings_for_run(run: ImportRun) -> list[Finding]:
    """Findings on every council the run touched, that involve at least one of its rows."""
    councils = CouncilFigure.objects.filter(import_run=run).values_list(
        "local_authority", flat=True
    )
    found = []
    for council in LocalAuthority.objects.filter(pk__in=set(councils)):
        found += [
            f
            for f in findings_for_council(council)
            if any(w.startswith(f"{run.file_name} line ") for w in f.rows)
        ]
    return found


@dataclass(frozen=True)
class CheckedFinding:
    """A finding on the council's current figures, and staff's explanation of it if any."""

    finding: Finding
    explained: ExplainedFinding | None

    @property
    def key(self) -> str:
        return self.finding.key


def council_findings(council: LocalAuthority) -> list[CheckedFinding]:
    """Every current finding with its explanation: open ones first, then explained ones."""
    findings = findings_for_council(council)
    explained = {
        e.key: e
        for e in ExplainedFinding.objects.filter(
            local_authority=council, key__in=[f.key for f in findings]
        )
    }
    checked = [CheckedFinding(f, explained.get(f.key)) for f in findings]
    return [c for c in checked if c.explained is None] + [c for c in checked if c.explained]


class ExplainError(ValueError):
    """An explanation that cannot be kept, in words for the person who gave it."""


def explain(council: LocalAuthority, key: str, explanation: str, user: User) -> ExplainedFinding:
    """Mark a current finding as explained (or change its explanation), and audit it."""
    text = explanation.strip()
    if not text:
        raise ExplainError("Enter why these figures are right as published, or what is wrong")
    if len(text) > EXPLANATION_LIMIT:
        raise ExplainError(f"The explanation must be {EXPLANATION_LIMIT:,} characters or fewer")
    finding = next((f for f in findings_for_council(council) if f.key == key), None)
    if finding is None:
        raise ExplainError(
            "This finding is no longer raised: the figures may have changed since the page "
            "was opened"
        )
    with transaction.atomic():
        explained, _ = ExplainedFinding.objects.update_or_create(
            local_authority=council,
            key=key,
            defaults={
                "rule": finding.rule,
                "measure": finding.measure,
                "period": finding.period,
                "finding": str(finding),
                "explanation": text,
                "explained_by": user,
                "explained_by_name": user.get_username(),
                "explained_at": timezone.now(),
            },
        )
        record(
            "finding_explained",
            user=user,
            local_authority=council,
            obj=explained,
            detail=f"{finding.title}: {finding.measure} {finding.period}",
        )
    return explained


def withdraw(council: LocalAuthority, key: str, user: User) -> bool:
    """Take an explanation back: the finding is open again. False when there was none."""
    explained = ExplainedFinding.objects.filter(local_authority=council, key=key).first()
    if explained is None:
        return False
    with transaction.atomic():
        record(
            "finding_explanation_withdrawn",
            user=user,
            local_authority=council,
            obj=explained,
            detail=f"{explained.rule}: {explained.measure} {explained.period}",
        )
        explained.delete()
    return True
