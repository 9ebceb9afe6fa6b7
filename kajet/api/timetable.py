"""Timetable and calendar API: a week of lessons (a student's, a class's, a teacher's), the
calendar events a user sees, and the lucky number. The same access helpers and selectors as
the pages (kajet.timetable)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from kajet.accounts.models import User
from kajet.api.base import ScopedAPIView
from kajet.api.serializers import ErrorOutput
from kajet.school.access import SCHOOL_WIDE_ROLES, access_student, roles_of
from kajet.school.family import family_students
from kajet.school.models import Student
from kajet.timetable import access, selectors
from kajet.timetable.models import Event
from kajet.timetable.rules import week_start

# --- Serializers ----------------------------------------------------------------------------


class TimetableWeekInput(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="Any day of the week (default: today).")
    student = serializers.IntegerField(required=False)
    school_class = serializers.IntegerField(required=False)
    teacher = serializers.IntegerField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if sum(1 for k in ("student", "school_class", "teacher") if k in attrs) > 1:
            raise serializers.ValidationError("Give at most one of student, school_class, teacher.")
        return attrs


class TimetableLessonOutput(serializers.Serializer):
    date = serializers.DateField()
    period = serializers.IntegerField(source="period_number")
    starts_at = serializers.TimeField()
    ends_at = serializers.TimeField()
    course_id = serializers.IntegerField()
    subject = serializers.CharField(source="subject_name")
    subject_short = serializers.CharField()
    teacher_id = serializers.IntegerField()
    teacher = serializers.CharField(source="teacher_name")
    school_class = serializers.CharField(source="class_name")
    group = serializers.CharField(source="group_name")
    room = serializers.CharField(source="room_name")
    status = serializers.ChoiceField(
        choices=["normal", "substitution", "cancelled", "moved_away", "moved_in"]
    )
    held = serializers.BooleanField(source="is_held")
    note = serializers.CharField(source="change_note")
    original_teacher = serializers.CharField(source="original_teacher_name")
    original_subject = serializers.CharField(source="original_subject_name")
    original_room = serializers.CharField(source="original_room_name")
    moved_to_date = serializers.SerializerMethodField()
    moved_to_period = serializers.SerializerMethodField()
    moved_from_date = serializers.SerializerMethodField()
    moved_from_period = serializers.SerializerMethodField()

    def get_moved_to_date(self, o: Any) -> datetime.date | None:
        return o.moved_to[0] if o.moved_to else None

    def get_moved_to_period(self, o: Any) -> int | None:
        return o.moved_to[1] if o.moved_to else None

    def get_moved_from_date(self, o: Any) -> datetime.date | None:
        return o.moved_from[0] if o.moved_from else None

    def get_moved_from_period(self, o: Any) -> int | None:
        return o.moved_from[1] if o.moved_from else None


class TimetableWeekOutput(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    title = serializers.CharField()
    lessons = TimetableLessonOutput(many=True)


class CalendarEventsInput(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="Default: today.")
    end = serializers.DateField(required=False, help_text="Default: 31 days after start.")
    student = serializers.IntegerField(required=False, help_text="A family member's student.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start") or timezone.localdate()
        end = attrs.get("end") or start + datetime.timedelta(days=31)
        if end < start or (end - start).days > 400:
            raise serializers.ValidationError("The range must be 0–400 days.")
        attrs["start"], attrs["end"] = start, end
        return attrs


class CalendarEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    scope = serializers.ChoiceField(choices=Event.Scope.choices)
    title = serializers.CharField()
    description = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    period = serializers.IntegerField(source="period.number", allow_null=True, default=None)
    subject = serializers.CharField(source="subject.name", allow_null=True, default=None)
    classes = serializers.SerializerMethodField()
    group = serializers.CharField(source="group.name", allow_null=True, default=None)

    def get_classes(self, event: Event) -> list[str]:
        return [c.name for c in event.classes.all()]


class LuckyNumberInput(serializers.Serializer):
    date = serializers.DateField(required=False)


class LuckyNumberOutput(serializers.Serializer):
    enabled = serializers.BooleanField()
    date = serializers.DateField()
    number = serializers.IntegerField(allow_null=True)
    next_date = serializers.DateField(allow_null=True)
    next_number = serializers.IntegerField(allow_null=True)


# --- Views ----------------------------------------------------------------------------------


def _family_student(request: Request, student_id: int | None) -> Student | None:
    if student_id is not None:
        return access_student(request.user, student_id)
    _students, selected = family_students(request._request)
    return selected


class TimetableWeekView(ScopedAPIView):
    @extend_schema(
        parameters=[TimetableWeekInput],
        responses={200: TimetableWeekOutput, 400: ErrorOutput, 404: ErrorOutput},
        summary="A week of lessons with substitutions, cancellations and moves",
        description=(
            "Without parameters: the signed-in student's, a guardian's (first) child's or a "
            "teacher's own week. `student` (any student the user may see), `school_class` or "
            "`teacher` (staff) choose another timetable."
        ),
    )
    def get(self, request: Request) -> Response:
        data = TimetableWeekInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        user = request.user
        assert isinstance(user, User)
        monday = week_start(params.get("date") or timezone.localdate())
        friday = monday + datetime.timedelta(days=4)
        roles = roles_of(user)
        if "school_class" in params:
            school_class = access.access_class(user, params["school_class"])
            lessons = selectors.lessons_for_class(school_class, monday, friday)
            title = school_class.name
        elif "teacher" in params:
            teacher = access.access_teacher(user, params["teacher"])
            lessons = selectors.lessons_for_teacher(teacher, monday, friday)
            title = teacher.full_name
        elif "student" in params or roles & access.FAMILY:
            student = _family_student(request, params.get("student"))
            if student is None:
                raise Http404
            lessons = selectors.lessons_for_student(student, monday, friday)
            title = f"{student.user.full_name} ({student.school_class.name})"
        elif roles & access.STAFF_TEACHING:
            lessons = selectors.lessons_for_teacher(user, monday, friday)
            title = user.full_name
        else:
            raise Http404
        return Response(
            TimetableWeekOutput(
                {"start": monday, "end": friday, "title": title, "lessons": lessons}
            ).data
        )


class EventsView(ScopedAPIView):
    @extend_schema(
        parameters=[CalendarEventsInput],
        responses={200: CalendarEventOutput(many=True), 400: ErrorOutput, 404: ErrorOutput},
        summary="Calendar events the user sees (tests, quizzes, trips, meetings, days off)",
    )
    def get(self, request: Request) -> Response:
        data = CalendarEventsInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        user = request.user
        assert isinstance(user, User)
        access.require(user, "calendar.view")
        start, end = params["start"], params["end"]
        roles = roles_of(user)
        if roles & SCHOOL_WIDE_ROLES:
            events = selectors.events_for_staff(user.school_id or 0, start, end)
        elif roles & access.FAMILY:
            student = _family_student(request, params.get("student"))
            events = selectors.events_for_student(student, start, end) if student else []
        else:
            events = selectors.events_for_teacher(user, start, end)
        return Response(CalendarEventOutput(events, many=True).data)


class LuckyNumberView(ScopedAPIView):
    @extend_schema(
        parameters=[LuckyNumberInput],
        responses={200: LuckyNumberOutput, 400: ErrorOutput},
        summary="The lucky number of a day and of the next school day",
    )
    def get(self, request: Request) -> Response:
        data = LuckyNumberInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        access.require(user, "lucky.view")
        day = data.validated_data.get("date") or timezone.localdate()
        school_id = user.school_id or 0
        enabled = selectors.calendar_policy(school_id).lucky_number_enabled
        payload: dict[str, Any] = {
            "enabled": enabled,
            "date": day,
            "number": None,
            "next_date": None,
            "next_number": None,
        }
        if enabled:
            number, (following, following_number) = selectors.lucky_number_today_and_next(
                school_id, day
            )
            payload.update(number=number, next_date=following, next_number=following_number)
        return Response(LuckyNumberOutput(payload).data)
