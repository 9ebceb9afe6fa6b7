from django.urls import path

from kajet.timetable import views, views_calendar

app_name = "timetable"

urlpatterns = [
    path("", views.week, name="week"),
    path("przeglad/", views.overview, name="overview"),
    path("klasa/<int:class_id>/", views.class_week, name="class_week"),
    path("nauczyciel/<int:teacher_id>/", views.teacher_week, name="teacher_week"),
    path("sala/<int:room_id>/", views.room_week, name="room_week"),
    path("zarzadzanie/", views.manage, name="manage"),
    path(
        "zarzadzanie/wersja/<int:plan_id>/klasa/<int:class_id>/",
        views.grid,
        name="grid",
    ),
    path("zmiany/", views.changes, name="changes"),
    path("zmiany/nowa/<int:entry_id>/<str:date>/", views.change_add, name="change_add"),
    path("zmiany/<int:change_id>/wycofaj/", views.change_remove, name="change_remove"),
    path("terminarz/", views_calendar.month, name="calendar"),
    path("terminarz/tydzien/", views_calendar.calendar_week, name="calendar_week"),
    path("terminarz/lista/", views_calendar.calendar_list, name="calendar_list"),
    path("terminarz/nowe/", views_calendar.event_add, name="event_add"),
    path("terminarz/<int:event_id>/", views_calendar.event_detail, name="event"),
    path("terminarz/<int:event_id>/edytuj/", views_calendar.event_edit, name="event_edit"),
    path("terminarz/<int:event_id>/usun/", views_calendar.event_remove, name="event_remove"),
    path("terminarz/zasady/", views_calendar.policy, name="policy"),
    path("numerek/", views_calendar.lucky, name="lucky"),
]
