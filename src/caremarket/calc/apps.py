from django.apps import AppConfig


class CalcConfig(AppConfig):
    name = "caremarket.calc"
    verbose_name = "Calculators"
