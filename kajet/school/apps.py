from django.apps import AppConfig


class SchoolConfig(AppConfig):
    name = "kajet.school"
    label = "school"
    verbose_name = "School structure"
