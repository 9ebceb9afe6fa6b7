from django.urls import path

from kajet.noticeboard import views

app_name = "noticeboard"

urlpatterns = [
    path("", views.board, name="board"),
    path("nowe/", views.create, name="create"),
    path("<int:announcement_id>/", views.detail, name="detail"),
    path("<int:announcement_id>/edycja/", views.edit, name="edit"),
    path("<int:announcement_id>/usun/", views.delete, name="delete"),
]
