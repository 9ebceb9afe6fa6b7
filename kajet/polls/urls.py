from django.urls import path

from kajet.polls import views

app_name = "polls"

urlpatterns = [
    path("", views.poll_list, name="list"),
    path("nowa/", views.poll_create, name="create"),
    path("<id:poll_id>/", views.poll_detail, name="detail"),
    path("<id:poll_id>/wyniki/", views.poll_results, name="results"),
    path("<id:poll_id>/przypomnij/", views.poll_remind, name="remind"),
]
