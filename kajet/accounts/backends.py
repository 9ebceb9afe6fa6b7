"""Authentication by school login. Throttling happens in services.signin_* before this runs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from kajet.accounts.models import User
from kajet.accounts.passwords import password_matches_equal_time


class LoginBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        login: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        """The user whose login and password match, else None — in one time class for
        unknown logins, logins turned off, slip passwords and chosen passwords alike
        (``kajet.accounts.passwords``)."""
        if not login or password is None:
            return None
        user = User.objects.select_related("school").filter(login=login).first()

        def rehash(raw: str) -> None:
            assert user is not None
            user.set_password(raw)
            user.save(update_fields=["password"])

        encoded = user.password if user is not None else None
        if password_matches_equal_time(encoded=encoded, password=password, setter=rehash):
            assert user is not None
            return user if user.is_active else None
        return None

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User.objects.select_related("school").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if user.is_active else None
