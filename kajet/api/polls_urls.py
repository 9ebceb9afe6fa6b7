from django.urls import path

from kajet.api import polls as views

urlpatterns = [
    path("polls", views.PollsView.as_view(), name="polls"),
    path("polls/<id:poll_id>/answer", views.PollAnswerView.as_view(), name="poll-answer"),
    path("polls/<id:poll_id>/results", views.PollResultsView.as_view(), name="poll-results"),
]
