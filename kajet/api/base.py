"""The API's edge: opens the school scope after authentication (session or token)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.http import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django_scopes import scope
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.views import APIView

from kajet.accounts.models import User
from kajet.accounts.services import two_factor_setup_required


class ScopedAPIView(APIView):
    """Every API view with school data derives from this: ``initial`` authenticates, then
    the handler runs inside ``scope(school=<the user's school>)``."""

    _scope: AbstractContextManager[None] | None = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self._scope = None
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        user = request.user
        # The web's session rules, for app tokens: a login slip's password must be replaced
        # (on the web) first, and so must a school's two-factor requirement be met.
        if isinstance(user, User) and user.must_change_password:
            raise PermissionDenied(
                _("Change your password on the web first."), code="password_change_required"
            )
        if isinstance(user, User) and two_factor_setup_required(user):
            raise PermissionDenied(
                _("Your school requires two-factor sign-in: set it up on the web."),
                code="two_factor_required",
            )
        school_id = getattr(request.user, "school_id", None)
        if school_id is not None:
            opened = scope(school=school_id)
            opened.__enter__()
            self._scope = opened

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().finalize_response(request, response, *args, **kwargs)
        finally:
            if self._scope is not None:
                self._scope.__exit__(None, None, None)
                self._scope = None
