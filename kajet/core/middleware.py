"""Opens the school scope once, at the edge, for every page request; refuses oversized
requests before anything reads them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_scopes import scope

from kajet.core.text import strip_invisible


class SchoolScopeMiddleware:
    """Runs the rest of the request inside ``scope(school=<the user's school>)`` and sets
    ``request.school`` (see ``kajet.accounts.http.AuthedRequest``).

    Anonymous requests and operators (no school) get no scope at all, so any tenant query
    they reach raises ScopeError instead of reading across schools. The API opens its own
    scope after token authentication (kajet.api.base.ScopedAPIView).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        school_id = getattr(user, "school_id", None) if user.is_authenticated else None
        if school_id is None:
            return self.get_response(request)
        # The school was loaded with the user (the backend's select_related): no query.
        request.school = user.school  # type: ignore[attr-defined,union-attr]
        with scope(school=school_id):
            return self.get_response(request)


class LanguageMiddleware:
    """Polish unless the user chose another language (the language switch sets a cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a school
    register in Poland is Polish by default, whatever the device's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body is larger than ``KAJET_MAX_REQUEST_BYTES`` with
    413 before anything reads it. Django's DATA_UPLOAD_MAX_MEMORY_SIZE covers form fields
    only (a 400); this also covers file uploads, which Django would otherwise stream to disk
    without limit. Pages get a friendly page, the API a JSON error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.KAJET_MAX_REQUEST_BYTES:
            return request_too_large(request)
        return self.get_response(request)


def request_too_large(request: HttpRequest) -> HttpResponse:
    megabytes = settings.KAJET_MAX_REQUEST_BYTES // (1024 * 1024)
    if request.path.startswith("/api/"):
        message = translation.gettext("The request is too large (at most %(mb)d MB).") % {
            "mb": megabytes
        }
        return JsonResponse({"detail": message}, status=413)
    # No request context: nothing below this middleware (session, user) has run.
    body = render_to_string("core/413.html", {"megabytes": megabytes})
    return HttpResponse(body, status=413)


class CleanInputMiddleware:
    """Every form a page receives, freed of invisible characters before anything reads it
    (``kajet.core.text``): the one place for pages, whether a view uses a Django form or
    reads ``request.POST`` itself. The API's parsers do the same (``kajet.api.parsers``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and not request.path.startswith("/api/"):
            cleaned = QueryDict(mutable=True)
            for key, values in request.POST.lists():
                cleaned.setlist(key, [strip_invisible(value) for value in values])
            cleaned._mutable = False
            request.POST = cleaned  # type: ignore[assignment]  # a QueryDict, made immutable
        return self.get_response(request)
