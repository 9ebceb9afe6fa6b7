from django.urls import path

from kajet.grades import views

app_name = "grades"

urlpatterns = [
    path("", views.index, name="index"),
    path("uczen/<int:student_id>/", views.student_page, name="student"),
    path("ocena/<int:grade_id>/", views.mark_detail, name="mark"),
    path("ocena/<int:grade_id>/zmien/", views.grade_edit, name="grade_edit"),
    path("ocena/<int:grade_id>/komorka/", views.grade_cell, name="grade_cell"),
    path("ocena/<int:grade_id>/popraw/", views.grade_correct, name="grade_correct"),
    path("ocena/<int:grade_id>/usun/", views.grade_delete, name="grade_delete"),
    path("co-jesli/", views.what_if, name="what_if"),
    path("kurs/<int:course_id>/", views.sheet_current, name="sheet_current"),
    path("kurs/<int:course_id>/okres/<int:term_id>/", views.sheet, name="sheet"),
    path("kurs/<int:course_id>/okres/<int:term_id>/kolumna/", views.column_new, name="column_new"),
    path(
        "kurs/<int:course_id>/okres/<int:term_id>/oceny/<str:which>/",
        views.term_grades,
        name="term_grades",
    ),
    path("klasa/<int:class_id>/", views.class_overview, name="overview"),
    path("klasa/<int:class_id>/zachowanie/", views.behaviour, name="behaviour"),
    path("zasady/", views.policy, name="policy"),
    path("zasady/kategoria/", views.category_edit, name="category_new"),
    path("zasady/kategoria/<int:category_id>/", views.category_edit, name="category_edit"),
]
