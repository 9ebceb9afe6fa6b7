from django.urls import include, path

from kajet.api import views

app_name = "api"

urlpatterns = [
    path("auth/token", views.TokenView.as_view(), name="token"),
    path("me", views.MeView.as_view(), name="me"),
    path("students/<id:student_id>", views.StudentView.as_view(), name="student"),
    path("", include("kajet.api.messaging_urls")),
    path("", include("kajet.api.grades_urls")),
    path("", include("kajet.api.board_urls")),
    path("", include("kajet.api.timetable_urls")),
    path("", include("kajet.api.attendance_urls")),
    path("", include("kajet.api.notifications_urls")),
    path("", include("kajet.api.remarks_urls")),
    path("", include("kajet.api.polls_urls")),
    path("", include("kajet.api.meetings_urls")),
]
