"""The user's calendar items from other modules (parent meetings, booked consultations) over
the API — the same registry as the calendar page and the home page
(``kajet.timetable.calendar_items``)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.api.serializers import ErrorOutput
from kajet.timetable import access
from kajet.timetable.calendar_items import calendar_items_for

#: The widest range one answer covers (as ``/calendar/events``).
MAX_DAYS = 400
#: Without ``to``: this many days after ``from``.
DEFAULT_DAYS = 31


class CalendarItemOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="`meeting` (a class's parent meeting), `consultation`.")
    kind_label = serializers.CharField(help_text="The kind in the user's language.")
    date = serializers.DateField()
    starts_at = serializers.TimeField(format="%H:%M", allow_null=True)
    ends_at = serializers.TimeField(format="%H:%M", allow_null=True)
    title = serializers.CharField()
    place = serializers.CharField(help_text="The room; empty when not given.")
    url = serializers.CharField(help_text="The page of this item on the web (a path).")


class BadRange(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _date(raw: str | None, name: str, default: datetime.date) -> datetime.date:
    if raw is None or raw == "":
        return default
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadRange(
            _("“%(name)s” is not a date: give it as YYYY-MM-DD (for example 2026-12-07).")
            % {"name": name}
        ) from None


def date_range(params: dict[str, str]) -> tuple[datetime.date, datetime.date]:
    """``from`` (default today) and ``to`` (default 31 days later), both included."""
    start = _date(params.get("from"), "from", timezone.localdate())
    end = _date(params.get("to"), "to", start + datetime.timedelta(days=DEFAULT_DAYS))
    if end < start:
        raise BadRange(_("“to” must not be before “from”."))
    if (end - start).days > MAX_DAYS:
        raise BadRange(_("Ask for at most %(n)d days at once.") % {"n": MAX_DAYS})
    return start, end


class CalendarItemsView(ScopedAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="Default: today."),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description="Default: 31 days after `from` (at most 400)."
            ),
        ],
        responses={200: CalendarItemOutput(many=True), 400: ErrorOutput},
        summary="The user's parent meetings and booked consultations, by date and time",
        description=(
            "Items of other modules in the user's calendar between `from` and `to` (both "
            "included): the parent meetings of a guardian's children's classes (of the "
            "homeroom teacher's class; every class for the principal) and booked "
            "consultation slots (the guardian's own bookings; a teacher's booked slots). "
            "The calendar's own events are at `/api/v1/calendar/events`."
        ),
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        access.require(user, "calendar.view")
        try:
            start, end = date_range(request.query_params)
        except BadRange as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        items = calendar_items_for(user, start, end)
        return Response(CalendarItemOutput(items, many=True).data)
