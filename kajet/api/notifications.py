"""Notifications over the API: the list, unread count, mark read; preferences; push devices.
The same services and selectors as the pages (kajet.notifications)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.api.fields import IdListField
from kajet.api.serializers import ErrorOutput
from kajet.notifications import access, services
from kajet.notifications.models import EmailMode
from kajet.notifications.push import public_key, push_configured
from kajet.notifications.selectors import (
    notifications_list_for_user,
    notifications_unread_count,
    push_devices_for_user,
)

# --- Serializers (input and output apart) ----------------------------------------------------


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    urgent = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationListOutput(serializers.Serializer):
    unread = serializers.IntegerField()
    results = NotificationOutput(many=True)


class UnreadOutput(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkReadInput(serializers.Serializer):
    ids = IdListField(required=False, help_text="omit: mark all read")


class MarkedOutput(serializers.Serializer):
    marked = serializers.IntegerField()


class KindPreference(serializers.Serializer):
    email = serializers.ChoiceField(choices=EmailMode.choices)
    push = serializers.BooleanField()


class PreferencesOutput(serializers.Serializer):
    kinds = serializers.DictField(child=KindPreference())
    language = serializers.CharField()
    quiet_from = serializers.TimeField()
    quiet_until = serializers.TimeField()
    digest_hour = serializers.IntegerField()
    email = serializers.CharField()
    email_confirmed = serializers.BooleanField()


class PreferencesInput(serializers.Serializer):
    kinds = serializers.DictField(
        child=serializers.DictField(), required=False, help_text="kind → {email, push}"
    )
    language = serializers.ChoiceField(choices=["pl", "en"], required=False)
    quiet_from = serializers.TimeField(required=False)
    quiet_until = serializers.TimeField(required=False)
    digest_hour = serializers.IntegerField(min_value=0, max_value=23, required=False)


class PushKeysInput(serializers.Serializer):
    p256dh = serializers.CharField()
    auth = serializers.CharField()


class PushSubscriptionInput(serializers.Serializer):
    endpoint = serializers.CharField()
    keys = PushKeysInput()


class PushDeviceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    user_agent = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_sent_at = serializers.DateTimeField(allow_null=True)


class PushDevicesOutput(serializers.Serializer):
    application_server_key = serializers.CharField(help_text="VAPID public key; empty: push off")
    devices = PushDeviceOutput(many=True)


def bad(messages: list[str]) -> Response:
    return Response(
        {"detail": messages[0], "problems": messages}, status=status.HTTP_400_BAD_REQUEST
    )


# --- Views ------------------------------------------------------------------------------------


class NotificationListView(ScopedAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description="at most 200 (default 50)")],
        responses={200: NotificationListOutput},
        summary="The user's newest notifications and the unread count",
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        try:
            limit = max(1, min(int(request.query_params.get("limit", 50)), 200))
        except ValueError:
            limit = 50
        user_id = request.user.pk
        return Response(
            NotificationListOutput(
                {
                    "unread": notifications_unread_count(user_id=user_id),
                    "results": notifications_list_for_user(user_id=user_id, limit=limit),
                }
            ).data
        )


class UnreadCountView(ScopedAPIView):
    @extend_schema(responses={200: UnreadOutput}, summary="How many notifications are unread")
    def get(self, request: AuthedAPIRequest) -> Response:
        return Response({"unread": notifications_unread_count(user_id=request.user.pk)})


class MarkReadView(ScopedAPIView):
    @extend_schema(
        request=MarkReadInput,
        responses={200: MarkedOutput, 400: ErrorOutput},
        summary="Mark the given notifications read (all when no ids are given)",
    )
    def post(self, request: AuthedAPIRequest) -> Response:
        data = MarkReadInput(data=request.data)
        if not data.is_valid():
            return bad([str(e) for errors in data.errors.values() for e in errors])
        ids = data.validated_data.get("ids")
        marked = services.notifications_mark_read(user_id=request.user.pk, ids=ids)
        return Response({"marked": marked})


def preferences_output(request: AuthedAPIRequest) -> dict[str, Any]:
    user = request.user
    profile = services.profile_for(user)
    kinds = services.preferences_effective(user)
    return {
        "kinds": {k: {"email": e, "push": p} for k, (e, p) in kinds.items()},
        "language": profile.language,
        "quiet_from": profile.quiet_from,
        "quiet_until": profile.quiet_until,
        "digest_hour": profile.digest_hour,
        "email": user.email,
        "email_confirmed": bool(user.email) and profile.verified_email == user.email,
    }


class PreferencesView(ScopedAPIView):
    @extend_schema(responses={200: PreferencesOutput}, summary="The user's notification settings")
    def get(self, request: AuthedAPIRequest) -> Response:
        return Response(PreferencesOutput(preferences_output(request)).data)

    @extend_schema(
        request=PreferencesInput,
        responses={200: PreferencesOutput, 400: ErrorOutput},
        summary="Change notification settings (all or nothing; unknown kinds are refused)",
    )
    def patch(self, request: AuthedAPIRequest) -> Response:
        data = PreferencesInput(data=request.data)
        if not data.is_valid():
            return bad([f"{k}: {e}" for k, errors in data.errors.items() for e in errors])
        values = data.validated_data
        try:
            services.settings_update(actor=request.user, **values)
        except ValidationError as error:
            return bad(error.messages)
        return Response(PreferencesOutput(preferences_output(request)).data)


class PushSubscriptionListView(ScopedAPIView):
    @extend_schema(
        responses={200: PushDevicesOutput}, summary="The VAPID key and the user's push devices"
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        return Response(
            PushDevicesOutput(
                {
                    "application_server_key": public_key() if push_configured() else "",
                    "devices": push_devices_for_user(user_id=request.user.pk),
                }
            ).data
        )

    @extend_schema(
        request=PushSubscriptionInput,
        responses={201: PushDeviceOutput, 400: ErrorOutput},
        summary="Register a push subscription (the browser's PushSubscription JSON)",
    )
    def post(self, request: AuthedAPIRequest) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        try:
            device = services.push_subscription_add(
                actor=request.user, data=body, user_agent=request.headers.get("User-Agent", "")
            )
        except ValidationError as error:
            return bad(error.messages)
        return Response(PushDeviceOutput(device).data, status=status.HTTP_201_CREATED)


class PushSubscriptionView(ScopedAPIView):
    @extend_schema(
        request=None, responses={204: None, 404: ErrorOutput}, summary="Remove a push device"
    )
    def delete(self, request: AuthedAPIRequest, subscription_id: int) -> Response:
        device = access.access_push_subscription(request.user, subscription_id)
        services.push_subscription_remove(actor=request.user, subscription_id=device.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
