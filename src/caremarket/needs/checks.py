"""Consistency checks on a council's figures: what does not add up is reported, never corrected.

The rules are pure functions in `caremarket.rules.consistency` (see there for what each one
checks and how printed precision is allowed for); this module feeds them the imported rows.
Each finding names the rule, the figures, their sources and the arithmetic, in words.
"""

from __future__ import annotations

from collections.abc import Iterable

from caremarket.imports.models import ImportRun
from caremarket.needs.models import CouncilFigure
from caremarket.places.models import LocalAuthority
from caremarket.rules.consistency import Figure, Finding, run_checks

__all__ = ["Finding", "checked_figures", "findings_for_council", "findings_for_run"]


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
    rows = CouncilFigure.objects.for_council(council).select_related(
        "import_run", "local_authority"
    )
    return run_checks(checked_figures(rows))


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
