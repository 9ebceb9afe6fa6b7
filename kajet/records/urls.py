from django.urls import path

from kajet.records import views
from kajet.records.archive import views as archive_views
from kajet.records.history import views as history_views

app_name = "records"

urlpatterns = [
    path("", views.index, name="index"),
    path("klasa/<id:class_id>/", views.class_page, name="class"),
    path("klasa/<id:class_id>/dziennik.pdf", views.class_register, name="class_register"),
    path("klasa/<id:class_id>/oceny.pdf", views.grades_summary, name="grades_summary"),
    path("klasa/<id:class_id>/frekwencja.pdf", views.class_attendance, name="class_attendance"),
    path("klasa/<id:class_id>/arkusze.pdf", views.class_record_sheets, name="record_sheets"),
    path("klasa/<id:class_id>/swiadectwa/", views.certificates, name="certificates"),
    path("klasa/<id:class_id>/swiadectwa.pdf", views.certificates_pdf, name="certificates_pdf"),
    path(
        "uczen/<id:student_id>/frekwencja.pdf", views.student_attendance, name="student_attendance"
    ),
    path("uczen/<id:student_id>/arkusz.pdf", views.record_sheet, name="record_sheet"),
    path("rok/<id:year_id>/rejestr.xml", views.xml_export, name="xml_export"),
    path("uczen/<id:student_id>/raport.pdf", views.family_report, name="family_report"),
    path("uczen/<id:student_id>/dane.zip", views.family_data_export, name="family_data_export"),
    path("historia/", history_views.history, name="history"),
    path("historia/historia.csv", history_views.history_csv, name="history_csv"),
    path("historia/historia.pdf", history_views.history_pdf, name="history_pdf"),
    path("historia/moja/", history_views.family_history, name="family_history"),
    path("historia/moja/historia.csv", history_views.family_history_csv, name="family_history_csv"),
    path("historia/moja/historia.pdf", history_views.family_history_pdf, name="family_history_pdf"),
    path("zadanie/<id:job_id>/", views.print_job, name="print_job"),
    path("zadanie/<id:job_id>/wydruk.pdf", views.print_job_file, name="print_job_file"),
    path("archiwum/", archive_views.archive_index, name="archive_index"),
    path(
        "archiwum/rok/<id:year_id>/generuj/",
        archive_views.archive_generate,
        name="archive_generate",
    ),
    path("archiwum/<id:archive_id>/", archive_views.archive_detail, name="archive"),
    path("archiwum/<id:archive_id>/podpis/", archive_views.archive_sign, name="archive_sign"),
    path(
        "archiwum/<id:archive_id>/archiwum.zip",
        archive_views.archive_download,
        name="archive_download",
    ),
    path("archiwum/weryfikacja/", archive_views.archive_check, name="archive_check"),
]
