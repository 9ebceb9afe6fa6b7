"""Writes to remarks: write (for one or several students at once), correct, remove (soft),
acknowledge, and the school's categories.

Every write runs in one transaction and records history (``remarks.remark.*``,
``remarks.category.*``); a new remark notifies the student's guardians (and the student
when it is visible to them) on commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kajet.accounts.models import User
from kajet.attendance.models import Lesson
from kajet.core.history import history_record, history_record_many
from kajet.core.models import School
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.remarks.models import Kind, Remark, RemarkAcknowledgement, RemarkCategory
from kajet.school.models import Guardianship, Student

MAX_TEXT = 2000

#: The list a school starts with (name, usual kind, points); the administrator changes it.
DEFAULT_CATEGORIES: tuple[tuple[str, str, int], ...] = (
    (gettext_noop("Behaviour in class"), Kind.NEGATIVE, -5),
    (gettext_noop("Praise"), Kind.POSITIVE, 5),
    (gettext_noop("Being late"), Kind.NEGATIVE, -2),
    (gettext_noop("No PE kit"), Kind.NEGATIVE, -2),
    (gettext_noop("No homework or materials"), Kind.NEGATIVE, -2),
    (gettext_noop("Work for the class or school"), Kind.POSITIVE, 10),
    (gettext_noop("Contest or competition"), Kind.POSITIVE, 10),
    (gettext_noop("Information for the family"), Kind.NEUTRAL, 0),
)


def _snapshot(remark: Remark) -> dict[str, object]:
    return {
        "student": remark.student_id,
        "category": remark.category_id,
        "kind": remark.kind,
        "text": remark.text,
        "date": remark.date.isoformat(),
        "lesson": remark.lesson_id,
        "points": remark.points,
        "visible_to_student": remark.visible_to_student,
    }


def _validate(
    *,
    category: RemarkCategory,
    kind: str,
    text: str,
    date: datetime.date,
    lesson: Lesson | None,
    students: Sequence[Student],
) -> None:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("Write what happened.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("The text is too long (at most %(n)d characters).") % {"n": MAX_TEXT}
    if kind not in Kind.values:
        errors["kind"] = _("Choose positive, negative or neutral.")
    if not category.is_active:
        errors["category"] = _("This category is no longer in use.")
    if date > timezone.localdate():
        errors["date"] = _("A remark cannot be dated in the future.")
    if lesson is not None:
        if lesson.date != date:
            errors["lesson"] = _("The lesson was held on another day than the remark's date.")
        elif any(s.school_class_id != lesson.course.school_class_id for s in students):
            errors["lesson"] = _("The lesson is not one of these students' lessons.")
    if errors:
        raise ValidationError(errors)


def _family_of(student: Student, *, with_student: bool) -> list[int]:
    ids = list(Guardianship.objects.filter(student=student).values_list("guardian_id", flat=True))
    if with_student:
        ids.append(student.user_id)
    return ids


@transaction.atomic
def remark_add(
    *,
    actor: User,
    students: Sequence[Student],
    category: RemarkCategory,
    kind: str,
    text: str,
    date: datetime.date,
    lesson: Lesson | None = None,
    visible_to_student: bool = True,
) -> list[Remark]:
    """Write the same remark about each of ``students`` (the caller has checked the actor may
    write about them) and tell their families."""
    if not students:
        raise ValidationError({"students": _("Choose at least one student.")})
    _validate(category=category, kind=kind, text=text, date=date, lesson=lesson, students=students)
    remarks = [
        Remark.objects.create(
            school_id=category.school_id,
            student=student,
            author=actor,
            category=category,
            kind=kind,
            text=text.strip(),
            date=date,
            lesson=lesson,
            points=category.points,
            visible_to_student=visible_to_student,
        )
        for student in students
    ]
    history_record_many(
        school=category.school,
        actor=actor,
        entries=[
            {
                "code": "remarks.remark.created",
                "object_type": "remark",
                "object_id": remark.pk,
                "old": None,
                "new": _snapshot(remark),
            }
            for remark in remarks
        ],
    )
    kind_label = Kind(kind).label
    for remark, student in zip(remarks, students, strict=True):
        notify(
            school=category.school_id,
            user_ids=_family_of(student, with_student=visible_to_student),
            kind=Notification.Kind.REMARK,
            title=_("New remark (%(kind)s) for %(name)s: %(category)s")
            % {"kind": kind_label, "name": student.user.first_name, "category": category.name},
            url=reverse("remarks:detail", args=[remark.pk]),
        )
    return remarks


@transaction.atomic
def remark_correct(
    *,
    actor: User,
    remark: Remark,
    category: RemarkCategory,
    kind: str,
    text: str,
    date: datetime.date,
    visible_to_student: bool,
) -> Remark:
    """Correct a remark (the caller has checked the actor wrote it); old and new go to the
    history. The points follow the category when the category changes; the lesson stays only
    while the date does."""
    changed_category = category.pk != remark.category_id
    # An unchanged category stays valid even after it was taken out of use.
    _validate(
        category=category if changed_category else RemarkCategory(is_active=True),
        kind=kind,
        text=text,
        date=date,
        lesson=None,
        students=[remark.student],
    )
    lesson = remark.lesson if remark.date == date else None
    old = _snapshot(remark)
    if category.pk != remark.category_id:
        remark.points = category.points
    remark.category = category
    remark.kind = kind
    remark.text = text.strip()
    remark.date = date
    remark.lesson = lesson
    remark.visible_to_student = visible_to_student
    remark.version += 1
    remark.save()
    history_record(
        school=category.school,
        actor=actor,
        code="remarks.remark.corrected",
        object_type="remark",
        object_id=remark.pk,
        old=old,
        new=_snapshot(remark),
    )
    return remark


@transaction.atomic
def remark_remove(*, actor: User, remark: Remark, reason: str) -> None:
    """Hide a remark from everyone (soft: the row and its history stay), with a reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing the remark.")})
    remark.deleted_at = timezone.now()
    remark.deleted_by = actor
    remark.version += 1
    remark.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    history_record(
        school=remark.category.school,
        actor=actor,
        code="remarks.remark.removed",
        object_type="remark",
        object_id=remark.pk,
        old=_snapshot(remark),
        new={"reason": reason.strip()},
    )


def remark_acknowledge(*, actor: User, remark: Remark) -> RemarkAcknowledgement:
    """Record the guardian's "I have read it" (idempotent: a second click keeps the first
    time)."""
    try:
        with transaction.atomic():
            ack, created = RemarkAcknowledgement.objects.get_or_create(
                remark=remark, user=actor, defaults={"school_id": remark.school_id}
            )
    except IntegrityError:  # two clicks at once: the other one won
        ack = RemarkAcknowledgement.objects.get(remark=remark, user=actor)
        created = False
    if created:
        history_record(
            school=School.objects.get(pk=remark.school_id),
            actor=actor,
            code="remarks.remark.acknowledged",
            object_type="remark",
            object_id=remark.pk,
            new={"at": ack.at.isoformat()},
        )
    return ack


# --- categories -------------------------------------------------------------------------------


@transaction.atomic
def remark_categories_seed_defaults(*, actor: User | None, school: School) -> int:
    """Give a school with no categories the default list (in the current language); a school
    that has any keeps its own. Returns how many were added."""
    if RemarkCategory.objects.filter(school=school).exists():
        return 0
    rows = [
        RemarkCategory(school=school, name=_(name), kind=kind, points=points, order=i * 10)
        for i, (name, kind, points) in enumerate(DEFAULT_CATEGORIES)
    ]
    RemarkCategory.objects.bulk_create(rows)
    history_record(
        school=school,
        actor=actor,
        code="remarks.category.defaults",
        object_type="school",
        object_id=school.pk,
        new=[row.name for row in rows],
    )
    return len(rows)


def _validate_category(*, school: School, name: str, pk: int | None) -> None:
    if not name.strip():
        raise ValidationError({"name": _("Enter a name.")})
    clash = RemarkCategory.objects.filter(school=school, name__iexact=name.strip())
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ValidationError({"name": _("The school already has a category with this name.")})


def _category_snapshot(category: RemarkCategory) -> dict[str, object]:
    return {
        "name": category.name,
        "kind": category.kind,
        "points": category.points,
        "order": category.order,
        "is_active": category.is_active,
    }


@transaction.atomic
def remark_category_save(
    *,
    actor: User,
    school: School,
    category: RemarkCategory | None,
    name: str,
    kind: str,
    points: int,
    order: int,
    is_active: bool,
) -> RemarkCategory:
    """Add a category (``category`` None) or change one; history keeps old and new."""
    _validate_category(school=school, name=name, pk=category.pk if category else None)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose positive, negative or neutral.")})
    old = _category_snapshot(category) if category is not None else None
    if category is None:
        category = RemarkCategory(school=school)
    category.name = name.strip()
    category.kind = kind
    category.points = points
    category.order = order
    category.is_active = is_active
    category.save()
    history_record(
        school=school,
        actor=actor,
        code="remarks.category.saved",
        object_type="remark_category",
        object_id=category.pk,
        old=old,
        new=_category_snapshot(category),
    )
    return category
