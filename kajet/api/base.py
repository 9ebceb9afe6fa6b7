"""The API's edge: opens the school scope after authentication (session or token)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.http import HttpResponseBase
from django_scopes import scope
from rest_framework.request import Request
from rest_framework.views import APIView


class ScopedAPIView(APIView):
    """Every API view with school data derives from this: ``initial`` authenticates, then
    the handler runs inside ``scope(school=<the user's school>)``."""

    _scope: AbstractContextManager[None] | None = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self._scope = None
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
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
