from django.apps import AppConfig


class GradesConfig(AppConfig):
    name = "kajet.grades"
    label = "grades"
    verbose_name = "Grades"
