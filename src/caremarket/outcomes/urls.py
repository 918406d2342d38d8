"""ASCOF and activity from the council's Client Level Data, for the council's analysts."""

from django.urls import path

from caremarket.outcomes import views

app_name = "outcomes"
council = "staff/<slug:council>/outcomes"
urlpatterns = [
    path(f"{council}/ascof/", views.ascof_page, name="ascof"),
    path(f"{council}/ascof/<str:measure>/<int:index>/", views.ascof_people, name="ascof_people"),
    path(f"{council}/activity/", views.activity_page, name="activity"),
    path(f"{council}/activity/<slug:table>.csv", views.activity_csv, name="activity_csv"),
    path(f"{council}/targets/", views.targets, name="targets"),
    path(f"{council}/targets/<int:pk>/remove/", views.delete_target, name="delete_target"),
]
