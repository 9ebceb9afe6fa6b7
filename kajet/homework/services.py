"""Writes to homework: set, edit, delete (soft), attachments, and the student's "done" tick.

Every write records history and runs in a transaction; setting homework notifies the
students of the course and their guardians (on commit).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.datefmt import short_date
from kajet.core.history import history_record
from kajet.core.uploads import content_type_for, upload_errors
from kajet.core.versions import home_changed
from kajet.homework.files import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, clean_filename
from kajet.homework.models import Homework, HomeworkAttachment, HomeworkDone
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.school.models import Course, Guardianship, Student


def _snapshot(homework: Homework) -> dict[str, object]:
    return {
        "course": homework.course_id,
        "title": homework.title,
        "description": homework.description,
        "set_on": homework.set_on.isoformat(),
        "due_on": homework.due_on.isoformat(),
    }


def _validate(*, title: str, set_on: datetime.date, due_on: datetime.date) -> None:
    if not title.strip():
        raise ValidationError({"title": _("Enter a title.")})
    if due_on < set_on:
        raise ValidationError({"due_on": _("The due date cannot be before the date set.")})


def _validate_files(files: Sequence[UploadedFile], existing: int) -> None:
    """The shared upload check (kajet.core.uploads): count, size, the allow-list of types
    and the file's content matching its type."""
    errors = upload_errors(
        files, most=max(0, MAX_ATTACHMENTS - existing), limit=MAX_ATTACHMENT_BYTES
    )
    if errors:
        raise ValidationError({"files": errors})


def course_student_ids(course: Course) -> list[int]:
    """Enrolled students of a course: its group's members, or its whole class."""
    qs = Student.objects.filter(left_on__isnull=True)
    if course.group_id is not None:
        qs = qs.filter(memberships__group_id=course.group_id)
    else:
        qs = qs.filter(school_class_id=course.school_class_id)
    return list(qs.values_list("pk", flat=True))


def _family_user_ids(student_ids: list[int]) -> list[int]:
    students = list(Student.objects.filter(pk__in=student_ids).values_list("user_id", flat=True))
    guardians = list(
        Guardianship.objects.filter(student_id__in=student_ids).values_list(
            "guardian_id", flat=True
        )
    )
    return students + guardians


def _attach(*, homework: Homework, files: Sequence[UploadedFile]) -> None:
    for upload in files:
        name = clean_filename(upload.name or "")
        attachment = HomeworkAttachment(
            school_id=homework.school_id,
            homework=homework,
            name=name,
            size=upload.size or 0,
            content_type=content_type_for(name),
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()


@transaction.atomic
def homework_create(
    *,
    actor: User,
    course: Course,
    title: str,
    description: str,
    set_on: datetime.date,
    due_on: datetime.date,
    files: Sequence[UploadedFile] = (),
) -> Homework:
    """Set homework for a course (the caller has checked the actor teaches it) and tell the
    course's students and their guardians."""
    home_changed(course.school_id)  # the home page caches what this changes
    _validate(title=title, set_on=set_on, due_on=due_on)
    _validate_files(files, 0)
    homework = Homework.objects.create(
        school_id=course.school_id,
        course=course,
        title=title.strip(),
        description=description.strip(),
        set_on=set_on,
        due_on=due_on,
        author=actor,
    )
    _attach(homework=homework, files=files)
    history_record(
        school=course.school,
        actor=actor,
        code="homework.homework.created",
        object_type="homework",
        object_id=homework.pk,
        new=_snapshot(homework),
    )
    notify(
        school=course.school_id,
        user_ids=_family_user_ids(course_student_ids(course)),
        kind=Notification.Kind.HOMEWORK,
        title=_("Homework in %(subject)s due %(date)s: %(title)s")
        % {
            "subject": course.subject.name,
            "date": short_date(due_on),
            "title": homework.title,
        },
        url=reverse("homework:detail", args=[homework.pk]),
    )
    return homework


@transaction.atomic
def homework_update(
    *,
    actor: User,
    homework: Homework,
    title: str,
    description: str,
    set_on: datetime.date,
    due_on: datetime.date,
    add_files: Sequence[UploadedFile] = (),
    remove_attachment_ids: Sequence[int] = (),
) -> Homework:
    """Edit a homework (the caller has checked the actor may); old and new go to history."""
    home_changed(homework.school_id)  # the home page caches what this changes
    _validate(title=title, set_on=set_on, due_on=due_on)
    removing = list(homework.attachments.filter(pk__in=list(remove_attachment_ids)))
    _validate_files(add_files, homework.attachments.count() - len(removing))
    old = _snapshot(homework)
    homework.title = title.strip()
    homework.description = description.strip()
    homework.set_on = set_on
    homework.due_on = due_on
    homework.save()
    for attachment in removing:
        attachment.file.delete(save=False)
        attachment.delete()
    _attach(homework=homework, files=add_files)
    new = _snapshot(homework)
    if removing:
        new["removed_files"] = [a.name for a in removing]
    if add_files:
        new["added_files"] = [clean_filename(f.name or "") for f in add_files]
    history_record(
        school=homework.course.school,
        actor=actor,
        code="homework.homework.updated",
        object_type="homework",
        object_id=homework.pk,
        old=old,
        new=new,
    )
    return homework


@transaction.atomic
def homework_delete(*, actor: User, homework: Homework) -> None:
    """Hide a homework from everyone (soft delete; the row and its history stay)."""
    home_changed(homework.school_id)  # the home page caches what this changes
    homework.deleted_at = timezone.now()
    homework.deleted_by = actor
    homework.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    history_record(
        school=homework.course.school,
        actor=actor,
        code="homework.homework.deleted",
        object_type="homework",
        object_id=homework.pk,
        old=_snapshot(homework),
    )


@transaction.atomic
def homework_mark_done(*, actor: User, homework: Homework, student: Student, done: bool) -> bool:
    """Tick (or untick) a homework done for a student; idempotent. Returns the new state."""
    if done:
        HomeworkDone.objects.get_or_create(
            homework=homework, student=student, defaults={"school_id": homework.school_id}
        )
    else:
        HomeworkDone.objects.filter(homework=homework, student=student).delete()
    return done
