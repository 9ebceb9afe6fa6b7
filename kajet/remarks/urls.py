from django.urls import path

from kajet.remarks import views

app_name = "remarks"

urlpatterns = [
    path("", views.remark_list, name="list"),
    path("nowa/", views.remark_add, name="add"),
    path("<id:remark_id>/", views.remark_detail, name="detail"),
    path("<id:remark_id>/korekta/", views.remark_edit, name="edit"),
    path("<id:remark_id>/usun/", views.remark_remove, name="remove"),
    path("<id:remark_id>/zapoznalem-sie/", views.remark_acknowledge, name="acknowledge"),
    path("klasa/<id:class_id>/", views.class_summary, name="class_summary"),
    path("kategorie/", views.categories, name="categories"),
    path("kategorie/<id:category_id>/", views.category_edit, name="category_edit"),
    path("kategorie/domyslne/", views.categories_defaults, name="categories_defaults"),
]
