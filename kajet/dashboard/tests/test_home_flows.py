"""The home page's flows: new grades clear once the family has seen them (term grades too);
the homeroom teacher hears of excuses waiting; the principal gets the school overview."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kajet.attendance import services as attendance_services
from kajet.attendance import stats
from kajet.attendance.models import AttendanceMark, Lesson
from kajet.core.history import history_record
from kajet.dashboard.tests.conftest import MONDAY, fill_school
from kajet.dashboard.tests.test_home import COLD_EXTRA
from kajet.grades.models import Grade, GradesVisit
from kajet.school.models import LessonPeriod, Student
from kajet.testutils.factories import StudentFactory, guardian_for

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")
MAX_QUERIES = 12


def _term_grade(world: Any, kind: str, value: int, *, student: Student | None = None) -> Grade:
    return Grade.objects.create(
        school=world.school,
        student=student or world.student,
        course=world.course,
        term=world.term,
        kind=kind,
        text=str(value),
        value=Decimal(value),
        created_by=world.user("teacher"),
    )


# --- new grades since the family's last visit ----------------------------------------------


@pytest.mark.parametrize("role", ["guardian", "student"])
def test_new_grades_clear_once_the_grades_page_is_seen(
    world: Any, client_for: Any, role: str
) -> None:
    user = world.user(role)
    GradesVisit.objects.create(
        school=world.school,
        user=user,
        student=world.student,
        seen_at=timezone.now() - datetime.timedelta(days=2),
    )
    _term_grade(world, Grade.Kind.PROPOSED_TERM, 4)  # only a term grade is new
    client = client_for(user)
    page = client.get(HOME).content.decode()
    assert "New grades since your last visit" in page
    assert "proposed term grade" in page
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        assert client.get(reverse("grades:index")).status_code == 200
        page = client.get(HOME).content.decode()
    assert "No new grades." in page
    assert "proposed term grade" not in page
    # A grade added after that visit is new again, once.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        _term_grade(world, Grade.Kind.FINAL_TERM, 5)
        assert "final term grade" in client.get(HOME).content.decode()
        client.get(reverse("grades:index"))
        assert "No new grades." in client.get(HOME).content.decode()


def test_one_family_members_visit_does_not_clear_anothers(world: Any, client_for: Any) -> None:
    """The guardian's visit is the guardian's: the student still sees the grade as new."""
    _term_grade(world, Grade.Kind.PROPOSED_TERM, 3)
    for user in (world.user("guardian"), world.user("student")):
        GradesVisit.objects.create(
            school=world.school,
            user=user,
            student=world.student,
            seen_at=timezone.now() - datetime.timedelta(days=1),
        )
    guardian = client_for(world.user("guardian"))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        guardian.get(reverse("grades:index"))
        assert "No new grades." in guardian.get(HOME).content.decode()
        student_page = client_for(world.user("student")).get(HOME).content.decode()
    assert "proposed term grade" in student_page


# --- the homeroom teacher's excuses ---------------------------------------------------------


def _absence(world: Any, student: Student, day: datetime.date) -> AttendanceMark:
    types = attendance_services.attendance_types_for(world.school)
    lesson = Lesson.objects.create(
        school=world.school,
        course=world.course,
        date=day,
        period=LessonPeriod.objects.get(school=world.school, number=1),
        topic="Ułamki",
        teacher=world.course.teacher,
    )
    return AttendanceMark.objects.create(
        school=world.school,
        lesson=lesson,
        student=student,
        type=attendance_services.standard_type(types, stats.ABSENT),
    )


def _excuse(world: Any, day: datetime.date) -> None:
    mark = _absence(world, world.student, day)
    attendance_services.excuse_submit(
        actor=world.user("guardian"),
        student=Student.objects.select_related("user", "school_class__homeroom_teacher").get(
            pk=world.student.pk
        ),
        mark_ids=[mark.pk],
        reason="Choroba",
        today=MONDAY,
    )


def test_homeroom_teacher_sees_the_excuses_waiting(
    world: Any, other_world: Any, client_for: Any
) -> None:
    fill_school(world)
    homeroom = client_for(world.user("homeroom_teacher"))
    assert "No excuse is waiting for your decision." in homeroom.get(HOME).content.decode()
    _excuse(world, MONDAY - datetime.timedelta(days=3))
    page = homeroom.get(HOME).content.decode()
    assert "1 excuse is waiting for your decision." in page
    assert f'href="{reverse("attendance:queue")}"' in page
    # Not for a teacher who leads no class, nor for another school's homeroom teacher.
    assert (
        "waiting for your decision"
        not in client_for(world.user("teacher")).get(HOME).content.decode()
    )
    other = client_for(other_world.user("homeroom_teacher")).get(HOME).content.decode()
    assert "No excuse is waiting for your decision." in other


# --- the principal's school overview --------------------------------------------------------


def _today_lesson(world: Any, kinds: list[str], *, number: int = 2) -> None:
    """A lesson held today in 6b with one mark per kind (extra students as needed)."""
    types = attendance_services.attendance_types_for(world.school)
    lesson = Lesson.objects.create(
        school=world.school,
        course=world.course,
        date=MONDAY,
        period=LessonPeriod.objects.get(school=world.school, number=number),
        topic="Ułamki",
        teacher=world.course.teacher,
    )
    students = [world.student] + [
        StudentFactory(school_class=world.school_class, class_number=10 + i)
        for i in range(len(kinds) - 1)
    ]
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            school=world.school,
            lesson=lesson,
            student=student,
            type=attendance_services.standard_type(types, kind),
        )
        for student, kind in zip(students, kinds, strict=True)
    )


def test_principal_gets_the_school_overview(world: Any, other_world: Any, client_for: Any) -> None:
    fill_school(world)
    _today_lesson(world, [stats.PRESENT, stats.PRESENT, stats.PRESENT, stats.ABSENT, stats.LATE])
    _excuse(world, MONDAY - datetime.timedelta(days=3))
    _term_grade(world, Grade.Kind.PROPOSED_TERM, 1)
    history_record(
        school=world.school,
        actor=world.user("teacher"),
        code="grades.grade.created",
        object_type="grades.grade",
        object_id=1,
        new={},
    )
    page = client_for(world.user("principal")).get(HOME).content.decode()
    assert "Attendance today" in page
    assert "80.0%" in page  # 4 of 5 attended (late counts as attended)
    assert "1 lesson taken" in page
    assert "1 excuse is waiting for a homeroom teacher" in page
    assert "Class 6b" in page
    assert "1 student with a failing grade proposed or given" in page
    assert f'href="{reverse("grades:overview", args=[world.school_class.pk])}"' in page
    assert world.user("teacher").full_name in page and "marks added" in page
    # The principal teaches nothing: no empty lessons or homework panels.
    assert "No lessons." not in page and "No homework is due." not in page
    # Another school's principal sees none of it.
    other = client_for(other_world.user("principal")).get(HOME).content.decode()
    assert "No attendance has been taken today yet." in other
    assert "No excuse is waiting for a decision." in other
    assert "Class 6b" not in other
    assert world.user("teacher").full_name not in other


def test_low_attendance_puts_a_class_at_risk(world: Any, client_for: Any) -> None:
    for days_ago in (7, 8, 9):
        _absence(world, world.student, MONDAY - datetime.timedelta(days=days_ago))
    page = client_for(world.user("principal")).get(HOME).content.decode()
    assert "1 student under 50% attendance" in page
    assert f'href="{reverse("attendance:class", args=[world.school_class.pk])}"' in page


@pytest.mark.parametrize("role", ["secretariat", "school_admin", "pedagogue", "psychologist"])
def test_staff_who_do_not_teach_see_no_empty_lesson_panels(
    world: Any, client_for: Any, role: str
) -> None:
    page = client_for(world.user(role)).get(HOME).content.decode()
    assert "No lessons." not in page
    assert "All homework" not in page
    assert "Attendance today" not in page  # the overview is the principal's
    # The pedagogue and the psychologist are led to the students' cards.
    assert ("Find a student" in page) is (role in ("pedagogue", "psychologist"))


def _grow(world: Any, scale: int, tag: str) -> None:
    fill_school(world, scale=scale, tag=tag)
    _today_lesson(world, [stats.PRESENT] * scale + [stats.ABSENT], number=2 if tag else 3)
    for i in range(scale):
        student = StudentFactory(school_class=world.school_class, class_number=50 + i)
        guardian_for(student, login=f"79{tag or 'a'}{i:04d}"[:12])
        _term_grade(world, Grade.Kind.PROPOSED_TERM, 1, student=student)
        history_record(
            school=world.school,
            actor=world.user("teacher"),
            code=f"grades.grade.{'created' if i % 2 else 'changed'}",
            object_type="grades.grade",
            object_id=i,
            new={},
        )
    _excuse(world, MONDAY - datetime.timedelta(days=2 if tag else 3))


@pytest.mark.parametrize("role", ["principal", "homeroom_teacher"])
def test_overview_queries_do_not_grow_with_the_school(
    world: Any, client_for: Any, django_assert_max_num_queries: Any, role: str
) -> None:
    counts = []
    for scale, tag in ((1, ""), (6, "x")):
        _grow(world, scale, tag)
        client = client_for(world.user(role))
        client.get(HOME)
        cache.clear()  # the cold page, too, has a fixed cost
        with CaptureQueriesContext(connection) as cold:
            client.get(HOME)
        with django_assert_max_num_queries(MAX_QUERIES):
            client.get(HOME)
        counts.append(len(cold))
    assert counts[0] == counts[1]
    assert counts[0] <= MAX_QUERIES + COLD_EXTRA.get(role, 0)


def test_overview_reads_attendance_afresh(world: Any, client_for: Any) -> None:
    """Attendance taken after the first visit shows at the next one (not cached)."""
    client = client_for(world.user("principal"))
    assert "No attendance has been taken today yet." in client.get(HOME).content.decode()
    _today_lesson(world, [stats.PRESENT, stats.ABSENT])
    assert "50.0%" in client.get(HOME).content.decode()
