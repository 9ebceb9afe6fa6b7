from django.urls import path

from kajet.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("moje-dane/", views.family, name="family"),
]
