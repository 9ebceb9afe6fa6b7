"""Typed access to the signed-in user in views (after ``@login_required``)."""

from __future__ import annotations

from django.http import HttpRequest

from kajet.accounts.models import User


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "view must be behind @login_required"
    return user
