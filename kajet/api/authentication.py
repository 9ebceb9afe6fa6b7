"""Bearer tokens for mobile and third-party clients (``Authorization: Bearer <token>``).

A token is a ``UserSession`` of kind API: listed on the sessions page, ended there or by
``DELETE /api/v1/auth/token``, and refused once ended, expired (``KAJET_TOKEN_DAYS``) or idle
(``KAJET_TOKEN_IDLE_DAYS``). Only its SHA-256 is stored.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from kajet.accounts.services import api_token_user


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        found = api_token_user(header[1].decode("latin-1"))
        if found is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return found

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "kajet.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
