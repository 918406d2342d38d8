from django.urls import path

from caremarket.statements import views
from caremarket.statements.catalogue import LOCAL_ACCOUNT

#: Local Accounts use the same views as Market Position Statements under their own addresses;
#: drafting an edition (by statement) is shared.
LA = {"kind": LOCAL_ACCOUNT}

app_name = "statements"
urlpatterns = [
    path("staff/<slug:council>/mps/", views.statements, name="staff_list"),
    path("staff/<slug:council>/local-accounts/", views.statements, LA, name="la_staff_list"),
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
]
for prefix, segment, extra in (("", "mps", {}), ("la_", "local-accounts", LA)):
    urlpatterns += [
        path(
            f"councils/<slug:council>/{segment}/",
            views.published_list,
            extra,
            name=f"{prefix}published_list",
        ),
        path(
            f"councils/<slug:council>/{segment}/<slug:statement>/<int:number>/",
            views.edition,
            extra,
            name=f"{prefix}edition",
        ),
        path(
            f"councils/<slug:council>/{segment}/<slug:statement>/<int:number>/pdf/",
            views.edition_pdf,
            extra,
            name=f"{prefix}edition_pdf",
        ),
        path(
            f"councils/<slug:council>/{segment}/<slug:statement>/<int:number>/tables/"
            "<slug:table>.csv",
            views.edition_table_csv,
            extra,
            name=f"{prefix}edition_table_csv",
        ),
    ]
