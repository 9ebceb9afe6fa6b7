"""API v1 foundation: tokens, the signed-in user, student records. Views only translate
HTTP to the same services, selectors and access helpers the pages use."""

from __future__ import annotations

from typing import Any

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
from kajet.accounts.models import SignInAttempt, User, UserSession
from kajet.api import serializers as s
from kajet.api.authentication import BearerTokenAuthentication
from kajet.api.base import ScopedAPIView
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
                {"detail": services.refusal_message(result.result)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
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
        assert isinstance(device, UserSession)
        services.device_session_end(user=user, device=device)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ScopedAPIView):
    @extend_schema(
        responses=s.MeOutput,
        summary="The signed-in user",
        description=(
            "The user, their roles and school; `students` lists a guardian's children or, for "
            "a student, their own record (empty for staff)."
        ),
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
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
    def get(self, request: Request, student_id: int) -> Response:
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
