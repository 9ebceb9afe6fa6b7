from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from kajet.core import views as core_views

handler400 = "kajet.core.views.error_400"
handler403 = "kajet.core.views.error_403"
handler404 = "kajet.core.views.error_404"
handler500 = "kajet.core.views.error_500"

urlpatterns = [
    path("", include("kajet.dashboard.urls")),
    path("konto/", include("kajet.accounts.urls")),
    path("szkola/", include("kajet.school.urls")),
    path("powiadomienia/", include("kajet.notifications.urls")),
    path("plan/", include("kajet.timetable.urls")),
    path("oceny/", include("kajet.grades.urls")),
    path("wiadomosci/", include("kajet.messaging.urls")),
    path("zadania/", include("kajet.homework.urls")),
    path("ogloszenia/", include("kajet.noticeboard.urls")),
    path("frekwencja/", include("kajet.attendance.urls")),
    path("api/v1/", include("kajet.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("bench/noop", core_views.noop, name="noop"),
]
