"""The public directory: search, listings, shortlist."""

from django.urls import path

from caremarket.directory import views

app_name = "directory"
urlpatterns = [
    path("directory/", views.search_page, name="search"),
    path("directory/places/", views.places, name="places"),
    path("directory/services/<uuid:pk>/", views.service, name="service"),
    path("directory/shortlist/", views.shortlist, name="shortlist"),
    path("directory/shortlist/add/", views.shortlist_add, name="shortlist_add"),
    path("directory/shortlist/remove/", views.shortlist_remove, name="shortlist_remove"),
    path("directory/shortlist/email/", views.shortlist_email, name="shortlist_email"),
]
