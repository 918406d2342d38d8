from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "caremarket.market"
    verbose_name = "Market supply and commissioning"
