"""Lesson changes: substitutions, cancellations and moves, with notifications to the
people of the course."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.datefmt import short_date
from kajet.core.history import history_record
from kajet.core.models import School
from kajet.core.versions import home_changed
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.school.models import (
    Course,
    GroupMembership,
    Guardianship,
    LessonPeriod,
    Student,
)
from kajet.timetable import rules
from kajet.timetable.models import (
    LessonChange,
    Room,
    TimetableEntry,
)
from kajet.timetable.services.deletion import deletion_stamp, lesson_change_state, soft_delete

KIND_CHANGE = Notification.Kind.CHANGE


def _people_of_course(course: Course) -> set[int]:
    """Students of the class or group and their guardians (user ids)."""
    students = Student.objects.filter(school_class_id=course.school_class_id, left_on__isnull=True)
    if course.group_id is not None:
        students = students.filter(
            pk__in=GroupMembership.objects.filter(group_id=course.group_id).values("student_id")
        )
    ids = set(students.values_list("user_id", flat=True))
    ids |= set(
        Guardianship.objects.filter(student__in=students).values_list("guardian_id", flat=True)
    )
    return ids


@transaction.atomic
def lesson_change_add(
    *,
    school: School,
    actor: User,
    entry: TimetableEntry,
    date: datetime.date,
    kind: str,
    new_teacher: User | None = None,
    new_course: Course | None = None,
    new_room: Room | None = None,
    new_date: datetime.date | None = None,
    new_period: LessonPeriod | None = None,
    note: str = "",
) -> LessonChange:
    """Record a substitution, cancellation or move of ``entry``'s lesson on ``date`` (one per
    lesson and date) and notify the students, guardians and both teachers."""
    home_changed(school.pk)  # the home page caches what this changes
    if date.weekday() != entry.weekday:
        raise ValidationError(_("This lesson does not take place on that day."))
    if LessonChange.objects.filter(entry=entry, date=date).exists():
        raise ValidationError(_("This lesson already has a change on that date."))
    if kind == LessonChange.Kind.SUBSTITUTION:
        if new_teacher is None and new_course is None and new_room is None:
            raise ValidationError(
                _("A substitution needs another teacher, another course or another room.")
            )
        new_date = None
        new_period = None
    elif kind == LessonChange.Kind.MOVED:
        new_date, new_period = _moved_to(entry, date, new_date, new_period)
    elif kind == LessonChange.Kind.CANCELLATION:
        new_teacher = new_course = new_room = None
        new_date = new_period = None
    else:
        raise ValidationError(_("Unknown kind of change."))
    change = LessonChange.objects.create(
        school=school,
        entry=entry,
        date=date,
        kind=kind,
        new_teacher=new_teacher,
        new_course=new_course,
        new_room=new_room,
        new_date=new_date,
        new_period=new_period,
        note=note,
        created_by=actor,
    )
    history_record(
        school=school,
        actor=actor,
        code=f"timetable.lesson_change.{kind}",
        object_type="lessonchange",
        object_id=change.pk,
        new={
            "entry": entry.pk,
            "date": date.isoformat(),
            "new_teacher": new_teacher.pk if new_teacher else None,
            "new_course": new_course.pk if new_course else None,
            "new_room": new_room.pk if new_room else None,
            "new_date": new_date.isoformat() if new_date else None,
            "new_period": new_period.pk if new_period else None,
        },
    )
    _notify_change(school, entry, date, kind, new_teacher, new_course)
    return change


def _moved_to(
    entry: TimetableEntry,
    date: datetime.date,
    new_date: datetime.date | None,
    new_period: LessonPeriod | None,
) -> tuple[datetime.date, LessonPeriod]:
    """Where a moved lesson goes: the same day or lesson unless given; never a weekend,
    never the same time."""
    if new_date is None and new_period is None:
        raise ValidationError(_("A moved lesson needs a new date or lesson."))
    if new_date is None:
        new_date = date
    if new_period is None:
        new_period = entry.period
    if new_date.weekday() > 4:
        raise ValidationError(_("A lesson cannot be moved to a weekend."))
    if new_date == date and new_period.pk == entry.period_id:
        raise ValidationError(_("The new time is the same as the old one."))
    return new_date, new_period


def _notify_change(
    school: School,
    entry: TimetableEntry,
    date: datetime.date,
    kind: str,
    new_teacher: User | None,
    new_course: Course | None,
) -> None:
    """Tell the course's students, guardians and teacher, and the substitute, on commit."""
    course = entry.course
    recipients = _people_of_course(course) | {course.teacher_id}
    if new_teacher is not None:
        recipients.add(new_teacher.pk)
    if new_course is not None:
        recipients.add(new_course.teacher_id)
    titles = {
        LessonChange.Kind.SUBSTITUTION: _("Substitution: %(subject)s, %(date)s, lesson %(n)s"),
        LessonChange.Kind.CANCELLATION: _("Cancelled: %(subject)s, %(date)s, lesson %(n)s"),
        LessonChange.Kind.MOVED: _("Moved: %(subject)s, %(date)s, lesson %(n)s"),
    }
    title = titles[LessonChange.Kind(kind)] % {
        "subject": course.subject.name,
        "date": short_date(date),
        "n": entry.period.number,
    }
    notify(
        school=school,
        user_ids=recipients,
        kind=KIND_CHANGE,
        title=title,
        url=reverse("timetable:week") + f"?tydzien={rules.week_start(date).isoformat()}",
    )


@transaction.atomic
def lesson_change_remove(*, school: School, actor: User, change: LessonChange) -> LessonChange:
    """Withdraw a change (the lesson takes place as planned): the change is soft-deleted
    (``deleted_at``, ``deleted_by``) and no week, feed or API answer shows it any more; the row
    and its history (its whole old state, who and when) stay. A new change for the same lesson
    and date may be recorded afterwards. Raises ``ValidationError`` when it was withdrawn in
    the meantime."""
    home_changed(school.pk)  # the home page and the feeds cache what this changes
    locked = LessonChange.objects.select_for_update().filter(pk=change.pk).order_by("pk").first()
    if locked is None:
        raise ValidationError(_("This change has already been withdrawn."))
    now = timezone.now()
    old = lesson_change_state(locked)
    soft_delete(locked, actor=actor, at=now)
    history_record(
        school=school,
        actor=actor,
        code="timetable.lesson_change.removed",
        object_type="lessonchange",
        object_id=locked.pk,
        old=old,
        new=deletion_stamp(actor, now),
    )
    return locked
