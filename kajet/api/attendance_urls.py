from django.urls import path

from kajet.api import attendance as views

urlpatterns = [
    path("attendance/lessons", views.DayView.as_view(), name="attendance-day"),
    path(
        "attendance/lessons/<id:course_id>/<str:day>/<id:period_id>",
        views.SheetView.as_view(),
        name="attendance-sheet",
    ),
    path(
        "attendance/students/<id:student_id>",
        views.StudentAttendanceView.as_view(),
        name="attendance-student",
    ),
    path(
        "attendance/students/<id:student_id>/lessons",
        views.StudentLessonsView.as_view(),
        name="attendance-student-lessons",
    ),
    path("attendance/excuses", views.ExcusesView.as_view(), name="attendance-excuses"),
    path(
        "attendance/excuses/<id:excuse_id>/approve",
        views.ApproveView.as_view(),
        name="attendance-approve",
    ),
    path(
        "attendance/excuses/<id:excuse_id>/reject",
        views.RejectView.as_view(),
        name="attendance-reject",
    ),
    path(
        "attendance/excuses/<id:excuse_id>/withdraw",
        views.WithdrawView.as_view(),
        name="attendance-withdraw",
    ),
]
