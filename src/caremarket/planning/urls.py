from django.urls import path

from caremarket.planning import views

app_name = "planning"
urlpatterns = [
    path("staff/<slug:council>/sufficiency/", views.sufficiency, name="sufficiency"),
    path("staff/<slug:council>/sufficiency/compare/", views.compare, name="compare"),
    path("staff/<slug:council>/sufficiency/<int:pk>/", views.scenario, name="scenario"),
    path("staff/<slug:council>/sufficiency/<int:pk>/csv/", views.scenario_csv, name="scenario_csv"),
    path(
        "staff/<slug:council>/sufficiency/<int:pk>/models/add/",
        views.add_model,
        name="add_model",
    ),
    path(
        "staff/<slug:council>/sufficiency/<int:pk>/models/remove/",
        views.remove_model,
        name="remove_model",
    ),
    path(
        "staff/<slug:council>/sufficiency/<int:pk>/delete/",
        views.delete_scenario,
        name="delete_scenario",
    ),
]
