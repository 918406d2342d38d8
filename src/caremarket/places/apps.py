from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "caremarket.places"
    verbose_name = "Places and population"
