from django.urls import path

from caremarket.needs import views

app_name = "needs"
urlpatterns = [
    path("staff/<slug:council>/figure-checks/", views.findings, name="findings"),
    path("staff/<slug:council>/figure-sources/", views.provenance, name="provenance"),
]
