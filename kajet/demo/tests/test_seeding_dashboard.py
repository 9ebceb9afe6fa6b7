"""Demo homework and announcements, seeded on top of a small school with its timetable (here:
the dashboard layer may import both apps)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from kajet.accounts.models import Role, User
from kajet.demo.seeding.homework import seed_school_data as seed_homework
from kajet.demo.seeding.noticeboard import seed_school_data as seed_noticeboard
from kajet.demo.seeding.school import SchoolSpec, StaffSpec, seed_school
from kajet.demo.seeding.timetable import seed_school_data as seed_timetable
from kajet.homework.models import Homework, HomeworkAttachment, HomeworkDone
from kajet.noticeboard.models import Announcement, AnnouncementRead

pytestmark = pytest.mark.django_db


def test_seed_homework_and_announcements(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    today = datetime.date(2026, 11, 20)
    spec = SchoolSpec(
        name="SP Test",
        short_name="SP T",
        city="Gdańsk",
        class_names=["4a", "5a"],
        students_per_class=6,
        teachers=6,
        first_login_number=6200001,
        seed=5,
        named_staff=[
            StaffSpec("t.principal", "Halina", "Kaczmarek", [Role.PRINCIPAL]),
            StaffSpec("t.office", "Monika", "Kubacka", [Role.SECRETARIAT]),
        ],
    )
    seeded = seed_school(spec, today=today, password="x-Pass-2026")
    seed_timetable(seeded, today=today, scale="demo")
    seed_homework(seeded, today=today, scale="demo")
    seed_noticeboard(seeded, today=today, scale="demo")

    assert Homework.objects.filter(due_on__gte=today).exists()
    assert Homework.objects.filter(due_on__lt=today).exists()
    assert HomeworkAttachment.objects.exists()
    assert HomeworkDone.objects.exists()
    for homework in Homework.objects.select_related("course"):
        assert homework.author_id == homework.course.teacher_id
        assert homework.set_on <= homework.due_on

    days_off = Announcement.objects.get(pinned=True)
    assert days_off.author.login == "t.principal"
    assert "Narodowe Święto Niepodległości" in days_off.body
    assert {a.audience for a in Announcement.objects.all()} >= {
        "school",
        "guardians",
        "students",
        "staff",
    }
    assert AnnouncementRead.objects.filter(announcement=days_off).exists()
    # Nobody reads what was not addressed to them.
    staff_only = Announcement.objects.get(audience="staff")
    kinds = set(
        User.objects.filter(
            pk__in=AnnouncementRead.objects.filter(announcement=staff_only).values("user_id")
        ).values_list("kind", flat=True)
    )
    assert kinds <= {"staff"}
