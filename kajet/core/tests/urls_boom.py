"""The site's URLs plus a view that fails, for the error page tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as site

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: DATABASE password=hunter2")


urlpatterns = [*site, path("test-boom/", boom)]
