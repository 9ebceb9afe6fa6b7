"""The main pages of every role of a bench school and the SQL queries each costs (issue 17).

Used by ``kajet/demo/tests/test_query_counts.py`` (the counts do not grow with the number of
schools or their size) and by ``bench/query_counts.py`` (the counts on a seeded M or L
database, side by side). A page is fetched through Django's test client signed in through the
real sign-in form, as ``bench/run.py`` does: once with the cache emptied (cold) and once more
(warm, what a benchmark round measures).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from kajet.accounts.models import User
from kajet.school.models import Course, Student, Term
from kajet.timetable.models import TimetableEntry
from kajet.timetable.rules import week_start

FAMILY_ROLES = ("guardian", "student")
TEACHING_ROLES = ("teacher", "homeroom_teacher")


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # a template filled with the facts of ``page_facts``
    roles: tuple[str, ...]


PAGES: list[Page] = [
    Page("home", "/", (*FAMILY_ROLES, *TEACHING_ROLES, "principal")),
    Page("grades", "/oceny/uczen/{student_id}/", FAMILY_ROLES),
    Page("inbox", "/wiadomosci/", (*FAMILY_ROLES, *TEACHING_ROLES, "principal")),
    Page("attendance", "/frekwencja/uczen/", FAMILY_ROLES),
    Page("timetable-week", "/plan/", (*FAMILY_ROLES, *TEACHING_ROLES)),
    Page("calendar", "/plan/terminarz/", (*FAMILY_ROLES, *TEACHING_ROLES, "principal")),
    Page("lesson-attendance", "/frekwencja/lekcja/{course_id}/{day}/{period_id}/", TEACHING_ROLES),
    Page("grades-sheet", "/oceny/kurs/{course_id}/okres/{term_id}/", TEACHING_ROLES),
]


def page_facts(user: User, *, today: datetime.date) -> dict[str, object]:
    """What the path templates need for ``user``: their (first) child or themself as
    ``student_id``; the school's term of ``today`` (``term_id``); for a teacher their first
    course with a lesson in the timetable and that lesson's day in the week of ``today``
    (``course_id``, ``day``, ``period_id``)."""
    with scopes_disabled():
        facts: dict[str, object] = {}
        student = (
            Student.objects.filter(user=user).first()
            or Student.objects.filter(guardianships__guardian=user).order_by("pk").first()
        )
        if student is not None:
            facts["student_id"] = student.pk
        term = (
            Term.objects.filter(school=user.school_id, starts_on__lte=today)
            .order_by("-starts_on")
            .first()
        )
        if term is not None:
            facts["term_id"] = term.pk
        entry = (
            TimetableEntry.objects.filter(course__teacher=user)
            .order_by("course_id", "weekday", "period__number")
            .first()
        )
        if entry is not None:
            facts["course_id"] = entry.course_id
            day = week_start(today) + datetime.timedelta(days=entry.weekday)
            facts["day"] = day.isoformat()
            facts["period_id"] = entry.period_id
        elif course := Course.objects.filter(teacher=user).order_by("pk").first():
            facts["course_id"] = course.pk
    return facts


def signed_in_client(login: str, password: str, role: str) -> Client:
    """A test client signed in through the sign-in form."""
    client = Client()
    kind = "rodzina" if role in FAMILY_ROLES else "pracownik"
    response = client.post(f"/konto/logowanie/?jako={kind}", {"login": login, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {role} ({login}) failed: HTTP {response.status_code}")
    return client


def count_queries(client: Client, path: str) -> tuple[int, int]:
    """(cold, warm): the queries of ``path`` with the cache emptied, and of the next request;
    after a first request that is not counted (a first visit writes what the user has seen,
    e.g. the grades page's "new" marks, and changes what the next request reads)."""
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    counts = []
    for cold in (True, False):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        counts.append(len(queries))
    return counts[0], counts[1]


def role_counts(
    login: str, password: str, role: str, *, today: datetime.date
) -> dict[str, tuple[int, int]]:
    """Every main page of ``role`` for this login: page name → (cold, warm) queries."""
    with scopes_disabled():
        user = User.objects.get(login=login)
    facts = page_facts(user, today=today)
    client = signed_in_client(login, password, role)
    return {
        page.name: count_queries(client, page.path.format(**facts))
        for page in PAGES
        if role in page.roles
    }
