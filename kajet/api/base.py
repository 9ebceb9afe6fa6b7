"""The API's edge: opens the school scope after authentication (session or token)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.db import transaction
from django.http import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from django_scopes import scope
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.views import APIView

from kajet.accounts.models import IdempotentWrite, User
from kajet.accounts.services import two_factor_setup_required
from kajet.api import idempotency
from kajet.api.authentication import LOGIN_HEADER, PortalPrincipal
from kajet.core.models import School


class AuthedAPIRequest(Request):
    """The request a ``ScopedAPIView`` handler receives: DRF's ``IsAuthenticated`` (the
    default permission) has let only a signed-in school login through, so ``user`` is a
    :class:`User`, and ``school`` is that user's school, whose scope ``initial`` opened (the
    API's counterpart of ``kajet.accounts.http.AuthedRequest``)."""

    user: User
    school: School


class ScopedAPIView(APIView):
    """Every API view with school data derives from this: ``initial`` authenticates, then
    the handler runs inside ``scope(school=<the user's school>)``."""

    _scope: AbstractContextManager[None] | None = None

    _write: AbstractContextManager[None] | None = None  # an Idempotency-Key write's transaction
    _record: IdempotentWrite | None = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self._scope = None
        self._write = None
        self._record = None
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            # An exception DRF does not handle skips finalize_response: the scope opened in
            # ``initial`` must still close, or it leaks into the worker's next request.
            self._end_write(commit=False)
            self._close_scope()

    def _begin_write(self, request: Request, user: User) -> None:
        """A write with an ``Idempotency-Key``: the handler and the record of its answer run in
        one transaction (kajet.api.idempotency)."""
        if request.method not in idempotency.WRITES or not request.headers.get(idempotency.HEADER):
            return
        self._write = transaction.atomic()
        self._write.__enter__()
        self._record = idempotency.begin(request, user)

    def _end_write(self, *, commit: bool) -> None:
        if self._write is not None:
            if not commit:
                transaction.set_rollback(True)
            self._write.__exit__(None, None, None)
            self._write = None

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, idempotency.Answered):
            return exc.response
        return super().handle_exception(exc)

    def _close_scope(self) -> None:
        if self._scope is not None:
            self._scope.__exit__(None, None, None)
            self._scope = None

    #: Whether a Kajet account's token without a chosen school login may call this view.
    portal_account_ok = False

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        user = request.user
        if isinstance(user, PortalPrincipal) and not self.portal_account_ok:
            raise PermissionDenied(
                _("Choose one of your Kajet account's school logins with the %(header)s header.")
                % {"header": LOGIN_HEADER},
                code="login_required",
            )
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
            request.school = request.user.school  # type: ignore[attr-defined,union-attr]
            opened = scope(school=school_id)
            opened.__enter__()
            self._scope = opened
        if isinstance(user, User):
            self._begin_write(request, user)

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            response = super().finalize_response(request, response, *args, **kwargs)
            if self._record is not None and response.status_code < 400:
                idempotency.finish(self._record, response)
                self._end_write(commit=True)
            return response
        finally:
            self._end_write(commit=False)
            self._close_scope()
