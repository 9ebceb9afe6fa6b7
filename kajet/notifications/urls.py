from django.urls import path

from kajet.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("przeczytane/", views.mark_all_read, name="mark_all_read"),
]
