from django.apps import AppConfig


class SourcingConfig(AppConfig):
    name = "caremarket.sourcing"
    verbose_name = "Sourcing care"
