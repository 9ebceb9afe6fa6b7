from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "kajet.attendance"
    label = "attendance"
    verbose_name = "Attendance"
