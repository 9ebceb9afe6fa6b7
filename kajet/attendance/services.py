"""Writes: the school's attendance types and policy (created lazily), saving a lesson with
its marks (all-or-nothing, history for every change), and excuses (submit, approve, reject)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.attendance import excuses as rules
from kajet.attendance import stats
from kajet.attendance.models import (
    AttendanceMark,
    AttendancePolicy,
    AttendanceType,
    Excuse,
    ExcuseItem,
    Lesson,
)
from kajet.core.history import history_record, history_record_many
from kajet.core.models import School
from kajet.messaging.attachments import attachment_errors, safe_name
from kajet.messaging.services import message_send
from kajet.school.models import Course, Guardianship, LessonPeriod, Student

#: The five standard types every school gets: (code, kind, colour, English name).
STANDARD_TYPES: tuple[tuple[str, str, str, str], ...] = (
    ("ob", stats.PRESENT, "#15803d", "present"),
    ("nb", stats.ABSENT, "#b91c1c", "absent"),
    ("u", stats.EXCUSED, "#1d4ed8", "excused absence"),
    ("sp", stats.LATE, "#b45309", "late"),
    ("zw", stats.RELEASED, "#6b7280", "released"),
)


def attendance_types_for(school: School | int) -> list[AttendanceType]:
    """The school's types in order; the five standard ones are created on first use."""
    school_id = school if isinstance(school, int) else school.pk
    types = list(AttendanceType.objects.filter(school_id=school_id))
    if any(t.is_standard for t in types):
        return types
    AttendanceType.objects.bulk_create(
        [
            AttendanceType(
                school_id=school_id,
                code=code,
                kind=kind,
                colour=colour,
                name=name,
                order=i,
                is_standard=True,
            )
            for i, (code, kind, colour, name) in enumerate(STANDARD_TYPES)
        ],
        ignore_conflicts=True,
    )
    return list(AttendanceType.objects.filter(school_id=school_id))


def standard_type(types: Sequence[AttendanceType], kind: str) -> AttendanceType:
    for t in types:
        if t.is_standard and t.kind == kind:
            return t
    return next(t for t in types if t.kind == kind)


def policy_for(school: School | int) -> AttendancePolicy:
    """The school's policy (defaults, unsaved, when the school has not set one)."""
    school_id = school if isinstance(school, int) else school.pk
    found = AttendancePolicy.objects.filter(school_id=school_id).first()
    return found or AttendancePolicy(school_id=school_id)


# --- Lessons ----------------------------------------------------------------------------------


@transaction.atomic
def lesson_save(
    *,
    actor: Any,
    course: Course,
    day: datetime.date,
    period: LessonPeriod,
    topic: str,
    marks: Mapping[int, int],
    roster: Sequence[Student],
    types: Sequence[AttendanceType],
    lesson: Lesson | None = None,
) -> Lesson:
    """Save a held lesson: its topic and one mark per roster student (``marks``: student id →
    type id; students left out are present). All-or-nothing: any bad value writes nothing.
    Every changed mark gets a history entry. A constant number of queries (at most 8)."""
    type_by_id = {t.pk: t for t in types}
    present = standard_type(types, stats.PRESENT)
    roster_ids = {s.pk for s in roster}
    errors: list[str] = []
    if set(marks) - roster_ids:
        errors.append(_("A student who is not on this lesson's list was marked."))
    if any(type_id not in type_by_id for type_id in marks.values()):
        errors.append(_("Choose one of the attendance types."))
    topic = (topic or "").strip()
    if len(topic) > 300:
        errors.append(_("The topic can be at most 300 characters."))
    if day > timezone.localdate():
        errors.append(_("Attendance cannot be taken for a future date."))
    if errors:
        raise ValidationError(errors)

    history: list[dict[str, Any]] = []
    if lesson is None:
        lesson = Lesson.objects.create(
            school_id=course.school_id,
            course=course,
            date=day,
            period=period,
            topic=topic,
            teacher=actor,
        )
        history.append(
            {
                "code": "attendance.lesson.created",
                "object_type": "attendance.lesson",
                "object_id": lesson.pk,
                "old": None,
                "new": {"topic": topic, "date": day.isoformat(), "period": period.number},
            }
        )
        existing: dict[int, AttendanceMark] = {}
    else:
        if lesson.topic != topic:
            history.append(
                {
                    "code": "attendance.lesson.topic_changed",
                    "object_type": "attendance.lesson",
                    "object_id": lesson.pk,
                    "old": {"topic": lesson.topic},
                    "new": {"topic": topic},
                }
            )
            lesson.topic = topic
            Lesson.objects.filter(pk=lesson.pk).update(topic=topic, updated_at=timezone.now())
        existing = {m.student_id: m for m in AttendanceMark.objects.filter(lesson=lesson)}

    new_marks: list[AttendanceMark] = []
    changed: list[AttendanceMark] = []
    for student in roster:
        wanted = type_by_id.get(marks.get(student.pk, present.pk), present)
        mark = existing.get(student.pk)
        if mark is None:
            new_marks.append(
                AttendanceMark(
                    school_id=course.school_id, lesson=lesson, student=student, type=wanted
                )
            )
        elif mark.type_id != wanted.pk:
            old = type_by_id.get(mark.type_id)
            history.append(
                {
                    "code": "attendance.mark.changed",
                    "object_type": "attendance.mark",
                    "object_id": mark.pk,
                    "old": {"type": old.code if old else mark.type_id, "version": mark.version},
                    "new": {"type": wanted.code, "version": mark.version + 1},
                }
            )
            mark.type = wanted
            mark.version += 1
            changed.append(mark)
    if new_marks:
        AttendanceMark.objects.bulk_create(new_marks)
        if existing:  # a later edit adding a student: record each new mark
            history.extend(
                {
                    "code": "attendance.mark.added",
                    "object_type": "attendance.mark",
                    "object_id": m.pk or 0,
                    "old": None,
                    "new": {"type": m.type.code, "student": m.student_id},
                }
                for m in new_marks
            )
    if changed:
        AttendanceMark.objects.bulk_update(changed, ["type", "version", "updated_at"])
    if history:
        history_record_many(school=course.school, actor=actor, entries=history)
    return lesson


# --- Excuses ----------------------------------------------------------------------------------


def _excuse_url(excuse: Excuse) -> str:
    return reverse("attendance:excuse", args=[excuse.pk])


@transaction.atomic
def excuse_submit(
    *,
    actor: Any,
    student: Student,
    mark_ids: Sequence[int],
    reason: str,
    attachment: Any = None,
    today: datetime.date | None = None,
) -> Excuse:
    """Ask the homeroom teacher to excuse some of the student's unexcused absences.

    Refused (ValidationError, nothing written) for marks that are not the student's
    unexcused absences, already waiting in another excuse, or past the school's deadline;
    and for a student excusing themself unless adult and the policy allows it. The excuse
    goes to the homeroom teacher as a message carrying its link.
    """
    today = today or timezone.localdate()
    policy = policy_for(student.school_id)
    is_guardian = Guardianship.objects.filter(guardian=actor, student=student).exists()
    if not rules.may_submit(
        is_guardian=is_guardian,
        is_the_student=student.user_id == actor.pk,
        student_is_adult=rules.is_adult(student.birth_date, today),
        adult_self_excuse=policy.adult_self_excuse,
    ):
        raise ValidationError(_("You may not excuse this student's absences."))
    homeroom = student.school_class.homeroom_teacher
    errors: list[str] = []
    reason = (reason or "").strip()
    if not reason:
        errors.append(_("Write the reason for the absence."))
    elif len(reason) > 2000:
        errors.append(_("The reason can be at most 2000 characters."))
    if homeroom is None:
        errors.append(_("The class has no homeroom teacher to send the excuse to."))
    ids = sorted(set(mark_ids))
    if not ids:
        errors.append(_("Choose at least one absence."))
    marks = list(
        AttendanceMark.objects.filter(pk__in=ids, student=student).select_related(
            "type", "lesson__course__subject", "lesson__period"
        )
    )
    if len(marks) != len(ids):
        errors.append(_("Some of the chosen lessons are not this student's."))
    if any(m.type.kind != stats.ABSENT for m in marks):
        errors.append(_("Only unexcused absences can be excused."))
    waiting = ExcuseItem.objects.filter(mark__in=ids, excuse__status=rules.PENDING).values_list(
        "mark_id", flat=True
    )
    if list(waiting):
        errors.append(_("Some of the chosen absences are already waiting in another excuse."))
    late = sorted(
        {
            m.lesson.date
            for m in marks
            if rules.past_deadline(m.lesson.date, today, policy.excuse_deadline_days)
        }
    )
    if late:
        errors.append(
            _("The time to excuse absences is %(days)d days. It has passed for: %(dates)s.")
            % {
                "days": policy.excuse_deadline_days,
                "dates": ", ".join(d.strftime("%d.%m.%Y") for d in late),
            }
        )
    if attachment is not None:
        errors.extend(attachment_errors([attachment]))
    if errors:
        raise ValidationError(errors)
    assert homeroom is not None

    excuse = Excuse(school_id=student.school_id, student=student, submitted_by=actor, reason=reason)
    if attachment is not None:
        excuse.attachment_name = safe_name(attachment.name)
        excuse.attachment.save(excuse.attachment_name, attachment, save=False)
    excuse.save()
    ExcuseItem.objects.bulk_create(
        [ExcuseItem(school_id=student.school_id, excuse=excuse, mark=m) for m in marks]
    )
    lines = [
        f"{m.lesson.date:%d.%m.%Y}, {m.lesson.period.number}. {m.lesson.course.subject.name}"
        for m in sorted(marks, key=lambda m: (m.lesson.date, m.lesson.period.number))
    ]
    body = "\n".join(
        [
            _("Please excuse the absences of %(name)s:") % {"name": student.user.full_name},
            *lines,
            "",
            _("Reason:") + " " + reason,
            "",
            _("Approve or reject the excuse here:") + " " + _excuse_url(excuse),
        ]
    )
    message = message_send(
        sender=actor,
        recipients=[f"person:{homeroom.pk}"],
        subject=_("Excuse: %(name)s") % {"name": student.user.full_name},
        body=body,
        concerns_student=student,
    )
    excuse.message = message
    excuse.save(update_fields=["message"])
    history_record(
        school=student.school,
        actor=actor,
        code="attendance.excuse.submitted",
        object_type="attendance.excuse",
        object_id=excuse.pk,
        new={"marks": ids, "reason": reason},
    )
    return excuse


def _decide(*, actor: Any, excuse: Excuse, status: str, note: str) -> list[AttendanceMark]:
    locked = Excuse.objects.select_for_update().get(pk=excuse.pk)
    if not rules.can_transition(locked.status, status):
        raise ValidationError(_("This excuse has already been decided."))
    note = (note or "").strip()
    if status == rules.REJECTED and not note:
        raise ValidationError(_("Write why the excuse is rejected."))
    items = list(excuse.items.select_related("mark__type", "mark__lesson__course__subject"))
    skipped: list[AttendanceMark] = []
    history: list[dict[str, Any]] = []
    if status == rules.APPROVED:
        types = attendance_types_for(excuse.school_id)
        excused = standard_type(types, stats.EXCUSED)
        to_update: list[AttendanceMark] = []
        for item in items:
            mark = item.mark
            item.outcome = rules.approval_outcome(mark.type.kind)
            if item.outcome == rules.ITEM_EXCUSED:
                history.append(
                    {
                        "code": "attendance.mark.excused",
                        "object_type": "attendance.mark",
                        "object_id": mark.pk,
                        "old": {"type": mark.type.code, "version": mark.version},
                        "new": {"type": excused.code, "version": mark.version + 1},
                    }
                )
                mark.type = excused
                mark.version += 1
                to_update.append(mark)
            else:
                skipped.append(mark)
        if to_update:
            AttendanceMark.objects.bulk_update(to_update, ["type", "version", "updated_at"])
    else:
        for item in items:
            item.outcome = rules.ITEM_REJECTED
    ExcuseItem.objects.bulk_update(items, ["outcome"])
    excuse.status = status
    excuse.note = note
    excuse.decided_by = actor
    excuse.decided_at = timezone.now()
    excuse.save(update_fields=["status", "note", "decided_by", "decided_at"])
    history.append(
        {
            "code": f"attendance.excuse.{status}",
            "object_type": "attendance.excuse",
            "object_id": excuse.pk,
            "old": {"status": rules.PENDING},
            "new": {"status": status, "note": note, "skipped": [m.pk for m in skipped]},
        }
    )
    history_record_many(school=excuse.school, actor=actor, entries=history)

    if status == rules.APPROVED:
        text = _("Your excuse for %(name)s has been approved.") % {
            "name": excuse.student.user.full_name
        }
        if skipped:
            text += "\n" + _("Some lessons were not excused because their mark changed meanwhile:")
            text += "".join(
                f"\n{m.lesson.date:%d.%m.%Y} {m.lesson.course.subject.name} ({m.type.name})"
                for m in skipped
            )
    else:
        text = _("Your excuse for %(name)s has been rejected.") % {
            "name": excuse.student.user.full_name
        }
    if note:
        text += "\n\n" + _("Note:") + " " + note
    text += "\n\n" + _excuse_url(excuse)
    message_send(
        sender=actor,
        recipients=[f"person:{excuse.submitted_by_id}"],
        subject=_("Excuse decided: %(name)s") % {"name": excuse.student.user.full_name},
        body=text,
        concerns_student=excuse.student,
        reply_to=excuse.message,
    )
    return skipped


@transaction.atomic
def excuse_approve(*, actor: Any, excuse: Excuse, note: str = "") -> list[AttendanceMark]:
    """Approve: exactly the excuse's marks that are still unexcused absences become excused
    (one transaction); returns the marks left alone because they changed meanwhile. The
    guardian gets a reply message."""
    return _decide(actor=actor, excuse=excuse, status=rules.APPROVED, note=note)


@transaction.atomic
def excuse_reject(*, actor: Any, excuse: Excuse, note: str) -> None:
    """Reject with a note (required); the marks stay as they are; the guardian is told."""
    _decide(actor=actor, excuse=excuse, status=rules.REJECTED, note=note)
