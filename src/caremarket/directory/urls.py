"""The public directory: search, listings, shortlist."""

from django.urls import URLPattern

app_name = "directory"
urlpatterns: list[URLPattern] = []
