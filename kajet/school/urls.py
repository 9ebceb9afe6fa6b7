from django.urls import path

from kajet.school.views import imports, locks, rollover, slips, staff, structure, students

app_name = "school"

urlpatterns = [
    path("", students.hub, name="hub"),
    path("uczniowie/", students.student_list, name="student_list"),
    path("uczniowie/nowy/", students.student_add, name="student_add"),
    path("uczniowie/import/", imports.student_import, name="student_import"),
    path("uczniowie/<id:student_id>/", students.student_detail_view, name="student_detail"),
    path("uczniowie/<id:student_id>/edycja/", students.student_edit, name="student_edit"),
    path("uczniowie/<id:student_id>/opiekun/", students.guardian_add, name="guardian_add"),
    path("uczniowie/<id:student_id>/przeniesienie/", students.student_move, name="student_move"),
    path("uczniowie/<id:student_id>/koniec-nauki/", students.student_end, name="student_end"),
    path(
        "uczniowie/<id:student_id>/nowe-haslo/",
        students.student_password_reset,
        name="student_password_reset",
    ),
    path(
        "opiekunowie/<id:guardian_id>/nowe-haslo/",
        students.guardian_password_reset,
        name="guardian_password_reset",
    ),
    path("klasy/<id:class_id>/nowe-hasla/", students.class_reset, name="class_reset"),
    path("loginy/", slips.issued, name="issued"),
    path("loginy/druk/", slips.slips_print, name="slips_print"),
    path("loginy/usun/", slips.slips_forget, name="slips_forget"),
    path("dzieci/", slips.children, name="children"),
    path(
        "dzieci/<id:student_id>/nowe-haslo/",
        slips.child_password_reset,
        name="child_password_reset",
    ),
    path("blokady-logowania/", locks.signin_locks, name="signin_locks"),
    path(
        "blokady-logowania/<id:login_id>/odblokuj/",
        locks.signin_lock_release,
        name="signin_unlock",
    ),
    path("pracownicy/", staff.staff_index, name="staff_list"),
    path("pracownicy/nowy/", staff.staff_add, name="staff_add"),
    path("pracownicy/import/", imports.staff_import, name="staff_import"),
    path("pracownicy/<id:staff_id>/", staff.staff_edit, name="staff_edit"),
    path("pracownicy/<id:staff_id>/aktywny/", staff.staff_set_active, name="staff_set_active"),
    path(
        "pracownicy/<id:staff_id>/nowe-haslo/",
        staff.staff_password_reset,
        name="staff_password_reset",
    ),
    path("ustawienia/", structure.school_settings, name="settings"),
    path("nowy-rok/", rollover.year_rollover_view, name="rollover"),
    path("struktura/<slug:kind_slug>/", structure.structure_list, name="structure_list"),
    path("struktura/<slug:kind_slug>/nowy/", structure.structure_edit, name="structure_add"),
    path(
        "struktura/<slug:kind_slug>/<id:obj_id>/",
        structure.structure_edit,
        name="structure_edit",
    ),
]
