from django.urls import path

from caremarket.front import views

app_name = "front"
urlpatterns = [
    path("", views.home, name="home"),
    path("councils/", views.councils, name="councils"),
    path("councils/<slug:council>/", views.council, name="council"),
    path(
        "councils/<slug:council>/figures/<slug:table>.csv",
        views.council_table_csv,
        name="council_table_csv",
    ),
    path(
        "councils/<slug:council>/figures/<slug:table>.json",
        views.council_table_json,
        name="council_table_json",
    ),
    path("figures/<slug:measure>/", views.measure_compare, name="measure_compare"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
]
