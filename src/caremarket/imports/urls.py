from django.urls import path

from caremarket.imports import views

app_name = "imports"
urlpatterns = [
    path("staff/<slug:council>/imports/", views.imports, name="imports"),
    path("staff/<slug:council>/imports/<int:pk>/", views.import_run, name="run"),
]
