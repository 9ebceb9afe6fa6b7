"""The family's grades page, the mark detail and the what-if calculator."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from kajet.grades import services
from kajet.grades.models import Grade, GradesVisit, GradingPolicy
from kajet.grades.tests.helpers import category, column, mark
from kajet.school.models import Course, Subject
from kajet.testutils.factories import SchoolWorld, UserFactory

URL = reverse("grades:index")


def two_marks(world: SchoolWorld) -> list[Grade]:
    cat = category(world.school, colour="#c0392b")
    col = column(world.course, world.term, cat, description="Ułamki")
    col2 = column(world.course, world.term, category(world.school, "Kartkówka", "2"))
    return [mark(col, world.student, "5+", comment="Bardzo dobrze"), mark(col2, world.student, "3")]


def test_guardian_sees_marks_average_and_terms(world: SchoolWorld, client_for: Any) -> None:
    two_marks(world)
    proposed = Grade.objects.create(
        school=world.school,
        student=world.student,
        course=world.course,
        term=world.term,
        kind=Grade.Kind.PROPOSED_TERM,
        text="5",
        value=5,
    )
    response = client_for(world.user("guardian")).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Matematyka" in body and "5+" in body
    # (5.5·3 + 3·2) / 5 = 4.5
    assert "4,50" in body or "4.50" in body
    assert "label-proposed" in body
    proposed_url = reverse("grades:mark", args=[proposed.pk])
    assert f'<a href="{proposed_url}" hx-get="{proposed_url}"' in body


def test_student_sees_own_grades(world: SchoolWorld, client_for: Any) -> None:
    two_marks(world)
    response = client_for(world.user("student")).get(URL)
    assert response.status_code == 200
    assert "5+" in response.content.decode()


def test_averages_hidden_when_policy_says_so(world: SchoolWorld, client_for: Any) -> None:
    two_marks(world)
    GradingPolicy.objects.create(school=world.school, show_averages_to_family=False)
    body = client_for(world.user("guardian")).get(URL).content.decode()
    assert "5+" in body and "4,50" not in body and "4.50" not in body


def test_wrong_role_gets_404(world: SchoolWorld, client_for: Any) -> None:
    for role in ("secretariat", "pedagogue", "psychologist"):
        assert client_for(world.user(role)).get(URL).status_code == 404


def test_other_school_sees_nothing_of_school_a(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any
) -> None:
    [grade, _] = two_marks(world)
    guardian_b = other_world.user("guardian")
    body = client_for(guardian_b).get(f"{URL}?uczen={world.student.pk}").content.decode()
    assert world.student.user.last_name not in body or other_world.student.user.last_name in body
    assert 'class="mark ' not in body
    assert client_for(guardian_b).get(reverse("grades:mark", args=[grade.pk])).status_code == 404


def test_new_marks_are_highlighted_once(world: SchoolWorld, client_for: Any) -> None:
    client = client_for(world.user("guardian"))
    two_marks(world)
    Grade.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    first = client.get(URL).content.decode()
    assert "mark-new" not in first  # nothing to compare with on the first visit
    visit = GradesVisit.objects.get()
    GradesVisit.objects.filter(pk=visit.pk).update(
        seen_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    cat = category(world.school, "Odpowiedź", "1")
    mark(column(world.course, world.term, cat), world.student, "6")
    second = client.get(URL).content.decode()
    assert second.count('<a class="mark mark-new') == 1
    assert 'class="notice-new"' in second
    third = client.get(URL).content.decode()
    assert "mark-new" not in third.replace("mark mark-new mark-sample", "")


def test_mark_detail_shows_category_history_and_correction(
    world: SchoolWorld, client_for: Any
) -> None:
    [grade, _] = two_marks(world)
    teacher = world.user("teacher")
    services.grade_update(actor=teacher, grade=grade, text="2", comment="Sprawdzian", version=1)
    correction = services.grade_correct(actor=teacher, grade=grade, text="4", comment="poprawa")
    client = client_for(world.user("guardian"))
    response = client.get(reverse("grades:mark", args=[grade.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body  # the partial
    assert "Sprawdzian" in body and "Ułamki" in body
    assert f'href="{reverse("grades:mark", args=[correction.pk])}"' in body
    assert body.count("<tr>") >= 3  # created, changed, corrected
    full = client.get(reverse("grades:mark", args=[correction.pk])).content.decode()
    assert "<html" in full and "Corrects" in full or "Poprawia" in full


def test_mark_detail_refuses_other_children(world: SchoolWorld, client_for: Any) -> None:
    cat = category(world.school)
    other = mark(column(world.course, world.term, cat), world.other_student, "4")
    assert (
        client_for(world.user("guardian")).get(reverse("grades:mark", args=[other.pk])).status_code
        == 404
    )
    assert (
        client_for(world.user("secretariat"))
        .get(reverse("grades:mark", args=[other.pk]))
        .status_code
        == 404
    )


def test_what_if_uses_the_real_marks(world: SchoolWorld, client_for: Any) -> None:
    two_marks(world)  # 5+ (w3), 3 (w2): 4.50
    client = client_for(world.user("guardian"))
    data = {
        "student": world.student.pk,
        "course": world.course.pk,
        "period": "1",
        "mark": ["6", "", ""],
        "weight": ["5", "1", "1"],
        "target": "6",
        "target_weight": "3",
    }
    response = client.post(reverse("grades:what_if"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    # (16.5 + 6 + 30) / 10 = 5.25
    assert "5,25" in body or "5.25" in body
    assert 'data-testid="what-if-needed"' in body
    bad = client.post(
        reverse("grades:what_if"), {**data, "mark": ["9"]}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "errorlist" in bad


def test_what_if_refuses_other_students(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any
) -> None:
    data = {"student": world.student.pk, "course": world.course.pk}
    assert (
        client_for(other_world.user("guardian")).get(reverse("grades:what_if"), data).status_code
        == 404
    )
    assert (
        client_for(world.user("secretariat")).get(reverse("grades:what_if"), data).status_code
        == 404
    )


def _fill(world: SchoolWorld, subjects: int, marks_per_subject: int) -> None:
    cat = category(world.school)
    teacher = UserFactory(school=world.school, roles=["teacher"])
    courses = [world.course]
    for i in range(subjects - 1):
        subject = Subject.objects.create(school=world.school, name=f"Przedmiot {i}")
        courses.append(
            Course.objects.create(
                school=world.school,
                year=world.year,
                subject=subject,
                school_class=world.school_class,
                teacher=teacher,
            )
        )
    grades = []
    for course in courses:
        for j in range(marks_per_subject):
            col = column(course, world.term, cat, date=datetime.date(2026, 9, 2 + j % 28))
            grades.append(
                Grade(
                    school=world.school,
                    student=world.student,
                    course=course,
                    term=world.term,
                    column=col,
                    text="4",
                    value=4,
                )
            )
    Grade.objects.bulk_create(grades)


def _assert_page_queries(world: SchoolWorld, client_for: Any, assert_max: Any) -> None:
    client = client_for(world.user("guardian"))
    client.get(URL)  # the first visit records the visit (and fills the session)
    # Whole request: session, user, school (middleware) + children with policy and last
    # visit, courses, grades.
    with assert_max(6):
        response = client.get(URL)
    assert response.status_code == 200


def test_family_page_queries_small(
    world: SchoolWorld, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    _fill(world, 1, 2)
    _assert_page_queries(world, client_for, django_assert_max_num_queries)


def test_family_page_queries_large(
    world: SchoolWorld, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    _fill(world, 15, 40)
    assert Grade.objects.count() == 600
    _assert_page_queries(world, client_for, django_assert_max_num_queries)


def test_student_page_three_ways(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any
) -> None:
    two_marks(world)
    url = reverse("grades:student", args=[world.student.pk])
    for role in ("guardian", "student", "teacher", "homeroom_teacher", "principal"):
        response = client_for(world.user(role)).get(url)
        assert response.status_code == 200, role
        assert "5+" in response.content.decode()
    for role in ("secretariat", "school_admin"):
        assert client_for(world.user(role)).get(url).status_code == 404
    other = reverse("grades:student", args=[world.other_student.pk])
    assert client_for(world.user("guardian")).get(other).status_code == 404
    assert client_for(world.user("teacher")).get(other).status_code == 404
    for role in ("guardian", "teacher", "principal"):
        assert client_for(other_world.user(role)).get(url).status_code == 404


def test_what_if_hidden_when_averages_are(world: SchoolWorld, client_for: Any) -> None:
    two_marks(world)
    GradingPolicy.objects.create(school=world.school, show_averages_to_family=False)
    data = {"student": world.student.pk, "course": world.course.pk}
    guardian = client_for(world.user("guardian"))
    assert guardian.get(reverse("grades:what_if"), data).status_code == 404
    assert "what-if" not in guardian.get(URL).content.decode()
    staff = client_for(world.user("homeroom_teacher"))
    assert staff.get(reverse("grades:what_if"), data).status_code == 200
    page = staff.get(reverse("grades:student", args=[world.student.pk])).content.decode()
    assert "4,50" in page or "4.50" in page
