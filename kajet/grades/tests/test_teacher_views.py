"""The teacher's sheet, column entry, in-place editing, corrections, deletions, term grades;
the class overview, behaviour grades and the school's policy — each tested three ways."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from kajet.core.models import HistoryEntry
from kajet.grades.models import BehaviourGrade, Grade, GradeCategory, GradeColumn, GradingPolicy
from kajet.grades.tests.helpers import category, column, mark
from kajet.testutils.factories import SchoolWorld


def sheet_url(world: SchoolWorld) -> str:
    return reverse("grades:sheet", args=[world.course.pk, world.term.pk])


def test_sheet_three_ways(world: SchoolWorld, other_world: SchoolWorld, client_for: Any) -> None:
    mark(column(world.course, world.term, category(world.school)), world.student, "4+")
    teacher = client_for(world.user("teacher"))
    response = teacher.get(sheet_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "4+" in body and world.student.user.last_name in body
    assert "4,50" in body or "4.50" in body
    # the principal reads, without edit links
    principal = client_for(world.user("principal")).get(sheet_url(world))
    assert principal.status_code == 200
    assert reverse("grades:column_new", args=[world.course.pk, world.term.pk]) not in (
        principal.content.decode()
    )
    for role in ("guardian", "student", "homeroom_teacher", "secretariat"):
        assert client_for(world.user(role)).get(sheet_url(world)).status_code == 404
    assert client_for(other_world.user("teacher")).get(sheet_url(world)).status_code == 404
    assert client_for(other_world.user("principal")).get(sheet_url(world)).status_code == 404


def test_sheet_current_redirects_to_a_term(world: SchoolWorld, client_for: Any) -> None:
    response = client_for(world.user("teacher")).get(
        reverse("grades:sheet_current", args=[world.course.pk])
    )
    assert response.status_code == 302


def test_index_for_staff(world: SchoolWorld, client_for: Any) -> None:
    body = client_for(world.user("teacher")).get(reverse("grades:index")).content.decode()
    assert reverse("grades:sheet_current", args=[world.course.pk]) in body
    body = client_for(world.user("homeroom_teacher")).get(reverse("grades:index")).content.decode()
    assert reverse("grades:overview", args=[world.school_class.pk]) in body


def test_column_entry_saves_the_whole_class(world: SchoolWorld, client_for: Any) -> None:
    cat = category(world.school)
    url = reverse("grades:column_new", args=[world.course.pk, world.term.pk])
    client = client_for(world.user("teacher"))
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "category": cat.pk,
            "description": "Ułamki",
            "date": "2026-10-05",
            "weight": "",
            f"mark-{world.student.pk}": "5-",
            f"comment-{world.student.pk}": "dobrze",
        },
    )
    assert response.status_code == 302
    grade = Grade.objects.get()
    assert (grade.text, grade.value, grade.comment) == ("5-", Decimal("4.75"), "dobrze")


def test_column_entry_error_shown_at_the_cell(world: SchoolWorld, client_for: Any) -> None:
    cat = category(world.school)
    url = reverse("grades:column_new", args=[world.course.pk, world.term.pk])
    response = client_for(world.user("teacher")).post(
        url, {"category": cat.pk, "date": "2026-10-05", f"mark-{world.student.pk}": "8"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="err-{world.student.pk}"' in body
    assert 'value="8"' in body  # what was typed is kept
    assert not GradeColumn.objects.exists()


def test_column_entry_refused(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Any
) -> None:
    url = reverse("grades:column_new", args=[world.course.pk, world.term.pk])
    for user in (world.user("principal"), world.user("guardian"), other_world.user("teacher")):
        assert client_for(user).get(url).status_code == 404
    # another school's category is not offered / accepted
    other_cat = category(other_world.school)
    response = client_for(world.user("teacher")).post(
        url, {"category": other_cat.pk, "date": "2026-10-05", f"mark-{world.student.pk}": "5"}
    )
    assert response.status_code == 400
    assert not Grade.objects.exists()


def test_edit_in_place_with_htmx(world: SchoolWorld, client_for: Any) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "3")
    url = reverse("grades:grade_edit", args=[grade.pk])
    client = client_for(world.user("teacher"))
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and "<html" not in form.content.decode()
    saved = client.post(
        url, {"text": "4+", "comment": "ok", "version": "1"}, HTTP_HX_REQUEST="true"
    )
    assert saved.status_code == 200
    assert "4+" in saved.content.decode() and "<form" not in saved.content.decode()
    grade.refresh_from_db()
    assert (grade.text, grade.version) == ("4+", 2)


def test_edit_with_a_stale_version_is_a_conflict(world: SchoolWorld, client_for: Any) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "3")
    url = reverse("grades:grade_edit", args=[grade.pk])
    client = client_for(world.user("teacher"))
    client.post(url, {"text": "4", "comment": "", "version": "1"}, HTTP_HX_REQUEST="true")
    clash = client.post(
        url, {"text": "2", "comment": "mine", "version": "1"}, HTTP_HX_REQUEST="true"
    )
    assert clash.status_code == 409
    body = clash.content.decode()
    assert 'value="2"' in body and 'value="mine"' in body  # nothing typed is lost
    assert 'name="version" value="2"' in body  # saving again goes over the current one
    grade.refresh_from_db()
    assert grade.text == "4"


def test_edit_refused(world: SchoolWorld, other_world: SchoolWorld, client_for: Any) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "3")
    for user in (world.user("principal"), world.user("guardian"), other_world.user("teacher")):
        for name in ("grade_edit", "grade_correct", "grade_delete", "grade_cell"):
            assert (
                client_for(user).get(reverse(f"grades:{name}", args=[grade.pk])).status_code == 404
            )


def test_correct_and_delete_pages(world: SchoolWorld, client_for: Any) -> None:
    grade = mark(column(world.course, world.term, category(world.school)), world.student, "1")
    client = client_for(world.user("teacher"))
    response = client.post(reverse("grades:grade_correct", args=[grade.pk]), {"text": "4"})
    assert response.status_code == 302
    correction = Grade.objects.get(corrects=grade)
    assert correction.text == "4"
    body = client.get(sheet_url(world)).content.decode()
    assert "corrected to" in body or "poprawiona" in body or "→" in body
    response = client.post(
        reverse("grades:grade_delete", args=[correction.pk]), {"reason": "", "version": "1"}
    )
    assert response.status_code == 200  # the form again: a reason is required
    response = client.post(
        reverse("grades:grade_delete", args=[correction.pk]), {"reason": "pomyłka", "version": "1"}
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.deleted_at is not None
    assert HistoryEntry.objects.filter(code="grades.grade.deleted").count() == 1


@pytest.mark.parametrize("which", ["proposed", "final"])
def test_term_grades_page(world: SchoolWorld, client_for: Any, which: str) -> None:
    mark(column(world.course, world.term, category(world.school)), world.student, "5")
    url = reverse("grades:term_grades", args=[world.course.pk, world.term.pk, which])
    client = client_for(world.user("teacher"))
    page = client.get(url)
    assert page.status_code == 200
    assert "5,00" in page.content.decode() or "5.00" in page.content.decode()
    response = client.post(
        url, {f"value-{world.student.pk}": "5", f"version-{world.student.pk}": ""}
    )
    assert response.status_code == 302
    kind = Grade.Kind.PROPOSED_TERM if which == "proposed" else Grade.Kind.FINAL_TERM
    assert Grade.objects.get(kind=kind).text == "5"


def test_annual_grades_page(world: SchoolWorld, client_for: Any) -> None:
    url = reverse("grades:term_grades", args=[world.course.pk, 0, "final"])
    client = client_for(world.user("teacher"))
    assert client.get(url).status_code == 200
    bad = client.post(url, {f"value-{world.student.pk}": "7"})
    assert bad.status_code == 400
    assert not Grade.objects.exists()
    ok = client.post(url, {f"value-{world.student.pk}": "4"})
    assert ok.status_code == 302
    assert Grade.objects.get().kind == Grade.Kind.FINAL_ANNUAL


def test_term_grades_refused(world: SchoolWorld, other_world: SchoolWorld, client_for: Any) -> None:
    url = reverse("grades:term_grades", args=[world.course.pk, world.term.pk, "final"])
    for user in (
        world.user("principal"),
        world.user("homeroom_teacher"),
        other_world.user("teacher"),
    ):
        assert client_for(user).get(url).status_code == 404
    bad_kind = reverse("grades:term_grades", args=[world.course.pk, world.term.pk, "other"])
    assert client_for(world.user("teacher")).get(bad_kind).status_code == 404


def test_overview_three_ways(world: SchoolWorld, other_world: SchoolWorld, client_for: Any) -> None:
    mark(column(world.course, world.term, category(world.school)), world.student, "1")
    url = reverse("grades:overview", args=[world.school_class.pk]) + "?okres=1"
    for role in ("homeroom_teacher", "principal"):
        response = client_for(world.user(role)).get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "badge-warn" in body  # at risk: an average of 1.00
    for role in ("teacher", "guardian", "secretariat"):
        assert client_for(world.user(role)).get(url).status_code == 404
    assert client_for(other_world.user("principal")).get(url).status_code == 404
    assert client_for(other_world.user("homeroom_teacher")).get(url).status_code == 404


def test_behaviour_page(world: SchoolWorld, other_world: SchoolWorld, client_for: Any) -> None:
    url = reverse("grades:behaviour", args=[world.school_class.pk]) + "?okres=1"
    client = client_for(world.user("homeroom_teacher"))
    assert client.get(url).status_code == 200
    response = client.post(url, {f"value-{world.student.pk}": "6"})
    assert response.status_code == 302
    assert BehaviourGrade.objects.get().value == 6
    for user in (
        world.user("teacher"),
        world.user("principal"),
        other_world.user("homeroom_teacher"),
    ):
        assert client_for(user).get(url).status_code == 404


def test_policy_page(world: SchoolWorld, other_world: SchoolWorld, client_for: Any) -> None:
    url = reverse("grades:policy")
    client = client_for(world.user("school_admin"))
    assert client.get(url).status_code == 200
    assert GradeCategory.objects.filter(school=world.school).count() == 6  # the defaults
    data = {
        "plus_value": "0.25",
        "minus_value": "0.25",
        "correction_rule": "correction_only",
        "threshold_6": "5.5",
        "threshold_5": "4.6",
        "threshold_4": "3.6",
        "threshold_3": "2.6",
        "threshold_2": "1.6",
        "show_averages_to_family": "",
        "descriptive_up_to_level": "3",
        "valueless_text": "np, bz, +, -, zw",
    }
    assert client.post(url, data).status_code == 302
    policy = GradingPolicy.objects.get(school=world.school)
    rules = policy.rules()
    assert rules.plus_value == Decimal("0.25") and "zw" in rules.valueless
    assert not rules.show_averages_to_family
    assert HistoryEntry.objects.filter(code="grades.policy.changed").exists()
    bad = client.post(url, {**data, "threshold_5": "5.9"})
    assert bad.status_code == 400
    for role in ("teacher", "principal", "guardian"):
        assert client_for(world.user(role)).get(url).status_code == 404
    cat = GradeCategory.objects.filter(school=world.school).first()
    assert cat is not None
    assert (
        client_for(other_world.user("school_admin"))
        .get(reverse("grades:category_edit", args=[cat.pk]))
        .status_code
        == 404
    )
    response = client.post(
        reverse("grades:category_edit", args=[cat.pk]),
        {
            "name": cat.name,
            "weight": "4",
            "counts_toward_average": "on",
            "colour": "#000000",
            "position": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    cat.refresh_from_db()
    assert cat.weight == Decimal(4)
