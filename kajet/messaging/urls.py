from django.urls import path

from kajet.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.folder, {"folder": "inbox"}, name="inbox"),
    path("wyslane/", views.folder, {"folder": "sent"}, name="sent"),
    path("archiwum/", views.folder, {"folder": "archive"}, name="archive"),
    path("kosz/", views.folder, {"folder": "trash"}, name="trash"),
    path("kosz/oproznij/", views.trash_empty, name="trash_empty"),
    path("przenies/", views.move, name="move"),
    path("nowa/", views.compose, name="compose"),
    path("<id:message_id>/", views.message, name="message"),
    path("<id:message_id>/druk/", views.message_print, name="print"),
    path("<id:message_id>/nieprzeczytana/", views.mark_unread, name="mark_unread"),
    path(
        "<id:message_id>/zalaczniki/<id:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("rada-rodzicow/", views.council_list, name="councils"),
    path("rada-rodzicow/<id:class_id>/", views.council_edit, name="council"),
]
