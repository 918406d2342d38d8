from django.contrib import admin
from django.urls import include, path

from caremarket.api import api

urlpatterns = [
    path("", include("caremarket.front.urls")),
    path("", include("caremarket.accounts.urls")),
    path("", include("caremarket.assessments.urls")),
    path("", include("caremarket.statements.urls")),
    path("", include("caremarket.planning.urls")),
    path("", include("caremarket.imports.urls")),
    path("", include("caremarket.needs.urls")),
    path("", include("caremarket.directory.urls")),
    path("", include("caremarket.directory.editorial_urls")),
    path("", include("caremarket.quality.urls")),
    path("", include("caremarket.outcomes.urls")),
    path("", include("caremarket.sourcing.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "caremarket.front.views.not_found"
handler403 = "caremarket.front.views.forbidden"
handler500 = "caremarket.front.views.server_error"
