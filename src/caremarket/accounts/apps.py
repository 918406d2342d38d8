from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "caremarket.accounts"
    verbose_name = "Accounts and audit"
