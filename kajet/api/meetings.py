"""Consultation slots over the API: list (a guardian's free slots and bookings; a teacher's
own slots with who booked), book and cancel. Same access helpers, selectors and services as
the pages (kajet.meetings)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.api.fields import IdField
from kajet.api.serializers import ErrorOutput
from kajet.meetings import access, selectors, services
from kajet.meetings.models import ConsultationSlot
from kajet.meetings.rules import CANCEL_BEFORE

# --- Serializers -------------------------------------------------------------------------------


class SlotPersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class SlotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    teacher = SlotPersonOutput()
    date = serializers.DateField()
    starts_at = serializers.TimeField(format="%H:%M")
    ends_at = serializers.TimeField(format="%H:%M")
    room = serializers.CharField()
    free = serializers.BooleanField()
    booked_by_me = serializers.BooleanField()
    booked_by = SlotPersonOutput(
        allow_null=True, help_text="Who booked it — only in the teacher's own list."
    )


class SlotListOutput(serializers.Serializer):
    slots = SlotOutput(many=True)
    cancel_before_hours = serializers.IntegerField(
        help_text="A booking can be cancelled up to this many hours before the slot starts."
    )


class BookingOutput(serializers.Serializer):
    slot = SlotOutput()


def _row(slot: ConsultationSlot, *, viewer_id: int) -> dict[str, object]:
    booking = getattr(slot, "booking", None)
    guardian = booking.guardian if booking is not None else None
    return {
        "id": slot.pk,
        "teacher": slot.teacher,
        "date": slot.date,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "room": slot.room,
        "free": booking is None,
        "booked_by_me": guardian is not None and guardian.pk == viewer_id,
        "booked_by": guardian if slot.teacher_id == viewer_id else None,
    }


def _cancel_hours() -> int:
    return int(CANCEL_BEFORE.total_seconds() // 3600)


# --- Views -------------------------------------------------------------------------------------


class SlotsView(ScopedAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "teacher",
                OpenApiTypes.INT,
                description="A guardian: only this teacher's free slots.",
                required=False,
            )
        ],
        responses={200: SlotListOutput, 404: ErrorOutput},
        summary="Consultation slots of the coming weeks: a guardian's free slots and own "
        "bookings, or a teacher's own slots",
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        if not access.uses_consultations(user):
            raise Http404
        raw = request.query_params.get("teacher", "")
        teacher_id = int(raw) if raw.isdigit() else None
        slots = selectors.slots_for_api(user, teacher_id=teacher_id)
        payload = {
            "slots": [_row(s, viewer_id=user.pk) for s in slots],
            "cancel_before_hours": _cancel_hours(),
        }
        return Response(SlotListOutput(payload).data)


class SlotBookView(ScopedAPIView):
    @extend_schema(
        request=None,
        responses={201: BookingOutput, 404: ErrorOutput, 409: ErrorOutput},
        summary="A guardian books a slot; 409 with a message when it is taken, has started, "
        "or they already have a slot with this teacher that day",
    )
    def post(self, request: AuthedAPIRequest, slot_id: int) -> Response:
        user = request.user
        slot = access.access_slot_to_book(user, slot_id)
        try:
            booking = services.consultation_book(actor=user, slot=slot)
        except services.SlotTaken as taken:
            return Response({"detail": taken.message}, status=status.HTTP_409_CONFLICT)
        slot.booking = booking
        return Response(
            BookingOutput({"slot": _row(slot, viewer_id=user.pk)}).data,
            status=status.HTTP_201_CREATED,
        )


class SlotCancelOutput(serializers.Serializer):
    slot_id = IdField()
    cancelled = serializers.BooleanField()


class SlotCancelView(ScopedAPIView):
    @extend_schema(
        request=None,
        responses={200: SlotCancelOutput, 400: ErrorOutput, 404: ErrorOutput},
        summary="A guardian cancels their booking (up to the set time before it starts)",
    )
    def post(self, request: AuthedAPIRequest, slot_id: int) -> Response:
        user = request.user
        slot = access.access_booked_slot(user, slot_id)
        try:
            services.consultation_cancel(actor=user, slot=slot)
        except ValidationError as error:
            return Response(
                {"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(SlotCancelOutput({"slot_id": slot.pk, "cancelled": True}).data)
