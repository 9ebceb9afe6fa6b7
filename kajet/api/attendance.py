"""Attendance API: a teacher's lessons of a day, one lesson's sheet (read, take/edit in one
all-or-nothing write, refused with 409 when marks changed since they were read), a student's
marks and statistics, excuses (list, submit, approve, reject, withdraw). The same access
helpers, selectors and services as the pages (kajet.attendance)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kajet.accounts.models import User
from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.api.fields import IdField, IdListField, unique_rows
from kajet.api.serializers import ErrorOutput
from kajet.attendance import access, selectors, services
from kajet.attendance.models import Excuse, Lesson
from kajet.audit.services import access_log_view
from kajet.core.numbers import parse_id
from kajet.school.access import access_student

# --- Serializers (input and output apart) ----------------------------------------------------


class AttendanceTypeOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="present, absent, excused, late or released")
    colour = serializers.CharField()
    text_colour = serializers.CharField(help_text="the colour of the code on a chip of `colour`")
    is_active = serializers.BooleanField(
        help_text="false: a deactivated school type, listed only while a mark still has it"
    )


class AttendanceDayLessonOutput(serializers.Serializer):
    course_id = IdField()
    period_id = IdField()
    period_number = serializers.IntegerField()
    subject = serializers.CharField(source="subject_name")
    target = serializers.CharField(source="target_name")
    status = serializers.CharField(help_text="normal, substitution, moved_in or extra")
    lesson_id = IdField(source="lesson.pk", allow_null=True, default=None)
    topic = serializers.CharField(source="lesson.topic", allow_null=True, default=None)


class AttendanceSheetRowOutput(serializers.Serializer):
    student_id = IdField()
    name = serializers.CharField()
    class_number = serializers.IntegerField()
    type_id = IdField()
    version = serializers.IntegerField(allow_null=True)


class AttendanceSheetOutput(serializers.Serializer):
    lesson_id = IdField(allow_null=True)
    course_id = IdField()
    date = serializers.DateField()
    period_id = IdField()
    topic = serializers.CharField()
    types = AttendanceTypeOutput(many=True)
    students = AttendanceSheetRowOutput(many=True)


class AttendanceMarkInput(serializers.Serializer):
    student_id = IdField()
    type_id = IdField()


class AttendanceVersionInput(serializers.Serializer):
    student_id = IdField()
    version = serializers.IntegerField(min_value=1)


class AttendanceSheetInput(serializers.Serializer):
    topic = serializers.CharField(allow_blank=True, max_length=300)
    marks = AttendanceMarkInput(many=True, help_text="Students left out are present.")
    versions = AttendanceVersionInput(
        many=True,
        required=False,
        default=list,
        help_text=(
            "The `version` of every student's mark as read from the sheet (leave out students "
            "whose version was null). When any mark changed since, nothing is saved: 409."
        ),
    )

    def validate_marks(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return unique_rows(rows, "student_id")

    def validate_versions(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return unique_rows(rows, "student_id")


class AttendanceConflictOutput(serializers.Serializer):
    detail = serializers.CharField()
    changed = AttendanceSheetRowOutput(
        many=True, help_text="The students whose marks changed, as they are now"
    )
    sheet = AttendanceSheetOutput(help_text="The whole sheet as it is now")


class AttendanceMarkRowOutput(serializers.Serializer):
    id = serializers.IntegerField(source="mark_id")
    date = serializers.DateField()
    period_number = serializers.IntegerField()
    subject = serializers.CharField(source="subject_name")
    code = serializers.CharField()
    kind = serializers.CharField()


class AttendanceSummaryOutput(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    percent = serializers.FloatField(allow_null=True)
    unexcused = serializers.IntegerField()


class AttendanceSubjectStatsOutput(serializers.Serializer):
    subject = serializers.CharField(source="subject_name")
    terms = AttendanceSummaryOutput(many=True, source="term_list")
    year = AttendanceSummaryOutput()
    can_still_miss = serializers.IntegerField(source="can_miss", allow_null=True)


class StudentAttendanceOutput(serializers.Serializer):
    student_id = IdField()
    threshold_percent = serializers.IntegerField()
    total = AttendanceSummaryOutput()
    subjects = AttendanceSubjectStatsOutput(many=True)
    marks = AttendanceMarkRowOutput(many=True)


class AttendanceExcuseOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    student_id = IdField()
    status = serializers.CharField()
    reason = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    mark_ids = serializers.SerializerMethodField()

    def get_mark_ids(self, excuse: Excuse) -> list[int]:
        return [item.mark_id for item in excuse.items.all()]


class AttendanceExcuseInput(serializers.Serializer):
    student_id = IdField()
    mark_ids = IdListField(allow_empty=False)
    reason = serializers.CharField(max_length=2000)


class AttendanceDecisionInput(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, required=False, default="")


class AttendanceDecisionOutput(serializers.Serializer):
    excuse = AttendanceExcuseOutput()
    skipped_mark_ids = IdListField()


def _bad(error: ValidationError) -> Response:
    return Response({"detail": " ".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)


def _summary(s: Any) -> dict[str, Any]:
    return {"counts": s.counts, "percent": s.percent, "unexcused": s.unexcused}


# --- Views --------------------------------------------------------------------------------------


class DayView(ScopedAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("date", str, description="YYYY-MM-DD (default today)")],
        responses={200: AttendanceDayLessonOutput(many=True), 404: ErrorOutput},
        summary="The teacher's lessons of a day (timetable, substitutions, extra lessons held)",
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        access.require(user, "attendance.take")
        try:
            day = datetime.date.fromisoformat(request.query_params.get("date", ""))
        except ValueError:
            day = timezone.localdate()
        return Response(AttendanceDayLessonOutput(selectors.teacher_day(user, day), many=True).data)


def _slot(user: User, course_id: int, day: str, period_id: int) -> tuple[Any, Any, Lesson | None]:
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    held = Lesson.objects.filter(course_id=course_id, date=date, period_id=period_id).first()
    if held is not None:
        held = access.access_lesson(user, held.pk)
        return held.course, held.period, held
    course, period = access.access_lesson_slot(user, course_id, date, period_id)
    return course, period, None


def _sheet(course: Any, period: Any, date: datetime.date, lesson: Lesson | None) -> dict[str, Any]:
    types = services.attendance_types_for(course.school_id)
    present = services.standard_type(types, "present")
    marks = selectors.marks_of(lesson)
    return {
        "lesson_id": lesson.pk if lesson else None,
        "course_id": course.pk,
        "date": date,
        "period_id": period.pk,
        "topic": lesson.topic if lesson else "",
        "types": services.types_for_marking(types, {m.type_id for m in marks.values()}),
        "students": [
            {
                "student_id": s.pk,
                "name": s.user.full_name,
                "class_number": s.class_number,
                "type_id": marks[s.pk].type_id if s.pk in marks else present.pk,
                "version": marks[s.pk].version if s.pk in marks else None,
            }
            for s in selectors.roster_for(course, date)
        ],
    }


class SheetView(ScopedAPIView):
    @extend_schema(
        responses={200: AttendanceSheetOutput, 404: ErrorOutput},
        summary="One lesson's attendance sheet (everyone present until taken)",
    )
    def get(self, request: AuthedAPIRequest, course_id: int, day: str, period_id: int) -> Response:
        course, period, lesson = _slot(request.user, course_id, day, period_id)
        date = datetime.date.fromisoformat(day)
        return Response(AttendanceSheetOutput(_sheet(course, period, date, lesson)).data)

    @extend_schema(
        request=AttendanceSheetInput,
        responses={
            200: AttendanceSheetOutput,
            400: ErrorOutput,
            404: ErrorOutput,
            409: AttendanceConflictOutput,
        },
        summary="Take or correct the lesson's attendance and topic (all or nothing)",
        description=(
            "Send back the `version` of each mark as read (`versions`). When another teacher "
            "or an excuse approval changed any of the lesson's marks since, nothing is saved "
            "and the answer is 409 with the students whose marks changed and the current sheet."
        ),
    )
    def put(self, request: AuthedAPIRequest, course_id: int, day: str, period_id: int) -> Response:
        user = request.user
        course, period, lesson = _slot(user, course_id, day, period_id)
        date = datetime.date.fromisoformat(day)
        data = AttendanceSheetInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            saved = services.lesson_save(
                actor=user,
                course=course,
                day=date,
                period=period,
                topic=values["topic"],
                marks={m["student_id"]: m["type_id"] for m in values["marks"]},
                roster=selectors.roster_for(course, date),
                types=services.attendance_types_for(course.school_id),
                lesson=lesson,
                versions={v["student_id"]: v["version"] for v in values["versions"]},
            )
        except services.LessonConflict as conflict:
            current = selectors.lesson_at(course, date, period)
            sheet = _sheet(course, period, date, current)
            ids = {s.pk for s in conflict.students}
            payload = {
                "detail": " ".join(conflict.messages),
                "changed": [row for row in sheet["students"] if row["student_id"] in ids],
                "sheet": sheet,
            }
            return Response(AttendanceConflictOutput(payload).data, status=status.HTTP_409_CONFLICT)
        except ValidationError as error:
            return _bad(error)
        return Response(AttendanceSheetOutput(_sheet(course, period, date, saved)).data)


class StudentAttendanceView(ScopedAPIView):
    @extend_schema(
        responses={200: StudentAttendanceOutput, 404: ErrorOutput},
        summary="A student's marks this school year and statistics per subject and term",
    )
    def get(self, request: AuthedAPIRequest, student_id: int) -> Response:
        student = access_student(request.user, student_id)
        access_log_view(request._request, student)
        year = selectors.current_year(student.school_id)
        if year is None:
            raise Http404
        terms = selectors.terms_of(year)
        policy = services.policy_for(student.school_id)
        rows = selectors.marks_for_student(student, year.starts_on, year.ends_on)
        result = selectors.student_statistics(rows, terms, policy.threshold_percent)
        payload = {
            "student_id": student.pk,
            "threshold_percent": policy.threshold_percent,
            "total": _summary(result.total),
            "subjects": [
                {
                    "subject_name": s.subject_name,
                    "term_list": [_summary(t) for t in s.term_list],
                    "year": _summary(s.year),
                    "can_miss": s.can_miss,
                }
                for s in result.subjects
            ],
            "marks": rows,
        }
        return Response(StudentAttendanceOutput(payload).data)


class ExcusesView(ScopedAPIView):
    @extend_schema(
        responses={200: AttendanceExcuseOutput(many=True)},
        summary="Excuses the user may see (own family's, or the homeroom class's)",
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        found = access.excuses_visible_to(request.user).prefetch_related("items")[:200]
        return Response(AttendanceExcuseOutput(found, many=True).data)

    @extend_schema(
        request=AttendanceExcuseInput,
        responses={201: AttendanceExcuseOutput, 400: ErrorOutput, 404: ErrorOutput},
        summary="Send an excuse for unexcused absences to the homeroom teacher",
    )
    def post(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        access.require(user, "excuse.submit")
        data = AttendanceExcuseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        student = access.access_family_student(user, values["student_id"])
        try:
            excuse = services.excuse_submit(
                actor=user, student=student, mark_ids=values["mark_ids"], reason=values["reason"]
            )
        except ValidationError as error:
            return _bad(error)
        return Response(AttendanceExcuseOutput(excuse).data, status=status.HTTP_201_CREATED)


class DecisionView(ScopedAPIView):
    decision = "approve"

    @extend_schema(
        request=AttendanceDecisionInput,
        responses={200: AttendanceDecisionOutput, 400: ErrorOutput, 404: ErrorOutput},
        summary="Decide an excuse (the homeroom teacher of the student's class)",
    )
    def post(self, request: AuthedAPIRequest, excuse_id: int) -> Response:
        user = request.user
        excuse = access.access_excuse_for_decision(user, excuse_id)
        data = AttendanceDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data["note"]
        skipped: list[Any] = []
        try:
            if self.decision == "approve":
                skipped = services.excuse_approve(actor=user, excuse=excuse, note=note)
            else:
                services.excuse_reject(actor=user, excuse=excuse, note=note)
        except ValidationError as error:
            return _bad(error)
        excuse.refresh_from_db()
        return Response(
            AttendanceDecisionOutput(
                {"excuse": excuse, "skipped_mark_ids": [m.pk for m in skipped]}
            ).data
        )


class ApproveView(DecisionView):
    decision = "approve"


class RejectView(DecisionView):
    decision = "reject"


class WithdrawView(ScopedAPIView):
    @extend_schema(
        request=None,
        responses={200: AttendanceExcuseOutput, 400: ErrorOutput, 404: ErrorOutput},
        summary="Withdraw a waiting excuse (only whoever sent it); the homeroom teacher is told",
    )
    def post(self, request: AuthedAPIRequest, excuse_id: int) -> Response:
        user = request.user
        excuse = access.access_excuse_for_withdrawal(user, excuse_id)
        try:
            services.excuse_withdraw(actor=user, excuse=excuse)
        except ValidationError as error:
            return _bad(error)
        excuse.refresh_from_db()
        return Response(AttendanceExcuseOutput(excuse).data)


class HeldLessonOutput(serializers.Serializer):
    id = serializers.IntegerField(source="lesson.pk")
    date = serializers.DateField(source="lesson.date")
    period = serializers.IntegerField(source="lesson.period.number")
    subject_id = IdField(source="lesson.course.subject_id")
    subject = serializers.CharField(source="lesson.course.subject.name")
    topic = serializers.CharField(source="lesson.topic")
    teacher = serializers.CharField(source="lesson.teacher.full_name")
    attendance_code = serializers.CharField(
        source="code", allow_null=True, help_text="The student's mark (null: none recorded)."
    )
    attendance_kind = serializers.CharField(
        source="kind",
        allow_null=True,
        help_text="present, absent, excused, late or released (null: none recorded)",
    )
    attendance_name = serializers.CharField(source="type_name", allow_null=True)


class StudentLessonsOutput(serializers.Serializer):
    student_id = IdField()
    lessons = HeldLessonOutput(many=True)
    truncated = serializers.BooleanField(help_text="Only the most recent lessons are listed.")


class StudentLessonsView(ScopedAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("subject", int, description="Only this subject's lessons")],
        responses={200: StudentLessonsOutput, 404: ErrorOutput},
        summary="The lessons held in a student's courses this year: topic, teacher, attendance",
    )
    def get(self, request: AuthedAPIRequest, student_id: int) -> Response:
        student = access_student(request.user, student_id)
        access_log_view(request._request, student)
        subject_id = parse_id(request.query_params.get("subject", ""))
        data = selectors.lessons_for_student(student, subject_id=subject_id)
        payload = {"student_id": student.pk, "lessons": data.lessons, "truncated": data.truncated}
        return Response(StudentLessonsOutput(payload).data)
