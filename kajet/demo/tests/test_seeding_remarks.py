"""Demo remarks on top of a small school with its timetable and held lessons."""

from __future__ import annotations

import datetime

import pytest

from kajet.accounts.models import Role
from kajet.demo.seeding.attendance import seed_school_data as seed_attendance
from kajet.demo.seeding.remarks import seed_school_data as seed_remarks
from kajet.demo.seeding.school import SchoolSpec, StaffSpec, seed_school
from kajet.demo.seeding.timetable import seed_school_data as seed_timetable
from kajet.remarks.models import Remark, RemarkAcknowledgement, RemarkCategory

pytestmark = pytest.mark.django_db


def test_seed_remarks() -> None:
    today = datetime.date(2026, 11, 20)
    spec = SchoolSpec(
        name="SP Test",
        short_name="SP T",
        city="Gdańsk",
        class_names=["4a", "5a"],
        students_per_class=6,
        teachers=6,
        first_login_number=6300001,
        seed=5,
        named_staff=[StaffSpec("t.principal", "Halina", "Kaczmarek", [Role.PRINCIPAL])],
    )
    seeded = seed_school(spec, today=today, password="x-Pass-2026")
    seed_timetable(seeded, today=today, scale="demo")
    seed_attendance(seeded, today=today, scale="demo")
    seed_remarks(seeded, today=today, scale="demo")

    assert RemarkCategory.objects.filter(name="Pochwała").exists()
    remarks = list(Remark.objects.select_related("student", "lesson__course"))
    assert len(remarks) >= 10
    assert {r.kind for r in remarks} >= {"positive", "negative"}
    for remark in remarks:
        assert remark.date <= today
        if remark.lesson is not None:
            assert remark.lesson.date == remark.date
            assert remark.lesson.course.school_class_id == remark.student.school_class_id
            assert remark.lesson.teacher_id == remark.author_id
    assert any(r.lesson_id for r in remarks)
    for ack in RemarkAcknowledgement.objects.select_related("remark"):
        assert ack.at.date() > ack.remark.date
    # The benchmark scales get none.
    Remark.objects.all().delete()
    seed_remarks(seeded, today=today, scale="s")
    assert not Remark.objects.exists()
