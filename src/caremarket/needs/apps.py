from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "caremarket.needs"
    verbose_name = "Needs, activity and council figures"
