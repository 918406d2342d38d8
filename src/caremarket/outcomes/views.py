"""The staff page that shows and explains the council's ASCOF from its Client Level Data.

Each measure says in words what it counts, then shows numerator, denominator and value per
group; an analyst opens the pseudonymised people (or reablement episodes) behind a count, and
each such opening is written to the audit log.
"""

from __future__ import annotations

import io
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from caremarket import csvfiles
from caremarket.access import staff
from caremarket.accounts.audit import record
from caremarket.outcomes.api import ASCOF_ROLES
from caremarket.outcomes.ascof_words import MEASURES, row_label
from caremarket.outcomes.forms import TargetForm
from caremarket.outcomes.models import CldSubmission, Target
from caremarket.outcomes.service import (
    Ascof,
    AscofInputError,
    CldActivity,
    activity,
    ascof,
    population_advice,
)
from caremarket.outcomes.targets import (
    ASCOF_DIMENSION,
    ascof_measure,
    ascof_targets,
    figure_choices,
    figure_key,
    figure_targets,
    judged,
)
from caremarket.places.models import LocalAuthority
from caremarket.rules.activity import COLUMN_WORDS, COLUMNS
from caremarket.rules.ascof import CLD_START


def _years(council: LocalAuthority) -> tuple[list[str], str]:
    """Reporting years from the start of CLD to the one holding the latest submission's end,
    newest first, and the one to show first: the latest the submissions cover to its end."""
    latest = (
        CldSubmission.objects.filter(local_authority=council)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if latest is None:
        return [], ""
    last_start = latest.year if latest.month >= 4 else latest.year - 1
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(last_start, CLD_START.year - 1, -1)]
    full = [y for y in years if date(int(y[:4]) + 1, 3, 31) <= latest]
    return years, (full or years)[0]


def _compute(council: LocalAuthority, year: str) -> tuple[Ascof | None, list[str]]:
    try:
        return ascof(council.code, year, strict=False), []
    except AscofInputError as error:
        return None, error.problems


@staff(*ASCOF_ROLES)
def ascof_page(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    years, default = _years(council)
    year = request.GET.get("year") or default
    result, errors = _compute(council, year) if years else (None, [])
    if not years:
        errors = _no_cld(council)
    measures = []
    if result is not None:
        targets = ascof_targets(council, year)
        for text in MEASURES:
            rows = result.result.measures[text.code]
            unit = "pct" if text.per == "%" else ""
            measures.append(
                {
                    "text": text,
                    "rows": [
                        {
                            "row": r,
                            "label": row_label(r),
                            "index": i,
                            "figure": figure_key(
                                ascof_measure(text.code), ASCOF_DIMENSION, row_label(r)
                            ),
                            "target": judged(target, r.value, unit, 1)
                            if (target := targets.get((text.code, row_label(r))))
                            else None,
                        }
                        for i, r in enumerate(rows)
                    ],
                }
            )
    return render(
        request,
        "outcomes/ascof.html",
        {
            "council": council,
            "years": years,
            "year": year,
            "result": result,
            "measures": measures,
            "population_advice": population_advice(
                council, result.result.period[0].year, result.missing_bands
            )
            if result is not None
            else [],
            "errors": errors,
            "submissions": CldSubmission.objects.filter(local_authority=council)
            .select_related("import_run")
            .order_by("imported_at", "period_start"),
        },
    )


@staff(*ASCOF_ROLES)
def ascof_people(
    request: HttpRequest, council: LocalAuthority, measure: str, index: int
) -> HttpResponse:
    """The pseudonymised people (or episodes) behind one figure; each opening is audited."""
    year = request.GET.get("year", "")
    result, _ = _compute(council, year)
    if result is None or measure not in result.result.measures:
        raise Http404("No such figure")
    rows = result.result.measures[measure]
    if not 0 <= index < len(rows):
        raise Http404("No such figure")
    row = rows[index]
    record(
        "viewed pseudonymised people behind an ASCOF figure",
        request=request,
        local_authority=council,
        detail=f"ASCOF {measure} {year}: {row_label(row)}",
    )
    outcomes = result.result.outcomes_2a if measure == "2A" else {}
    people = [
        {
            "id": pid,
            "short": pid.split("#")[0][-12:] if "#" in pid else pid[-12:],
            "in_numerator": pid in row.numerator_ids,
            "outcome": outcomes.get(pid, ("", "", ""))[0],
        }
        for pid in sorted(row.denominator_ids or row.numerator_ids)
    ]
    text = next(t for t in MEASURES if t.code == measure)
    return render(
        request,
        "outcomes/ascof_people.html",
        {
            "council": council,
            "year": year,
            "text": text,
            "row": row,
            "label": row_label(row),
            "people": people,
            "episodes": measure == "2A",
        },
    )


def _no_cld(council: LocalAuthority) -> list[str]:
    return [
        f"No Client Level Data has been imported for {council.name} yet. Import the "
        "council's CLD file from Data imports (format: Client Level Data)."
    ]


def _activity(council: LocalAuthority, year: str) -> tuple[CldActivity | None, list[str]]:
    try:
        return activity(council.code, year), []
    except AscofInputError as error:
        return None, error.problems


@staff(*ASCOF_ROLES)
def activity_page(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """Requests, assessments, reviews, long-term and short-term support from the council's CLD,
    each table explained in words, with a CSV of each."""
    years, default = _years(council)
    year = request.GET.get("year") or default
    result, errors = _activity(council, year) if years else (None, _no_cld(council))
    return render(
        request,
        "outcomes/activity.html",
        {
            "council": council,
            "years": years,
            "year": year,
            "result": result,
            "columns": [COLUMN_WORDS[c] for c in COLUMNS],
            "errors": errors,
            "submissions": CldSubmission.objects.filter(local_authority=council)
            .select_related("import_run")
            .order_by("imported_at", "period_start"),
        },
    )


@staff(*ASCOF_ROLES)
def activity_csv(request: HttpRequest, council: LocalAuthority, table: str) -> HttpResponse:
    """One activity table as CSV: its rows in words, a count per age band and in all."""
    result, _ = _activity(council, request.GET.get("year", ""))
    found = result.result.table(table) if result is not None else None
    if result is None or found is None:
        raise Http404("No such table")
    out = io.StringIO()
    csvfiles.writer(out).writerows(found.csv_rows())
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{council.slug}-{found.key}-{result.year.replace('/', '-')}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _ascof_labels(council: LocalAuthority) -> dict[str, list[str]]:
    """The labels of each ASCOF measure's rows in the latest year the council's CLD covers."""
    years, default = _years(council)
    result, _ = _compute(council, default) if years else (None, [])
    if result is None:
        return {}
    return {t.code: [row_label(r) for r in result.result.measures[t.code]] for t in MEASURES}


@staff(*ASCOF_ROLES)
def targets(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """The council's targets, each judged against its figure, and the form that sets one."""
    choices = _ascof_labels(council)
    if request.method == "POST":
        form = TargetForm(request.POST, choices=figure_choices(council, choices))
        if form.is_valid():
            measure, dimension, category = form.figure_parts()
            data = form.cleaned_data
            target, created = Target.objects.update_or_create(
                local_authority=council,
                measure=measure,
                dimension=dimension,
                category=category,
                period=data["period"],
                defaults={
                    "value": data["value"],
                    "direction": data["direction"],
                    "tolerance": data["tolerance"],
                    "source": data["source"],
                    "set_by": request.user,
                    "set_at": timezone.now(),
                },
            )
            record(
                "set a target" if created else "changed a target",
                request=request,
                local_authority=council,
                obj=target,
                detail=f"{measure} {category} {target.period}: {target.value:g} "
                f"({target.direction}, tolerance {target.tolerance:g})",
            )
            return redirect("outcomes:targets", council=council.slug)
    else:
        initial = {k: request.GET[k] for k in ("figure", "period") if k in request.GET}
        form = TargetForm(initial=initial, choices=figure_choices(council, choices))
    items = [item for found in figure_targets(council).values() for item in found]
    ascof = Target.objects.filter(local_authority=council, measure__startswith="ascof_")
    return render(
        request,
        "outcomes/targets.html",
        {
            "council": council,
            "form": form,
            "items": items,
            "ascof": ascof,
        },
    )


@staff(*ASCOF_ROLES)
def delete_target(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    target = get_object_or_404(Target, pk=pk, local_authority=council)
    if request.method != "POST":
        return redirect("outcomes:targets", council=council.slug)
    record(
        "removed a target",
        request=request,
        local_authority=council,
        obj=target,
        detail=f"{target.measure} {target.category} {target.period}: {target.value:g}",
    )
    target.delete()
    return redirect("outcomes:targets", council=council.slug)
