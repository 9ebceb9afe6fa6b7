from csp.decorators import csp_update
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kajet.core import views as core_views

handler400 = "kajet.core.views.error_400"
handler403 = "kajet.core.views.error_403"
handler404 = "kajet.core.views.error_404"
handler500 = "kajet.core.views.error_500"

urlpatterns = [
    path("", include("kajet.dashboard.urls")),
    path("konto/", include("kajet.accounts.urls")),
    path("konto-kajet/", include("kajet.portal.urls")),
    path("szkola/", include("kajet.school.urls")),
    path("powiadomienia/", include("kajet.notifications.urls")),
    path("plan/", include("kajet.timetable.urls")),
    path("oceny/", include("kajet.grades.urls")),
    path("wiadomosci/", include("kajet.messaging.urls")),
    path("zadania/", include("kajet.homework.urls")),
    path("ogloszenia/", include("kajet.noticeboard.urls")),
    path("frekwencja/", include("kajet.attendance.urls")),
    path("wydruki/", include("kajet.records.urls")),
    path("uwagi/", include("kajet.remarks.urls")),
    path("ankiety/", include("kajet.polls.urls")),
    path("zebrania/", include("kajet.meetings.urls")),
    path("wsparcie/", include("kajet.support.urls")),
    path("dostep/", include("kajet.audit.urls")),
    path("api/v1/", include("kajet.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script); its
    # page keeps one small <style> element, allowed for that page only.
    path(
        "api/docs/",
        csp_update({"style-src-elem": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("kajet.notifications.pwa")),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("bench/noop", core_views.noop, name="noop"),
]
