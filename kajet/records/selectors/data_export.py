"""The family's data export (GDPR art. 15 and 20): one student's personal data as the register
holds it, as plain JSON-ready values. A fixed number of queries whatever the number of grades,
marks, remarks or messages (asserted in tests)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from kajet.accounts.models import User
from kajet.attendance.models import AttendanceMark, Excuse, ExcuseItem
from kajet.grades.models import BehaviourGrade, Grade
from kajet.homework.models import HomeworkDone
from kajet.messaging.models import Message
from kajet.remarks.models import Remark
from kajet.school.models import Guardianship, Student

#: The format's version, written into the file so a reader can tell what it holds.
FORMAT = "kajet-family-data-1"


def _name(user: User | None) -> str:
    return user.full_name if user is not None else ""


def _student(student: Student) -> dict[str, Any]:
    user = student.user
    school_class = student.school_class
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "login_number": student.login_number,
        "birth_date": student.birth_date,
        "school_class": school_class.name,
        "school_year": school_class.year.name,
        "class_number": student.class_number,
        "enrolled_on": student.enrolled_on,
        "left_on": student.left_on,
    }


def _guardians(student: Student) -> list[dict[str, Any]]:
    return [
        {
            "first_name": g.guardian.first_name,
            "last_name": g.guardian.last_name,
            "email": g.guardian.email,
            "relation": g.relation,
        }
        for g in Guardianship.objects.filter(student=student)
        .select_related("guardian")
        .order_by("guardian__last_name", "guardian__first_name", "pk")
    ]


def _grades(student: Student) -> list[dict[str, Any]]:
    grades = (
        Grade.objects.filter(student=student, deleted_at__isnull=True)
        .select_related("course__subject", "term", "column__category", "created_by")
        .order_by("course__subject__name", "created_at", "pk")
    )
    return [
        {
            "subject": g.course.subject.name,
            "kind": g.kind,
            "term": g.term.number if g.term is not None else None,
            "mark": g.text,
            "value": g.value,
            "descriptive": g.descriptive,
            "comment": g.comment,
            "category": g.column.category.name if g.column is not None else None,
            "description": g.column.description if g.column is not None else "",
            "date": g.column.date if g.column is not None else None,
            "teacher": _name(g.created_by),
            "entered_at": g.created_at,
            "corrects_earlier_grade": g.corrects_id is not None,
        }
        for g in grades
    ]


def _behaviour(student: Student) -> list[dict[str, Any]]:
    return [
        {
            "school_year": b.year.name,
            "term": b.term.number if b.term is not None else None,
            "value": b.value,
            "set_by": _name(b.set_by),
        }
        for b in BehaviourGrade.objects.filter(student=student)
        .select_related("year", "term", "set_by")
        .order_by("year__starts_on", "term__number", "pk")
    ]


def _attendance(student: Student) -> list[dict[str, Any]]:
    marks = (
        AttendanceMark.objects.filter(student=student)
        .select_related("lesson__course__subject", "lesson__period", "lesson__teacher", "type")
        .order_by("lesson__date", "lesson__period__number", "pk")
    )
    return [
        {
            "date": m.lesson.date,
            "lesson_number": m.lesson.period.number,
            "subject": m.lesson.course.subject.name,
            "teacher": _name(m.lesson.teacher),
            "mark": m.type.name,
            "code": m.type.code,
            "counted_as": m.type.kind,
        }
        for m in marks
    ]


def _excuses(student: Student) -> list[dict[str, Any]]:
    excuses = (
        Excuse.objects.filter(student=student)
        .select_related("submitted_by", "decided_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ExcuseItem.objects.select_related(
                    "mark__lesson__period", "mark__lesson__course__subject"
                ).order_by("mark__lesson__date", "mark__lesson__period__number", "pk"),
            )
        )
        .order_by("created_at", "pk")
    )
    return [
        {
            "submitted_at": e.created_at,
            "submitted_by": _name(e.submitted_by),
            "reason": e.reason,
            "status": e.status,
            "note": e.note,
            "decided_by": _name(e.decided_by),
            "decided_at": e.decided_at,
            "withdrawn_at": e.withdrawn_at,
            "has_attachment": bool(e.attachment_name),
            "absences": [
                {
                    "date": i.mark.lesson.date,
                    "lesson_number": i.mark.lesson.period.number,
                    "subject": i.mark.lesson.course.subject.name,
                    "outcome": i.outcome,
                }
                for i in e.items.all()
            ],
        }
        for e in excuses
    ]


def _remarks(student: Student, *, hidden_too: bool) -> list[dict[str, Any]]:
    qs = Remark.objects.filter(student=student, deleted_at__isnull=True)
    if not hidden_too:
        qs = qs.filter(visible_to_student=True)
    return [
        {
            "date": r.date,
            "kind": r.kind,
            "category": r.category.name,
            "text": r.text,
            "points": r.points,
            "author": _name(r.author),
        }
        for r in qs.select_related("category", "author").order_by("date", "pk")
    ]


def _homework_done(student: Student) -> list[dict[str, Any]]:
    return [
        {
            "subject": d.homework.course.subject.name,
            "title": d.homework.title,
            "due_on": d.homework.due_on,
            "marked_done_at": d.done_at,
        }
        for d in HomeworkDone.objects.filter(student=student, homework__deleted_at__isnull=True)
        .select_related("homework__course__subject")
        .order_by("homework__due_on", "pk")
    ]


def _messages(student: Student) -> list[dict[str, Any]]:
    """Metadata only: when, from whom, to whom — not the subject or the text, which belong
    to the correspondents' mailboxes."""
    return [
        {
            "sent_at": m.created_at,
            "sender": _name(m.sender),
            "recipients": m.recipients_label,
            "recipient_count": m.recipient_count,
            "attachment_count": m.attachment_count,
        }
        for m in Message.objects.filter(concerns_student=student)
        .select_related("sender")
        .order_by("created_at", "pk")
    ]


def family_data(student: Student, *, viewer: User) -> dict[str, Any]:
    """Everything the register holds about ``student`` that the export hands to the family
    ``viewer`` (a guardian, or the student themself: a student does not get the remarks
    hidden from students). ``student`` comes with its user and class year loaded."""
    return {
        "format": FORMAT,
        "generated_at": timezone.localtime(),
        "student": _student(student),
        "guardians": _guardians(student),
        "grades": _grades(student),
        "behaviour_grades": _behaviour(student),
        "attendance": _attendance(student),
        "excuses": _excuses(student),
        "remarks": _remarks(student, hidden_too=viewer.kind != User.Kind.STUDENT),
        "homework_done": _homework_done(student),
        "messages": _messages(student),
    }
