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
