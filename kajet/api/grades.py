"""Grades API: a student's grades (family and staff), a course's grade sheet, adding a column
of marks, editing and correcting a mark, setting term and annual grades. The same access
helpers, selectors and services as the pages (kajet.grades)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.api.fields import IdField, IdListField, unique_rows
from kajet.api.serializers import ErrorOutput
from kajet.audit.services import access_log_view
from kajet.grades import access, selectors, services
from kajet.grades.models import Grade, GradeCategory
from kajet.grades.scale import BEHAVIOUR_WORDS
from kajet.school.models import Term

# --- Serializers (input and output apart) ----------------------------------------------------


class CategoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=4, decimal_places=2)
    counts_toward_average = serializers.BooleanField()
    colour = serializers.CharField()


class MarkOutput(serializers.Serializer):
    id = serializers.IntegerField(source="grade.pk")
    text = serializers.CharField(source="grade.text")
    meaning = serializers.CharField(
        source="grade.meaning",
        help_text="On the school's own scale: the symbol's meaning or the percentage of points.",
    )
    descriptive = serializers.CharField(
        source="grade.descriptive", help_text="On a text scale: the comment given as the mark."
    )
    scale = serializers.CharField(
        source="grade.column.scale.name",
        allow_null=True,
        help_text="The scale's name; null for the standard 1–6 scale.",
    )
    value = serializers.DecimalField(
        source="grade.value",
        max_digits=4,
        decimal_places=2,
        allow_null=True,
        help_text="Null for a mark without a value (it never counts toward an average).",
    )
    weight = serializers.DecimalField(max_digits=4, decimal_places=2)
    counts = serializers.BooleanField(help_text="Whether the mark counts toward the average.")
    is_new = serializers.BooleanField()
    category_id = IdField(source="grade.column.category_id")
    column_id = IdField(source="grade.column_id")
    date = serializers.DateField(source="grade.column.date")
    description = serializers.CharField(source="grade.column.description")
    comment = serializers.CharField(source="grade.comment")
    corrects_id = IdField(source="grade.corrects_id", allow_null=True)
    created_at = serializers.DateTimeField(source="grade.created_at")
    version = serializers.IntegerField(source="grade.version")


class TermGradeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Grade.Kind.choices)
    value = serializers.IntegerField(allow_null=True, source="whole")
    in_words = serializers.CharField()
    descriptive = serializers.CharField()
    version = serializers.IntegerField()


class TermOutput(serializers.Serializer):
    number = serializers.IntegerField()
    marks = MarkOutput(many=True)
    average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    suggested_grade = serializers.IntegerField(source="suggested", allow_null=True)
    proposed = TermGradeOutput(allow_null=True)
    final = TermGradeOutput(allow_null=True)


class SubjectOutput(serializers.Serializer):
    course_id = IdField(source="course.pk")
    subject = serializers.CharField(source="course.subject.name")
    teacher = serializers.CharField(source="course.teacher.full_name")
    terms = TermOutput(many=True)
    year_average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    year_suggested_grade = serializers.IntegerField(source="year_suggested", allow_null=True)
    proposed_annual = TermGradeOutput(allow_null=True)
    final_annual = TermGradeOutput(allow_null=True)


class OverallOutput(serializers.Serializer):
    term_1 = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    term_2 = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    year = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)


class BehaviourGradeOutput(serializers.Serializer):
    value = serializers.IntegerField(help_text="6 wzorowe (exemplary) … 1 naganne.")
    in_words = serializers.CharField()


class BehaviourOutput(serializers.Serializer):
    term_1 = BehaviourGradeOutput(allow_null=True)
    term_2 = BehaviourGradeOutput(allow_null=True)
    year = BehaviourGradeOutput(allow_null=True, help_text="The annual behaviour grade.")


def _behaviour_grade(value: int | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"value": value, "in_words": str(BEHAVIOUR_WORDS.get(value, ""))}


class StudentGradesOutput(serializers.Serializer):
    student_id = IdField()
    averages_shown = serializers.BooleanField(
        help_text="False when the school does not show averages to families (they are null)."
    )
    categories = CategoryOutput(many=True)
    subjects = SubjectOutput(many=True)
    overall = OverallOutput()
    behaviour = BehaviourOutput(
        help_text="Behaviour grades of the class's school year (set by the homeroom teacher)."
    )


class SheetMarkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    meaning = serializers.CharField(help_text="A symbol's meaning or the percentage of points.")
    descriptive = serializers.CharField(help_text="On a text scale: the comment.")
    comment = serializers.CharField()
    version = serializers.IntegerField()
    corrects_id = IdField(allow_null=True)


class SheetCellOutput(serializers.Serializer):
    column_id = IdField()
    mark = SheetMarkOutput(allow_null=True, source="grade")
    correction = SheetMarkOutput(allow_null=True)


class SheetRowOutput(serializers.Serializer):
    student_id = IdField(source="student.pk")
    name = serializers.CharField(source="student.user.sort_name")
    class_number = serializers.IntegerField(source="student.class_number")
    cells = SheetCellOutput(many=True)
    average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    suggested_grade = serializers.IntegerField(source="suggested", allow_null=True)
    year_average = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    proposed = TermGradeOutput(allow_null=True)
    final = TermGradeOutput(allow_null=True)
    proposed_annual = TermGradeOutput(allow_null=True)
    final_annual = TermGradeOutput(allow_null=True)


class ColumnOutput(serializers.Serializer):
    id = serializers.IntegerField()
    category_id = IdField()
    description = serializers.CharField()
    date = serializers.DateField()
    weight = serializers.DecimalField(source="effective_weight", max_digits=4, decimal_places=2)
    scale = serializers.CharField(
        source="scale.name", allow_null=True, help_text="Null: the standard 1–6 scale."
    )


class SheetOutput(serializers.Serializer):
    course_id = IdField()
    term_id = IdField()
    descriptive = serializers.BooleanField(help_text="Term/annual grades are descriptive.")
    categories = CategoryOutput(many=True)
    columns = ColumnOutput(many=True)
    rows = SheetRowOutput(many=True)


class CellInput(serializers.Serializer):
    student_id = IdField()
    text = serializers.CharField(
        max_length=500,
        allow_blank=True,
        help_text="A mark on the course's scale (a text scale takes a comment of up to 500).",
    )
    comment = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class ColumnInput(serializers.Serializer):
    category_id = IdField()
    date = serializers.DateField()
    description = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    weight = serializers.DecimalField(
        max_digits=4, decimal_places=2, required=False, allow_null=True, default=None, min_value=0
    )
    marks = CellInput(many=True)

    def validate_marks(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return unique_rows(rows, "student_id")


class ColumnCreatedOutput(serializers.Serializer):
    column_id = IdField()
    mark_ids = IdListField()


class CellErrorsOutput(serializers.Serializer):
    detail = serializers.CharField()
    cell_errors = serializers.DictField(
        child=serializers.CharField(), help_text="student id → what is wrong in that cell"
    )


class MarkEditInput(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    comment = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    version = serializers.IntegerField(help_text="The version you read; a stale one is a 409.")


class CorrectionInput(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    comment = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class ConflictOutput(serializers.Serializer):
    detail = serializers.CharField()
    current = SheetMarkOutput(allow_null=True)


class TermGradeRowInput(serializers.Serializer):
    student_id = IdField()
    value = serializers.CharField(max_length=2, allow_blank=True, help_text="1–6, or empty")
    descriptive = serializers.CharField(required=False, default="", allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class TermGradesInput(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[k for k in Grade.Kind.choices if k[0] != Grade.Kind.CURRENT]
    )
    term_id = IdField(
        required=False, allow_null=True, default=None, help_text="Empty for annual grades."
    )
    grades = TermGradeRowInput(many=True)

    def validate_grades(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return unique_rows(rows, "student_id")


# --- Helpers -----------------------------------------------------------------------------------


def _term_grade(grade: Grade | None) -> dict[str, Any] | None:
    if grade is None:
        return None
    return {
        "id": grade.pk,
        "kind": grade.kind,
        "whole": int(grade.value) if grade.value is not None else None,
        "in_words": grade.in_words,
        "descriptive": grade.descriptive,
        "version": grade.version,
    }


def _cell_errors(error: services.ColumnInvalid) -> Response:
    return Response(
        {"detail": error.message, "cell_errors": {str(k): v for k, v in error.errors.items()}},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _term(course: Any, term_id: int) -> Term:
    try:
        return Term.objects.get(pk=term_id, year_id=course.year_id)
    except Term.DoesNotExist:
        raise Http404 from None


# --- Views ---------------------------------------------------------------------------------


class StudentGradesView(ScopedAPIView):
    @extend_schema(
        responses={200: StudentGradesOutput, 404: ErrorOutput},
        summary="A student's grades: marks per subject and term, averages, term/annual grades",
    )
    def get(self, request: AuthedAPIRequest, student_id: int) -> Response:
        user = request.user
        student = access.access_student_grades(user, student_id)
        access_log_view(request._request, student)
        data = selectors.student_grades(student)
        behaviour = selectors.student_behaviour(student)
        shown = access.averages_shown(user, data.policy)
        subjects = []
        for subject in data.subjects:
            subjects.append(
                {
                    "course": subject.course,
                    "terms": [
                        {
                            "number": t.number,
                            "marks": t.marks,
                            "average": t.average if shown else None,
                            "suggested": t.suggested if shown else None,
                            "proposed": _term_grade(t.proposed),
                            "final": _term_grade(t.final),
                        }
                        for t in subject.terms
                    ],
                    "year_average": subject.year_average if shown else None,
                    "year_suggested": subject.year_suggested if shown else None,
                    "proposed_annual": _term_grade(subject.proposed_annual),
                    "final_annual": _term_grade(subject.final_annual),
                }
            )
        payload = {
            "student_id": student.pk,
            "averages_shown": shown,
            "categories": data.categories,
            "subjects": subjects,
            "overall": {
                "term_1": data.overall["1"] if shown else None,
                "term_2": data.overall["2"] if shown else None,
                "year": data.overall["year"] if shown else None,
            },
            "behaviour": {
                "term_1": _behaviour_grade(behaviour.term_1),
                "term_2": _behaviour_grade(behaviour.term_2),
                "year": _behaviour_grade(behaviour.year),
            },
        }
        return Response(StudentGradesOutput(payload).data)


class SheetView(ScopedAPIView):
    @extend_schema(
        responses={200: SheetOutput, 404: ErrorOutput},
        summary="A course's grade sheet for a term (its teacher; the principal reads)",
    )
    def get(self, request: AuthedAPIRequest, course_id: int, term_id: int) -> Response:
        course = access.access_sheet(request.user, course_id, write=False)
        sheet = selectors.course_sheet(course, _term(course, term_id))
        payload = {
            "course_id": course.pk,
            "term_id": sheet.term.pk,
            "descriptive": sheet.descriptive,
            "categories": sheet.categories,
            "columns": sheet.columns,
            "rows": [
                {
                    "student": row.student,
                    "cells": [
                        {"column_id": col.pk, "grade": cell.grade, "correction": cell.correction}
                        for col, cell in zip(sheet.columns, row.cells, strict=True)
                    ],
                    "average": row.average,
                    "suggested": row.suggested,
                    "year_average": row.year_average,
                    "proposed": _term_grade(row.proposed),
                    "final": _term_grade(row.final),
                    "proposed_annual": _term_grade(row.proposed_annual),
                    "final_annual": _term_grade(row.final_annual),
                }
                for row in sheet.rows
            ],
        }
        return Response(SheetOutput(payload).data)


class ColumnsView(ScopedAPIView):
    @extend_schema(
        request=ColumnInput,
        responses={201: ColumnCreatedOutput, 400: CellErrorsOutput, 404: ErrorOutput},
        summary="Add a column with the marks of the class (all or nothing)",
    )
    def post(self, request: AuthedAPIRequest, course_id: int, term_id: int) -> Response:
        user = request.user
        course = access.access_sheet(user, course_id, write=True)
        term = _term(course, term_id)
        data = ColumnInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        category = GradeCategory.objects.filter(pk=values["category_id"], is_active=True).first()
        if category is None:
            return Response({"detail": "Unknown category."}, status=status.HTTP_400_BAD_REQUEST)
        cells = [
            services.Cell(student_id=c["student_id"], text=c["text"], comment=c["comment"])
            for c in values["marks"]
        ]
        try:
            column, grades = services.column_add(
                actor=user,
                course=course,
                term=term,
                category=category,
                date=values["date"],
                description=values["description"],
                weight=values["weight"],
                cells=cells,
            )
        except services.ColumnInvalid as invalid:
            return _cell_errors(invalid)
        except services.GradeError as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            ColumnCreatedOutput({"column_id": column.pk, "mark_ids": [g.pk for g in grades]}).data,
            status=status.HTTP_201_CREATED,
        )


class MarkView(ScopedAPIView):
    @extend_schema(
        request=MarkEditInput,
        responses={
            200: SheetMarkOutput,
            400: ErrorOutput,
            404: ErrorOutput,
            409: ConflictOutput,
        },
        summary="Change a mark (with the version you read)",
    )
    def patch(self, request: AuthedAPIRequest, grade_id: int) -> Response:
        user = request.user
        grade = access.access_grade_for_change(user, grade_id)
        data = MarkEditInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.grade_update(
                actor=user,
                grade=grade,
                text=data.validated_data["text"],
                comment=data.validated_data["comment"],
                version=data.validated_data["version"],
            )
        except services.GradeConflict as conflict:
            return Response(
                ConflictOutput({"detail": conflict.message, "current": conflict.current}).data,
                status=status.HTTP_409_CONFLICT,
            )
        except services.GradeError as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(SheetMarkOutput(grade).data)


class CorrectionView(ScopedAPIView):
    @extend_schema(
        request=CorrectionInput,
        responses={201: SheetMarkOutput, 400: ErrorOutput, 404: ErrorOutput},
        summary="Correct a mark (the correction is linked to it)",
    )
    def post(self, request: AuthedAPIRequest, grade_id: int) -> Response:
        user = request.user
        grade = access.access_grade_for_change(user, grade_id)
        data = CorrectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            correction = services.grade_correct(
                actor=user,
                grade=grade,
                text=data.validated_data["text"],
                comment=data.validated_data["comment"],
            )
        except services.GradeError as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(SheetMarkOutput(correction).data, status=status.HTTP_201_CREATED)


class TermGradesView(ScopedAPIView):
    @extend_schema(
        request=TermGradesInput,
        responses={200: TermGradeOutput(many=True), 400: CellErrorsOutput, 404: ErrorOutput},
        summary="Propose or set term or annual grades of a course's students (all or nothing)",
    )
    def put(self, request: AuthedAPIRequest, course_id: int) -> Response:
        user = request.user
        course = access.access_sheet(user, course_id, write=True)
        data = TermGradesInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        term = _term(course, values["term_id"]) if values["term_id"] else None
        rows = [
            services.TermGradeInput(
                student_id=r["student_id"],
                value=r["value"],
                descriptive=r["descriptive"],
                version=r["version"],
            )
            for r in values["grades"]
        ]
        try:
            saved = services.term_grades_set(
                actor=user, course=course, kind=values["kind"], term=term, rows=rows
            )
        except services.ColumnInvalid as invalid:
            return _cell_errors(invalid)
        except services.GradeError as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        return Response(TermGradeOutput([_term_grade(g) for g in saved], many=True).data)
