"""Homework, announcements and the dashboard summary over the API. Same access helpers,
selectors and services as the pages (kajet.homework, kajet.noticeboard, kajet.dashboard)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kajet.accounts.models import User
from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.api.fields import IdField, IdListField
from kajet.api.serializers import ErrorOutput
from kajet.core.numbers import parse_id
from kajet.grades.models import Grade
from kajet.homework import access as hw_access
from kajet.homework import services as hw_services
from kajet.homework.models import HomeworkAttachment, HomeworkDone
from kajet.homework.selectors import (
    homework_due_for_student,
    homework_due_for_teacher,
    homework_list_for_staff,
    homework_list_for_student,
)
from kajet.messaging.selectors import unread_latest
from kajet.noticeboard import access as nb_access
from kajet.noticeboard import services as nb_services
from kajet.noticeboard.selectors import (
    announcement_reads,
    announcement_rows_current_for,
    announcements_current_for,
)
from kajet.school.access import access_child, children_of
from kajet.school.models import Student
from kajet.timetable.selectors import (
    days_off_of_rows,
    event_rows_for_student,
    event_rows_for_teacher,
    lessons_for_student,
    lessons_for_teacher,
    lucky_number_cached,
)

# --- Serializers (input and output apart) ----------------------------------------------------


class BoardPersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class HomeworkAttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class HomeworkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    subject = serializers.CharField(source="course.subject.name")
    course_id = IdField()
    class_name = serializers.CharField(source="course.school_class.name")
    group_name = serializers.CharField(source="course.group.name", default="")
    set_on = serializers.DateField()
    due_on = serializers.DateField()
    teacher = BoardPersonOutput(source="author")
    attachments = HomeworkAttachmentOutput(many=True, source="attachments.all")
    is_done = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text="Ticked by the student (family users only; null for staff).",
    )


class HomeworkListOutput(serializers.Serializer):
    upcoming = HomeworkOutput(many=True)
    past = HomeworkOutput(many=True)


class HomeworkInput(serializers.Serializer):
    course_id = IdField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    set_on = serializers.DateField(required=False)
    due_on = serializers.DateField()


class HomeworkDoneOutput(serializers.Serializer):
    homework_id = IdField()
    student_id = IdField()
    is_done = serializers.BooleanField()


class AnnouncementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    audience = serializers.CharField()
    class_ids = IdListField(required=False)
    shown_from = serializers.DateField()
    shown_until = serializers.DateField(allow_null=True)
    pinned = serializers.BooleanField()
    urgent = serializers.BooleanField(help_text="Flagged urgent by the principal.")
    author = BoardPersonOutput()
    is_read = serializers.BooleanField(required=False)


class ReadOutput(serializers.Serializer):
    user = BoardPersonOutput()
    read_at = serializers.DateTimeField()


class AnnouncementDetailOutput(AnnouncementOutput):
    read_count = serializers.IntegerField(required=False, help_text="Author only.")
    audience_count = serializers.IntegerField(required=False, help_text="Author only.")
    reads = ReadOutput(many=True, required=False, help_text="Author only.")


class DashboardLessonOutput(serializers.Serializer):
    date = serializers.DateField()
    period = serializers.IntegerField(source="period_number")
    starts_at = serializers.TimeField()
    ends_at = serializers.TimeField()
    subject = serializers.CharField(source="subject_name")
    teacher = serializers.CharField(source="teacher_name")
    class_or_group = serializers.CharField(source="target_name")
    room = serializers.CharField(source="room_name")
    status = serializers.CharField(
        help_text="normal, substitution, cancelled, moved_away or moved_in"
    )
    note = serializers.CharField(source="change_note")


class DashboardEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    subject = serializers.CharField(source="subject_name", default="")


class GradeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    mark = serializers.CharField(source="text")
    subject = serializers.CharField(source="course.subject.name")
    created_at = serializers.DateTimeField()


class DashboardMessageOutput(serializers.Serializer):
    id = serializers.IntegerField(source="message_id")
    subject = serializers.CharField()
    sender = BoardPersonOutput()
    created_at = serializers.DateTimeField()


class AnnouncementBriefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    pinned = serializers.BooleanField()
    shown_from = serializers.DateField()
    is_read = serializers.BooleanField()


class DashboardOutput(serializers.Serializer):
    today = serializers.DateField()
    student_id = IdField(allow_null=True)
    lessons_today = DashboardLessonOutput(many=True)
    lessons_tomorrow = DashboardLessonOutput(many=True)
    events = DashboardEventOutput(many=True)
    homework = HomeworkOutput(many=True)
    new_grades = GradeOutput(many=True, allow_null=True, help_text="Family users only.")
    unread_messages = serializers.IntegerField()
    latest_messages = DashboardMessageOutput(many=True)
    announcements = AnnouncementBriefOutput(many=True)
    lucky_number = serializers.IntegerField(allow_null=True)


# --- Helpers ---------------------------------------------------------------------------------

STUDENT_PARAM = OpenApiParameter(
    "student",
    int,
    description="For a guardian: which child (default: the first). Ignored for others.",
)


def _family_student(request: AuthedAPIRequest, user: User) -> Student | None:
    """The student a family user asks about: a guardian's chosen (or first) child, a
    student themself; None for staff. A child that is not theirs is 404."""
    if user.kind == User.Kind.STUDENT:
        student = Student.objects.select_related("user", "school_class").filter(user=user).first()
        if student is None:
            raise Http404
        return student
    if user.kind == User.Kind.GUARDIAN:
        wanted = request.query_params.get("student", "")
        wanted_id = parse_id(wanted)
        if wanted_id is not None:
            return access_child(user, wanted_id)
        if wanted:
            raise Http404
        children = children_of(user)
        if not children:
            raise Http404
        return children[0]
    return None


def _int(request: AuthedAPIRequest, name: str) -> int | None:
    value = request.query_params.get(name, "")
    return parse_id(value)


# --- Homework --------------------------------------------------------------------------------


class HomeworkListView(ScopedAPIView):
    @extend_schema(
        parameters=[STUDENT_PARAM, OpenApiParameter("subject", int)],
        responses={200: HomeworkListOutput, 404: ErrorOutput},
        summary="Homework: upcoming (soonest first) and the most recent past",
        operation_id="homework_list",
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        hw_access.require(user, "homework.view")
        today = timezone.localdate()
        student = _family_student(request, user)
        if student is not None:
            items = homework_list_for_student(
                student=student, today=today, subject_id=_int(request, "subject")
            )
        else:
            items = homework_list_for_staff(
                user=user, today=today, subject_id=_int(request, "subject")
            )
        return Response(HomeworkListOutput({"upcoming": items.upcoming, "past": items.past}).data)

    @extend_schema(
        request=HomeworkInput,
        responses={201: HomeworkOutput, 400: ErrorOutput, 404: ErrorOutput},
        summary="Set homework for a course you teach (notifies the class)",
    )
    def post(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        data = HomeworkInput(data=request.data)
        data.is_valid(raise_exception=True)
        course = hw_access.access_course_for_homework(user, data.validated_data["course_id"])
        try:
            homework = hw_services.homework_create(
                actor=user,
                course=course,
                title=data.validated_data["title"],
                description=data.validated_data["description"],
                set_on=data.validated_data.get("set_on") or timezone.localdate(),
                due_on=data.validated_data["due_on"],
            )
        except ValidationError as error:
            return Response(
                {"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST
            )
        homework = hw_access.access_homework(user, homework.pk)
        return Response(HomeworkOutput(homework).data, status=status.HTTP_201_CREATED)


class HomeworkView(ScopedAPIView):
    @extend_schema(
        parameters=[STUDENT_PARAM],
        responses={200: HomeworkOutput, 404: ErrorOutput},
        summary="One homework",
        operation_id="homework_retrieve",
    )
    def get(self, request: AuthedAPIRequest, homework_id: int) -> Response:
        user = request.user
        homework = hw_access.access_homework(user, homework_id)
        student = _family_student(request, user)
        if student is not None:
            homework.is_done = HomeworkDone.objects.filter(  # type: ignore[attr-defined]
                homework=homework, student=student
            ).exists()
        return Response(HomeworkOutput(homework).data)

    @extend_schema(
        request=None,
        responses={204: None, 404: ErrorOutput},
        summary="Delete a homework you set (hidden, kept for the record)",
    )
    def delete(self, request: AuthedAPIRequest, homework_id: int) -> Response:
        user = request.user
        homework = hw_access.access_homework_for_edit(user, homework_id)
        hw_services.homework_delete(actor=user, homework=homework)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HomeworkDoneView(ScopedAPIView):
    def _set(self, request: AuthedAPIRequest, homework_id: int, done: bool) -> Response:
        user = request.user
        homework = hw_access.access_homework(user, homework_id)
        student = hw_access.access_own_student_for_homework(user, homework)
        hw_services.homework_mark_done(actor=user, homework=homework, student=student, done=done)
        return Response(
            HomeworkDoneOutput(
                {"homework_id": homework.pk, "student_id": student.pk, "is_done": done}
            ).data
        )

    @extend_schema(
        request=None,
        responses={200: HomeworkDoneOutput, 404: ErrorOutput},
        summary="Tick a homework done (the student)",
    )
    def put(self, request: AuthedAPIRequest, homework_id: int) -> Response:
        return self._set(request, homework_id, True)

    @extend_schema(
        request=None,
        responses={200: HomeworkDoneOutput, 404: ErrorOutput},
        summary="Untick a homework (the student)",
    )
    def delete(self, request: AuthedAPIRequest, homework_id: int) -> Response:
        return self._set(request, homework_id, False)


class HomeworkAttachmentView(ScopedAPIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ErrorOutput},
        summary="Download a homework attachment",
    )
    def get(self, request: AuthedAPIRequest, homework_id: int, attachment_id: int) -> Any:
        attachment = hw_access.access_attachment(request.user, homework_id, attachment_id)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )


# --- Announcements ---------------------------------------------------------------------------


def _announcement_data(announcement: Any) -> dict[str, Any]:
    return {
        "id": announcement.pk,
        "title": announcement.title,
        "body": announcement.body,
        "audience": announcement.audience,
        "class_ids": [c.pk for c in announcement.classes.all()],
        "shown_from": announcement.shown_from,
        "shown_until": announcement.shown_until,
        "pinned": announcement.pinned,
        "urgent": announcement.urgent,
        "author": announcement.author,
        "is_read": getattr(announcement, "is_read", True),
    }


class AnnouncementListView(ScopedAPIView):
    @extend_schema(
        responses={200: AnnouncementOutput(many=True)},
        summary="Current announcements (pinned first, newest first)",
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        nb_access.require(user, "announcement.view")
        rows = announcements_current_for(user=user, today=timezone.localdate())
        return Response(AnnouncementOutput([_announcement_data(a) for a in rows], many=True).data)


class AnnouncementView(ScopedAPIView):
    @extend_schema(
        responses={200: AnnouncementDetailOutput, 404: ErrorOutput},
        summary="Read an announcement (records the read; the author also gets the readers)",
    )
    def get(self, request: AuthedAPIRequest, announcement_id: int) -> Response:
        user = request.user
        announcement = nb_access.access_announcement(user, announcement_id)
        if announcement.author_id != user.pk:
            nb_services.announcement_mark_read(user=user, announcement=announcement)
        data = _announcement_data(announcement)
        data["is_read"] = True
        if nb_access.may_see_reads(user, announcement):
            reads = announcement_reads(announcement)
            data["reads"] = reads["reads"]
            data["read_count"] = len(reads["reads"])
            data["audience_count"] = reads["audience_count"]
        return Response(AnnouncementDetailOutput(data).data)


# --- Dashboard -------------------------------------------------------------------------------


#: The same horizon and limits as the dashboard page (kajet.dashboard.selectors).
AHEAD_DAYS = 7
NEW_GRADES_DAYS = 7
LIMIT = 5


class DashboardView(ScopedAPIView):
    """The dashboard page's panels, composed here from the same domain selectors the page
    uses (the layers contract keeps kajet.api and kajet.dashboard independent)."""

    @extend_schema(
        parameters=[STUDENT_PARAM],
        responses={200: DashboardOutput, 404: ErrorOutput},
        summary="The home dashboard summary (per child for guardians)",
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        today = timezone.localdate()
        tomorrow = today + datetime.timedelta(days=1)
        end = today + datetime.timedelta(days=AHEAD_DAYS - 1)
        student = _family_student(request, user)
        new_grades: list[Grade] | None = None
        if student is not None:
            # As the page: the week's events hold the days off the lessons need.
            rows = event_rows_for_student(student, today, end)
            known_off = days_off_of_rows(rows, student.school_class_id, today, tomorrow)
            lessons = lessons_for_student(student, today, tomorrow, known_days_off=known_off)
            events = [e for e in rows if e.kind != "day_off"]
            homework: list[Any] = homework_due_for_student(student=student, start=today, end=end)
            since = timezone.now() - datetime.timedelta(days=NEW_GRADES_DAYS)
            new_grades = list(
                Grade.objects.filter(
                    student_id=student.pk, created_at__gt=since, deleted_at__isnull=True
                )
                .select_related("course__subject")
                .order_by("-created_at", "-pk")[:10]
            )
        else:
            lessons = lessons_for_teacher(user, today, tomorrow)
            events = event_rows_for_teacher(user, today, end)
            homework = homework_due_for_teacher(user=user, start=today, end=end)
        # The summary gives each homework's teacher and attachments (the page does not).
        prefetch_related_objects(
            homework,
            "author",
            Prefetch("attachments", queryset=HomeworkAttachment.objects.order_by("id")),
        )
        unread_total, unread = unread_latest(user, limit=3)
        payload = {
            "today": today,
            "student_id": student.pk if student is not None else None,
            "lessons_today": [o for o in lessons if o.date == today],
            "lessons_tomorrow": [o for o in lessons if o.date == tomorrow],
            "events": events,
            "homework": homework,
            "new_grades": new_grades,
            "unread_messages": unread_total,
            "latest_messages": unread,
            "announcements": announcement_rows_current_for(user=user, today=today, limit=LIMIT),
            "lucky_number": lucky_number_cached(user.school_pk, today),
        }
        return Response(DashboardOutput(payload).data)
