from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "kajet.feeds"
    label = "feeds"
    verbose_name = "Calendar feeds"
