from django.urls import path

from kajet.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("dziecko/<int:student_id>/", views.switch_child, name="switch_child"),
]
