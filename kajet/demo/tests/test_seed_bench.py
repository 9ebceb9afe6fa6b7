from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

from kajet.accounts.models import StaffRole, User
from kajet.core.models import School
from kajet.demo.management.commands.seed_bench import (
    BENCH_PASSWORD,
    LOGINS_FILE,
    SIZES,
    school_spec,
)
from kajet.demo.seeding.school import _class_size
from kajet.school.models import Course, Guardianship, SchoolClass, Student

TODAY = datetime.date(2026, 11, 16)
ROLES = {
    "guardian",
    "student",
    "teacher",
    "homeroom_teacher",
    "principal",
    "school_admin",
    "secretariat",
    "pedagogue",
    "psychologist",
}


class _Undo(Exception):
    pass


def _snapshot() -> list[tuple[str, str, str, str]]:
    return sorted(User.objects.values_list("login", "first_name", "last_name", "kind"))


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_two_runs_give_the_same_people_and_logins(var_dir: Path) -> None:
    snapshots = []
    logins = []
    for _ in range(2):
        try:
            with transaction.atomic():
                call_command("seed_bench", size="xs", today=TODAY, stdout=io.StringIO())
                snapshots.append(_snapshot())
                logins.append((var_dir / LOGINS_FILE).read_text())
                raise _Undo
        except _Undo:
            pass
        assert not School.objects.exists()
    assert len(snapshots[0]) > 100
    assert snapshots[0] == snapshots[1]
    assert logins[0] == logins[1]


@pytest.mark.django_db
def test_xs_dataset_next_to_an_existing_school(var_dir: Path) -> None:
    School.objects.create(name="Inna szkoła", short_name="Inna", city="Gdańsk")
    with pytest.raises(CommandError, match="--add"):
        call_command("seed_bench", size="xs", today=TODAY)

    call_command("seed_bench", size="xs", today=TODAY, add=True, stdout=io.StringIO())

    school = School.objects.get(short_name="Bench XS 1")
    assert School.objects.count() == 2
    assert Student.objects.filter(school=school).count() == 50
    assert SchoolClass.objects.filter(school=school).count() == 2
    # 8a: 14 subjects, German in two groups (15 courses); 4a: 11 subjects.
    assert Course.objects.filter(school=school).count() == 26
    assert StaffRole.objects.filter(school=school, role="teacher").count() == 8
    assert Guardianship.objects.filter(school=school).count() >= 50

    rows = json.loads((var_dir / LOGINS_FILE).read_text())
    assert {row["role"] for row in rows} == ROLES
    assert all(set(row) == {"school", "role", "login", "password", "name"} for row in rows)
    for row in rows:
        user = User.objects.get(login=row["login"])
        assert user.check_password(BENCH_PASSWORD)
        assert not user.must_change_password
    by_role = {row["role"]: row["login"] for row in rows}
    assert by_role["student"] == by_role["guardian"] + "u"
    # The bench teacher carries the heaviest load of a teacher without a class of their own.
    loads = [
        Course.objects.filter(teacher=t).count()
        for t in User.objects.filter(role_rows__role="teacher", school=school).exclude(
            homeroom_classes__isnull=False
        )
    ]
    assert Course.objects.filter(teacher__login=by_role["teacher"]).count() == max(loads)
    homeroom = User.objects.get(login=by_role["homeroom_teacher"])
    assert SchoolClass.objects.filter(homeroom_teacher=homeroom).exists()

    # The harness signs in through the real form.
    response = Client().post(
        "/konto/logowanie/?jako=rodzina",
        {"login": by_role["guardian"], "password": BENCH_PASSWORD},
    )
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated

    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_bench", size="xs", today=TODAY, add=True)


@pytest.mark.parametrize(
    ("size", "schools", "students", "classes", "teachers"),
    [("xs", 1, 50, 2, 8), ("s", 1, 300, 14, 35), ("m", 1, 1000, 40, 100), ("l", 100, 400, 16, 40)],
)
def test_sizes_match_the_issue(
    size: str, schools: int, students: int, classes: int, teachers: int
) -> None:
    bench = SIZES[size]
    spec = school_spec(size, 1)
    assert bench.schools == schools
    assert len(spec.class_names) == len(set(spec.class_names)) == classes
    assert sum(_class_size(spec, i) for i in range(classes)) == students
    assert spec.teachers == teachers


def test_large_dataset_logins_do_not_collide_across_schools() -> None:
    specs = [school_spec("l", n) for n in range(1, SIZES["l"].schools + 1)]
    ranges = sorted(
        (spec.first_login_number, spec.first_login_number + 2 * SIZES["l"].students)
        for spec in specs
    )
    assert all(end < start for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False))
    assert all(len(str(end)) == 7 for _, end in ranges)
    assert len({spec.staff_login_suffix for spec in specs}) == len(specs)
    named = [staff.login for spec in specs for staff in spec.named_staff]
    assert len(named) == len(set(named))
