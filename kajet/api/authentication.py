"""Bearer tokens for mobile and third-party clients (``Authorization: Bearer <token>``).

A school login's token is a ``UserSession`` of kind API: listed on the sessions page, ended
there or by ``DELETE /api/v1/auth/token``, and refused once ended, expired
(``KAJET_TOKEN_DAYS``) or idle (``KAJET_TOKEN_IDLE_DAYS``). Only its SHA-256 is stored.

A Kajet account's token (``kajet.portal.tokens``) acts as the linked school login named in
the ``X-Kajet-Login`` header; a login that is not on the account answers 404, as anything else
that is not the caller's. Without the header only ``GET /api/v1/me`` answers (the account and
its logins).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from kajet.accounts.models import User, UserSession
from kajet.accounts.services import api_token_user
from kajet.portal.models import PortalAccount, PortalToken
from kajet.portal.tokens import portal_link_for_login, portal_token_resolve

#: The header that chooses the linked school login a Kajet account's token acts as.
LOGIN_HEADER = "X-Kajet-Login"


class PortalPrincipal:
    """A Kajet account signed in with a token but no school login chosen: it may only read
    ``GET /api/v1/me`` (kajet.api.base refuses everything else)."""

    is_authenticated = True
    is_active = True
    pk = None

    def __init__(self, account: PortalAccount) -> None:
        self.account = account


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(
        self, request: Request
    ) -> tuple[User, UserSession] | tuple[User | PortalPrincipal, PortalToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        raw = header[1].decode("latin-1")
        found = api_token_user(raw)
        if found is not None:
            return found
        portal = portal_token_resolve(raw)
        if portal is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        account, token = portal
        chosen = request.headers.get(LOGIN_HEADER, "").strip()
        if not chosen:
            return PortalPrincipal(account), token
        link = portal_link_for_login(account, chosen)
        if link is None:
            raise exceptions.NotFound()
        request.portal_account = account  # type: ignore[attr-defined]
        return link.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "kajet.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
