"""Public pages: the councils on this instance, each council's page, and the statutory pages."""

from __future__ import annotations

import json
import sys

from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from caremarket.access import public
from caremarket.busy import busy_response, is_database_busy
from caremarket.charts import Series, line_chart
from caremarket.directory.models import Service
from caremarket.needs import tables as figure_tables
from caremarket.needs.models import CouncilFigure
from caremarket.outcomes.targets import figure_targets
from caremarket.places.models import LocalAuthority, PopulationFigure
from caremarket.quality.figures import register_tables
from caremarket.rules import measures as catalogue
from caremarket.sourcing.figures import sourcing_tables
from caremarket.statements.catalogue import LOCAL_ACCOUNT
from caremarket.statements.data import build_block
from caremarket.statements.opportunities import latest_published
from caremarket.statements.render import prepare_table, table_csv

COHORTS = (65, 75, 85)


@public
def home(request: HttpRequest) -> HttpResponse:
    """The front page lists the councils this instance holds information for (population,
    a statement, directory listings); all 153 are on the councils page."""
    known = LocalAuthority.objects.all()
    councils = known.filter(
        Exists(PopulationFigure.objects.filter(local_authority=OuterRef("pk")))
        | Exists(Service.objects.filter(local_authority=OuterRef("pk")))
    )
    return render(
        request,
        "front/home.html",
        {"councils": councils, "all_councils": known.count()},
    )


@public
def councils(request: HttpRequest) -> HttpResponse:
    return render(request, "front/councils.html", {"councils": LocalAuthority.objects.all()})


@public
def council(request: HttpRequest, council: str) -> HttpResponse:
    authority = get_object_or_404(LocalAuthority, slug=council)
    projections = PopulationFigure.objects.for_council(authority).filter(
        kind=PopulationFigure.Kind.PROJECTION
    )
    totals = {age: projections.cohort_totals(age) for age in COHORTS}
    years = sorted(totals[COHORTS[0]])
    table = [(year, [totals[age].get(year) for age in COHORTS]) for year in years]
    chart = None
    if years:
        chart = line_chart(
            "population-chart",
            f"People aged 65 and over, 75 and over and 85 and over in {authority.name}, "
            f"{years[0]} to {years[-1]}",
            "Projected population by age group; the same figures are in the table that follows.",
            [str(y) for y in years],
            [Series(f"{age} and over", [totals[age].get(y) for y in years]) for age in COHORTS],
        )
    sources = sorted(
        {figure_tables.source_words(s) for s in projections.values_list("source", flat=True)}
    )
    provision = build_block("provision", authority, None)
    themes = figure_tables.by_theme(authority)
    shared = _measures_held_elsewhere(authority)
    targets = figure_targets(authority)
    published = latest_published(authority)
    local_account = latest_published(authority, LOCAL_ACCOUNT)
    return render(
        request,
        "front/council.html",
        {
            "council": authority,
            "cohorts": COHORTS,
            "table": table,
            "chart": chart,
            "sources": sources,
            "provision": [prepare_table(t) for t in provision["tables"]] if provision else [],
            "themes": [
                {
                    "key": section.key,
                    "title": section.title,
                    "tables": [
                        {**prepare_table(t.as_json()), "links": True} for t in section.tables
                    ],
                    "targets": [j for name in section.measures for j in targets.get(name, [])],
                    "compare": [
                        (name, catalogue.measure_label(name))
                        for name in section.measures
                        if name in shared
                    ],
                }
                for section in themes
            ],
            "published": published,
            "local_account": local_account,
            "quality": [prepare_table(t.as_json()) for t in register_tables(authority)],
            "sourcing": [prepare_table(t.as_json()) for t in sourcing_tables(authority)],
            "table_links": True,
        },
    )


def _measures_held_elsewhere(council: LocalAuthority) -> set[str]:
    """The council's measures that at least one other council holds too."""
    mine = set(CouncilFigure.objects.for_council(council).values_list("measure", flat=True))
    others = (
        CouncilFigure.objects.exclude(local_authority=council)
        .filter(measure__in=mine)
        .values_list("measure", flat=True)
    )
    return set(others)


def _council_table(council: str, table: str) -> tuple[LocalAuthority, dict]:
    authority = get_object_or_404(LocalAuthority, slug=council)
    for section in figure_tables.by_theme(authority):
        for found in section.tables:
            if found.id == table:
                return authority, found.as_json()
    raise Http404("no such table")


@public
def council_table_csv(request: HttpRequest, council: str, table: str) -> HttpResponse:
    """One of the council page's tables as CSV: values as published, sources last."""
    authority, found = _council_table(council, table)
    response = HttpResponse(table_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{authority.slug}-{table}.csv"'
    return response


@public
def council_table_json(request: HttpRequest, council: str, table: str) -> HttpResponse:
    """One of the council page's tables as JSON: caption, columns, raw values and sources."""
    authority, found = _council_table(council, table)
    body = {"council": authority.name, **{k: v for k, v in found.items() if k != "chart"}}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json"
    )


@public
def measure_compare(request: HttpRequest, measure: str) -> HttpResponse:
    """One measure as every council on the service publishes it, side by side."""
    held = (
        CouncilFigure.objects.filter(measure=measure)
        .values_list("local_authority", flat=True)
        .distinct()
    )
    councils = list(LocalAuthority.objects.filter(pk__in=held).order_by("name"))
    if not councils:
        raise Http404("no council holds this measure")
    info = catalogue.measure(measure)
    columns = []
    for authority in councils:
        found = figure_tables.measure_tables(figure_tables.council_figures(authority, [measure]))
        columns.append(
            {"council": authority, "tables": [prepare_table(t.as_json()) for t in found]}
        )
    return render(
        request,
        "front/measure_compare.html",
        {"measure": info, "columns": columns},
    )


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "front/accessibility.html")


@public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "front/privacy.html")


@public
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "front/cookies.html")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_database_busy(sys.exc_info()[1]):  # e.g. saving the session after the view
        return busy_response(request)
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
