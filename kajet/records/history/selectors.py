"""Page-shaped reads of the register's history (``HistoryEntry``): filtered, newest first,
each row told in words with its student, class and subject.

A history row names its object only by type and id, so the filters go through the objects'
tables (a subquery per object type) and a page of rows loads its objects in one query per
object type present — a fixed number of queries whatever the page's length. Everything runs
inside the school's scope (``TenantModel``), so an id of another school matches nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from kajet.accounts.models import User
from kajet.attendance.models import AttendanceMark, AttendanceType, Excuse, Lesson
from kajet.core.models import HistoryEntry
from kajet.grades.models import BehaviourGrade, Grade, GradeColumn
from kajet.records.history import kinds
from kajet.remarks.models import Remark
from kajet.school.models import SchoolClass, Student, Subject
from kajet.timetable.models import Event, LessonChange

PER_PAGE = 50
#: The most rows one CSV export carries (the page and the file say so when there are more).
EXPORT_LIMIT = 5000
#: The most rows one PDF carries: WeasyPrint lays out 5,000 rows in about two minutes on a
#: busy two-core machine, 1,000 in well under half a minute.
PDF_LIMIT = 1000

# The object types the register's services write (see their history_record calls).
GRADE = "grades.grade"
BEHAVIOUR = "grades.behaviour"
COLUMN = "grades.column"
MARK = "attendance.mark"
LESSON = "attendance.lesson"
EXCUSE = "attendance.excuse"
REMARK = "remark"
EVENT = "event"
LESSON_CHANGE = "lessonchange"
PLAN = "timetableplan"
STUDENT = "student"

#: The kinds of change a family sees about their own child.
FAMILY_KINDS = (kinds.GRADE, kinds.TERM_GRADE, kinds.BEHAVIOUR, kinds.ATTENDANCE)


@dataclass(frozen=True)
class HistoryFilter:
    """What the principal asked for; every field is optional. The objects come from the
    school's scope (the form looked them up), so they are the school's own."""

    school_class: SchoolClass | None = None
    student: Student | None = None
    subject: Subject | None = None
    author: User | None = None
    kind: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


@dataclass(frozen=True)
class HistoryRow:
    """One history row as the pages and exports show it."""

    entry: HistoryEntry
    change: kinds.Change
    student: str
    school_class: str
    subject: str

    @property
    def at(self) -> datetime.datetime:
        return timezone.localtime(self.entry.at)

    @property
    def author(self) -> str:
        actor = self.entry.actor
        return actor.full_name if actor is not None else ""


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of a day in the school's time zone (the filter's dates are local days)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _ids(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.values("pk")


def _of(object_type: str, qs: QuerySet[Any]) -> Q:
    return Q(object_type=object_type, object_id__in=_ids(qs))


def _register() -> QuerySet[HistoryEntry]:
    """The register's history rows (grades, attendance, remarks, timetable and calendar)."""
    apps = reduce(or_, (Q(code__startswith=prefix) for prefix in kinds.REGISTER_APPS))
    return HistoryEntry.objects.filter(apps)


def _kind_q(kind: str) -> Q:
    prefixes, negate = kinds.codes_of_kind(kind)
    if not prefixes:
        return Q(pk__in=[])
    q = reduce(or_, (Q(code__startswith=p) for p in prefixes))
    return ~q if negate else q


def _student_q(student: Student) -> Q:
    return (
        _of(GRADE, Grade.objects.filter(student=student))
        | _of(MARK, AttendanceMark.objects.filter(student=student))
        | _of(BEHAVIOUR, BehaviourGrade.objects.filter(student=student))
        | _of(EXCUSE, Excuse.objects.filter(student=student))
        | _of(REMARK, Remark.objects.filter(student=student))
        | Q(object_type=STUDENT, object_id=student.pk)
    )


def _class_q(school_class: SchoolClass) -> Q:
    # Grades, marks and lessons belong to the class of their course (a student who changed
    # class keeps last class's history there); the rest to the student's class.
    return (
        _of(GRADE, Grade.objects.filter(course__school_class=school_class))
        | _of(COLUMN, GradeColumn.objects.filter(course__school_class=school_class))
        | _of(MARK, AttendanceMark.objects.filter(lesson__course__school_class=school_class))
        | _of(LESSON, Lesson.objects.filter(course__school_class=school_class))
        | _of(BEHAVIOUR, BehaviourGrade.objects.filter(student__school_class=school_class))
        | _of(EXCUSE, Excuse.objects.filter(student__school_class=school_class))
        | _of(REMARK, Remark.objects.filter(student__school_class=school_class))
        | _of(EVENT, Event.objects.filter(classes=school_class))
        | _of(LESSON_CHANGE, LessonChange.objects.filter(entry__course__school_class=school_class))
        | Q(object_type=PLAN, new__class=school_class.pk)
    )


def _subject_q(subject: Subject) -> Q:
    return (
        _of(GRADE, Grade.objects.filter(course__subject=subject))
        | _of(COLUMN, GradeColumn.objects.filter(course__subject=subject))
        | _of(MARK, AttendanceMark.objects.filter(lesson__course__subject=subject))
        | _of(LESSON, Lesson.objects.filter(course__subject=subject))
        | _of(EVENT, Event.objects.filter(subject=subject))
        | _of(
            LESSON_CHANGE,
            LessonChange.objects.filter(
                Q(entry__course__subject=subject) | Q(new_course__subject=subject)
            ),
        )
    )


def history_entries(history_filter: HistoryFilter) -> QuerySet[HistoryEntry]:
    """The school's register history matching the filter, newest first, with authors."""
    qs = _register()
    f = history_filter
    if f.kind:
        qs = qs.filter(_kind_q(f.kind))
    if f.student is not None:
        qs = qs.filter(_student_q(f.student))
    if f.school_class is not None:
        qs = qs.filter(_class_q(f.school_class))
    if f.subject is not None:
        qs = qs.filter(_subject_q(f.subject))
    if f.author is not None:
        qs = qs.filter(actor=f.author)
    if f.start is not None:
        qs = qs.filter(at__gte=_midnight(f.start))
    if f.end is not None:
        qs = qs.filter(at__lt=_midnight(f.end + datetime.timedelta(days=1)))
    return qs.select_related("actor").order_by("-at", "-id")


def family_entries(student: Student, kind: str = "") -> QuerySet[HistoryEntry]:
    """The history of one student's grades, term and behaviour grades and attendance marks
    — only rows about that student — newest first, with authors."""
    about = (
        _of(
            GRADE,
            Grade.objects.filter(student=student),
        )
        & (Q(code__startswith="grades.grade.") | Q(code__startswith="grades.term_grade."))
    ) | (
        _of(MARK, AttendanceMark.objects.filter(student=student))
        | _of(BEHAVIOUR, BehaviourGrade.objects.filter(student=student))
    )
    qs = HistoryEntry.objects.filter(about)
    if kind in FAMILY_KINDS:
        qs = qs.filter(_kind_q(kind))
    return qs.select_related("actor").order_by("-at", "-id")


# --- rows in words -------------------------------------------------------------------------


@dataclass(frozen=True)
class _About:
    student: str = ""
    school_class: str = ""
    subject: str = ""
    title: str = ""


def _student_about(student: Student | None, subject: str = "") -> _About:
    if student is None:
        return _About(subject=subject)
    return _About(
        student=student.user.sort_name,
        school_class=student.school_class.name if student.school_class_id else "",
        subject=subject,
    )


def _load(object_type: str, ids: Sequence[int]) -> dict[int, _About]:
    """The student, class and subject of objects of one type (one query)."""
    if object_type == GRADE:
        grades = Grade.objects.filter(pk__in=ids).select_related(
            "student__user", "student__school_class", "course__subject"
        )
        return {g.pk: _student_about(g.student, g.course.subject.name) for g in grades}
    if object_type == MARK:
        marks = AttendanceMark.objects.filter(pk__in=ids).select_related(
            "student__user", "student__school_class", "lesson__course__subject"
        )
        return {m.pk: _student_about(m.student, m.lesson.course.subject.name) for m in marks}
    if object_type in (BEHAVIOUR, EXCUSE, REMARK):
        model: Any = {BEHAVIOUR: BehaviourGrade, EXCUSE: Excuse, REMARK: Remark}[object_type]
        rows = model.objects.filter(pk__in=ids).select_related(
            "student__user", "student__school_class"
        )
        return {r.pk: _student_about(r.student) for r in rows}
    if object_type == STUDENT:
        students = Student.objects.filter(pk__in=ids).select_related("user", "school_class")
        return {s.pk: _student_about(s) for s in students}
    if object_type in (LESSON, COLUMN):
        taught: Any = Lesson if object_type == LESSON else GradeColumn
        rows = taught.objects.filter(pk__in=ids).select_related(
            "course__subject", "course__school_class"
        )
        return {
            r.pk: _About(school_class=r.course.school_class.name, subject=r.course.subject.name)
            for r in rows
        }
    if object_type == LESSON_CHANGE:
        changes = LessonChange.objects.filter(pk__in=ids).select_related(
            "entry__course__subject", "entry__course__school_class"
        )
        return {
            c.pk: _About(
                school_class=c.entry.course.school_class.name,
                subject=c.entry.course.subject.name,
            )
            for c in changes
        }
    if object_type == EVENT:
        events = Event.objects.filter(pk__in=ids).select_related("subject")
        return {e.pk: _About(subject=e.subject.name if e.subject else "") for e in events}
    return {}


def _plan_classes(entries: Iterable[HistoryEntry]) -> dict[int, str]:
    """Class names of the "class timetable saved" rows (one query, none without such rows)."""
    ids = {
        e.new.get("class")
        for e in entries
        if e.object_type == PLAN and isinstance(e.new, dict) and e.new.get("class")
    }
    if not ids:
        return {}
    return dict(SchoolClass.objects.filter(pk__in=ids).values_list("pk", "name"))


def _attendance_names(entries: Sequence[HistoryEntry]) -> dict[str, str]:
    if not any(e.object_type == MARK for e in entries):
        return {}
    return dict(AttendanceType.objects.values_list("code", "name"))


def history_rows(entries: Sequence[HistoryEntry]) -> list[HistoryRow]:
    """The rows in words: at most one query per object type present, plus the attendance
    types' names and the timetables' classes when needed."""
    by_type: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        by_type[entry.object_type].append(entry.object_id)
    about = {t: _load(t, ids) for t, ids in by_type.items()}
    names = _attendance_names(entries)
    plan_classes = _plan_classes(entries)
    rows = []
    for entry in entries:
        what = about.get(entry.object_type, {}).get(entry.object_id, _About())
        school_class = what.school_class
        if entry.object_type == PLAN and isinstance(entry.new, dict):
            school_class = plan_classes.get(entry.new.get("class") or 0, "")
        rows.append(
            HistoryRow(
                entry=entry,
                change=kinds.change_of(entry.code, entry.old, entry.new, attendance_names=names),
                student=what.student,
                school_class=school_class,
                subject=what.subject,
            )
        )
    return rows


def history_page(
    qs: QuerySet[HistoryEntry], page: str | int | None
) -> tuple[Page[Any], list[HistoryRow]]:
    """One page of ``qs`` (a count and the rows) and its rows in words."""
    current = Paginator(qs, PER_PAGE).get_page(page)
    return current, history_rows(list(current.object_list))


def history_export(
    qs: QuerySet[HistoryEntry], limit: int | None = None
) -> tuple[list[HistoryRow], int]:
    """Up to ``limit`` (default ``EXPORT_LIMIT``) rows in words, and how many match in all."""
    total = qs.count()
    return history_rows(list(qs[: limit or EXPORT_LIMIT])), total


def filter_choices(school_id: int) -> dict[str, list[Any]]:
    """The filter's lists: this year's classes, the students (with their class), the
    subjects and the staff — four queries."""
    return {
        "classes": list(
            SchoolClass.objects.filter(year__is_current=True).order_by("level", "name")
        ),
        "students": list(
            Student.objects.filter(school_class__year__is_current=True)
            .select_related("user", "school_class")
            .order_by("school_class__name", "user__last_name", "user__first_name")
        ),
        "subjects": list(Subject.objects.order_by("name")),
        "authors": list(
            User.objects.filter(school_id=school_id, kind=User.Kind.STAFF).order_by(
                "last_name", "first_name"
            )
        ),
    }
