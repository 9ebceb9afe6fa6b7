from django.urls import path

from kajet.api import grades as views

urlpatterns = [
    path(
        "grades/students/<int:student_id>",
        views.StudentGradesView.as_view(),
        name="grades-student",
    ),
    path(
        "grades/courses/<int:course_id>/terms/<int:term_id>",
        views.SheetView.as_view(),
        name="grades-sheet",
    ),
    path(
        "grades/courses/<int:course_id>/terms/<int:term_id>/columns",
        views.ColumnsView.as_view(),
        name="grades-columns",
    ),
    path(
        "grades/courses/<int:course_id>/term-grades",
        views.TermGradesView.as_view(),
        name="grades-term-grades",
    ),
    path("grades/marks/<int:grade_id>", views.MarkView.as_view(), name="grades-mark"),
    path(
        "grades/marks/<int:grade_id>/correction",
        views.CorrectionView.as_view(),
        name="grades-correction",
    ),
]
