from django.urls import path

from kajet.api import meetings as views

urlpatterns = [
    path("consultation-slots", views.SlotsView.as_view(), name="consultation-slots"),
    path(
        "consultation-slots/<id:slot_id>/book",
        views.SlotBookView.as_view(),
        name="consultation-slot-book",
    ),
    path(
        "consultation-slots/<id:slot_id>/cancel",
        views.SlotCancelView.as_view(),
        name="consultation-slot-cancel",
    ),
]
