from django.urls import path

from kajet.api import timetable as views
from kajet.api.calendar_items import CalendarItemsView

urlpatterns = [
    path("timetable/week", views.TimetableWeekView.as_view(), name="timetable-week"),
    path("calendar/events", views.EventsView.as_view(), name="calendar-events"),
    path("calendar/items", CalendarItemsView.as_view(), name="calendar-items"),
    path("calendar/events/<id:event_id>", views.EventView.as_view(), name="calendar-event"),
    path("lucky-number", views.LuckyNumberView.as_view(), name="lucky-number"),
]
