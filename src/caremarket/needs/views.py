"""Staff's page for the figure checks: every finding on the council's figures, in words, and
the explanations staff give (with who and when), which the Market Position Statement's
technical appendix lists and its publishing no longer asks to acknowledge."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from caremarket.access import staff
from caremarket.accounts.roles import Role
from caremarket.needs import checks
from caremarket.places.models import LocalAuthority

CHECKERS = (Role.COMMISSIONER, Role.COUNCIL_ADMIN)


@staff(*CHECKERS)
def findings(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """GET lists the findings; POST explains one (action=explain) or withdraws its explanation."""
    errors: dict[str, str] = {}
    drafts: dict[str, str] = {}
    if request.method == "POST":
        key = request.POST.get("key", "")[:64]
        action = request.POST.get("action", "")
        if action == "withdraw":
            if checks.withdraw(council, key, request.user):  # type: ignore[arg-type]
                messages.success(request, "Explanation withdrawn: the finding is open again")
            return redirect("needs:findings", council=council.slug)
        if action == "explain":
            text = request.POST.get("explanation", "")
            try:
                checks.explain(council, key, text, request.user)  # type: ignore[arg-type]
            except checks.ExplainError as error:
                errors[key], drafts[key] = str(error), text[: checks.EXPLANATION_LIMIT * 2]
            else:
                messages.success(request, "Finding marked as explained")
                return redirect("needs:findings", council=council.slug)
        else:
            messages.error(request, "Choose an action")
    found = checks.council_findings(council)
    if errors and not {item.key for item in found} & set(errors):
        # The finding went away (its figures changed) while the page was open.
        messages.error(request, next(iter(errors.values())))
        return redirect("needs:findings", council=council.slug)
    rows = [
        {
            "item": item,
            "number": number,
            "error": errors.get(item.key, ""),
            "draft": drafts.get(item.key, item.explained.explanation if item.explained else ""),
        }
        for number, item in enumerate(found, start=1)
    ]
    return render(
        request,
        "needs/findings.html",
        {
            "council": council,
            "open": [r for r in rows if r["item"].explained is None],
            "explained": [r for r in rows if r["item"].explained is not None],
            "errors": [(f"explanation-{r['number']}", r["error"]) for r in rows if r["error"]],
        },
        status=400 if errors else 200,
    )


@staff(*CHECKERS)
def provenance(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """Where each of the council's figures came from: measure by measure, the files (with
    their SHA-256), when and by whom they were imported, and the lines; and the measures the
    catalogue has no words for, which public pages show with their codes made into words."""
    from caremarket.needs.models import CouncilFigure
    from caremarket.rules import measures as catalogue

    figures = CouncilFigure.objects.for_council(council).select_related("import_run")
    rows: dict[tuple[str, int], dict] = {}
    for f in figures.order_by("measure", "import_run_id", "source_row"):
        row = rows.setdefault(
            (f.measure, f.import_run_id),
            {"measure": f.measure, "label": catalogue.measure_label(f.measure),
             "run": f.import_run, "lines": []},
        )  # fmt: skip
        row["lines"].append(f.source_row)
    table = [{**row, "lines": line_ranges(row["lines"])} for row in rows.values()]
    unlabelled = sorted({r["measure"] for r in table if not catalogue.is_catalogued(r["measure"])})
    return render(
        request,
        "needs/provenance.html",
        {
            "council": council,
            "rows": table,
            "unlabelled": [(code, catalogue.measure_label(code)) for code in unlabelled],
        },
    )


def line_ranges(lines: list[int]) -> str:
    """[3, 4, 5, 9] → "3–5, 9"."""
    spans: list[list[int]] = []
    for line in sorted(set(lines)):
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans)
