from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "caremarket.imports"
    verbose_name = "Imports and provenance"
