from django.urls import path

from kajet.attendance import settings_views, views

app_name = "attendance"

urlpatterns = [
    path("", views.index, name="index"),
    path("dzis/", views.today, name="today"),
    path("dodatkowa/", views.extra, name="extra"),
    path("lekcja/<id:course_id>/<str:day>/<id:period_id>/", views.lesson, name="lesson"),
    path("kurs/<id:course_id>/", views.course, name="course"),
    path("uczen/", views.family, name="family"),
    path("lekcje/", views.lessons, name="lessons"),
    path("usprawiedliwienia/", views.excuses, name="excuses"),
    path("usprawiedliwienia/nowe/", views.excuse_new, name="excuse_new"),
    path("usprawiedliwienia/kolejka/", views.queue, name="queue"),
    path("usprawiedliwienia/<id:excuse_id>/", views.excuse, name="excuse"),
    path("usprawiedliwienia/<id:excuse_id>/decyzja/", views.excuse_decide, name="decide"),
    path(
        "usprawiedliwienia/<id:excuse_id>/zalacznik/",
        views.excuse_attachment,
        name="attachment",
    ),
    path(
        "usprawiedliwienia/<id:excuse_id>/wycofaj/",
        views.excuse_withdraw,
        name="withdraw",
    ),
    path("klasa/<id:class_id>/", views.school_class, name="class"),
    path("szkola/", views.school, name="school"),
    path("ustawienia/", settings_views.policy_page, name="policy"),
    path("ustawienia/typy/", settings_views.types_page, name="types"),
    path("ustawienia/typy/nowy/", settings_views.type_edit, name="type_new"),
    path("ustawienia/typy/<id:type_id>/", settings_views.type_edit, name="type_edit"),
    path("ustawienia/typy/<id:type_id>/stan/", settings_views.type_state, name="type_state"),
]
