from django.urls import path

from kajet.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("nowe/", views.meeting_add, name="add"),
    path("<id:meeting_id>/", views.meeting_detail, name="detail"),
    path("<id:meeting_id>/obecnosc/", views.meeting_attendance, name="attendance"),
    path("konsultacje/", views.consultations, name="consultations"),
    path("konsultacje/godziny/", views.slots_add, name="slots_add"),
    path("konsultacje/<id:slot_id>/usun/", views.slot_remove, name="slot_remove"),
    path("konsultacje/<id:slot_id>/rezerwuj/", views.slot_book, name="book"),
    path("konsultacje/<id:slot_id>/odwolaj/", views.slot_cancel, name="cancel"),
]
