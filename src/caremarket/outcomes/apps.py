from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "caremarket.outcomes"
    verbose_name = "Outcomes: Client Level Data and ASCOF"
