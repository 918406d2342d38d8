"""Keeping the directory true: providers propose changes, council officers approve them."""

from django.urls import URLPattern

app_name = "listings"
urlpatterns: list[URLPattern] = []
