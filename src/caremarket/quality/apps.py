from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "caremarket.quality"
    verbose_name = "Quality and provider oversight"
