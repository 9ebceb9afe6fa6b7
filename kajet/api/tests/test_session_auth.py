"""Session authentication in the API requires CSRF for unsafe methods (DRF's rule); a
bearer token does not need it. Checked with a tiny view using the default settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from kajet.api.tests.helpers import token_for

pytestmark = pytest.mark.django_db


class Echo(APIView):
    def post(self, request: Any) -> Response:
        return Response({"user": request.user.login})


def post(user: Any, **extra: Any) -> Any:
    factory = APIRequestFactory(enforce_csrf_checks=True)
    request = factory.post("/api/v1/echo", {"x": 1}, format="json", **extra)
    request.user = user  # what AuthenticationMiddleware puts there from the session
    request._dont_enforce_csrf_checks = False
    return Echo.as_view()(request)


def test_session_post_without_csrf_is_403(world: Any) -> None:
    response = post(world.user("teacher"))
    assert response.status_code == 403
    assert "CSRF" in str(response.data["detail"])


def test_session_post_with_csrf_is_accepted(world: Any) -> None:
    secret = _get_new_csrf_string()
    token = _mask_cipher_secret(secret)
    response = post(
        world.user("teacher"),
        HTTP_X_CSRFTOKEN=token,
        HTTP_COOKIE=f"csrftoken={secret}",
    )
    assert response.status_code == 200, response.data


def test_bearer_post_needs_no_csrf(world: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    token = token_for(world.user("teacher"))
    response = post(AnonymousUser(), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.data["user"] == world.user("teacher").login
