"""The new school year page: preview writes nothing, the run writes everything in one go,
bad input is refused with a message; right role, wrong roles, another school."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from kajet.accounts.models import User
from kajet.core.models import HistoryEntry
from kajet.school.models import (
    ClassGroup,
    Course,
    GroupMembership,
    SchoolClass,
    SchoolYear,
    Student,
    Term,
)
from kajet.school.services.rollover import graduates_close
from kajet.school.tests.conftest import fill_class
from kajet.testutils.factories import (
    CourseFactory,
    SchoolClassFactory,
    StudentFactory,
    guardian_for,
)

pytestmark = pytest.mark.django_db

URL = reverse("school:rollover")


def form_data(world: Any, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "2027/2028",
        "starts_on": "2027-09-01",
        "second_term_on": "2028-02-01",
        "ends_on": "2028-06-23",
        "last_level": "8",
        "graduates_leave_on": "2027-08-31",
        "keep_homeroom": [str(world.school_class.pk)],
        "held_back": [],
        "courses": [str(c.pk) for c in Course.objects.filter(school=world.school)],
        "preview": "1",
    }
    data.update(changes)
    return data


def written() -> tuple[int, ...]:
    with scopes_disabled():
        return (
            SchoolYear.objects.count(),
            Term.objects.count(),
            SchoolClass.objects.count(),
            ClassGroup.objects.count(),
            Course.objects.count(),
            HistoryEntry.objects.count(),
            Student.objects.filter(left_on__isnull=False).count(),
            *Student.objects.order_by("pk").values_list("school_class_id", flat=True),
        )


@pytest.fixture
def admin(world: Any, client_for: Any) -> Client:
    client: Client = client_for(world.user("school_admin"))
    return client


@pytest.mark.parametrize(
    "role",
    ["teacher", "homeroom_teacher", "guardian", "student", "pedagogue", "secretariat", "principal"],
)
def test_other_roles_get_404(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    before = written()
    assert client.get(URL).status_code == 404
    assert client.post(URL, {**form_data(world), "run": "1"}).status_code == 404
    assert written() == before


def test_page_proposes_the_next_year(world: Any, admin: Client) -> None:
    response = admin.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["name"] == "2027/2028"
    assert form.initial["starts_on"] == datetime.date(2027, 9, 1)
    assert str(world.school_class.pk) in [str(v) for v in form.initial["keep_homeroom"]]
    assert form.initial["courses"] == [world.course.pk]
    assert reverse("school:rollover").encode() in admin.get(reverse("school:hub")).content


def test_preview_shows_every_change_and_writes_nothing(world: Any, admin: Client) -> None:
    before = written()
    response = admin.post(URL, form_data(world))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.ok
    assert [(m.school_class.name, m.step.next_name) for m in plan.moves] == [
        ("2a", "3a"),
        ("6b", "7b"),
    ]
    html = response.content.decode()
    assert "7b" in html and "3a" in html and "NIEM gr. 1" in html
    assert 'name="run"' in html
    assert written() == before


def test_preview_costs_the_same_for_a_big_school(world: Any, admin: Client) -> None:
    def preview_queries() -> int:
        data = form_data(world)
        with CaptureQueriesContext(connection) as queries:
            assert admin.post(URL, data).status_code == 200
        return len(queries)

    preview_queries()  # the first request also loads the session and the user
    small = preview_queries()
    for level in (3, 4, 5):
        extra = SchoolClassFactory(
            school=world.school, year=world.year, name=f"{level}c", level=level
        )
        fill_class(extra, 15)
        ClassGroup.objects.create(school=world.school, school_class=extra, name="gr. 1")
        CourseFactory(school=world.school, school_class=extra, subject=world.subject)
    fill_class(world.school_class, 20)
    assert preview_queries() == small


def test_run_promotes_classes_and_makes_the_new_year_current(world: Any, admin: Client) -> None:
    year = world.year
    response = admin.post(URL, {**form_data(world), "run": "1"})
    assert response.status_code == 302, response.content[:3000]
    new_year = SchoolYear.objects.get(school=world.school, is_current=True)
    assert new_year.name == "2027/2028"
    assert [(t.number, t.starts_on, t.ends_on) for t in new_year.terms.order_by("number")] == [
        (1, datetime.date(2027, 9, 1), datetime.date(2028, 1, 31)),
        (2, datetime.date(2028, 2, 1), datetime.date(2028, 6, 23)),
    ]
    seventh = SchoolClass.objects.get(year=new_year, name="7b")
    assert seventh.level == 7 and seventh.homeroom_teacher == world.user("homeroom_teacher")
    third = SchoolClass.objects.get(year=new_year, name="3a")
    assert third.homeroom_teacher is None  # not chosen
    student = Student.objects.get(pk=world.student.pk)
    assert student.school_class == seventh and student.class_number == 1
    group = ClassGroup.objects.get(school_class=seventh)
    assert group.name == "NIEM gr. 1"
    assert GroupMembership.objects.filter(group=group, student=student).exists()
    course = Course.objects.get(year=new_year)
    assert (course.school_class, course.subject, course.teacher) == (
        seventh,
        world.subject,
        world.course.teacher,
    )
    assert Student.objects.get(pk=world.other_student.pk).school_class == third
    # The old year stays as it is.
    year.refresh_from_db()
    assert not year.is_current and year.archived_at is None
    assert SchoolClass.objects.filter(year=year).count() == 2
    assert Course.objects.filter(year=year).count() == 1
    assert HistoryEntry.objects.filter(code="school.year.rolled_over").count() == 1
    # The homeroom teacher leads 7b now: the role follows the current year.
    page = admin.get(URL)
    assert page.context["form"].initial["name"] == "2028/2029"


def test_not_promoted_students_stay_in_their_level(world: Any, admin: Client) -> None:
    fifth = SchoolClassFactory(school=world.school, year=world.year, name="5b", level=5)
    StudentFactory(school_class=fifth, class_number=1)
    StudentFactory(school_class=fifth, class_number=2)
    data = form_data(world, held_back=[str(world.student.pk), str(world.other_student.pk)])
    preview = admin.post(URL, data)
    held = {h.student.pk: h.new_class_name for h in preview.context["plan"].held_back}
    assert held == {world.student.pk: "6b", world.other_student.pk: None}
    assert admin.post(URL, {**data, "run": "1"}).status_code == 302
    new_year = SchoolYear.objects.get(school=world.school, is_current=True)
    student = Student.objects.get(pk=world.student.pk)
    assert student.school_class == SchoolClass.objects.get(year=new_year, name="6b")
    assert student.class_number == 3  # after the two who came up from 5b
    assert not GroupMembership.objects.filter(student=student, group__school_class__year=new_year)
    # 2a has no class of level 2 next year: listed for a decision.
    assert Student.objects.get(pk=world.other_student.pk).school_class == world.other_class
    page = admin.get(URL)
    assert [s.pk for s in page.context["awaiting"]] == [world.other_student.pk]
    assert reverse("school:student_move", args=[world.other_student.pk]).encode() in page.content


def test_graduates_logins_close_on_the_set_date(world: Any, admin: Client) -> None:
    eighth = SchoolClassFactory(school=world.school, year=world.year, name="8a", level=8)
    leaving = StudentFactory(school_class=eighth, class_number=1)
    parent = guardian_for(leaving, login="7100777")
    CourseFactory(school=world.school, school_class=eighth, subject=world.subject)
    data = form_data(world, graduates_leave_on="2027-08-31", run="1")
    assert admin.post(URL, data).status_code == 302
    leaving.refresh_from_db()
    assert leaving.left_on == datetime.date(2027, 8, 31)
    assert leaving.school_class == eighth  # stays in the old class, records kept
    assert User.objects.get(pk=leaving.user_id).is_active  # until the day comes
    assert not Course.objects.filter(year__is_current=True, subject=world.subject).exclude(
        school_class__name="7b"
    )
    with scopes_disabled():
        assert graduates_close(today=datetime.date(2027, 8, 30)) == 0
        assert graduates_close(today=datetime.date(2027, 8, 31)) == 2
    assert not User.objects.get(pk=leaving.user_id).is_active
    assert not User.objects.get(pk=parent.pk).is_active
    assert User.objects.get(pk=world.student.user_id).is_active


def test_graduates_leaving_today_are_closed_at_once(world: Any, admin: Client) -> None:
    eighth = SchoolClassFactory(school=world.school, year=world.year, name="8a", level=8)
    leaving = StudentFactory(school_class=eighth, class_number=1)
    data = form_data(world, graduates_leave_on="2026-06-26", run="1")
    assert admin.post(URL, data).status_code == 302
    assert not User.objects.get(pk=leaving.user_id).is_active


@pytest.mark.parametrize(
    ("setup", "changes", "fragment"),
    [
        ("class9", {}, "Class 9a has no next level"),
        ("year", {}, "The school year 2027/2028 already exists."),
        (None, {"starts_on": "2027-06-01"}, "must start after 2026/2027 ends"),
        (None, {"second_term_on": "2029-01-01"}, "Term II must start"),
        (None, {"last_level": "5"}, "Class 6b has no next level"),
    ],
)
def test_bad_input_writes_nothing(
    world: Any, admin: Client, setup: str | None, changes: dict[str, str], fragment: str
) -> None:
    if setup == "class9":
        SchoolClassFactory(school=world.school, year=world.year, name="9a", level=9)
    if setup == "year":
        SchoolYear.objects.create(
            school=world.school,
            name="2027/2028",
            starts_on=datetime.date(2027, 9, 1),
            ends_on=datetime.date(2028, 6, 23),
        )
    before = written()
    response = admin.post(URL, {**form_data(world, **changes), "run": "1"})
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert 'name="run"' not in response.content.decode()
    assert written() == before


def test_another_school_rolls_over_only_itself(
    world: Any, other_world: Any, client_for: Any
) -> None:
    with scopes_disabled():
        client = client_for(other_world.user("school_admin"))
        preview = client.post(URL, form_data(other_world))
        assert {m.school_class.pk for m in preview.context["plan"].moves} == {
            other_world.school_class.pk,
            other_world.other_class.pk,
        }
        # A class id of school A is not a choice for school B's administrator.
        bad = client.post(URL, form_data(other_world, keep_homeroom=[str(world.school_class.pk)]))
        assert bad.status_code == 400
        assert client.post(URL, {**form_data(other_world), "run": "1"}).status_code == 302
        assert SchoolYear.objects.get(school=world.school, is_current=True) == world.year
        assert Student.objects.get(pk=world.student.pk).school_class == world.school_class
        assert (
            SchoolYear.objects.get(school=other_world.school, is_current=True).name == "2027/2028"
        )


def test_run_costs_a_bounded_number_of_queries(
    world: Any, admin: Client, django_assert_max_num_queries: Any
) -> None:
    for level in (3, 4, 5, 8):
        extra = SchoolClassFactory(
            school=world.school, year=world.year, name=f"{level}c", level=level
        )
        fill_class(extra, 15)
        ClassGroup.objects.create(school=world.school, school_class=extra, name="gr. 1")
        CourseFactory(school=world.school, school_class=extra, subject=world.subject)
    # Graduates leave on a later day (closing logins now ends sessions user by user in
    # kajet.accounts, which is not part of the rollover's own budget).
    data = {**form_data(world, graduates_leave_on="2027-08-31"), "run": "1"}
    with django_assert_max_num_queries(30):
        assert admin.post(URL, data).status_code == 302
    new_year = SchoolYear.objects.get(school=world.school, is_current=True)
    assert Student.objects.filter(school_class__year=new_year).count() == 47


def test_a_failure_midway_leaves_the_old_year_untouched(world: Any) -> None:
    """Another administrator created the year between the preview and the run: the database
    refuses it after the old year was already switched off — and that is rolled back too."""
    from django.db import IntegrityError

    from kajet.school.forms.rollover import RolloverForm
    from kajet.school.services.rollover import rollover_plan, year_rollover, year_snapshot

    snapshot = year_snapshot(world.school.pk)
    assert snapshot is not None
    form = RolloverForm(form_data(world), snapshot=snapshot)
    assert form.is_valid(), form.errors
    plan = rollover_plan(snapshot, form.choices())
    assert plan.ok
    SchoolYear.objects.create(
        school=world.school,
        name="2027/2028",
        starts_on=datetime.date(2027, 9, 1),
        ends_on=datetime.date(2028, 6, 23),
    )
    before = written()
    with pytest.raises(IntegrityError):
        year_rollover(school=world.school, actor=world.user("school_admin"), plan=plan)
    assert written() == before
    assert SchoolYear.objects.get(school=world.school, is_current=True) == world.year
