"""The commissioner's sufficiency pages: run, save, download and compare scenarios."""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.access import staff
from caremarket.accounts.roles import Role
from caremarket.places.models import LocalAuthority
from caremarket.planning import results
from caremarket.planning.forms import AddModelForm, NewScenarioForm, ScenarioForm, model_choices
from caremarket.planning.inputs import default_models, default_years, has_sex_split
from caremarket.planning.models import Scenario

PLANNERS = (Role.COMMISSIONER, Role.COUNCIL_ADMIN)


def _get_scenario(council: LocalAuthority, pk: int) -> Scenario:
    """A scenario of this council; another council's is a 404 so its existence never leaks."""
    return get_object_or_404(Scenario, pk=pk, local_authority=council)


def _save(request: HttpRequest, council: LocalAuthority, form: ScenarioForm) -> Scenario | None:
    """Validate the models with the engine on the council's data, then save."""
    years = form.cleaned_data["years_text"]
    models = form.cleaned_data["models_text"]
    outcome = results.run(council, years, models)
    if outcome.problems:
        for problem in outcome.problems[:20]:
            form.add_error("models_text", problem)
        return None
    scenario = form.save(commit=False)
    scenario.local_authority = council
    scenario.years = years
    scenario.demand_models = models
    scenario.updated_by = request.user
    if scenario.pk is None:
        scenario.created_by = request.user
    try:
        scenario.save()
    except IntegrityError:
        form.add_error("name", "This council already has a scenario with that name")
        return None
    return scenario


def _create_from_forms(
    request: HttpRequest, council: LocalAuthority, form: NewScenarioForm
) -> Scenario | None:
    """A new scenario from the forms: the chosen starting models, checked by the engine."""
    years, models = form.cleaned_data["years_text"], form.chosen_models()
    outcome = results.run(council, years, models)
    if outcome.problems:
        for problem in dict.fromkeys(_named(p, models) for p in outcome.problems[:20]):
            form.add_error(None, problem)
        return None
    try:
        with transaction.atomic():
            return Scenario.objects.create(
                local_authority=council,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                years=years,
                demand_models=models,
                created_by=request.user,
                updated_by=request.user,
            )
    except IntegrityError:
        form.add_error("name", "This council already has a scenario with that name")
        return None


@staff(*PLANNERS)
def sufficiency(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    """The council's scenarios, and a new one from forms: name, years and the cited starting
    models its data supports. Writing the models as JSON stays, as the advanced way."""
    starting = default_models(council)
    years = default_years(council, timezone.now().year)
    advanced = request.method == "POST" and "models_text" in request.POST
    new = NewScenarioForm(
        request.POST if request.method == "POST" and not advanced else None,
        models=starting,
        auto_id="new_%s",
        initial={"years_text": ", ".join(map(str, years))},
    )
    form = ScenarioForm(
        request.POST if advanced else None,
        initial={
            "name": "",
            "years_text": ", ".join(map(str, years)),
            "models_text": json.dumps(starting, indent=2),
        },
    )
    if advanced and form.is_valid() and (scenario := _save(request, council, form)):
        messages.success(request, f"Scenario “{scenario.name}” saved")
        return redirect(scenario)
    if new.is_bound and new.is_valid() and (scenario := _create_from_forms(request, council, new)):
        messages.success(request, f"Scenario “{scenario.name}” saved")
        return redirect(scenario)
    return render(
        request,
        "planning/sufficiency.html",
        {
            "council": council,
            "new": new,
            "form": form,
            "advanced": advanced,
            "unavailable": model_choices(has_sex_split(council))[1],
            "scenarios": Scenario.objects.filter(local_authority=council),
        },
    )


@staff(*PLANNERS)
def scenario(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    found = _get_scenario(council, pk)
    form = ScenarioForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid() and _save(request, council, form):
        messages.success(request, f"Scenario “{found.name}” saved")
        return redirect(found)
    outcome = results.run(council, found.years, found.demand_models)
    return render(
        request,
        "planning/scenario.html",
        {
            "council": council,
            "scenario": found,
            "form": form,
            "result": outcome,
            "explanations": results.explanations(outcome),
            "chart": results.gap_chart(outcome, "gap-chart", f"Gap by service: {found.name}"),
            "others": Scenario.objects.filter(local_authority=council).exclude(pk=found.pk),
            "models": [
                {
                    "service": m.get("service", "") if isinstance(m, dict) else "",
                    "label": results.label(str(m.get("service", "")))
                    if isinstance(m, dict)
                    else "",
                    "words": results.describe_model(m),
                }
                for m in found.demand_models
            ],
        },
    )


@staff(*PLANNERS)
def scenario_csv(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    found = _get_scenario(council, pk)
    outcome = results.run(council, found.years, found.demand_models)
    response = HttpResponse(results.rows_csv(outcome), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sufficiency-{found.pk}.csv"'
    return response


@staff(*PLANNERS)
@require_POST
def delete_scenario(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    found = _get_scenario(council, pk)
    found.delete()
    messages.success(request, f"Scenario “{found.name}” deleted")
    return redirect("planning:sufficiency", council=council.slug)


@staff(*PLANNERS)
def compare(request: HttpRequest, council: LocalAuthority) -> HttpResponse:
    scenarios = Scenario.objects.filter(local_authority=council)
    chosen = []
    error = ""
    for key in ("a", "b"):
        value = request.GET.get(key, "")
        if value.isdigit() and (found := scenarios.filter(pk=int(value)).first()):
            chosen.append(found)
    rows = []
    if len(chosen) == 2:
        a, b = (results.run(council, s.years, s.demand_models) for s in chosen)
        rows = results.compare(a, b)
    elif request.GET:
        error = "Choose two of this council's scenarios to compare"
    return render(
        request,
        "planning/compare.html",
        {
            "council": council,
            "scenarios": scenarios,
            "chosen": chosen,
            "rows": rows,
            "error": error,
        },
    )


def _keep_models(
    request: HttpRequest, found: Scenario, models: list[Any], done: str
) -> HttpResponse:
    found.demand_models = models
    found.updated_by = request.user
    found.save(update_fields=["demand_models", "updated_by", "updated_at"])
    messages.success(request, done)
    return redirect(found)


def _named(problem: str, models: list[Any]) -> str:
    """An engine message with its `models[i]…` path put as the model's service name."""
    match = re.match(r"models\[(\d+)\][^:]*: (.*)", problem, re.S)
    if match is None or int(match[1]) >= len(models):
        return problem
    model = models[int(match[1])]
    service = model.get("service") if isinstance(model, dict) else None
    return f"{results.label(str(service))}: {match[2]}" if service else match[2]


def _services(found: Scenario) -> set[str]:
    return {m["service"] for m in found.demand_models if isinstance(m, dict) and "service" in m}


@staff(*PLANNERS)
def add_model(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """Add one model from a form (a cited preset, an own rate or a trend): no JSON to write.
    The engine checks it on the council's data before anything is saved."""
    found = _get_scenario(council, pk)
    form = AddModelForm(
        request.POST or None, taken=_services(found), sex_split=has_sex_split(council)
    )
    if request.method == "POST" and form.is_valid():
        models = [*found.demand_models, form.model()]
        outcome = results.run(council, found.years, models)
        if outcome.problems:
            for problem in dict.fromkeys(_named(p, models) for p in outcome.problems[:20]):
                form.add_error(None, problem)
        else:
            added = results.label(models[-1]["service"]).lower()
            return _keep_models(request, found, models, f"Added {added}")
    return render(
        request, "planning/add_model.html", {"council": council, "scenario": found, "form": form}
    )


@staff(*PLANNERS)
@require_POST
def remove_model(request: HttpRequest, council: LocalAuthority, pk: int) -> HttpResponse:
    """Remove the model named in the form; a scenario keeps at least one model."""
    found = _get_scenario(council, pk)
    service = request.POST.get("service", "")
    kept = [
        m for m in found.demand_models if not (isinstance(m, dict) and m.get("service") == service)
    ]
    if len(kept) == len(found.demand_models):
        messages.error(request, "That model is not in this scenario (it may have been removed)")
    elif not kept:
        messages.error(request, "A scenario needs at least one model: add another first")
    else:
        return _keep_models(request, found, kept, f"Removed {results.label(service).lower()}")
    return redirect(found)
