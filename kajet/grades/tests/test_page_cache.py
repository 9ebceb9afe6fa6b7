"""The family grades page's cache: the probe reads what the page reads, its stamp's parts are
what plain reads give, and every change to what the page shows — through the services the
school uses — shows on the next visit."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from kajet.grades import page_cache, selectors, services
from kajet.grades.models import BehaviourGrade, Grade, GradeCategory, GradingPolicy
from kajet.grades.tests.helpers import category, column, mark
from kajet.school import services as school_services
from kajet.school.models import ClassGroup, Course, Guardianship, SchoolClass, Subject
from kajet.testutils.factories import SchoolWorld, StudentFactory

URL = reverse("grades:index")


def _request(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    return request


def _family(world: SchoolWorld) -> tuple[Any, Any]:
    """A second child of the guardian, in another class, so the probe returns two rows."""
    other_class = SchoolClass.objects.create(
        school=world.school, year=world.year, name="3c", level=3
    )
    sibling = StudentFactory(school=world.school, school_class=other_class)
    Guardianship.objects.create(
        school=world.school, guardian=world.user("guardian"), student=sibling
    )
    return world.student, sibling


@pytest.mark.parametrize("role", ["guardian", "student"])
def test_probe_answers_what_the_orm_answers(world: SchoolWorld, role: str) -> None:
    _family(world)
    services.policy_update(
        actor=world.user("school_admin"),
        school=world.school,
        changes={"plus_value": Decimal("0.33"), "valueless_marks": ["np", "nb"]},
    )
    user = world.user(role)
    services.grades_visit_record(
        user=user, student=world.student, at=datetime.datetime(2026, 10, 1, 8, tzinfo=datetime.UTC)
    )
    orm_children, orm_selected = selectors.family_children(_request(user))
    probed, probed_selected = selectors.family_children_probed(_request(user))
    assert [c.pk for c in probed] == [c.pk for c in orm_children]
    assert probed_selected is not None and orm_selected is not None
    assert probed_selected.pk == orm_selected.pk
    for orm, raw in zip(orm_children, probed, strict=True):
        assert raw.user.full_name == orm.user.full_name
        assert raw.school_class.name == orm.school_class.name
        assert raw.school_class_id == orm.school_class_id
        assert raw.grades_seen_at == orm.grades_seen_at
        assert selectors.policy_of_student(raw) == selectors.policy_of_student(orm)


def test_stamp_parts_are_what_plain_reads_give(world: SchoolWorld) -> None:
    """The probe's aggregates (newest grade or column change, newest category change, the
    courses' signature) against the same facts read row by row, on either database."""
    cat = category(world.school, colour="#c0392b")
    col = column(world.course, world.term, cat, description="Ułamki")
    mark(col, world.student, "4+")
    mark(column(world.course, world.term, cat, description="Potęgi"), world.student, "3")
    made = {"category": GradeCategory.objects.get(pk=cat.pk), "column": col}
    services.column_update(
        actor=world.user("teacher"),
        column=made["column"],
        category=made["category"],
        date=made["column"].date,
        description="later",
        weight=None,
    )
    (child,) = page_cache.probe_children(world.user("student"))
    grades = list(Grade.objects.filter(student=world.student).select_related("column"))
    newest = max(
        max(g.updated_at, g.column.updated_at if g.column else g.updated_at) for g in grades
    )
    assert child.grades_at == newest
    assert child.categories_at == max(
        GradeCategory.objects.filter(school=world.school).values_list("updated_at", flat=True)
    )
    courses = Course.objects.filter(school_class=world.school_class, year__is_current=True)
    expected = {
        f"{c.pk}:{c.group_id or ''}:{c.subject.name}:"
        f"{c.teacher.first_name if c.teacher else ''} {c.teacher.last_name if c.teacher else ''}"
        for c in courses
        if c.group_id is None
    }
    assert set(child.courses_signature.split("|")) == expected


def test_probe_reads_the_behaviour_grades_of_the_class_year(world: SchoolWorld) -> None:
    from kajet.testutils.factories import SchoolYearFactory, TermFactory

    BehaviourGrade.objects.create(
        school=world.school, student=world.student, year=world.year, term=world.term, value=5
    )
    BehaviourGrade.objects.create(
        school=world.school, student=world.student, year=world.year, term=None, value=4
    )
    old_year = SchoolYearFactory(
        school=world.school,
        name="2025/2026",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2026, 6, 26),
        is_current=False,
    )
    old_term = TermFactory(
        school=world.school,
        year=old_year,
        number=2,
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 6, 26),
    )
    BehaviourGrade.objects.create(
        school=world.school, student=world.student, year=old_year, term=old_term, value=1
    )
    (child,) = page_cache.probe_children(world.user("guardian"))
    assert (child.behaviour_1, child.behaviour_2, child.behaviour_year) == (5, None, 4)
    assert selectors.student_behaviour(child) == selectors.student_behaviour(world.student)


def _rows(student: Any) -> dict[str, Any]:
    """Everything a probed student carries: its loaded rows' fields and the stamp's parts."""

    def model_to_dict(row: Any) -> dict[str, Any]:
        return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}

    school = student.school
    policy = page_cache.policy_row(student)
    return {
        "student": model_to_dict(student),
        "user": model_to_dict(student.user),
        "class": model_to_dict(student.school_class),
        "school": model_to_dict(school),
        "policy": model_to_dict(policy) if policy is not None else None,
        "policy_parsed": selectors.policy_of_student(student),
        "stamp": [
            getattr(student, name)
            for name in (
                "grades_seen_at",
                "grades_at",
                "categories_at",
                "scales_at",
                "behaviour_1",
                "behaviour_2",
                "behaviour_year",
            )
        ],
        # Joined in the database's order, which two queries need not share (ADR 8).
        "courses": sorted((student.courses_signature or "").split("|")),
    }


@pytest.mark.parametrize("role", ["guardian", "student"])
@pytest.mark.parametrize("policy", [True, False])
def test_probe_sql_answers_what_the_orm_probe_answers(
    world: SchoolWorld, role: str, policy: bool
) -> None:
    """ADR 4: the hand-written probe (docs/adr/0008) against its plain ORM version on the
    same data — two children, marks, a group with its own course, behaviour grades of this
    and another year, a visit, a policy row or none."""
    from kajet.testutils.factories import SchoolYearFactory

    _family(world)
    user = world.user(role)
    cat = category(world.school, colour="#c0392b")
    col = column(world.course, world.term, cat, description="Ułamki")
    mark(col, world.student, "4+")
    mark(column(world.course, world.term, cat), world.student, "2")
    services.column_update(
        actor=world.user("teacher"),
        column=col,
        category=GradeCategory.objects.get(pk=cat.pk),
        date=col.date,
        description="later",
        weight=None,
    )
    _join_group_with_own_course(world)
    BehaviourGrade.objects.create(
        school=world.school, student=world.student, year=world.year, term=world.term, value=5
    )
    BehaviourGrade.objects.create(
        school=world.school, student=world.student, year=world.year, term=None, value=4
    )
    old_year = SchoolYearFactory(
        school=world.school,
        name="2025/2026",
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2026, 6, 26),
        is_current=False,
    )
    BehaviourGrade.objects.create(
        school=world.school, student=world.student, year=old_year, term=None, value=1
    )
    services.grades_visit_record(
        user=user, student=world.student, at=datetime.datetime(2026, 10, 1, 8, tzinfo=datetime.UTC)
    )
    if policy:
        services.policy_update(
            actor=world.user("school_admin"),
            school=world.school,
            changes={"plus_value": Decimal("0.33"), "valueless_marks": ["np", "nb"]},
        )
    else:
        GradingPolicy.objects.filter(school=world.school).delete()
    probed = page_cache.probe_children(user)
    orm = page_cache.probe_children_orm(user)
    assert [c.pk for c in probed] == [c.pk for c in orm]
    assert len(probed) == (2 if role == "guardian" else 1)
    for raw, plain in zip(probed, orm, strict=True):
        assert _rows(raw) == _rows(plain)
    (mine,) = (c for c in probed if c.pk == world.student.pk)
    assert (mine.behaviour_1, mine.behaviour_year) == (5, 4)
    assert "Język niemiecki" in mine.courses_signature
    assert (page_cache.policy_row(mine) is not None) is policy


def test_probe_sees_only_own_school(world: SchoolWorld, other_world: SchoolWorld) -> None:
    # A guardianship row pointing across schools (which no service creates) is still not
    # followed: the probe filters by the user's school itself.
    Guardianship.objects.create(
        school=world.school, guardian=world.user("guardian"), student=other_world.student
    )
    children = page_cache.probe_children(world.user("guardian"))
    assert [c.pk for c in children] == [world.student.pk]


def test_probe_without_policy_row_uses_defaults(world: SchoolWorld) -> None:
    GradingPolicy.objects.filter(school=world.school).delete()
    (child,) = page_cache.probe_children(world.user("guardian"))
    assert selectors.policy_of_student(child) == selectors.policy_of_student(world.student)
    assert page_cache.policy_row(child) is None


def _page(client: Any, **params: str) -> str:
    response = client.get(reverse("grades:student", args=[params.pop("student")]), params)
    assert response.status_code == 200
    return response.content.decode()


CHANGES: dict[str, Callable[[SchoolWorld, dict[str, Any]], str]] = {}


def change(name: str) -> Callable[[Any], Any]:
    def register(function: Any) -> Any:
        CHANGES[name] = function
        return function

    return register


@change("a new column")
def _new_column(world: SchoolWorld, made: dict[str, Any]) -> str:
    services.column_add(
        actor=world.user("teacher"),
        course=world.course,
        term=world.term,
        category=made["category"],
        date=datetime.date(2026, 10, 20),
        description="",
        weight=None,
        cells=[services.Cell(student_id=world.student.pk, text="2+")],
    )
    return "2+"


@change("an edited mark")
def _edited(world: SchoolWorld, made: dict[str, Any]) -> str:
    grade = made["grade"]
    services.grade_update(
        actor=world.user("teacher"), grade=grade, text="1", comment="", version=grade.version
    )
    return ">1<"


@change("a corrected mark")
def _corrected(world: SchoolWorld, made: dict[str, Any]) -> str:
    grade = made["grade"]
    services.grade_correct(actor=world.user("teacher"), grade=grade, text="6-", comment="")
    return "6-"


@change("a deleted mark")
def _deleted(world: SchoolWorld, made: dict[str, Any]) -> str:
    grade = made["grade"]
    services.grade_delete(
        actor=world.user("teacher"), grade=grade, reason="pomyłka", version=grade.version
    )
    return "!4+"


@change("a column's description")
def _column_changed(world: SchoolWorld, made: dict[str, Any]) -> str:
    col = made["column"]
    services.column_update(
        actor=world.user("teacher"),
        column=col,
        category=col.category,
        date=col.date,
        description="Potęgi i pierwiastki",
        weight=Decimal("5"),
    )
    return "Potęgi i pierwiastki"


@change("a category's colour")
def _category_changed(world: SchoolWorld, made: dict[str, Any]) -> str:
    services.category_save(
        actor=world.user("school_admin"),
        school=world.school,
        category=made["category"],
        data={"colour": "#123456"},
    )
    return "#123456"


@change("the policy hides averages")
def _policy_changed(world: SchoolWorld, made: dict[str, Any]) -> str:
    services.policy_update(
        actor=world.user("school_admin"),
        school=world.school,
        changes={"show_averages_to_family": False},
    )
    return "!What if?"


@change("a subject renamed")
def _subject_renamed(world: SchoolWorld, made: dict[str, Any]) -> str:
    subject = world.course.subject
    subject.name = "Matematyka rozszerzona"
    school_services.structure_save(actor=world.user("school_admin"), obj=subject, kind="subject")
    return "Matematyka rozszerzona"


@change("another teacher for the course")
def _teacher_changed(world: SchoolWorld, made: dict[str, Any]) -> str:
    course = Course.objects.get(pk=world.course.pk)
    course.teacher = world.user("homeroom_teacher")
    school_services.structure_save(actor=world.user("school_admin"), obj=course, kind="course")
    return world.user("homeroom_teacher").full_name


@change("a teacher's name")
def _teacher_renamed(world: SchoolWorld, made: dict[str, Any]) -> str:
    teacher = world.user("teacher")
    school_services.staff_update(
        actor=world.user("secretariat"),
        user=teacher,
        first_name="Bożena",
        last_name="Zmieniona",
        email=teacher.email,
    )
    return "Bożena Zmieniona"


def _join_group_with_own_course(world: SchoolWorld) -> None:
    """The student joins a group of their class that has its own course (German)."""
    group = ClassGroup.objects.create(
        school=world.school, school_class=world.school_class, name="gr. 1"
    )
    subject = Subject.objects.create(school=world.school, name="Język niemiecki", short_name="niem")
    Course.objects.create(
        school=world.school,
        year=world.year,
        subject=subject,
        school_class=world.school_class,
        group=group,
        teacher=world.user("teacher"),
    )
    school_services.group_set_members(
        actor=world.user("school_admin"), group=group, students=[world.student]
    )


@change("joining a group with its own course")
def _group_joined(world: SchoolWorld, made: dict[str, Any]) -> str:
    _join_group_with_own_course(world)
    return "Język niemiecki"


@change("a behaviour grade for the term")
def _behaviour_set(world: SchoolWorld, made: dict[str, Any]) -> str:
    services.behaviour_grades_set(
        actor=world.user("homeroom_teacher"),
        school_class=world.school_class,
        term=world.term,
        rows=[services.BehaviourInput(student_id=world.student.pk, value=5)],
    )
    return "very good (bardzo dobre)"


@pytest.mark.parametrize("name", list(CHANGES))
def test_every_change_shows_on_the_next_visit(
    world: SchoolWorld, client_for: Any, name: str
) -> None:
    cat = category(world.school, colour="#c0392b")
    col = column(world.course, world.term, cat, description="Ułamki")
    grade = mark(col, world.student, "4+")
    made = {"category": GradeCategory.objects.get(pk=cat.pk), "column": col, "grade": grade}
    client = client_for(world.user("guardian"))
    _page(client, student=str(world.student.pk))
    before = _page(client, student=str(world.student.pk))  # served from the cache
    expected = CHANGES[name](world, made)
    after = _page(client, student=str(world.student.pk))
    if expected.startswith("!"):
        assert expected[1:] in before
        assert expected[1:] not in after
    else:
        assert expected not in before
        assert expected in after


def test_a_changed_behaviour_grade_shows_on_the_next_visit(
    world: SchoolWorld, client_for: Any
) -> None:
    BehaviourGrade.objects.create(
        school=world.school, student=world.student, year=world.year, term=world.term, value=6
    )
    BehaviourGrade.objects.create(
        school=world.school, student=world.student, year=world.year, term=None, value=5
    )
    client = client_for(world.user("guardian"))
    pk = str(world.student.pk)
    _page(client, student=pk, okres="1")
    before = _page(client, student=pk, okres="1")  # from the cache
    assert "exemplary (wzorowe)" in before
    assert "very good (bardzo dobre)" not in before  # the annual one is on the year's tab
    assert "very good (bardzo dobre)" in _page(client, student=pk, okres="rok")
    services.behaviour_grades_set(
        actor=world.user("homeroom_teacher"),
        school_class=world.school_class,
        term=world.term,
        rows=[services.BehaviourInput(student_id=world.student.pk, value=3, version=1)],
    )
    after = _page(client, student=pk, okres="1")
    assert "acceptable (poprawne)" in after
    assert "exemplary (wzorowe)" not in after


def test_each_viewer_period_and_language_has_its_own_copy(
    world: SchoolWorld, client_for: Any, settings: Any
) -> None:
    mark(column(world.course, world.term, category(world.school)), world.student, "5")
    guardian = client_for(world.user("guardian"))
    student = client_for(world.user("student"))
    pk = str(world.student.pk)
    assert 'aria-current="page">Term I<' in _page(guardian, student=pk, okres="1")
    assert 'aria-current="page">School year<' in _page(guardian, student=pk, okres="rok")
    assert 'aria-current="page">Term I<' in _page(student, student=pk, okres="1")
    with translation.override("pl"):
        guardian.cookies["django_language"] = "pl"
        assert "Okres I" in _page(guardian, student=pk, okres="1")
    guardian.cookies["django_language"] = "en"
    assert 'aria-current="page">Term I<' in _page(guardian, student=pk, okres="1")


def test_new_marks_are_flagged_for_the_viewer_who_has_not_seen_them(
    world: SchoolWorld, client_for: Any
) -> None:
    cat = category(world.school)
    mark(column(world.course, world.term, cat), world.student, "3")
    guardian = client_for(world.user("guardian"))
    student = client_for(world.user("student"))
    pk = str(world.student.pk)
    _page(guardian, student=pk)
    _page(student, student=pk)
    services.column_add(
        actor=world.user("teacher"),
        course=world.course,
        term=world.term,
        category=cat,
        date=datetime.date(2026, 10, 21),
        description="",
        weight=None,
        cells=[services.Cell(student_id=world.student.pk, text="5")],
    )
    assert "1 new mark since your last visit" in _page(guardian, student=pk)
    assert "new mark since your last visit" not in _page(guardian, student=pk)
    # The student has not looked yet: their own copy still flags it.
    assert "1 new mark since your last visit" in _page(student, student=pk)


def _fill(world: SchoolWorld, subjects: int, per_subject: int) -> None:
    cat = category(world.school)
    rows = []
    for i in range(subjects):
        subject = Subject.objects.create(school=world.school, name=f"P{i:02d}", short_name=f"p{i}")
        course = Course.objects.create(
            school=world.school,
            year=world.year,
            subject=subject,
            school_class=world.school_class,
            teacher=world.user("teacher"),
        )
        rows += [
            Grade(
                school=world.school,
                student=world.student,
                course=course,
                term=world.term,
                column=column(course, world.term, cat),
                text="4",
                value=4,
            )
            for _ in range(per_subject)
        ]
    Grade.objects.bulk_create(rows)


@pytest.mark.parametrize(("subjects", "per_subject"), [(1, 2), (15, 40)])
def test_queries_when_cached_and_after_a_change(
    world: SchoolWorld,
    client_for: Any,
    django_assert_max_num_queries: Any,
    subjects: int,
    per_subject: int,
) -> None:
    _fill(world, subjects, per_subject)
    client = client_for(world.user("guardian"))
    client.get(URL)  # the first visit: records it
    # After a change (the cached copy no longer matches): session, user, probe, courses,
    # grades, the navigation's unread count.
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200
    # From the cache: session, user, probe, unread count.
    with django_assert_max_num_queries(4):
        assert client.get(URL).status_code == 200
