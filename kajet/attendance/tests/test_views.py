"""Every page three ways: the right role, a wrong role of the same school (404), the same role
of another school (404 for school A's objects)."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kajet.attendance import services, stats
from kajet.attendance.models import AttendanceMark, Excuse, Lesson
from kajet.attendance.tests.helpers import absent, held_lesson, period, recent_weekday
from kajet.testutils.factories import StudentFactory


def _lesson_url(world: Any, day: Any, number: int = 1) -> str:
    return reverse(
        "attendance:lesson",
        args=[world.course.pk, day.isoformat(), period(world.course, number).pk],
    )


# --- Teacher pages ----------------------------------------------------------------------------


def test_today_page(world: Any, other_world: Any, client_for: Any) -> None:
    day = recent_weekday()
    held_lesson(world.course, day)
    response = client_for(world.user("teacher")).get(
        reverse("attendance:today"), {"data": day.isoformat()}
    )
    assert response.status_code == 200
    assert "Matematyka" in response.content.decode()  # the extra lesson held that day
    assert client_for(world.user("guardian")).get(reverse("attendance:today")).status_code == 404
    assert client_for(world.user("secretariat")).get(reverse("attendance:today")).status_code == 404


def test_take_attendance_one_save(world: Any, other_world: Any, client_for: Any) -> None:
    day = recent_weekday()
    url = _lesson_url(world, day)
    client = client_for(world.user("teacher"))
    page = client.get(url)
    assert page.status_code == 200
    assert world.student.user.last_name in page.content.decode()
    types = {t.kind: t for t in services.attendance_types_for(world.school)}
    response = client.post(url, {"topic": "Ułamki", f"s{world.student.pk}": types["absent"].pk})
    assert response.status_code == 302
    lesson = Lesson.objects.get(course=world.course, date=day)
    assert lesson.topic == "Ułamki" and lesson.teacher == world.user("teacher")
    assert AttendanceMark.objects.get(lesson=lesson).type.kind == "absent"
    # wrong role in the same school; a teacher who does not teach the course
    assert client_for(world.user("guardian")).get(url).status_code == 404
    assert client_for(world.user("principal")).get(url).status_code == 404
    # the same role from school B
    assert client_for(other_world.user("teacher")).get(url).status_code == 404
    assert client_for(other_world.user("teacher")).post(url, {"topic": "x"}).status_code == 404


def test_homeroom_teacher_may_take_the_class_lesson(world: Any, client_for: Any) -> None:
    url = _lesson_url(world, recent_weekday())
    assert client_for(world.user("homeroom_teacher")).get(url).status_code == 200


def test_bad_type_saves_nothing(world: Any, client_for: Any) -> None:
    url = _lesson_url(world, recent_weekday())
    response = client_for(world.user("teacher")).post(
        url, {"topic": "x", f"s{world.student.pk}": "abc"}
    )
    assert response.status_code == 200
    assert not Lesson.objects.exists()


def test_take_request_queries_do_not_grow(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    day = recent_weekday()
    url = _lesson_url(world, day)
    client = client_for(world.user("teacher"))
    services.attendance_types_for(world.school)
    client.get(url)
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as few:
        client.post(url, {"topic": "a"})
    Lesson.objects.all().delete()
    for n in range(2, 31):
        StudentFactory(school_class=world.school_class, class_number=n)
    with CaptureQueriesContext(django.db.connection) as many:
        client.post(url, {"topic": "a"})
    assert AttendanceMark.objects.count() == 30
    assert len(many) == len(few)


def test_extra_lesson_redirects_to_the_sheet(world: Any, other_world: Any, client_for: Any) -> None:
    day = recent_weekday()
    params = {"course": world.course.pk, "period": period(world.course).pk, "data": day.isoformat()}
    response = client_for(world.user("teacher")).get(reverse("attendance:extra"), params)
    assert response.status_code == 302 and response["Location"] == _lesson_url(world, day)
    assert (
        client_for(world.user("student")).get(reverse("attendance:extra"), params).status_code
        == 404
    )
    assert (
        client_for(other_world.user("teacher")).get(reverse("attendance:extra"), params).status_code
        == 404
    )


def test_course_page(world: Any, other_world: Any, client_for: Any) -> None:
    held_lesson(world.course, recent_weekday(), kinds={world.student: stats.ABSENT})
    url = reverse("attendance:course", args=[world.course.pk])
    response = client_for(world.user("teacher")).get(url)
    assert response.status_code == 200 and "Ułamki" in response.content.decode()
    assert client_for(world.user("homeroom_teacher")).get(url).status_code == 404
    assert client_for(other_world.user("teacher")).get(url).status_code == 404


# --- Family -----------------------------------------------------------------------------------


def test_family_page(world: Any, other_world: Any, client_for: Any) -> None:
    held_lesson(world.course, recent_weekday(), kinds={world.student: stats.ABSENT})
    url = reverse("attendance:family")
    for role in ("guardian", "student"):
        response = client_for(world.user(role)).get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert "Matematyka" in text and "Unexcused absences" in text
    assert client_for(world.user("teacher")).get(url).status_code == 404
    # a guardian of school B sees their own child only
    text = client_for(other_world.user("guardian")).get(url).content.decode()
    assert "No attendance recorded yet." in text


@pytest.mark.parametrize("n_lessons", [10, 1000])
def test_family_page_constant_queries(
    world: Any, client_for: Any, django_assert_max_num_queries: Any, n_lessons: int
) -> None:
    types = services.attendance_types_for(world.school)
    kinds = [types[i % len(types)] for i in range(n_lessons)]
    start = world.year.starts_on
    import datetime

    lessons = Lesson.objects.bulk_create(
        [
            Lesson(
                school=world.school,
                course=world.course,
                date=start + datetime.timedelta(days=i // 3),
                period=period(world.course, i % 3 + 1),
                teacher=world.course.teacher,
            )
            for i in range(n_lessons)
        ]
    )
    AttendanceMark.objects.bulk_create(
        [
            AttendanceMark(school=world.school, lesson=lesson, student=world.student, type=kind)
            for lesson, kind in zip(lessons, kinds, strict=True)
        ]
    )
    client = client_for(world.user("guardian"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("attendance:family"))
    assert response.status_code == 200


def test_excuse_pages_and_decision(world: Any, other_world: Any, client_for: Any) -> None:
    day = recent_weekday(1)
    mark = absent(world.course, world.student, day)
    guardian = client_for(world.user("guardian"))
    form = guardian.get(reverse("attendance:excuse_new"))
    assert form.status_code == 200 and "Send the excuse" in form.content.decode()
    response = guardian.post(
        reverse("attendance:excuse_new"),
        {
            "day": [day.isoformat()],
            "reason": "Choroba",
            "attachment": SimpleUploadedFile("note.pdf", b"%PDF-1.4 x", "application/pdf"),
        },
    )
    assert response.status_code == 302
    excuse = Excuse.objects.get()
    assert list(excuse.items.values_list("mark_id", flat=True)) == [mark.pk]
    detail = reverse("attendance:excuse", args=[excuse.pk])
    attachment = reverse("attendance:attachment", args=[excuse.pk])
    assert guardian.get(detail).status_code == 200
    assert guardian.get(reverse("attendance:excuses")).status_code == 200
    # the document: the homeroom teacher, the pedagogue and the principal only
    assert guardian.get(attachment).status_code == 404
    for role in ("homeroom_teacher", "principal", "pedagogue"):
        download = client_for(world.user(role)).get(attachment)
        assert download.status_code == 200
        # reading the stream to the end closes the file (through the test client's wrapper)
        assert b"".join(download.streaming_content) == b"%PDF-1.4 x"
    assert client_for(world.user("teacher")).get(attachment).status_code == 404
    assert client_for(other_world.user("principal")).get(attachment).status_code == 404
    # who sees the excuse
    assert client_for(world.user("teacher")).get(detail).status_code == 404
    assert client_for(other_world.user("guardian")).get(detail).status_code == 404
    assert client_for(other_world.user("homeroom_teacher")).get(detail).status_code == 404
    # the queue and the decision
    homeroom = client_for(world.user("homeroom_teacher"))
    assert "Choroba" not in homeroom.get(reverse("attendance:queue")).content.decode()
    assert (
        world.student.user.full_name in homeroom.get(reverse("attendance:queue")).content.decode()
    )
    decide = reverse("attendance:decide", args=[excuse.pk])
    assert guardian.post(decide, {"decision": "approve"}).status_code == 404
    assert (
        client_for(other_world.user("homeroom_teacher"))
        .post(decide, {"decision": "approve"})
        .status_code
        == 404
    )
    assert homeroom.post(decide, {"decision": "approve"}).status_code == 302
    mark.refresh_from_db()
    assert mark.type.kind == "excused"
    assert "approved" in guardian.get(detail).content.decode()


def test_excuse_past_deadline_explained(world: Any, client_for: Any) -> None:
    mark = absent(world.course, world.student, recent_weekday(10))
    response = client_for(world.user("guardian")).post(
        reverse("attendance:excuse_new"), {"mark": [mark.pk], "reason": "x"}
    )
    assert response.status_code == 200
    assert "The time to excuse absences is 7 days" in response.content.decode()


def test_excuse_new_refused_for_staff_and_non_adult_student(world: Any, client_for: Any) -> None:
    url = reverse("attendance:excuse_new")
    assert client_for(world.user("teacher")).get(url).status_code == 404
    assert client_for(world.user("student")).get(url).status_code == 404


# --- Homeroom and principal -------------------------------------------------------------------


def test_class_page(world: Any, other_world: Any, client_for: Any) -> None:
    held_lesson(world.course, recent_weekday(), kinds={world.student: stats.ABSENT})
    url = reverse("attendance:class", args=[world.school_class.pk])
    response = client_for(world.user("homeroom_teacher")).get(url)
    assert response.status_code == 200 and world.student.user.last_name in response.content.decode()
    assert client_for(world.user("principal")).get(url).status_code == 200
    assert client_for(world.user("teacher")).get(url).status_code == 404
    other_class = reverse("attendance:class", args=[world.other_class.pk])
    assert client_for(world.user("homeroom_teacher")).get(other_class).status_code == 404
    assert client_for(other_world.user("homeroom_teacher")).get(url).status_code == 404
    assert client_for(other_world.user("principal")).get(url).status_code == 404


def test_queue_page(world: Any, client_for: Any) -> None:
    url = reverse("attendance:queue")
    assert client_for(world.user("homeroom_teacher")).get(url).status_code == 200
    assert client_for(world.user("teacher")).get(url).status_code == 404
    assert client_for(world.user("guardian")).get(url).status_code == 404


def test_school_page(world: Any, other_world: Any, client_for: Any) -> None:
    held_lesson(world.course, recent_weekday(), kinds={world.student: stats.ABSENT})
    url = reverse("attendance:school")
    response = client_for(world.user("principal")).get(url)
    assert response.status_code == 200 and "6b" in response.content.decode()
    assert client_for(world.user("teacher")).get(url).status_code == 404
    text = client_for(other_world.user("principal")).get(url).content.decode()
    assert f'href="{reverse("attendance:class", args=[world.school_class.pk])}"' not in text


def test_index_redirects_by_role(world: Any, client_for: Any) -> None:
    url = reverse("attendance:index")
    assert client_for(world.user("teacher")).get(url)["Location"] == reverse("attendance:today")
    assert client_for(world.user("guardian")).get(url)["Location"] == reverse("attendance:family")
    assert client_for(world.user("principal")).get(url)["Location"] == reverse("attendance:school")
    assert client_for(world.user("secretariat")).get(url).status_code == 404


def test_substitute_from_the_timetable_may_take_the_lesson(world: Any, client_for: Any) -> None:
    from kajet.accounts.models import Role
    from kajet.testutils.factories import UserFactory
    from kajet.timetable.models import LessonChange, TimetableEntry, TimetablePlan

    day = recent_weekday()
    plan = TimetablePlan.objects.create(
        school=world.school, year=world.year, valid_from=world.year.starts_on
    )
    entry = TimetableEntry.objects.create(
        school=world.school,
        plan=plan,
        weekday=day.weekday(),
        period=period(world.course),
        course=world.course,
    )
    substitute = UserFactory(school=world.school, login="a.zastepca", roles=[Role.TEACHER])
    bystander = UserFactory(school=world.school, login="a.inny", roles=[Role.TEACHER])
    url = _lesson_url(world, day)
    assert client_for(substitute).get(url).status_code == 404
    LessonChange.objects.create(
        school=world.school,
        entry=entry,
        date=day,
        kind=LessonChange.Kind.SUBSTITUTION,
        new_teacher=substitute,
    )
    client = client_for(substitute)
    assert client.get(url).status_code == 200
    today_page = client.get(reverse("attendance:today"), {"data": day.isoformat()})
    assert url in today_page.content.decode()
    assert client.post(url, {"topic": "Zastępstwo"}).status_code == 302
    assert Lesson.objects.get().teacher == substitute
    assert client_for(bystander).get(url).status_code == 404
