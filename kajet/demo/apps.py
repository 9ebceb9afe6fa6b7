from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Seeds the demo school and the benchmark datasets (top layer: composes every app)."""

    name = "kajet.demo"
    label = "demo"
    verbose_name = "Demo and benchmark data"
