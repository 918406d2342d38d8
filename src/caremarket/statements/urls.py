from django.urls import path

from caremarket.statements import views

app_name = "statements"
urlpatterns = [
    path("staff/<slug:council>/mps/", views.statements, name="staff_list"),
    path("staff/<slug:council>/mps/logo/", views.logo, name="logo"),
    path("staff/<slug:council>/mps/<slug:statement>/compare/", views.compare, name="compare"),
    path("staff/<slug:council>/mps/<slug:statement>/<int:number>/", views.draft, name="draft"),
    path(
        "staff/<slug:council>/mps/<slug:statement>/<int:number>/action/",
        views.transition,
        name="transition",
    ),
    path(
        "staff/<slug:council>/mps/<slug:statement>/<int:number>/sections/<slug:key>/",
        views.edit_section,
        name="edit_section",
    ),
    path("market-opportunities/", views.market_opportunities, name="market_opportunities"),
    path("councils/<slug:council>/mps/", views.published_list, name="published_list"),
    path(
        "councils/<slug:council>/mps/<slug:statement>/<int:number>/",
        views.edition,
        name="edition",
    ),
    path(
        "councils/<slug:council>/mps/<slug:statement>/<int:number>/pdf/",
        views.edition_pdf,
        name="edition_pdf",
    ),
    path(
        "councils/<slug:council>/mps/<slug:statement>/<int:number>/tables/<slug:table>.csv",
        views.edition_table_csv,
        name="edition_table_csv",
    ),
]
