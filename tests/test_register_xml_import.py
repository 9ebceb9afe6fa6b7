"""Importing a register export: the round trip of the demo school (the family's grades and the
attendance statistics of every student are the same after export → empty database → import),
and bad input that changes nothing."""

from __future__ import annotations

import datetime
import pathlib
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope, scopes_disabled

from kajet.accounts.models import User
from kajet.attendance.selectors import terms_of
from kajet.core.models import HistoryEntry, School
from kajet.demo.demo_data import seed_demo
from kajet.grades.selectors import student_grades
from kajet.grades.selectors.student import MarkView
from kajet.records.selectors import student_attendance
from kajet.records.tests.helpers import fill_class
from kajet.records.xmlio.export import register_chunks
from kajet.remarks.models import Remark, RemarkAcknowledgement
from kajet.school.models import SchoolYear, Student
from kajet.testutils.factories import SchoolWorld

TODAY = datetime.date(2026, 11, 16)


def _grade(grade: Any) -> tuple[Any, ...] | None:
    if grade is None:
        return None
    return (grade.pk, grade.kind, grade.text, grade.value, grade.descriptive, grade.comment)


def _mark(mark: MarkView) -> tuple[Any, ...]:
    category = mark.category.name if mark.category is not None else None
    correction = mark.correction.pk if mark.correction is not None else None
    return (*(_grade(mark.grade) or ()), mark.weight, mark.counts, category, correction)


def grades_page(student: Student) -> tuple[Any, ...]:
    """What the family's grades page shows for the student (its own selector)."""
    data = student_grades(student)
    subjects = [
        (
            str(s.course),
            s.course.teacher.full_name,
            [
                (
                    t.number,
                    [_mark(m) for m in t.marks],
                    t.average,
                    t.suggested,
                    _grade(t.proposed),
                    _grade(t.final),
                )
                for t in s.terms
            ],
            s.year_average,
            s.year_suggested,
            _grade(s.proposed_annual),
            _grade(s.final_annual),
        )
        for s in data.subjects
    ]
    return (subjects, data.overall, [c.name for c in data.categories], data.show_averages)


def snapshot(school_id: int) -> dict[int, tuple[Any, ...]]:
    """Every student's grades page and attendance statistics in the school's current year."""
    with scope(school=school_id):
        year = SchoolYear.objects.get(is_current=True)
        terms = terms_of(year)
        students = Student.objects.filter(school_class__year=year).select_related(
            "user", "school_class", "school__grading_policy"
        )
        return {
            s.pk: (
                s.user.full_name,
                s.school_class.name,
                grades_page(s),
                repr(student_attendance(s, year.starts_on, year.ends_on, terms)),
            )
            for s in students
        }


def export_file(school: School, year: SchoolYear, path: pathlib.Path) -> pathlib.Path:
    path.write_text("".join(register_chunks(school=school, year=year)), encoding="utf-8")
    return path


@pytest.mark.django_db(transaction=True)
def test_round_trip_of_the_demo_school(tmp_path: pathlib.Path) -> None:
    with scopes_disabled():
        seed_demo(TODAY)
        school = School.objects.order_by("pk").first()
        assert school is not None
        year = SchoolYear.objects.get(school=school, is_current=True)
        history = HistoryEntry.objects.filter(school=school).count()
        remarks = sorted(
            Remark.objects.filter(school=school).values_list("pk", "text", "created_at", "points")
        )
        acknowledged = sorted(
            RemarkAcknowledgement.objects.filter(school=school).values_list("remark", "user", "at")
        )
        assert remarks and acknowledged  # the demo has remarks, some of them read
    before = snapshot(school.pk)
    assert len(before) > 10
    assert any(page[2][0] for page in before.values())  # someone has grades
    path = export_file(school, year, tmp_path / "rejestr.xml")

    call_command("flush", interactive=False, verbosity=0)
    with scopes_disabled():
        assert not School.objects.exists()
    call_command("import_register", str(path), stdout=None)

    assert snapshot(school.pk) == before
    with scopes_disabled():
        assert HistoryEntry.objects.filter(school=school).count() == history
        assert (
            sorted(
                Remark.objects.filter(school=school).values_list(
                    "pk", "text", "created_at", "points"
                )
            )
            == remarks
        )
        assert (
            sorted(
                RemarkAcknowledgement.objects.filter(school=school).values_list(
                    "remark", "user", "at"
                )
            )
            == acknowledged
        )
        imported = User.objects.filter(school=school)
        assert imported.exists()
        assert not any(u.has_usable_password() for u in imported)
        # New rows get new ids after the imported ones (the sequences were moved on).
        extra = School.objects.create(name="Nowa", short_name="N")
        assert extra.pk > school.pk


def test_import_refuses_a_school_that_exists(world: SchoolWorld, tmp_path: pathlib.Path) -> None:
    fill_class(world)
    path = export_file(world.school, world.year, tmp_path / "rejestr.xml")
    with pytest.raises(CommandError, match="already holds a school"):
        call_command("import_register", str(path))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text[: len(text) // 2], "not a valid register export"),
        (lambda text: text.replace('formatVersion="1"', 'formatVersion="2"'), "formatVersion"),
        (lambda text: text.replace("<students>", "<students><student id='1'/>"), "student"),
        (lambda text: "plain text, not XML", "not a valid register export"),
    ],
)
def test_a_damaged_file_changes_nothing(
    world: SchoolWorld, tmp_path: pathlib.Path, damage: Any, message: str
) -> None:
    fill_class(world)
    path = export_file(world.school, world.year, tmp_path / "rejestr.xml")
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    with scopes_disabled():
        schools = School.objects.count()
        users = User.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("import_register", str(path))
    with scopes_disabled():
        assert (School.objects.count(), User.objects.count()) == (schools, users)


def test_a_broken_reference_is_refused(world: SchoolWorld, tmp_path: pathlib.Path) -> None:
    data = fill_class(world)
    path = export_file(world.school, world.year, tmp_path / "rejestr.xml")
    student = data["students"][0]
    text = path.read_text(encoding="utf-8").replace(
        f'<student id="{student.pk}" user="{student.user_id}"',
        f'<student id="{student.pk}" user="99999999"',
    )
    assert "99999999" in text
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="student-user"):
        call_command("import_register", str(path))


def test_a_missing_file(tmp_path: pathlib.Path) -> None:
    with pytest.raises(CommandError, match="cannot be read|not a valid"):
        call_command("import_register", str(tmp_path / "nie-ma.xml"))
