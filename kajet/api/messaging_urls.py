from django.urls import path

from kajet.api import messaging as views

urlpatterns = [
    path("messages", views.SendView.as_view(), name="message-send"),
    path("messages/folders", views.FoldersView.as_view(), name="message-folders"),
    path("messages/folders/<str:folder>", views.FolderView.as_view(), name="message-folder"),
    path("messages/move", views.MoveView.as_view(), name="message-move"),
    path("messages/trash/empty", views.TrashEmptyView.as_view(), name="message-trash-empty"),
    path(
        "messages/recipient-groups",
        views.RecipientGroupsView.as_view(),
        name="message-recipient-groups",
    ),
    path("messages/<id:message_id>", views.MessageView.as_view(), name="message"),
    path(
        "messages/<id:message_id>/receipts", views.ReceiptsView.as_view(), name="message-receipts"
    ),
    path(
        "messages/<id:message_id>/attachments/<id:attachment_id>",
        views.AttachmentView.as_view(),
        name="message-attachment",
    ),
]
