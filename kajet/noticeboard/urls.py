from django.urls import path

from kajet.noticeboard import views

app_name = "noticeboard"

urlpatterns = [
    path("", views.board, name="board"),
    path("nowe/", views.create, name="create"),
    path("<id:announcement_id>/", views.detail, name="detail"),
    path("<id:announcement_id>/edycja/", views.edit, name="edit"),
    path("<id:announcement_id>/usun/", views.delete, name="delete"),
]
