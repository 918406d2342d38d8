from django.urls import path

from caremarket.statements import views
from caremarket.statements.catalogue import LOCAL_ACCOUNT

#: Local Accounts use the same views as Market Position Statements under their own addresses
#: (names prefixed la_; `models.url_name` picks the one for a statement's kind).
LA = {"kind": LOCAL_ACCOUNT}

app_name = "statements"
urlpatterns = [
    path("staff/<slug:council>/mps/logo/", views.logo, name="logo"),
    path("market-opportunities/", views.market_opportunities, name="market_opportunities"),
]
for prefix, segment, extra in (("", "mps", {}), ("la_", "local-accounts", LA)):
    staff = f"staff/<slug:council>/{segment}/"
    urlpatterns += [
        path(staff, views.statements, extra, name=f"{prefix}staff_list"),
        path(f"{staff}<slug:statement>/compare/", views.compare, extra, name=f"{prefix}compare"),
        path(f"{staff}<slug:statement>/<int:number>/", views.draft, extra, name=f"{prefix}draft"),
        path(
            f"{staff}<slug:statement>/<int:number>/action/",
            views.transition,
            extra,
            name=f"{prefix}transition",
        ),
        path(
            f"{staff}<slug:statement>/<int:number>/sections/<slug:key>/",
            views.edit_section,
            extra,
            name=f"{prefix}edit_section",
        ),
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
