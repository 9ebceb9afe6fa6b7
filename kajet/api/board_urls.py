from django.urls import path

from kajet.api import board as views

urlpatterns = [
    path("homework", views.HomeworkListView.as_view(), name="homework-list"),
    path("homework/<int:homework_id>", views.HomeworkView.as_view(), name="homework"),
    path("homework/<int:homework_id>/done", views.HomeworkDoneView.as_view(), name="homework-done"),
    path(
        "homework/<int:homework_id>/attachments/<int:attachment_id>",
        views.HomeworkAttachmentView.as_view(),
        name="homework-attachment",
    ),
    path("announcements", views.AnnouncementListView.as_view(), name="announcement-list"),
    path(
        "announcements/<int:announcement_id>",
        views.AnnouncementView.as_view(),
        name="announcement",
    ),
    path("dashboard", views.DashboardView.as_view(), name="dashboard"),
]
