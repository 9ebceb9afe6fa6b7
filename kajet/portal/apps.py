from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kajet.portal"
    label = "portal"
    verbose_name = "Kajet portal accounts"
