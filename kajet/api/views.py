"""API v1 foundation: tokens, the signed-in user, student records. Views only translate
HTTP to the same services, selectors and access helpers the pages use."""

from __future__ import annotations

import math
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from kajet.accounts import services
from kajet.accounts.models import SignInAttempt, User
from kajet.api import serializers as s
from kajet.api.authentication import BearerTokenAuthentication, PortalPrincipal
from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.portal import services as portal_services
from kajet.portal import tokens as portal_tokens
from kajet.portal.models import PortalAccount, PortalToken
from kajet.portal.selectors import login_links_for_account
from kajet.school.access import PERMISSIONS, access_student, roles_of
from kajet.school.family import family_students
from kajet.school.models import Guardianship

#: OpenAPI security of an operation that accepts only a bearer token (typed loosely: the
#: stubs declare a list of names, drf-spectacular takes security requirement objects).
BEARER_ONLY: Any = [{"bearerAuth": []}]


class TokenView(APIView):
    """Sign in for an API token, and sign the token out.

    POST goes through exactly the web sign-in's services: the same throttle (checked before
    any password hash), the same generic refusal, the same records (``via="api"``). A staff
    member with two-factor sign-in sends the code as ``otp``; staff of a school that requires
    two-factor sign-in must set it up on the web before an app can sign in.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes: list[type[BaseThrottle]] = []

    @extend_schema(
        request=s.TokenInput,
        responses={
            201: s.TokenOutput,
            400: s.ErrorOutput,
            403: s.ErrorOutput,
            429: s.ErrorOutput,
        },
        auth=[],
        summary="Create an API token",
        description=(
            "Returns a bearer token for `Authorization: Bearer <token>`. The token ends when "
            "it is revoked (DELETE, or the sessions page), after 30 days without use, or 90 "
            "days after it was issued (deployment settings KAJET_TOKEN_IDLE_DAYS and "
            "KAJET_TOKEN_DAYS). Failed attempts count toward the same lock as the web "
            "sign-in (429 while locked)."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        if "@" in data.validated_data["login"]:
            return self._portal(request, data.validated_data)
        result = services.signin_check_password(
            request=request._request,
            login_name=data.validated_data["login"],
            password=data.validated_data["password"],
            via="api",
        )
        if result.needs_otp and result.user is not None:
            code = data.validated_data.get("otp") or ""
            if not code:
                return Response(
                    {"detail": _("A two-factor code is required (field “otp”)."), "code": "otp"},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            result = services.signin_check_otp(
                request=request._request, user=result.user, code=code, via="api"
            )
        if result.result in (SignInAttempt.Result.LOCKED, SignInAttempt.Result.THROTTLED):
            return Response(
                {"detail": services.refusal_message(result.result, result.until)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(result.retry_after or 60)},
            )
        if not result.ok or result.user is None:
            return Response(
                {"detail": services.refusal_message(result.result)},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if services.two_factor_setup_required(result.user):
            return Response(
                {"detail": _("Your school requires two-factor sign-in: set it up on the web.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        token = services.api_token_create(request=request._request, user=result.user)
        return Response(
            {"token": token, "must_change_password": result.user.must_change_password},
            status=status.HTTP_201_CREATED,
        )

    def _portal(self, request: Request, data: dict[str, Any]) -> Response:
        """A Kajet account's e-mail and password: the web's portal sign-in check (the same
        throttle and lockout), a token of the account, and its linked school logins."""
        checked = portal_services.portal_signin_check(
            request=request._request, email=data["login"], password=data["password"]
        )
        if checked.locked_until is not None:
            wait = (checked.locked_until - timezone.now()).total_seconds()
            return Response(
                {"detail": checked.message},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        if checked.account is None:
            return Response({"detail": checked.message}, status=status.HTTP_400_BAD_REQUEST)
        token = portal_tokens.portal_token_create(account=checked.account)
        return Response(
            {
                "token": token,
                "must_change_password": False,
                "kajet_account": _kajet_account(checked.account),
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=None,
        responses={204: None, 401: s.ErrorOutput},
        auth=BEARER_ONLY,
        summary="Revoke the current API token",
    )
    def delete(self, request: Request) -> Response:
        try:
            found = BearerTokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            found = None
        if found is None:
            return Response(
                {"detail": _("A valid bearer token is required.")},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Bearer"},
            )
        user, device = found
        if isinstance(device, PortalToken):
            portal_tokens.portal_token_end(token=device)
        elif isinstance(user, User):
            services.device_session_end(user=user, device=device)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _kajet_account(account: PortalAccount) -> dict[str, Any]:
    return {
        "email": account.email,
        "logins": [
            {
                "login": link.user.login,
                "kind": link.user.kind,
                "first_name": link.user.first_name,
                "last_name": link.user.last_name,
                "school": {"id": link.user.school.pk, "name": link.user.school.name}
                if link.user.school
                else None,
            }
            for link in login_links_for_account(account)
        ],
    }


class MeView(ScopedAPIView):
    portal_account_ok = True

    @extend_schema(
        responses=s.MeOutput,
        summary="The signed-in user",
        description=(
            "The user, their roles and school; `students` lists a guardian's children or, for "
            "a student, their own record (empty for staff). With a Kajet account's token, "
            "`kajet_account` lists its linked school logins; the user's fields are those of "
            "the login chosen with the `X-Kajet-Login` header and absent without it."
        ),
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        user: Any = request.user
        if isinstance(user, PortalPrincipal):
            return Response(s.MeOutput({"kajet_account": _kajet_account(user.account)}).data)
        portal_account = getattr(request._request, "portal_account", None) or getattr(
            request, "portal_account", None
        )
        students, _selected = family_students(request._request)
        payload = {
            "id": user.pk,
            "login": user.login,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "kind": user.kind,
            "roles": sorted(roles_of(user)),
            "school": {"id": user.school.pk, "name": user.school.name} if user.school else None,
            "students": students,
        }
        if portal_account is not None:
            payload["kajet_account"] = _kajet_account(portal_account)
        return Response(s.MeOutput(payload).data)


class StudentView(ScopedAPIView):
    @extend_schema(
        responses={200: s.StudentOutput, 404: s.ErrorOutput},
        summary="A student",
        description=(
            "Under the same access rules as the pages: 404 for a student the user may not "
            "see. `guardians` is present for staff only."
        ),
    )
    def get(self, request: AuthedAPIRequest, student_id: int) -> Response:
        user = request.user
        student = access_student(user, student_id)
        data: dict[str, Any] = s.StudentOutput(student).data
        if roles_of(user) & PERMISSIONS["student.view_guardians"]:
            guardians = [
                g.guardian
                for g in Guardianship.objects.filter(student=student).select_related("guardian")
            ]
            data["guardians"] = s.GuardianOutput(guardians, many=True).data
        return Response(data)
