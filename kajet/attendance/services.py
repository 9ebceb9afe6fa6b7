"""Writes: the school's attendance types and policy (created lazily), saving a lesson with
its marks (all-or-nothing, history for every change), and excuses (submit, approve, reject)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
from kajet.notifications.services import notify
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


class LessonConflict(ValidationError):
    """The lesson's marks changed since the user loaded them (another teacher saved it, an
    excuse was approved): nothing was saved. ``students`` are those whose marks changed, in
    class-list order."""

    def __init__(self, students: Sequence[Student]) -> None:
        self.students = list(students)
        names = ", ".join(s.user.full_name for s in self.students)
        super().__init__(
            _(
                "Nothing was saved: the marks of %(names)s changed after you opened the "
                "lesson. The current marks are shown now; check them and save again."
            )
            % {"names": names}
        )


def changed_since_loaded(
    roster: Sequence[Student],
    current: Mapping[int, AttendanceMark],
    versions: Mapping[int, int],
    present_type_id: int,
) -> list[Student]:
    """The roster students whose marks differ from what the user loaded.

    ``versions`` holds the version of each mark as loaded (students who had no mark yet are
    left out: they showed as present). A mark whose version moved on is a change; so is a
    mark written meanwhile for a student who had none, unless it says "present" (what the
    user saw for them anyway).
    """
    changed = []
    for student in roster:
        mark = current.get(student.pk)
        seen = versions.get(student.pk)
        if seen is None:
            if mark is not None and mark.type_id != present_type_id:
                changed.append(student)
        elif mark is None or mark.version != seen:
            changed.append(student)
    return changed


def types_for_marking(
    types: Sequence[AttendanceType], in_use: Iterable[int] = ()
) -> list[AttendanceType]:
    """The types offered on a lesson's sheet: the active ones, plus any deactivated type
    still held by one of the lesson's marks (so an untouched mark keeps it)."""
    keep = set(in_use)
    return [t for t in types if t.is_active or t.pk in keep]


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
    versions: Mapping[int, int] | None = None,
) -> Lesson:
    """Save a held lesson: its topic and one mark per roster student (``marks``: student id →
    type id; students left out are present). All-or-nothing: any bad value writes nothing.
    Every changed mark gets a history entry. A constant number of queries (at most 8).

    ``versions`` (student id → version of their mark as the user loaded it; students who had
    no mark left out) guards against stale edits: when any mark changed since, the whole
    save is refused with ``LessonConflict`` naming those students. Two first saves of the
    same lesson at once: the second finds the lesson the first created and is checked the
    same way.
    """
    arguments: dict[str, Any] = {
        "actor": actor,
        "course": course,
        "day": day,
        "period": period,
        "topic": topic,
        "marks": marks,
        "roster": roster,
        "types": types,
        "versions": versions or {},
    }
    try:
        return _lesson_save(lesson=lesson, **arguments)
    except IntegrityError:
        # Someone created this lesson (or its marks) after we looked: check against theirs.
        if lesson is not None:
            raise
        theirs = Lesson.objects.filter(course=course, date=day, period=period).first()
        if theirs is None:
            raise
        return _lesson_save(lesson=theirs, **arguments)


@transaction.atomic
def _lesson_save(
    *,
    actor: Any,
    course: Course,
    day: datetime.date,
    period: LessonPeriod,
    topic: str,
    marks: Mapping[int, int],
    roster: Sequence[Student],
    types: Sequence[AttendanceType],
    lesson: Lesson | None,
    versions: Mapping[int, int],
) -> Lesson:
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

    existing: dict[int, AttendanceMark] = {}
    if lesson is not None:
        # Locked until the end of the transaction: a concurrent save or excuse approval of
        # these marks waits, then sees the new versions (SQLite: the IMMEDIATE transaction
        # already serialises writers).
        existing = {
            m.student_id: m
            for m in AttendanceMark.objects.select_for_update().filter(lesson=lesson).order_by("pk")
        }
        changed = changed_since_loaded(roster, existing, versions, present.pk)
        if changed:
            raise LessonConflict(changed)
    retired = sorted(
        {
            type_by_id[type_id].name
            for student_id, type_id in marks.items()
            if not type_by_id[type_id].is_active
            and (student_id not in existing or existing[student_id].type_id != type_id)
        }
    )
    if retired:
        raise ValidationError(
            _("These types are no longer in use: %(names)s.") % {"names": ", ".join(retired)}
        )

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
    elif lesson.topic != topic:
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

    new_marks: list[AttendanceMark] = []
    changed_marks: list[AttendanceMark] = []
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
            changed_marks.append(mark)
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
    if changed_marks:
        AttendanceMark.objects.bulk_update(changed_marks, ["type", "version", "updated_at"])
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
    # Lock the marks (in a fixed order) before reading them: a teacher saving one of these
    # lessons at the same moment either goes first (and we see the new mark) or waits and
    # then sees the new version and refuses its stale save.
    list(
        AttendanceMark.objects.select_for_update()
        .filter(excuse_items__excuse=excuse)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
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


@transaction.atomic
def excuse_withdraw(*, actor: Any, excuse: Excuse) -> Excuse:
    """Withdraw an excuse that still waits: only the guardian or adult student who sent it.

    Its absences stay unexcused (and may be sent again in a new excuse); the excuse leaves
    the homeroom teacher's queue. The homeroom teacher is told by a reply on the excuse's
    message thread (which notifies them); if that message cannot be sent (the sender deleted
    the thread, the class has a new homeroom teacher they may not write to), by a
    notification linking to the excuse. Refused (ValidationError, nothing written) for anyone
    else and for an excuse already decided or withdrawn.
    """
    locked = Excuse.objects.select_for_update().get(pk=excuse.pk)
    if locked.submitted_by_id != actor.pk:
        raise ValidationError(_("Only the person who sent this excuse can withdraw it."))
    if not rules.may_withdraw(status=locked.status, is_sender=True):
        raise ValidationError(_("Only an excuse that is still waiting can be withdrawn."))
    now = timezone.now()
    Excuse.objects.filter(pk=excuse.pk).update(status=rules.WITHDRAWN, withdrawn_at=now)
    excuse.status = rules.WITHDRAWN
    excuse.withdrawn_at = now
    excuse.items.update(outcome=rules.ITEM_WITHDRAWN)
    student = Student.objects.select_related("user", "school_class").get(pk=excuse.student_id)
    history_record(
        school=student.school,
        actor=actor,
        code="attendance.excuse.withdrawn",
        object_type="attendance.excuse",
        object_id=excuse.pk,
        old={"status": rules.PENDING},
        new={"status": rules.WITHDRAWN},
    )
    homeroom_id = student.school_class.homeroom_teacher_id
    if homeroom_id is not None:
        _tell_homeroom_withdrawn(
            actor=actor, excuse=excuse, student=student, homeroom_id=homeroom_id
        )
    return excuse


def _tell_homeroom_withdrawn(
    *, actor: Any, excuse: Excuse, student: Student, homeroom_id: int
) -> None:
    name = student.user.full_name
    body = "\n".join(
        [
            _("%(who)s has withdrawn the excuse for %(name)s sent on %(when)s.")
            % {
                "who": actor.full_name,
                "name": name,
                "when": timezone.localtime(excuse.created_at).strftime("%d.%m.%Y"),
            },
            _("It no longer waits for your decision."),
            "",
            _excuse_url(excuse),
        ]
    )
    subject = _("Excuse withdrawn: %(name)s") % {"name": name}
    for reply_to in (excuse.message, None) if excuse.message_id else (None,):
        try:
            message_send(
                sender=actor,
                recipients=[f"person:{homeroom_id}"],
                subject=subject,
                body=body,
                concerns_student=student,
                reply_to=reply_to,
            )
            return
        except ValidationError:
            continue
    notify(
        school=student.school_id,
        user_ids=[homeroom_id],
        kind="excuse",
        title=subject,
        url=_excuse_url(excuse),
    )
