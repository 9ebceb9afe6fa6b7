from django.apps import AppConfig


class TimetableConfig(AppConfig):
    name = "kajet.timetable"
    label = "timetable"
    verbose_name = "Timetable and calendar"
