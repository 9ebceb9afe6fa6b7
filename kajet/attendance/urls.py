from django.urls import path

app_name = "attendance"

urlpatterns: list = []
