from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "caremarket.front"
    verbose_name = "Public pages"
