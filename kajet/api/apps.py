from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kajet.api"
    label = "api"
    verbose_name = "REST API"
