"""Printouts made in the background (``PrintJob``): asking for one (idempotent while it is
queued or running), the Celery job that renders it in parts and joins the parts' PDFs
(pypdf), and the retention purge of finished jobs with their files.

A big printout is rendered part by part — the class register a few school days or a few
subjects at a time, the record sheets a group of students at a time — so each part's
queries, memory and time are bounded whatever the size of the class or the range; the job
records its progress after every part (``done``/``total``) for the status page."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import secrets
import tempfile
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader, PdfWriter

from kajet.accounts.models import User
from kajet.records import access, selectors
from kajet.records.data_export import family_export_zip
from kajet.records.models import PrintJob
from kajet.records.pdf import pdf_bytes
from kajet.school.models import SchoolClass, Term

logger = logging.getLogger(__name__)
Kind = PrintJob.Kind
Status = PrintJob.Status
LIVE = (Status.QUEUED, Status.RUNNING)

#: A job still queued or running this long after it was asked for is taken as lost (a worker
#: that died): asking again starts a new one instead of returning it.
STALE_AFTER = datetime.timedelta(hours=1)

#: The size of the parts (days and courses of the register, students of the record sheets).
REGISTER_DAYS_PER_PART = 5
REGISTER_COURSES_PER_PART = 4
SHEETS_PER_PART = 25

#: One part of a printout: the template and its context (the page offset is added).
Part = tuple[str, dict[str, Any]]


class PrintError(Exception):
    """A printout that cannot be made, with a message for the user."""


def request_key(*, user_id: int, kind: str, params: dict[str, Any]) -> str:
    """The identity of a request: the same user asking for the same printout with the same
    parameters gets the same key."""
    text = json.dumps({"user": user_id, "kind": kind, "params": params}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def print_job_request(
    *,
    actor: User,
    kind: str,
    params: dict[str, Any],
    title: str,
    filename: str,
    now: datetime.datetime | None = None,
) -> PrintJob:
    """Queue a printout for ``actor`` (rendered by a background job after the commit), or
    return the job of the same request while it is queued or running (a double click, a
    retry). A live job older than ``STALE_AFTER`` is marked failed and replaced."""
    assert actor.school_id is not None  # the users who print belong to a school
    now = now or timezone.now()
    key = request_key(user_id=actor.pk, kind=kind, params=params)
    live = PrintJob.objects.filter(requested_by=actor, key=key, status__in=LIVE)
    current = live.first()
    if current is not None and current.created_at >= now - STALE_AFTER:
        return current
    if current is not None:
        live.update(
            status=Status.FAILED,
            error=_("The printout took too long and was stopped. Please ask for it again."),
            finished_at=now,
        )
    try:
        with transaction.atomic():
            job = PrintJob.objects.create(
                school_id=actor.school_id,
                kind=kind,
                params=params,
                key=key,
                title=title[:200],
                filename=filename[:150],
                requested_by=actor,
            )
    except IntegrityError:
        # The same request committed a moment ago (two clicks at once): that job.
        return live.get()
    from kajet.records.tasks import enqueue, print_job_task

    transaction.on_commit(lambda: enqueue(print_job_task, job.pk))
    return job


# --- What each kind renders -------------------------------------------------------------------


def _class(job: PrintJob) -> SchoolClass:
    try:
        return SchoolClass.objects.select_related("year", "homeroom_teacher").get(
            pk=job.params["class"]
        )
    except SchoolClass.DoesNotExist:
        raise PrintError(_("The class of this printout no longer exists.")) from None


def _register(job: PrintJob) -> tuple[int, Iterator[Part]]:
    plan = selectors.register_plan(
        _class(job),
        datetime.date.fromisoformat(job.params["start"]),
        datetime.date.fromisoformat(job.params["end"]),
        days_per_part=REGISTER_DAYS_PER_PART,
        courses_per_part=REGISTER_COURSES_PER_PART,
    )
    parts = (
        ("records/pdf/class_register_part.html", {"part": part})
        for part in selectors.register_parts(plan)
    )
    return plan.total, parts


def _summary(job: PrintJob) -> tuple[int, Iterator[Part]]:
    school_class = _class(job)
    period = str(job.params.get("period", "rok"))
    term = (
        Term.objects.filter(year_id=school_class.year_id, number=int(period)).first()
        if period.isdigit()
        else None
    )
    summary = selectors.grades_summary(school_class, term)
    return 1, iter([("records/pdf/grades_summary.html", {"summary": summary})])


def _sheets(job: PrintJob) -> tuple[int, Iterator[Part]]:
    school_class = _class(job)
    students = selectors.class_data(school_class).students
    groups = [
        students[i : i + SHEETS_PER_PART] for i in range(0, len(students), SHEETS_PER_PART)
    ] or [[]]

    def parts() -> Iterator[Part]:
        for group in groups:
            sheets = selectors.record_sheets(school_class, group) if group else []
            yield (
                "records/pdf/record_sheets.html",
                {"sheets": sheets, "school_class": school_class},
            )

    return len(groups), parts()


def _certificates(job: PrintJob) -> tuple[int, Iterator[Part]]:
    batch = selectors.certificates(_class(job))
    if not batch.ready:
        raise PrintError(
            _("The certificates cannot be printed yet: grades are missing. Check the review page.")
        )
    return 1, iter([("records/pdf/certificates.html", {"batch": batch})])


RENDERERS: dict[str, Callable[[PrintJob], tuple[int, Iterator[Part]]]] = {
    Kind.CLASS_REGISTER: _register,
    Kind.GRADES_SUMMARY: _summary,
    Kind.RECORD_SHEETS: _sheets,
    Kind.CERTIFICATES: _certificates,
}


# --- The job ----------------------------------------------------------------------------------


def print_job_run(*, job_id: int) -> str:
    """The background job: render a queued printout part by part, recording progress
    after each part, join the parts into one PDF and keep it in the storage. A failure is
    recorded on the job with a message for the user (details in the server log)."""
    with scopes_disabled():
        job = (
            PrintJob.objects.select_related("school", "requested_by")
            .filter(pk=job_id, status=Status.QUEUED)
            .first()
        )
        # Only one worker takes a job.
        if job is None or not PrintJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.RUNNING
        ):
            return "gone"
    with scope(school=job.school):
        try:
            _render(job)
        except PrintError as exc:
            _fail(job, str(exc))
            return "failed"
        except Exception:
            logger.exception("print job %s failed", job.pk)
            _fail(job, _("The printout could not be prepared; the details are in the server log."))
            return "failed"
    return "done"


def _fail(job: PrintJob, message: str) -> None:
    PrintJob.objects.filter(pk=job.pk).update(
        status=Status.FAILED, error=message[:300], finished_at=timezone.now()
    )


def _family_data(job: PrintJob) -> None:
    """The family's data export (GDPR art. 15/20): one ZIP with the data as JSON and the
    family report as PDF, for the student the requester may see (checked again here)."""
    try:
        student = access.access_report_student(job.requested_by, int(job.params["student"]))
    except Http404:
        raise PrintError(_("The student of this export is no longer yours to see.")) from None
    PrintJob.objects.filter(pk=job.pk).update(total=1, done=0)
    job.file.save(
        f"{job.pk}-{secrets.token_hex(8)}.zip",
        ContentFile(family_export_zip(student, viewer=job.requested_by)),
        save=False,
    )
    PrintJob.objects.filter(pk=job.pk).update(
        status=Status.DONE, file=job.file.name, done=1, finished_at=timezone.now()
    )


def _render(job: PrintJob) -> None:
    if job.kind == PrintJob.Kind.FAMILY_DATA:
        _family_data(job)
        return
    total, parts = RENDERERS[job.kind](job)
    PrintJob.objects.filter(pk=job.pk).update(total=total, done=0)
    writer = PdfWriter()
    pages = 0
    for done, (template, context) in enumerate(parts, start=1):
        data = pdf_bytes(
            template,
            {**context, "in_parts": total > 1, "page_offset": pages},
            school=job.school,
            user=job.requested_by,
        )
        reader = PdfReader(io.BytesIO(data))
        writer.append(reader)
        pages += len(reader.pages)
        PrintJob.objects.filter(pk=job.pk).update(done=done, total=max(total, done))
    writer.add_metadata({"/Title": job.title})
    with tempfile.TemporaryFile() as out:
        writer.write(out)
        out.seek(0)
        job.file.save(f"{job.pk}-{secrets.token_hex(8)}.pdf", File(out), save=False)
    PrintJob.objects.filter(pk=job.pk).update(
        status=Status.DONE, file=job.file.name, pages=pages, finished_at=timezone.now()
    )


# --- Retention --------------------------------------------------------------------------------


def print_jobs_due(before: datetime.datetime) -> QuerySet[PrintJob]:
    """Finished jobs (ready or failed) that finished before ``before``."""
    return PrintJob.objects.filter(status__in=(Status.DONE, Status.FAILED), finished_at__lt=before)


def print_jobs_purge(due: QuerySet[PrintJob]) -> int:
    """Delete the jobs and their files; the number of jobs deleted."""
    with scopes_disabled():
        names = [name for name in due.values_list("file", flat=True) if name]
        count = due.count()
        due.delete()
    for name in names:
        transaction.on_commit(partial(default_storage.delete, name))
    return count
