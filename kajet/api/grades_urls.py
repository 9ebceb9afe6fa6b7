from django.urls import path

from kajet.api import grades as views

urlpatterns = [
    path(
        "grades/students/<id:student_id>",
        views.StudentGradesView.as_view(),
        name="grades-student",
    ),
    path(
        "grades/courses/<id:course_id>/terms/<id:term_id>",
        views.SheetView.as_view(),
        name="grades-sheet",
    ),
    path(
        "grades/courses/<id:course_id>/terms/<id:term_id>/columns",
        views.ColumnsView.as_view(),
        name="grades-columns",
    ),
    path(
        "grades/courses/<id:course_id>/term-grades",
        views.TermGradesView.as_view(),
        name="grades-term-grades",
    ),
    path("grades/marks/<id:grade_id>", views.MarkView.as_view(), name="grades-mark"),
    path(
        "grades/marks/<id:grade_id>/correction",
        views.CorrectionView.as_view(),
        name="grades-correction",
    ),
]
