from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "kajet.homework"
    label = "homework"
    verbose_name = "Homework"
