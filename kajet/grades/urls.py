from django.urls import path

from kajet.grades import views

app_name = "grades"

urlpatterns = [
    path("", views.index, name="index"),
    path("uczen/<id:student_id>/", views.student_page, name="student"),
    path("ocena/<id:grade_id>/", views.mark_detail, name="mark"),
    path("ocena/<id:grade_id>/zmien/", views.grade_edit, name="grade_edit"),
    path("ocena/<id:grade_id>/komorka/", views.grade_cell, name="grade_cell"),
    path("ocena/<id:grade_id>/popraw/", views.grade_correct, name="grade_correct"),
    path("ocena/<id:grade_id>/usun/", views.grade_delete, name="grade_delete"),
    path("co-jesli/", views.what_if, name="what_if"),
    path("kurs/<id:course_id>/", views.sheet_current, name="sheet_current"),
    path("kurs/<id:course_id>/okres/<id:term_id>/", views.sheet, name="sheet"),
    path("kurs/<id:course_id>/okres/<id:term_id>/kolumna/", views.column_new, name="column_new"),
    path(
        "kurs/<id:course_id>/okres/<id:term_id>/oceny/<str:which>/",
        views.term_grades,
        name="term_grades",
    ),
    path("klasa/<id:class_id>/", views.class_overview, name="overview"),
    path("klasa/<id:class_id>/zachowanie/", views.behaviour, name="behaviour"),
    path("zasady/", views.policy, name="policy"),
    path("zasady/kategoria/", views.category_edit, name="category_new"),
    path("zasady/kategoria/<id:category_id>/", views.category_edit, name="category_edit"),
    path("zasady/skale/", views.scales, name="scales"),
    path("zasady/skale/nowa/", views.scale_edit, name="scale_new"),
    path("zasady/skale/<id:scale_id>/", views.scale_edit, name="scale_edit"),
    path("zasady/skale/przydziel/", views.scale_assign, name="scale_assign"),
    path(
        "zasady/skale/przydzial/<id:assignment_id>/usun/",
        views.scale_unassign,
        name="scale_unassign",
    ),
]
