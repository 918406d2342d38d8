"""Public pages: the councils on this instance, each council's page, and the statutory pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from caremarket.access import public
from caremarket.charts import Series, line_chart
from caremarket.places.models import LocalAuthority, PopulationFigure
from caremarket.statements.data import build_block
from caremarket.statements.render import prepare_table

COHORTS = (65, 75, 85)


@public
def home(request: HttpRequest) -> HttpResponse:
    councils = LocalAuthority.objects.all()
    return render(request, "front/home.html", {"councils": councils})


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
    sources = sorted(set(projections.values_list("source", flat=True)))
    provision = build_block("provision", authority, None)
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
        },
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
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
