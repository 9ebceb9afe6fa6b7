from django.urls import path

from kajet.api import board as views

urlpatterns = [
    path("homework", views.HomeworkListView.as_view(), name="homework-list"),
    path("homework/<id:homework_id>", views.HomeworkView.as_view(), name="homework"),
    path("homework/<id:homework_id>/done", views.HomeworkDoneView.as_view(), name="homework-done"),
    path(
        "homework/<id:homework_id>/attachments/<id:attachment_id>",
        views.HomeworkAttachmentView.as_view(),
        name="homework-attachment",
    ),
    path("announcements", views.AnnouncementListView.as_view(), name="announcement-list"),
    path(
        "announcements/<id:announcement_id>",
        views.AnnouncementView.as_view(),
        name="announcement",
    ),
    path("dashboard", views.DashboardView.as_view(), name="dashboard"),
]
