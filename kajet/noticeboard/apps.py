from django.apps import AppConfig


class NoticeboardConfig(AppConfig):
    name = "kajet.noticeboard"
    label = "noticeboard"
    verbose_name = "Announcements"
