from django.urls import path

from kajet.timetable.views import calendar, changes, plan, week

app_name = "timetable"

urlpatterns = [
    path("", week.week, name="week"),
    path("przeglad/", week.overview, name="overview"),
    path("klasa/<id:class_id>/", week.class_week, name="class_week"),
    path("nauczyciel/<id:teacher_id>/", week.teacher_week, name="teacher_week"),
    path("sala/<id:room_id>/", week.room_week, name="room_week"),
    path("zarzadzanie/", plan.manage, name="manage"),
    path(
        "zarzadzanie/wersja/<id:plan_id>/klasa/<id:class_id>/",
        plan.grid,
        name="grid",
    ),
    path("zmiany/", changes.changes, name="changes"),
    path("zmiany/nowa/<id:entry_id>/<str:date>/", changes.change_add, name="change_add"),
    path("zmiany/<id:change_id>/wycofaj/", changes.change_remove, name="change_remove"),
    path("terminarz/", calendar.month, name="calendar"),
    path("terminarz/tydzien/", calendar.calendar_week, name="calendar_week"),
    path("terminarz/lista/", calendar.calendar_list, name="calendar_list"),
    path("terminarz/nowe/", calendar.event_add, name="event_add"),
    path("terminarz/<id:event_id>/", calendar.event_detail, name="event"),
    path("terminarz/<id:event_id>/edytuj/", calendar.event_edit, name="event_edit"),
    path("terminarz/<id:event_id>/usun/", calendar.event_remove, name="event_remove"),
    path("terminarz/zasady/", calendar.policy, name="policy"),
    path("numerek/", calendar.lucky, name="lucky"),
]
