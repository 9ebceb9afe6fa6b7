from django.urls import path

from kajet.support import views

app_name = "support"

urlpatterns = [
    path("", views.index, name="index"),
    path("uczen/<id:student_id>/", views.student, name="student"),
    path("uczen/<id:student_id>/notatka/", views.note_add, name="note_add"),
    path("notatka/<id:note_id>/", views.note, name="note"),
]
