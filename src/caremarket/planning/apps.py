from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "caremarket.planning"
    verbose_name = "Sufficiency planning"
