from django.urls import path

from kajet.dashboard import ical, views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("dziecko/<id:student_id>/", views.switch_child, name="switch_child"),
    path("kalendarz/", views.feed_settings, name="feed_settings"),
    path("kalendarz/nowy/", views.feed_regenerate, name="feed_regenerate"),
    path("kalendarz/wylacz/", views.feed_revoke, name="feed_revoke"),
    path("kalendarz/<str:token>.ics", ical.feed, name="ical_feed"),
]
