"""The printouts' pages and PDFs: who may print what (right role, wrong role, another
school), what the PDFs say (their extracted text), bad input, and constant queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kajet.core.models import HistoryEntry
from kajet.grades.models import Grade
from kajet.records import selectors
from kajet.records.models import CertificateNote, PrintJob
from kajet.records.tests.helpers import (
    DAY,
    add_students,
    fill_class,
    lesson,
    pdf_text,
    printed,
    students_of,
)
from kajet.testutils.factories import SchoolWorld

RANGE = {"od": "2026-11-01", "do": "2026-11-30"}
BACKGROUND = {"register", "summary", "sheets"}


def _class_urls(world: SchoolWorld) -> dict[str, tuple[str, dict[str, str]]]:
    pk = world.school_class.pk
    return {
        "class": (reverse("records:class", args=[pk]), {}),
        "register": (reverse("records:class_register", args=[pk]), RANGE),
        "summary": (reverse("records:grades_summary", args=[pk]), {"okres": "1"}),
        "attendance": (reverse("records:class_attendance", args=[pk]), RANGE),
        "sheets": (reverse("records:record_sheets", args=[pk]), {}),
        "certificates": (reverse("records:certificates", args=[pk]), {}),
        "sheet": (reverse("records:record_sheet", args=[world.student.pk]), {}),
        "student attendance": (
            reverse("records:student_attendance", args=[world.student.pk]),
            RANGE,
        ),
    }


@pytest.mark.parametrize(
    "key",
    [
        "class",
        "register",
        "summary",
        "attendance",
        "sheets",
        "certificates",
        "sheet",
        "student attendance",
    ],
)
def test_class_prints_three_ways(
    key: str, world: SchoolWorld, other_world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    fill_class(world)
    url, params = _class_urls(world)[key]
    # The big printouts are asked for with POST and answered with the job's page.
    method, ok = ("post", 302) if key in BACKGROUND else ("get", 200)

    def status(user: Any) -> int:
        return int(getattr(client_for(user), method)(url, params).status_code)

    for role in ("homeroom_teacher", "principal"):
        assert status(world.user(role)) == ok, role
    for role in ("teacher", "guardian", "student", "secretariat"):
        assert status(world.user(role)) == 404, role
    assert status(other_world.user("principal")) == 404
    assert status(other_world.user("homeroom_teacher")) == 404


def test_homeroom_teacher_prints_only_their_class(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    url = reverse("records:class_register", args=[world.other_class.pk])
    assert client_for(world.user("homeroom_teacher")).post(url, RANGE).status_code == 404
    assert client_for(world.user("principal")).post(url, RANGE).status_code == 302


def test_class_register_pdf_content(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    fill_class(world)
    text = pdf_text(
        printed(
            client_for(world.user("homeroom_teacher")),
            reverse("records:class_register", args=[world.school_class.pk]),
            RANGE,
        )
    )
    assert "Dziennik lekcyjny" in text  # Polish whatever the interface language
    assert world.school.name in text
    assert world.user("homeroom_teacher").full_name in text  # who printed it
    assert "Ułamki zwykłe" in text and "Pan Tadeusz" in text  # topics
    assert "Matematyka" in text and world.course.teacher.full_name in text
    assert world.student.user.sort_name in text
    assert " nb" in text or "nb " in text  # the absent student's code


def test_grades_summary_marks_students_at_risk(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    data = fill_class(world)
    weak = data["students"][1]
    Grade.objects.filter(student=weak, course=world.course, kind=Grade.Kind.CURRENT).update(
        text="1", value=1
    )
    text = pdf_text(
        printed(
            client_for(world.user("principal")),
            reverse("records:grades_summary", args=[world.school_class.pk]),
            {"okres": "1"},
        )
    )
    assert "Zestawienie ocen" in text
    risk_section = text.split("Uczniowie zagrożeni", 1)[1].split("Oceny przewidywane", 1)[0]
    assert weak.user.sort_name in risk_section
    assert world.student.user.sort_name not in risk_section
    assert "Matematyka" in risk_section


def test_attendance_summary_percentages(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    fill_class(world)
    text = pdf_text(
        client_for(world.user("homeroom_teacher"))
        .get(reverse("records:class_attendance", args=[world.school_class.pk]), RANGE)
        .content
    )
    assert "Podsumowanie frekwencji" in text
    assert "50,0%" in text  # the absent student: one of two lessons (Polish decimal comma)
    assert "100,0%" in text


def test_bad_range_is_refused_with_a_message(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    response = client_for(world.user("homeroom_teacher")).post(
        reverse("records:class_register", args=[world.school_class.pk]),
        {"od": "2026-12-01", "do": "2026-11-01"},
    )
    assert response.status_code == 400
    assert "The end of the range is before its start." in response.content.decode()
    response = client_for(world.user("homeroom_teacher")).post(
        reverse("records:class_register", args=[world.school_class.pk]), {"od": "jutro"}
    )
    assert response.status_code == 400
    assert not PrintJob.objects.exists()  # nothing asked for


def test_family_report_for_guardian_and_student(
    world: SchoolWorld, other_world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    fill_class(world)
    url = reverse("records:family_report", args=[world.student.pk])
    for role in ("guardian", "student"):
        response = client_for(world.user(role)).get(url, {"okres": "1"})
        assert response.status_code == 200, role
        text = pdf_text(response.content)
        assert "Raport dla rodziny" in text
        assert world.student.user.full_name in text
        assert "Matematyka" in text and "Frekwencja" in text
    for role in ("homeroom_teacher", "principal", "teacher"):
        assert client_for(world.user(role)).get(url).status_code == 404, role
    assert client_for(other_world.user("guardian")).get(url).status_code == 404
    other_child = reverse("records:family_report", args=[world.other_student.pk])
    assert client_for(world.user("guardian")).get(other_child).status_code == 404


def test_index_lists_what_the_user_prints(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    page = client_for(world.user("homeroom_teacher")).get(reverse("records:index")).content.decode()
    assert reverse("records:class", args=[world.school_class.pk]) in page
    assert reverse("records:class", args=[world.other_class.pk]) not in page
    page = client_for(world.user("principal")).get(reverse("records:index")).content.decode()
    assert reverse("records:class", args=[world.other_class.pk]) in page
    page = client_for(world.user("guardian")).get(reverse("records:index")).content.decode()
    assert reverse("records:family_report", args=[world.student.pk]) in page
    assert reverse("records:archive_check") not in page
    # the school office checks year-end archives (and prints nothing else)
    page = client_for(world.user("secretariat")).get(reverse("records:index")).content.decode()
    assert reverse("records:archive_check") in page
    assert f'href="{reverse("records:archive_index")}"' not in page
    for role in ("teacher", "school_admin", "pedagogue"):
        assert client_for(world.user(role)).get(reverse("records:index")).status_code == 404


# --- Certificates -----------------------------------------------------------------------------


def test_missing_annual_grade_blocks_the_batch(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    data = fill_class(world)
    lacking = data["students"][2]
    Grade.objects.filter(student=lacking, course=data["polish"]).delete()
    client = client_for(world.user("homeroom_teacher"))
    response = client.post(reverse("records:certificates_pdf", args=[world.school_class.pk]))
    assert response.status_code == 409
    assert not PrintJob.objects.exists()
    page = response.content.decode()
    assert "Missing before printing" in page
    assert lacking.user.sort_name in page and "Język polski" in page
    review = client.get(reverse("records:certificates", args=[world.school_class.pk]))
    assert reverse("records:certificates_pdf", args=[world.school_class.pk]) not in (
        review.content.decode()
    )


def test_certificates_pdf_with_distinction_and_template_symbol(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    data = fill_class(world)
    plain = data["students"][1]
    Grade.objects.filter(student=plain, kind=Grade.Kind.FINAL_ANNUAL).update(text="4", value=4)
    client = client_for(world.user("homeroom_teacher"))
    text = pdf_text(
        printed(client, reverse("records:certificates_pdf", args=[world.school_class.pk]))
    )
    pages = text.split(world.school.name)
    assert "Świadectwo szkolne promocyjne z wyróżnieniem" in text
    assert "MEiN-I/52" in text and "MEiN-I/51" in text
    assert "bardzo dobry" in text and "bardzo dobre" in text  # grade and behaviour in words
    assert text.count("z wyróżnieniem") >= 2  # title and the line, for each distinction
    assert any(plain.user.full_name in p and "dobry" in p for p in pages)


def test_descriptive_certificates_for_classes_one_to_three(world: SchoolWorld) -> None:
    world.school_class.level = 2
    world.school_class.save()
    fill_class(world, extra_students=0)
    Grade.objects.filter(kind=Grade.Kind.FINAL_ANNUAL).update(
        text="", value=None, descriptive="Czyta płynnie i ze zrozumieniem."
    )
    batch = selectors.certificates(world.school_class)
    assert batch.ready
    certificate = batch.certificates[0]
    assert certificate.descriptive and not certificate.distinction and certificate.promoted
    assert certificate.template.symbol == "MEiN-I/49"
    assert certificate.lines[0].descriptive.startswith("Czyta płynnie")


def test_homeroom_teacher_saves_achievements_with_history(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    fill_class(world)
    url = reverse("records:certificates", args=[world.school_class.pk])
    field = f"osiagniecia-{world.student.pk}"
    response = client_for(world.user("homeroom_teacher")).post(
        url,
        {
            field: "I miejsce w konkursie matematycznym",
            f"osiagniecia-{world.other_student.pk}": "x",
        },
    )
    assert response.status_code == 302
    note = CertificateNote.objects.get()
    assert note.student == world.student and note.achievements.startswith("I miejsce")
    entry = HistoryEntry.objects.get(code="records.certificate.achievements")
    assert entry.actor == world.user("homeroom_teacher") and entry.old["achievements"] == ""
    # The principal reviews but does not write; the text is printed on the certificate.
    assert client_for(world.user("principal")).post(url, {field: "y"}).status_code == 404
    text = pdf_text(
        printed(
            client_for(world.user("principal")),
            reverse("records:certificates_pdf", args=[world.school_class.pk]),
        )
    )
    assert "I miejsce w konkursie matematycznym" in text


def test_record_sheet_content(world: SchoolWorld, client_for: Callable[[Any], Client]) -> None:
    fill_class(world)
    text = pdf_text(
        client_for(world.user("homeroom_teacher"))
        .get(reverse("records:record_sheet", args=[world.student.pk]))
        .content
    )
    assert "Arkusz ocen" in text and world.student.user.full_name in text
    assert "bardzo dobry" in text and "promowany" in text.lower()


# --- Constant queries per page of output ----------------------------------------------------


def _queries(make: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        make()
    return len(captured)


@pytest.mark.parametrize(
    "build",
    [
        lambda w: selectors.class_register(w.school_class, DAY, DAY),
        lambda w: selectors.grades_summary(w.school_class, None),
        lambda w: selectors.certificates(w.school_class),
        lambda w: selectors.record_sheets(w.school_class, students_of(w.school_class)),
        lambda w: selectors.class_attendance(w.school_class, DAY, DAY),
    ],
    ids=["register", "summary", "certificates", "record sheets", "attendance"],
)
def test_selectors_run_constant_queries(
    world: SchoolWorld, build: Callable[[SchoolWorld], object]
) -> None:
    fill_class(world, extra_students=2)
    small = _queries(lambda: build(world))
    add_students(world.school_class, 25, start=10)
    students = students_of(world.school_class)
    lesson(world.course, DAY, 3, "Powtórzenie", {s.pk: "present" for s in students})
    large = _queries(lambda: build(world))
    assert small == large, (small, large)


def test_a_comment_on_a_text_scale_is_printed_where_a_mark_would_be(
    world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    """A current mark on a text scale has no symbol (``text`` is empty, the comment is in
    ``descriptive``): the register, the grades summary and the family report print the
    comment's start instead of an empty cell."""
    fill_class(world)
    Grade.objects.filter(
        student=world.student, course=world.course, kind=Grade.Kind.CURRENT
    ).update(text="", value=None, descriptive="Czyta płynnie")
    teacher = client_for(world.user("homeroom_teacher"))
    url = reverse("records:class_register", args=[world.school_class.pk])
    assert "Czyta płynnie" in pdf_text(printed(teacher, url, RANGE))
    summary = reverse("records:grades_summary", args=[world.school_class.pk])
    assert "Czyta płynnie" in pdf_text(printed(teacher, summary, {"okres": "1"}))
    report = reverse("records:family_report", args=[world.student.pk])
    guardian = client_for(world.user("guardian")).get(report, {"okres": "1"})
    assert "Czyta płynnie" in pdf_text(guardian.content)
