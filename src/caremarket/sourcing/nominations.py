"""Extra care nomination pages. The referrals (with people's names) are for the council's
brokers (practitioners and admins); the table per scheme per year, which names nobody, is for
commissioners too, on a page and as CSV. A referral or scheme of another council is a 404.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from caremarket import csvfiles
from caremarket.access import staff
from caremarket.accounts.models import User
from caremarket.places.models import LocalAuthority
from caremarket.rules import extracare as rules
from caremarket.sourcing import extracare
from caremarket.sourcing.extracare_forms import (
    DecisionForm,
    NominationForm,
    PlacedForm,
    ReferralForm,
    TermsForm,
    WithdrawalForm,
)
from caremarket.sourcing.models import ExtraCareReferral
from caremarket.sourcing.views import BROKERS, REPORT_READERS

TABLE_COLUMNS = (
    "Extra care scheme",
    "Year",
    "Expressions of interest",
    "Nominations",
    "Placements",
)
#: Each step: its form, and the words on its button.
STEPS: dict[str, tuple[type[Any], str]] = {
    rules.Action.DECIDE: (DecisionForm, "Record the panel's decision"),
    rules.Action.NOMINATE: (NominationForm, "Nominate to the flat"),
    rules.Action.PLACE: (PlacedForm, "Record the move"),
    rules.Action.WITHDRAW: (WithdrawalForm, "Withdraw"),
}


@staff(*BROKERS)
def overview(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    referrals = ExtraCareReferral.objects.filter(local_authority=council).select_related("scheme")
    open_ones = referrals.filter(
        stage__in=[
            ExtraCareReferral.Stage.PANEL,
            ExtraCareReferral.Stage.WAITING,
            ExtraCareReferral.Stage.NOMINATED,
        ]
    )
    return render(
        request,
        "sourcing/extra_care.html",
        {
            "council": council,
            "schemes": extracare.scheme_rows(council),
            "open": open_ones[:200],
            "closed": referrals.exclude(pk__in=open_ones.values("pk"))[:20],
            "invented": referrals.filter(invented=True).exists(),
        },
    )


@staff(*BROKERS)
def new_referral(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    schemes = extracare.schemes(council)
    form = ReferralForm(request.POST or None, schemes=schemes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = extracare.create(
            ExtraCareReferral(
                local_authority=council,
                scheme=data["scheme"],
                route=data["route"],
                person_name=data["person_name"],
                received_on=data["received_on"],
                note=data["note"],
                created_by=request.user,
            ),
            request,
        )
        messages.success(request, f"{item.reference} is recorded: {item.get_stage_display()}.")
        return redirect("sourcing:referral", council=council.slug, pk=item.pk)
    return render(
        request,
        "sourcing/new_referral.html",
        {"council": council, "form": form, "no_schemes": not schemes.exists()},
    )


def _take_step(
    request: HttpRequest, item: ExtraCareReferral, action: str, form: Any
) -> ExtraCareReferral:
    user: User = request.user  # type: ignore[assignment]
    data = form.cleaned_data
    if action == rules.Action.DECIDE:
        return extracare.decide(
            item,
            data["eligible"] == "yes",
            data["suitable"] == "yes",
            data["panel_reason"],
            data["panel_on"],
            user,
            request,
        )
    if action == rules.Action.NOMINATE:
        return extracare.nominate(item, data["flat"], data["nominated_on"], user, request)
    if action == rules.Action.PLACE:
        return extracare.place(item, data["placed_on"], user, request)
    return extracare.withdraw(item, data["withdrawn_reason"], data["withdrawn_on"], user, request)


@staff(*BROKERS)
def referral(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ExtraCareReferral.objects.select_related("scheme"), local_authority=council, pk=pk
    )
    actions = rules.allowed(rules.Route(item.route), rules.Stage(item.stage))
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    forms: dict[str, Any] = {}
    for action in actions:
        form_class, _ = STEPS[action]
        forms[action] = form_class(request.POST if posted == action else None)
    if request.method == "POST":
        form = forms.get(posted)
        if form is None:
            messages.error(request, "That step is not open for this referral")
            return redirect("sourcing:referral", council=council.slug, pk=item.pk)
        if form.is_valid():
            try:
                done = _take_step(request, item, posted, form)
            except rules.ExtraCareRuleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"{done.reference}: {done.get_stage_display()}.")
                return redirect("sourcing:referral", council=council.slug, pk=item.pk)
    return render(
        request,
        "sourcing/referral.html",
        {
            "council": council,
            "item": item,
            "steps": [(a, forms[a], STEPS[a][1]) for a in actions],
            "posted": posted,
            "flats_free": extracare.flats_free(item.scheme),
        },
    )


@staff(*BROKERS)
def scheme_terms(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    scheme = get_object_or_404(extracare.schemes(council), pk=pk)
    terms = extracare.terms_of(scheme)
    initial = (
        {
            "nomination_rights": terms.nomination_rights,
            "voids": terms.voids,
            "voids_on": terms.voids_on.strftime("%d/%m/%Y"),
        }
        if terms
        else {}
    )
    form = TermsForm(request.POST or None, initial=initial, units=scheme.units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user: User = request.user  # type: ignore[assignment]
        extracare.set_terms(
            scheme, data["nomination_rights"], data["voids"], data["voids_on"], user, request
        )
        messages.success(request, f"{scheme.name}'s nomination terms are saved.")
        return redirect("sourcing:extra_care", council=council.slug)
    return render(
        request, "sourcing/scheme_terms.html", {"council": council, "scheme": scheme, "form": form}
    )


@staff(*REPORT_READERS)
def table(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    return render(
        request,
        "sourcing/extra_care_table.html",
        {
            "council": council,
            "rows": extracare.table(council),
            "columns": TABLE_COLUMNS,
            "invented": ExtraCareReferral.objects.filter(
                local_authority=council, invented=True
            ).exists(),
        },
    )


@staff(*REPORT_READERS)
def table_csv(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    out = io.StringIO()
    writer = csvfiles.writer(out)
    writer.writerow(TABLE_COLUMNS)
    writer.writerows(
        (r.scheme, r.year, r.expressions_of_interest, r.nominations, r.placements)
        for r in extracare.table(council)
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{council.slug}-extra-care-nominations.csv"'
    )
    return response
