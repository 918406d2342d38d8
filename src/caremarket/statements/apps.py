from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "caremarket.statements"
    verbose_name = "Market Position Statements"
