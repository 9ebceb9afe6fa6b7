from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kajet.accounts"
    label = "accounts"
    verbose_name = "Accounts"
