"""Remarks (uwagi) over the API: a student's remarks, the school's categories, writing a
remark (staff) and the guardian's "I have read it". Same access helpers, selectors and
services as the pages (kajet.remarks)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.api.fields import IdField, IdListField
from kajet.api.serializers import ErrorOutput
from kajet.remarks import access, selectors, services
from kajet.remarks.models import Kind, RemarkCategory
from kajet.school.access import access_student

# --- Serializers (input and output apart) ----------------------------------------------------


class RemarkCategoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices, help_text="The category's usual kind.")
    points = serializers.IntegerField(help_text="Behaviour points (0: the school counts none).")


class RemarkPersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class AcknowledgementOutput(serializers.Serializer):
    user = RemarkPersonOutput()
    at = serializers.DateTimeField()


class RemarkLessonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    period = serializers.IntegerField(source="period.number")
    subject = serializers.CharField(source="course.subject.name")
    topic = serializers.CharField()


class RemarkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    student_id = IdField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    category = RemarkCategoryOutput()
    text = serializers.CharField()
    date = serializers.DateField()
    points = serializers.IntegerField()
    visible_to_student = serializers.BooleanField()
    author = RemarkPersonOutput()
    lesson = RemarkLessonOutput(allow_null=True)
    acknowledgements = AcknowledgementOutput(
        many=True, source="acks", help_text="Guardians who marked it read, and when."
    )
    version = serializers.IntegerField()


class RemarkListOutput(serializers.Serializer):
    student_id = IdField()
    points = serializers.IntegerField(help_text="The behaviour points of the remarks listed.")
    remarks = RemarkOutput(many=True)
    truncated = serializers.BooleanField(help_text="Only the most recent remarks are listed.")


class RemarkInput(serializers.Serializer):
    student_ids = IdListField(help_text="One or several students the author may write about.")
    category_id = IdField()
    kind = serializers.ChoiceField(
        choices=Kind.choices, required=False, help_text="Default: the category's usual kind."
    )
    text = serializers.CharField(max_length=services.MAX_TEXT)
    date = serializers.DateField(required=False, help_text="Default: today.")
    lesson_id = IdField(required=False, allow_null=True, default=None)
    visible_to_student = serializers.BooleanField(required=False, default=True)


class RemarksCreatedOutput(serializers.Serializer):
    remarks = RemarkOutput(many=True)


class AcknowledgedOutput(serializers.Serializer):
    remark_id = IdField()
    acknowledged_at = serializers.DateTimeField()


# --- Views -------------------------------------------------------------------------------------


def _bad(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)


class StudentRemarksView(ScopedAPIView):
    @extend_schema(
        responses={200: RemarkListOutput, 404: ErrorOutput},
        summary="The remarks about a student you may see, newest first",
    )
    def get(self, request: AuthedAPIRequest, student_id: int) -> Response:
        user = request.user
        access.require(user, "remark.view")
        student = access_student(user, student_id)
        items = selectors.remark_list_for_student(user=user, student=student)
        payload = {
            "student_id": student.pk,
            "points": items.points,
            "remarks": items.remarks,
            "truncated": items.truncated,
        }
        return Response(RemarkListOutput(payload).data)


class RemarkCategoriesView(ScopedAPIView):
    @extend_schema(
        responses={200: RemarkCategoryOutput(many=True), 404: ErrorOutput},
        summary="The school's remark categories in use (to write a remark)",
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        access.require(request.user, "remark.add")
        return Response(RemarkCategoryOutput(selectors.active_categories(), many=True).data)


class RemarksView(ScopedAPIView):
    @extend_schema(
        request=RemarkInput,
        responses={201: RemarksCreatedOutput, 400: ErrorOutput, 404: ErrorOutput},
        summary="Write a remark about one or several students (notifies their families)",
    )
    def post(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        access.require(user, "remark.add")
        data = RemarkInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = data.validated_data
        wanted = set(values["student_ids"])
        if not wanted:
            return _bad(str(_("Choose at least one student.")))
        students = list(
            access.students_for_remarks(user).filter(pk__in=wanted).select_related("user")
        )
        if len(students) != len(wanted):
            raise Http404  # a student the author may not write about is not theirs to name
        try:
            category = RemarkCategory.objects.get(pk=values["category_id"], is_active=True)
        except RemarkCategory.DoesNotExist:
            return _bad(str(_("Choose a category in use.")))
        lesson = None
        if values["lesson_id"] is not None:
            class_ids = {s.school_class_id for s in students}
            lesson = (
                access.lessons_for_remarks(user, class_ids.pop())
                .filter(pk=values["lesson_id"])
                .first()
                if len(class_ids) == 1
                else None
            )
            if lesson is None:
                return _bad(str(_("The lesson is not one of these students' lessons.")))
        try:
            remarks = services.remark_add(
                actor=user,
                students=students,
                category=category,
                kind=values.get("kind") or category.kind,
                text=values["text"],
                date=values.get("date") or timezone.localdate(),
                lesson=lesson,
                visible_to_student=values["visible_to_student"],
            )
        except ValidationError as error:
            return _bad(" ".join(error.messages))
        rows = selectors.remark_rows(user=user, ids=[r.pk for r in remarks])
        return Response(
            RemarksCreatedOutput({"remarks": rows}).data, status=status.HTTP_201_CREATED
        )


class RemarkAcknowledgeView(ScopedAPIView):
    @extend_schema(
        request=None,
        responses={200: AcknowledgedOutput, 404: ErrorOutput},
        summary='A guardian marks a remark read ("Zapoznałem się"); repeating keeps the first time',
    )
    def post(self, request: AuthedAPIRequest, remark_id: int) -> Response:
        user = request.user
        remark = access.access_remark_to_acknowledge(user, remark_id)
        ack = services.remark_acknowledge(actor=user, remark=remark)
        payload = {"remark_id": remark.pk, "acknowledged_at": ack.at}
        return Response(AcknowledgedOutput(payload).data)
