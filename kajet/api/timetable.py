"""Timetable and calendar API: a week of lessons (a student's, a class's, a teacher's), the
calendar events a user sees (one of them; editing and removing it), and the lucky number. The
same access helpers, selectors and services as the pages (kajet.timetable)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from kajet.accounts.models import User
from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.api.fields import IdField, IdListField
from kajet.api.serializers import ErrorOutput
from kajet.school.access import SCHOOL_WIDE_ROLES, access_student, roles_of
from kajet.school.family import family_students
from kajet.school.models import LessonPeriod, Student
from kajet.timetable import access, selectors, services
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
    course_id = IdField()
    subject = serializers.CharField(source="subject_name")
    subject_short = serializers.CharField()
    teacher_id = IdField()
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


@extend_schema_field({"type": "string", "enum": list(Event.Kind.values)})
class EventKindInputField(serializers.ChoiceField):
    """An event kind as input. Its schema is written inline: a second component using the
    event-kind enum would make drf-spectacular's enum naming collide with other ``kind``s."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Event.Kind.choices, **kwargs)


class CalendarEventUpdateInput(serializers.Serializer):
    """A partial edit: the fields left out keep their values. As on the page, an event for
    a course (a test, a quiz) concerns the course's class or group."""

    kind = EventKindInputField(required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(
        required=False, allow_null=True, help_text="null: a one-day event."
    )
    period = serializers.IntegerField(
        required=False, allow_null=True, help_text="The lesson number (null: no lesson)."
    )
    scope = serializers.ChoiceField(choices=Event.Scope.choices, required=False)
    class_ids = IdListField(required=False)
    group_id = IdField(required=False, allow_null=True)
    teacher_id = IdField(
        required=False, allow_null=True, help_text="The absent teacher (scope `teacher`)."
    )
    course_id = IdField(required=False, allow_null=True)
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Save a test that breaks the test-load policy when the policy only warns.",
    )


class CalendarEventErrorOutput(serializers.Serializer):
    detail = serializers.CharField()
    warnings = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Test-load policy messages."
    )
    refused = serializers.BooleanField(
        required=False, help_text="true: the policy refuses; false: `confirm` saves it."
    )


class LuckyNumberInput(serializers.Serializer):
    date = serializers.DateField(required=False)


class LuckyNumberOutput(serializers.Serializer):
    enabled = serializers.BooleanField()
    date = serializers.DateField()
    number = serializers.IntegerField(allow_null=True)
    next_date = serializers.DateField(allow_null=True)
    next_number = serializers.IntegerField(allow_null=True)


# --- Views ----------------------------------------------------------------------------------


def _family_student(request: AuthedAPIRequest, student_id: int | None) -> Student | None:
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
    def get(self, request: AuthedAPIRequest) -> Response:
        data = TimetableWeekInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        user = request.user
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
    def get(self, request: AuthedAPIRequest) -> Response:
        data = CalendarEventsInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        user = request.user
        access.require(user, "calendar.view")
        start, end = params["start"], params["end"]
        roles = roles_of(user)
        if roles & SCHOOL_WIDE_ROLES:
            events = selectors.events_for_staff(user.school_pk, start, end)
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
    def get(self, request: AuthedAPIRequest) -> Response:
        data = LuckyNumberInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        user = request.user
        access.require(user, "lucky.view")
        day = data.validated_data.get("date") or timezone.localdate()
        school_id = user.school_pk
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


def _chosen(queryset: Any, pk: int | None, what: str) -> Any:
    """The object ``pk`` among those the user may choose, None for None; a clear 400
    otherwise (another school's or not theirs to choose look the same)."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError(
            {what: [_("Unknown or not yours to choose: %(id)s.") % {"id": pk}]}
        )
    return found


class EventView(ScopedAPIView):
    @extend_schema(
        responses={200: CalendarEventOutput, 404: ErrorOutput},
        summary="One calendar event the user sees",
    )
    def get(self, request: AuthedAPIRequest, event_id: int) -> Response:
        user = request.user
        student = None
        if roles_of(user) & access.FAMILY:
            _students, student = family_students(request._request)
        event = access.access_event(user, event_id, student)
        return Response(CalendarEventOutput(event).data)

    @extend_schema(
        request=CalendarEventUpdateInput,
        responses={
            200: CalendarEventOutput,
            400: CalendarEventErrorOutput,
            404: ErrorOutput,
        },
        summary="Edit a calendar event (its author or a calendar manager)",
        description=(
            "The same rules as the calendar page: a test whose date, kind or classes change is "
            "checked against the school's test-load policy again (without counting itself); "
            "a warning is answered with 400 and `refused: false` until `confirm` is true, a "
            "refusal with `refused: true`. History keeps the old and new values; the students "
            "and guardians concerned are notified."
        ),
    )
    def patch(self, request: AuthedAPIRequest, event_id: int) -> Response:
        user = request.user
        event = access.access_event_for_edit(user, event_id)
        data = CalendarEventUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        choices = access.event_choices(user)
        course = (
            _chosen(choices["courses"], given["course_id"], "course_id")
            if "course_id" in given
            else event.course
        )
        scope_ = given.get("scope", event.scope)
        classes = (
            [_chosen(choices["classes"], pk, "class_ids") for pk in given["class_ids"]]
            if "class_ids" in given
            else list(event.classes.all())
        )
        group = (
            _chosen(choices["groups"], given["group_id"], "group_id")
            if "group_id" in given
            else event.group
        )
        teacher = event.teacher
        if "teacher_id" in given:
            if choices["teachers"] is None and given["teacher_id"] is not None:
                raise serializers.ValidationError({"teacher_id": [_("Not yours to choose.")]})
            teachers = choices["teachers"] if choices["teachers"] is not None else User.objects
            teacher = _chosen(teachers, given["teacher_id"], "teacher_id")
        allowed_scopes = {value for value, _label in choices["scopes"] if value}
        if course is None and scope_ not in allowed_scopes:
            raise serializers.ValidationError({"scope": [_("Not yours to choose.")]})
        period = event.period
        if given.get("period") is not None:
            period = LessonPeriod.objects.filter(number=given["period"]).first()
            if period is None:
                raise serializers.ValidationError({"period": [_("No such lesson.")]})
        elif "period" in given:
            period = None
        changed = services.EventInput(
            kind=given.get("kind", event.kind),
            scope=scope_,
            title=given.get("title", event.title),
            starts_on=given.get("starts_on", event.starts_on),
            ends_on=given["ends_on"] if "ends_on" in given else services.event_ends_on_kept(event),
            classes=classes,
            group=group,
            teacher=teacher,
            course=course,
            period=period,
            description=given.get("description", event.description),
            confirmed=given["confirm"],
        )
        try:
            event = services.event_update(
                school=request.school,
                actor=user,
                event=event,
                today=timezone.localdate(),
                **changed.service_fields(),
            )
        except services.TestLoadError as error:
            refused = error.check.refuse
            detail = (
                _("Not saved: the test breaks the school's test-load policy.")
                if refused
                else _("The test breaks the school's test-load policy: send confirm=true to save.")
            )
            return Response(
                CalendarEventErrorOutput(
                    {"detail": detail, "warnings": error.check.messages(), "refused": refused}
                ).data,
                status=status.HTTP_400_BAD_REQUEST,
            )
        except ValidationError as error:
            return Response(
                {"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(CalendarEventOutput(access.access_event(user, event.pk)).data)

    @extend_schema(
        request=None,
        responses={204: None, 404: ErrorOutput},
        summary="Remove a calendar event (its author or a calendar manager)",
        description=(
            "The event disappears from the calendar, the timetable, the feeds and this API; "
            "it is kept for the register (soft delete) with its history — who removed it, "
            "when, and what it was."
        ),
    )
    def delete(self, request: AuthedAPIRequest, event_id: int) -> Response:
        user = request.user
        event = access.access_event_for_edit(user, event_id)
        try:
            services.event_remove(school=request.school, actor=user, event=event)
        except ValidationError:  # removed by someone else in the meantime
            raise Http404 from None
        return Response(status=status.HTTP_204_NO_CONTENT)
