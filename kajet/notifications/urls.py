from django.urls import path

from kajet.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("przeczytane/", views.mark_all_read, name="mark_all_read"),
    path("ustawienia/", views.preferences, name="preferences"),
    path("ustawienia/adres/", views.email_address, name="email_address"),
    path("potwierdz/<str:token>/", views.verify_address, name="verify_address"),
    path("wypisz/<str:token>/", views.email_preferences, name="email_preferences"),
    path("push/subskrypcja/", views.push_subscribe, name="push_subscribe"),
    path(
        "push/urzadzenie/<id:subscription_id>/usun/",
        views.push_device_remove,
        name="push_device_remove",
    ),
    path("dostarczanie/", views.delivery_log_page, name="delivery_log"),
    path("dostarczanie/ustawienia/", views.school_settings, name="school_settings"),
    path("dostarczanie/odbicia/", views.email_bounce, name="email_bounce"),
]
