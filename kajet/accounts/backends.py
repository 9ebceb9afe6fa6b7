"""Authentication by school login. Throttling happens in services.signin_* before this runs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from kajet.accounts.models import User


class LoginBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        login: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not login or password is None:
            return None
        try:
            user = User.objects.select_related("school").get(login=login)
        except User.DoesNotExist:
            # Spend the same time as a real check so timing does not reveal valid logins.
            User().set_password(password)
            return None
        if user.check_password(password) and user.is_active:
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User.objects.select_related("school").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if user.is_active else None
