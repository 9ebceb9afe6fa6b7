"""The typed actor of a page request.

Views behind ``@login_required`` take an :class:`AuthedRequest` instead of ``HttpRequest``:
``request.user`` is then a :class:`~kajet.accounts.models.User` (never ``AnonymousUser``) and
``request.school`` is the user's school, whose scope ``SchoolScopeMiddleware`` opened. mypy
checks every use, so no view has to narrow the user with ``assert`` at the security seam.

The annotation is a promise kept by the decorator and the middleware, not a runtime class:
Django still builds a ``WSGIRequest`` (the same pattern healthchecks uses).
"""

from __future__ import annotations

from django.http import HttpRequest

from kajet.accounts.models import User
from kajet.core.models import School


class AuthedRequest(HttpRequest):
    """A page request by a signed-in school login (behind ``@login_required``)."""

    user: User
    #: The signed-in user's school (set by ``SchoolScopeMiddleware``; the same object as
    #: ``user.school``, loaded with the user, so reading it costs no query).
    school: School
    #: Navigation badges a view has already read (entry key → number), so the navigation
    #: does not read them again (``kajet.core.navigation.navigation_for``); usually unset.
    nav_badges: dict[str, int | None]


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a view that is not typed with :class:`AuthedRequest` yet."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - @login_required runs first
        raise TypeError("view must be behind @login_required")
    return user
