"""Page-shaped reads of homework, each with a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from kajet.accounts.models import User
from kajet.homework.access import homework_for_student, homework_visible_to
from kajet.homework.models import Homework, HomeworkAttachment, HomeworkDone
from kajet.school.models import Student, Subject

#: How many past homework a list shows (older ones stay reachable through the API).
PAST_LIMIT = 50


@dataclass
class HomeworkList:
    upcoming: list[Homework] = field(default_factory=list)
    past: list[Homework] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    past_truncated: bool = False


def _with_related(qs: QuerySet[Homework]) -> QuerySet[Homework]:
    return qs.select_related(
        "course__subject", "course__school_class", "course__group", "author"
    ).prefetch_related(Prefetch("attachments", queryset=HomeworkAttachment.objects.order_by("id")))


def _split(
    qs: QuerySet[Homework], today: datetime.date
) -> tuple[list[Homework], list[Homework], bool]:
    upcoming = list(qs.filter(due_on__gte=today).order_by("due_on", "course__subject__name", "id"))
    past = list(qs.filter(due_on__lt=today).order_by("-due_on", "-id")[: PAST_LIMIT + 1])
    return upcoming, past[:PAST_LIMIT], len(past) > PAST_LIMIT


def with_done_for(qs: QuerySet[Homework], student: Student) -> QuerySet[Homework]:
    """Annotate ``is_done`` for one student (one EXISTS per row, no extra query)."""
    return qs.annotate(
        is_done=Exists(HomeworkDone.objects.filter(homework=OuterRef("pk"), student=student))
    )


def homework_list_for_student(
    *, student: Student, today: datetime.date, subject_id: int | None = None
) -> HomeworkList:
    """A student's homework: upcoming by due date (soonest first), past newest first; the
    subjects that have homework, for the filter; ``is_done`` on each. Five queries."""
    base = homework_for_student(student)
    subjects = list(
        Subject.objects.filter(pk__in=base.values("course__subject_id")).order_by("name")
    )
    qs = base
    if subject_id is not None:
        qs = qs.filter(course__subject_id=subject_id)
    qs = _with_related(with_done_for(qs, student))
    upcoming, past, truncated = _split(qs, today)
    return HomeworkList(upcoming, past, subjects, truncated)


def homework_list_for_staff(
    *,
    user: User,
    today: datetime.date,
    subject_id: int | None = None,
    class_id: int | None = None,
) -> HomeworkList:
    """The homework a staff member sees (their courses; everything for school-wide roles),
    optionally for one subject and one class."""
    base = homework_visible_to(user)
    subjects = list(
        Subject.objects.filter(pk__in=base.values("course__subject_id")).order_by("name")
    )
    qs = base
    if subject_id is not None:
        qs = qs.filter(course__subject_id=subject_id)
    if class_id is not None:
        qs = qs.filter(course__school_class_id=class_id)
    upcoming, past, truncated = _split(_with_related(qs), today)
    return HomeworkList(upcoming, past, subjects, truncated)


def homework_due_for_student(
    *, student: Student, start: datetime.date, end: datetime.date
) -> list[Homework]:
    """A student's homework due in [start, end], soonest first, with ``is_done`` and the
    subject loaded — one query (the dashboard and the calendar feed)."""
    return list(
        with_done_for(
            homework_for_student(student).filter(due_on__gte=start, due_on__lte=end), student
        )
        .select_related("course__subject", "course__group", "course__school_class")
        .order_by("due_on", "course__subject__name", "id")
    )


def homework_due_for_teacher(
    *, user: User, start: datetime.date, end: datetime.date
) -> list[Homework]:
    """Homework of the teacher's own courses due in [start, end] (one query)."""
    return list(
        Homework.objects.filter(
            deleted_at__isnull=True, course__teacher=user, due_on__gte=start, due_on__lte=end
        )
        .select_related("course__subject", "course__school_class", "course__group")
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class HomeworkRow:
    """Homework as a short list shows it (the dashboard): read with ``.values()``."""

    id: int
    title: str
    due_on: datetime.date
    subject_name: str
    class_name: str
    group_name: str
    is_done: bool | None = None  # None: not about one student (staff)

    @property
    def pk(self) -> int:
        return self.id

    @property
    def target_name(self) -> str:
        """ "6b" for a class's homework, "6b NIEM gr. 1" for a group's."""
        return f"{self.class_name} {self.group_name}" if self.group_name else self.class_name


_ROW_FIELDS = (
    "id",
    "title",
    "due_on",
    "course__subject__name",
    "course__school_class__name",
    "course__group__name",
)


def _rows(qs: QuerySet[Homework], *, done: bool) -> list[HomeworkRow]:
    fields = (*_ROW_FIELDS, "is_done") if done else _ROW_FIELDS
    return [
        HomeworkRow(
            id=row["id"],
            title=row["title"],
            due_on=row["due_on"],
            subject_name=row["course__subject__name"],
            class_name=row["course__school_class__name"],
            group_name=row["course__group__name"] or "",
            is_done=row["is_done"] if done else None,
        )
        for row in qs.values(*fields)
    ]


def homework_rows_due_for_student(
    *, student: Student, start: datetime.date, end: datetime.date
) -> list[HomeworkRow]:
    """``homework_due_for_student`` as rows (one query, no model objects)."""
    qs = with_done_for(
        homework_for_student(student).filter(due_on__gte=start, due_on__lte=end), student
    ).order_by("due_on", "course__subject__name", "id")
    return _rows(qs, done=True)


def homework_ids_done_by(*, student: Student, ids: list[int]) -> set[int]:
    """Which of ``ids`` the student has marked done (one query; none for no ids): the
    ``is_done`` of ``homework_rows_due_for_student``."""
    if not ids:
        return set()
    done = HomeworkDone.objects.filter(student=student, homework_id__in=ids)
    return set(done.values_list("homework_id", flat=True))


def homework_rows_due_for_teacher(
    *, user: User, start: datetime.date, end: datetime.date
) -> list[HomeworkRow]:
    """``homework_due_for_teacher`` as rows (one query, no model objects)."""
    qs = Homework.objects.filter(
        deleted_at__isnull=True, course__teacher=user, due_on__gte=start, due_on__lte=end
    ).order_by("due_on", "id")
    return _rows(qs, done=False)
