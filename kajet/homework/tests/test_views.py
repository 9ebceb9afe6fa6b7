from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kajet.core.models import HistoryEntry
from kajet.homework.models import Homework, HomeworkAttachment, HomeworkDone
from kajet.homework.tests.conftest import make_homework
from kajet.notifications.models import Notification
from kajet.testutils.factories import CourseFactory, SubjectFactory

pytestmark = pytest.mark.django_db

LIST = reverse("homework:list")


# --- the list ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["student", "guardian", "teacher", "homeroom_teacher", "principal"]
)
def test_list_shows_homework_to_right_roles(
    world: Any, client_for: Any, homework: Homework, role: str
) -> None:
    response = client_for(world.user(role)).get(LIST)
    assert response.status_code == 200
    assert homework.title in response.content.decode()


@pytest.mark.parametrize("role", ["secretariat", "school_admin"])
def test_list_refused_to_office_roles(world: Any, client_for: Any, role: str) -> None:
    assert client_for(world.user(role)).get(LIST).status_code == 404


def test_list_of_other_school_does_not_show_homework(
    world: Any, other_world: Any, client_for: Any, homework: Homework
) -> None:
    for role in ("student", "guardian", "teacher", "principal"):
        response = client_for(other_world.user(role)).get(LIST)
        assert response.status_code == 200
        assert homework.title not in response.content.decode()


def test_list_splits_upcoming_and_past_and_filters_by_subject(world: Any, client_for: Any) -> None:
    make_homework(world, days=3, title="Nadchodzące")
    make_homework(
        world, days=-3, title="Dawne", set_on=timezone.localdate() - datetime.timedelta(days=9)
    )
    other_subject = SubjectFactory(school=world.school, name="Historia")
    other_course = CourseFactory(
        school=world.school, school_class=world.school_class, subject=other_subject
    )
    make_homework(world, days=1, title="Historyczne", course=other_course)
    client = client_for(world.user("student"))
    page = client.get(LIST).content.decode()
    assert page.index("Historyczne") < page.index("Nadchodzące") < page.index("Dawne")
    assert page.count("hx-post=") == 3  # the student can tick each one
    guardian_page = client_for(world.user("guardian")).get(LIST).content.decode()
    assert "/wykonane/" not in guardian_page
    assert page.index("<details") < page.index("Dawne")
    filtered = client.get(LIST, {"przedmiot": other_subject.pk}).content.decode()
    assert "Historyczne" in filtered
    assert "Nadchodzące" not in filtered


def test_student_does_not_see_other_class_or_other_group(world: Any, client_for: Any) -> None:
    other_course = CourseFactory(school=world.school, school_class=world.other_class)
    make_homework(world, title="Inna klasa", course=other_course)
    from kajet.school.models import ClassGroup

    group2 = ClassGroup.objects.create(
        school=world.school, school_class=world.school_class, name="gr 2"
    )
    course_g2 = CourseFactory(school=world.school, school_class=world.school_class, group=group2)
    course_g1 = CourseFactory(
        school=world.school, school_class=world.school_class, group=world.group
    )
    make_homework(world, title="Grupa druga", course=course_g2)
    make_homework(world, title="Grupa pierwsza", course=course_g1)
    page = client_for(world.user("student")).get(LIST).content.decode()
    assert "Inna klasa" not in page
    assert "Grupa druga" not in page
    assert "Grupa pierwsza" in page


def test_list_query_count_is_constant(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(25):
        hw = make_homework(
            world,
            days=i - 10,
            title=f"Z{i}",
            set_on=timezone.localdate() - datetime.timedelta(days=20),
        )
        HomeworkAttachment.objects.create(
            school=world.school, homework=hw, file="x/a.pdf", name="a.pdf", size=3
        )
        HomeworkDone.objects.create(school=world.school, homework=hw, student=world.student)
    for role in ("guardian", "teacher"):
        client = client_for(world.user(role))
        with django_assert_max_num_queries(16):
            response = client.get(LIST)
        assert response.status_code == 200


# --- one homework ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["student", "guardian", "teacher", "homeroom_teacher", "principal"]
)
def test_detail_right_roles(world: Any, client_for: Any, homework: Homework, role: str) -> None:
    response = client_for(world.user(role)).get(reverse("homework:detail", args=[homework.pk]))
    assert response.status_code == 200
    assert "Strona 12" in response.content.decode()


def test_detail_refused_to_wrong_people(world: Any, client_for: Any, homework: Homework) -> None:
    url = reverse("homework:detail", args=[homework.pk])
    assert client_for(world.user("secretariat")).get(url).status_code == 404
    assert client_for(world.other_student.user).get(url).status_code == 404


@pytest.mark.parametrize("role", ["student", "guardian", "teacher", "principal"])
def test_detail_other_school_404(
    world: Any, other_world: Any, client_for: Any, homework: Homework, role: str
) -> None:
    url = reverse("homework:detail", args=[homework.pk])
    assert client_for(other_world.user(role)).get(url).status_code == 404


def test_deleted_homework_is_gone(world: Any, client_for: Any, homework: Homework) -> None:
    client = client_for(world.user("teacher"))
    response = client.post(reverse("homework:delete", args=[homework.pk]))
    assert response.status_code == 302
    homework.refresh_from_db()
    assert homework.deleted_at is not None
    assert HistoryEntry.objects.filter(code="homework.homework.deleted").count() == 1
    student = client_for(world.user("student"))
    assert student.get(reverse("homework:detail", args=[homework.pk])).status_code == 404
    assert homework.title not in student.get(LIST).content.decode()


def test_delete_refused_to_others(
    world: Any, other_world: Any, client_for: Any, homework: Homework
) -> None:
    url = reverse("homework:delete", args=[homework.pk])
    for user in (
        world.user("homeroom_teacher"),
        world.user("student"),
        other_world.user("teacher"),
    ):
        assert client_for(user).post(url).status_code == 404
    homework.refresh_from_db()
    assert homework.deleted_at is None


# --- setting and editing -----------------------------------------------------------------


def _post_data(world: Any, **kw: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "course": world.course.pk,
        "title": "Wypracowanie",
        "description": "Opisz swoje wakacje.\nMinimum 200 słów: https://example.pl/zasady",
        "set_on": today.isoformat(),
        "due_on": (today + datetime.timedelta(days=7)).isoformat(),
    }
    data.update(kw)
    return data


def test_teacher_sets_homework_with_files_and_class_is_notified(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.user("teacher"))
    assert client.get(reverse("homework:create")).status_code == 200
    data = _post_data(world)
    data["uploads"] = [
        SimpleUploadedFile("../../etc/zadanie wakacje.pdf", b"%PDF-1", "application/pdf"),
        SimpleUploadedFile("notatki.txt", b"abc", "text/plain"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("homework:create"), data)
    assert response.status_code == 302
    homework = Homework.objects.get(title="Wypracowanie")
    assert homework.author == world.user("teacher")
    names = sorted(a.name for a in homework.attachments.all())
    assert names == ["notatki.txt", "zadanie_wakacje.pdf"]
    notified = set(Notification.objects.filter(kind="homework").values_list("user_id", flat=True))
    assert notified == {world.user("student").pk, world.user("guardian").pk}
    assert HistoryEntry.objects.filter(code="homework.homework.created").count() == 1
    # The description keeps line breaks and turns links into links.
    page = client_for(world.user("student")).get(reverse("homework:detail", args=[homework.pk]))
    html = page.content.decode()
    assert '<a href="https://example.pl/zasady"' in html
    assert "<br>" in html


def test_set_refuses_more_than_three_files(world: Any, client_for: Any) -> None:
    data = _post_data(world)
    data["uploads"] = [SimpleUploadedFile(f"p{i}.txt", b"x") for i in range(4)]
    response = client_for(world.user("teacher")).post(reverse("homework:create"), data)
    assert response.status_code == 200
    assert not Homework.objects.exists()


def test_set_refuses_due_before_set(world: Any, client_for: Any) -> None:
    today = timezone.localdate()
    data = _post_data(world, due_on=(today - datetime.timedelta(days=1)).isoformat())
    response = client_for(world.user("teacher")).post(reverse("homework:create"), data)
    assert response.status_code == 200
    assert not Homework.objects.exists()


def test_set_refused_for_course_not_taught(world: Any, other_world: Any, client_for: Any) -> None:
    # The homeroom teacher teaches nothing: the course is not offered, nothing is created.
    response = client_for(world.user("homeroom_teacher")).post(
        reverse("homework:create"), _post_data(world)
    )
    assert response.status_code == 200
    assert not Homework.objects.exists()
    for user in (world.user("student"), world.user("guardian"), world.user("principal")):
        assert client_for(user).get(reverse("homework:create")).status_code == 404
    response = client_for(other_world.user("teacher")).post(
        reverse("homework:create"), _post_data(world)
    )
    assert response.status_code == 200
    assert not Homework.objects.exists()


def test_teacher_edits_homework(world: Any, client_for: Any, homework: Homework) -> None:
    HomeworkAttachment.objects.create(
        school=world.school, homework=homework, file="x/old.pdf", name="old.pdf", size=3
    )
    attachment = homework.attachments.get()
    url = reverse("homework:edit", args=[homework.pk])
    client = client_for(world.user("teacher"))
    assert client.get(url).status_code == 200
    data = _post_data(world, title="Poprawione")
    data["remove"] = [attachment.pk]
    response = client.post(url, data)
    assert response.status_code == 302
    homework.refresh_from_db()
    assert homework.title == "Poprawione"
    assert not homework.attachments.exists()
    entry = HistoryEntry.objects.get(code="homework.homework.updated")
    assert entry.old["title"] == "Zadanie 1"
    assert entry.new["title"] == "Poprawione"


def test_edit_refused_to_others(
    world: Any, other_world: Any, client_for: Any, homework: Homework
) -> None:
    url = reverse("homework:edit", args=[homework.pk])
    for user in (
        world.user("student"),
        world.user("homeroom_teacher"),
        world.user("principal"),
        other_world.user("teacher"),
    ):
        assert client_for(user).get(url).status_code == 404


# --- the "done" tick ---------------------------------------------------------------------


def test_student_ticks_done_and_guardian_sees_it(
    world: Any, client_for: Any, homework: Homework
) -> None:
    url = reverse("homework:toggle_done", args=[homework.pk])
    student = client_for(world.user("student"))
    response = student.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "badge-ok" in response.content.decode()
    assert HomeworkDone.objects.filter(homework=homework, student=world.student).exists()
    guardian_page = client_for(world.user("guardian")).get(
        reverse("homework:detail", args=[homework.pk])
    )
    assert "badge-ok" in guardian_page.content.decode()
    # The teacher does not see a student's own tick.
    teacher_page = client_for(world.user("teacher")).get(
        reverse("homework:detail", args=[homework.pk])
    )
    assert "badge-ok" not in teacher_page.content.decode()
    response = student.post(url, {"done": "0"})
    assert response.status_code == 302
    assert not HomeworkDone.objects.exists()


def test_tick_refused_to_others(
    world: Any, other_world: Any, client_for: Any, homework: Homework
) -> None:
    url = reverse("homework:toggle_done", args=[homework.pk])
    for user in (
        world.user("guardian"),
        world.user("teacher"),
        world.other_student.user,
        other_world.user("student"),
    ):
        assert client_for(user).post(url, {"done": "1"}).status_code == 404
    assert not HomeworkDone.objects.exists()


# --- attachments -------------------------------------------------------------------------


def test_attachment_download_checks_access(world: Any, other_world: Any, client_for: Any) -> None:
    data = _post_data(world)
    data["uploads"] = [SimpleUploadedFile("karta.pdf", b"%PDF-1.4 tresc", "text/html")]
    client_for(world.user("teacher")).post(reverse("homework:create"), data)
    homework = Homework.objects.get()
    attachment = homework.attachments.get()
    url = reverse("homework:attachment", args=[homework.pk, attachment.pk])
    response = client_for(world.user("guardian")).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 tresc"
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert client_for(world.other_student.user).get(url).status_code == 404
    assert client_for(world.user("secretariat")).get(url).status_code == 404
    assert client_for(other_world.user("guardian")).get(url).status_code == 404
