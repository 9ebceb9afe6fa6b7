from django.urls import path

from kajet.homework import views

app_name = "homework"

urlpatterns = [
    path("", views.homework_list, name="list"),
    path("nowe/", views.homework_create, name="create"),
    path("<id:homework_id>/", views.homework_detail, name="detail"),
    path("<id:homework_id>/edycja/", views.homework_edit, name="edit"),
    path("<id:homework_id>/usun/", views.homework_delete, name="delete"),
    path("<id:homework_id>/wykonane/", views.homework_toggle_done, name="toggle_done"),
    path(
        "<id:homework_id>/zalaczniki/<id:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
