"""Excuses: a guardian submits (with a message to the homeroom teacher), the homeroom teacher
approves or rejects, the guardian withdraws."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.attendance import excuses as rules
from kajet.attendance import stats
from kajet.attendance.models import (
    AttendanceMark,
    AttendancePolicy,
    Excuse,
    ExcuseItem,
)
from kajet.attendance.services.types import attendance_types_for, policy_for, standard_type
from kajet.core.datefmt import short_date
from kajet.core.history import history_record, history_record_many
from kajet.messaging.attachments import attachment_errors, safe_name
from kajet.messaging.services import message_send
from kajet.notifications.services import notify
from kajet.school.models import Guardianship, Student
from kajet.school.register_lock import year_change_problem


def _excuse_url(excuse: Excuse) -> str:
    return reverse("attendance:excuse", args=[excuse.pk])


def _reason_errors(reason: str) -> list[str]:
    if not reason:
        return [_("Write the reason for the absence.")]
    if len(reason) > 2000:
        return [_("The reason can be at most 2000 characters.")]
    return []


def _marks_errors(
    ids: list[int], marks: list[AttendanceMark], policy: AttendancePolicy, today: datetime.date
) -> list[str]:
    """The chosen marks must be the student's unexcused absences, not waiting in another
    excuse, and within the school's deadline."""
    errors: list[str] = []
    if not ids:
        errors.append(_("Choose at least one absence."))
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
                "dates": ", ".join(short_date(d) for d in late),
            }
        )
    return errors


def _excuse_message_body(
    student: Student, marks: list[AttendanceMark], reason: str, excuse: Excuse
) -> str:
    lines = [
        f"{short_date(m.lesson.date)}, {m.lesson.period.number}. {m.lesson.course.subject.name}"
        for m in sorted(marks, key=lambda m: (m.lesson.date, m.lesson.period.number))
    ]
    return "\n".join(
        [
            _("Please excuse the absences of %(name)s:") % {"name": student.user.full_name},
            *lines,
            "",
            _("Reason:") + " " + reason,
            "",
            _("Approve or reject the excuse here:") + " " + _excuse_url(excuse),
        ]
    )


@transaction.atomic
def excuse_submit(
    *,
    actor: User,
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
    reason = (reason or "").strip()
    ids = sorted(set(mark_ids))
    marks = list(
        AttendanceMark.objects.filter(pk__in=ids, student=student).select_related(
            "type", "lesson__course__subject", "lesson__period"
        )
    )
    errors = _reason_errors(reason)
    if homeroom is None:
        errors.append(_("The class has no homeroom teacher to send the excuse to."))
    errors += _marks_errors(ids, marks, policy, today)
    if attachment is not None:
        errors.extend(attachment_errors([attachment]))
    if errors or homeroom is None:
        raise ValidationError(errors)

    excuse = Excuse(school_id=student.school_id, student=student, submitted_by=actor, reason=reason)
    if attachment is not None:
        excuse.attachment_name = safe_name(attachment.name)
        excuse.attachment.save(excuse.attachment_name, attachment, save=False)
    excuse.save()
    ExcuseItem.objects.bulk_create(
        [ExcuseItem(school_id=student.school_id, excuse=excuse, mark=m) for m in marks]
    )
    body = _excuse_message_body(student, marks, reason, excuse)
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


def _refuse_archived(items: Sequence[ExcuseItem], note: str) -> None:
    """An approval changes marks; in a year whose archive is signed only with a reason (the
    decision's note), as every documented correction (kajet.school.register_lock)."""
    for year_id in sorted({item.mark.lesson.course.year_id for item in items}):
        problem = year_change_problem(year_id, reason=note)
        if problem:
            raise ValidationError(problem)


def _decide(*, actor: User, excuse: Excuse, status: str, note: str) -> list[AttendanceMark]:
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
    if status == rules.APPROVED:  # excusing changes marks: not in an archived year's register
        _refuse_archived(items, note)
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
                f"\n{short_date(m.lesson.date)} {m.lesson.course.subject.name} ({m.type.name})"
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
def excuse_approve(*, actor: User, excuse: Excuse, note: str = "") -> list[AttendanceMark]:
    """Approve: exactly the excuse's marks that are still unexcused absences become excused
    (one transaction); returns the marks left alone because they changed meanwhile. The
    guardian gets a reply message."""
    return _decide(actor=actor, excuse=excuse, status=rules.APPROVED, note=note)


@transaction.atomic
def excuse_reject(*, actor: User, excuse: Excuse, note: str) -> None:
    """Reject with a note (required); the marks stay as they are; the guardian is told."""
    _decide(actor=actor, excuse=excuse, status=rules.REJECTED, note=note)


@transaction.atomic
def excuse_withdraw(*, actor: User, excuse: Excuse) -> Excuse:
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
    *, actor: User, excuse: Excuse, student: Student, homeroom_id: int
) -> None:
    name = student.user.full_name
    body = "\n".join(
        [
            _("%(who)s has withdrawn the excuse for %(name)s sent on %(when)s.")
            % {
                "who": actor.full_name,
                "name": name,
                "when": short_date(timezone.localtime(excuse.created_at)),
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
