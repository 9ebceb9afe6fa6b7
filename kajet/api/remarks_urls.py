from django.urls import path

from kajet.api import remarks as views

urlpatterns = [
    path(
        "students/<id:student_id>/remarks",
        views.StudentRemarksView.as_view(),
        name="student-remarks",
    ),
    path("remarks", views.RemarksView.as_view(), name="remarks"),
    path("remarks/categories", views.RemarkCategoriesView.as_view(), name="remark-categories"),
    path(
        "remarks/<id:remark_id>/acknowledge",
        views.RemarkAcknowledgeView.as_view(),
        name="remark-acknowledge",
    ),
]
