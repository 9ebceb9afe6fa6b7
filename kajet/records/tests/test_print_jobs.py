"""Printouts made in the background: the job really runs (eager, after the commit) and its
PDF joins the parts in order; the job's page for the user who asked, another user, another
school; asking twice gives the same job; a failed job's message; retention with a
controlled clock; constant queries per part of the class register."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from kajet.audit.retention import retention_run
from kajet.grades.models import Grade
from kajet.records import printing, selectors
from kajet.records.models import PrintJob
from kajet.records.tests.helpers import (
    DAY,
    add_students,
    column_with_marks,
    fill_class,
    lesson,
    pdf_text,
    printed,
    students_of,
)
from kajet.testutils.factories import SchoolWorld

pytestmark = pytest.mark.django_db

RANGE = {"od": "2026-11-01", "do": "2026-11-30"}


def _school_days(n: int) -> list[datetime.date]:
    """``n`` weekdays from DAY (a Monday)."""
    days, day = [], DAY
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _register_url(world: SchoolWorld) -> str:
    return reverse("records:class_register", args=[world.school_class.pk])


def test_the_register_is_made_in_parts_joined_in_order(
    world: SchoolWorld, client_for: Callable[[Any], Client], monkeypatch: Any
) -> None:
    fill_class(world)
    students = students_of(world.school_class)
    days = _school_days(4)
    for i, day in enumerate(days[1:], start=1):
        lesson(world.course, day, 1, f"Temat dnia {i}", {s.pk: "present" for s in students})
    # Two days per part: three parts of days (DAY has two lessons) and two of subjects.
    monkeypatch.setattr(printing, "REGISTER_DAYS_PER_PART", 2)
    monkeypatch.setattr(printing, "REGISTER_COURSES_PER_PART", 1)
    content = printed(client_for(world.user("homeroom_teacher")), _register_url(world), RANGE)
    job = PrintJob.objects.get()
    assert job.status == PrintJob.Status.DONE
    assert (job.done, job.total) == (4, 4)  # 2 parts of days + 2 of subjects (two courses)
    text = pdf_text(content)
    order = [
        "Dziennik lekcyjny",
        "Ułamki zwykłe",
        "Temat dnia 1",
        "Temat dnia 2",
        "Temat dnia 3",
        "Oceny",
        "Język polski",
        "Matematyka",
    ]
    at = 0
    for piece in order:  # each after the one before
        at = text.index(piece, at)
    assert text.count("Dziennik lekcyjny — klasa") >= job.pages  # the running title
    assert job.pages >= 4 and f"strona {job.pages}" in text  # numbered on across the parts


def test_the_job_page_for_the_user_who_asked_only(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    fill_class(world)
    client = client_for(world.user("homeroom_teacher"))
    response = client.post(_register_url(world), RANGE)  # queued: the job has not run
    job = PrintJob.objects.get()
    url = reverse("records:print_job", args=[job.pk])
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert job.status == PrintJob.Status.QUEUED
    assert "<progress" in page and 'http-equiv="refresh"' in page and "hx-get" in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="print-job-status"') and "<html" not in partial
    file_url = reverse("records:print_job_file", args=[job.pk])
    assert client.get(file_url).status_code == 404  # not ready yet
    # The principal of the same school did not ask for it; nor another school's users.
    for user in (world.user("principal"), other_world.user("homeroom_teacher")):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).get(file_url).status_code == 404


def test_asking_twice_gives_the_same_job(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    fill_class(world)
    client = client_for(world.user("homeroom_teacher"))
    first = client.post(_register_url(world), RANGE)
    second = client.post(_register_url(world), RANGE)
    assert first["Location"] == second["Location"]
    assert PrintJob.objects.count() == 1
    # Another range, or another user asking, is another job.
    client.post(_register_url(world), {"od": "2026-11-01", "do": "2026-11-20"})
    client_for(world.user("principal")).post(_register_url(world), RANGE)
    assert PrintJob.objects.count() == 3


def test_a_finished_request_asked_again_is_made_again(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    fill_class(world)
    client = client_for(world.user("homeroom_teacher"))
    printed(client, _register_url(world), RANGE)
    printed(client, _register_url(world), RANGE)
    assert PrintJob.objects.filter(status=PrintJob.Status.DONE).count() == 2


def test_a_lost_job_is_replaced_after_an_hour(world: SchoolWorld) -> None:
    user = world.user("homeroom_teacher")
    params: dict[str, Any] = {"class": world.school_class.pk}
    kind = PrintJob.Kind.RECORD_SHEETS
    first = printing.print_job_request(
        actor=user, kind=kind, params=params, title="t", filename="f"
    )
    later = first.created_at + printing.STALE_AFTER + datetime.timedelta(minutes=1)
    second = printing.print_job_request(
        actor=user, kind=kind, params=params, title="t", filename="f", now=later
    )
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.status == PrintJob.Status.FAILED and "too long" in first.error


def test_a_failed_job_says_why(world: SchoolWorld, client_for: Callable[[Any], Client]) -> None:
    data = fill_class(world)
    client = client_for(world.user("homeroom_teacher"))
    url = reverse("records:certificates_pdf", args=[world.school_class.pk])
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = client.post(url)
    # A grade goes missing between the request and the job.
    Grade.objects.filter(student=data["students"][2], course=data["polish"]).delete()
    for callback in callbacks:
        callback()
    job = PrintJob.objects.get()
    assert job.status == PrintJob.Status.FAILED and job.finished_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "grades are missing" in page and "<progress" not in page
    assert client.get(reverse("records:print_job_file", args=[job.pk])).status_code == 404


def test_an_unexpected_error_is_a_plain_message(
    world: SchoolWorld, client_for: Callable[[Any], Client], monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(printing, "pdf_bytes", broken)
    client = client_for(world.user("principal"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("records:grades_summary", args=[world.school_class.pk]), {"okres": "rok"}
        )
    page = client.get(response["Location"]).content.decode()
    assert "could not be prepared" in page and "disk full" not in page


def test_retention_purges_finished_jobs_and_their_files(
    world: SchoolWorld, client_for: Callable[[Any], Client], settings: Any
) -> None:
    settings.KAJET_RETENTION_PRINT_JOB_DAYS = 7
    fill_class(world)
    start = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        printed(client_for(world.user("homeroom_teacher")), _register_url(world), RANGE)
    with time_machine.travel(start + datetime.timedelta(days=5), tick=False):
        client = client_for(world.user("homeroom_teacher"))  # signed in on that day
        printed(client, _register_url(world), {"od": "2026-11-01", "do": "2026-11-20"})
        client.post(_register_url(world), {"od": "2026-11-02", "do": "2026-11-20"})  # queued
    old, young = PrintJob.objects.filter(status="done").order_by("created_at")
    assert default_storage.exists(old.file.name)
    now = start + datetime.timedelta(days=8)
    report = {line.key: line for line in retention_run(now=now, dry_run=True)}
    assert report["print_jobs"].count == 1 and report["print_jobs"].days == 7
    assert PrintJob.objects.count() == 3
    with TestCase.captureOnCommitCallbacks(execute=True):
        lines = {line.key: line for line in retention_run(now=now, dry_run=False)}
    assert lines["print_jobs"].count == 1 and lines["print_jobs"].purged
    with scopes_disabled():
        assert set(PrintJob.objects.values_list("pk", flat=True)) == {
            young.pk,
            *PrintJob.objects.filter(status="queued").values_list("pk", flat=True),
        }
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(young.file.name)


# --- Constant queries per part ----------------------------------------------------------------


def _part_queries(world: SchoolWorld, days: list[datetime.date]) -> list[int]:
    plan = selectors.register_plan(
        world.school_class, days[0], days[-1], days_per_part=2, courses_per_part=1
    )
    counts = []
    parts = selectors.register_parts(plan)
    while True:
        with CaptureQueriesContext(connection) as captured:
            part = next(parts, None)
        if part is None:
            return counts
        counts.append(len(captured))


@pytest.mark.parametrize(("students", "days"), [(5, 2), (30, 2), (5, 10), (30, 10)])
def test_each_part_of_the_register_runs_two_queries(
    world: SchoolWorld, students: int, days: int
) -> None:
    data = fill_class(world, extra_students=students - 1)
    column_with_marks(data["polish"], world.term, {s.pk: "4" for s in data["students"]})
    everyone = students_of(world.school_class)
    assert len(everyone) == students
    school_days = _school_days(days)
    for day in school_days[1:]:
        for number in (1, 2, 3):
            lesson(world.course, day, number, "Lekcja", {s.pk: "present" for s in everyone})
    counts = _part_queries(world, school_days)
    assert len(counts) == (days + 1) // 2 + 2  # parts of two days, then one per course
    assert set(counts) == {2}, counts


def test_the_plan_runs_constant_queries(world: SchoolWorld) -> None:
    def plan_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.register_plan(world.school_class, DAY, DAY + datetime.timedelta(days=20))
        return len(captured)

    fill_class(world)
    small = plan_queries()
    add_students(world.school_class, 25, start=10)
    for day in _school_days(8):
        lesson(world.course, day, 3, "x", {})
    assert plan_queries() == small
