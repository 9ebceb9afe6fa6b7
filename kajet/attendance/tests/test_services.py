import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kajet.attendance import services, stats
from kajet.attendance.models import AttendanceMark, AttendancePolicy, Excuse, Lesson
from kajet.attendance.selectors import roster_for
from kajet.attendance.tests.helpers import absent, held_lesson, period, recent_weekday
from kajet.core.models import HistoryEntry
from kajet.messaging.models import Delivery
from kajet.testutils.factories import StudentFactory


def _types(world: Any) -> dict[str, Any]:
    return {t.kind: t for t in services.attendance_types_for(world.school) if t.is_standard}


def test_standard_types_created_once(world: Any) -> None:
    first = services.attendance_types_for(world.school)
    again = services.attendance_types_for(world.school)
    assert [t.code for t in first] == ["ob", "nb", "u", "sp", "zw"]
    assert [t.pk for t in first] == [t.pk for t in again]


def test_lesson_save_thirty_students_in_at_most_eight_queries(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(2, 31):
        StudentFactory(school_class=world.school_class, class_number=n)
    day = recent_weekday()
    roster = roster_for(world.course, day)
    assert len(roster) == 30
    types = services.attendance_types_for(world.school)
    kinds = _types(world)
    course = type(world.course).objects.select_related("school").get(pk=world.course.pk)
    marks = {roster[0].pk: kinds[stats.ABSENT].pk, roster[1].pk: kinds[stats.LATE].pk}
    with django_assert_max_num_queries(8):
        lesson = services.lesson_save(
            actor=world.user("teacher"),
            course=course,
            day=day,
            period=period(world.course),
            topic="Ułamki zwykłe",
            marks=marks,
            roster=roster,
            types=types,
        )
    saved = {m.student_id: m.type.kind for m in AttendanceMark.objects.filter(lesson=lesson)}
    assert len(saved) == 30
    assert saved[roster[0].pk] == stats.ABSENT
    assert saved[roster[1].pk] == stats.LATE
    assert list(saved.values()).count(stats.PRESENT) == 28
    # a later edit: one change, with history (old and new)
    lesson.refresh_from_db()
    loaded = {m.student_id: m.version for m in AttendanceMark.objects.filter(lesson=lesson)}
    with django_assert_max_num_queries(8):
        services.lesson_save(
            actor=world.user("homeroom_teacher"),
            course=course,
            day=day,
            period=period(world.course),
            topic="Ułamki zwykłe",
            marks={**marks, roster[0].pk: kinds[stats.LATE].pk},
            roster=roster,
            types=types,
            lesson=lesson,
            versions=loaded,
        )
    mark = AttendanceMark.objects.get(lesson=lesson, student=roster[0])
    assert mark.type.kind == stats.LATE and mark.version == 2
    entry = HistoryEntry.objects.get(code="attendance.mark.changed", object_id=mark.pk)
    assert entry.old["type"] == "nb" and entry.new["type"] == "sp"
    assert entry.actor == world.user("homeroom_teacher")


def test_lesson_save_is_all_or_nothing(world: Any) -> None:
    day = recent_weekday()
    roster = roster_for(world.course, day)
    types = services.attendance_types_for(world.school)
    with pytest.raises(ValidationError):
        services.lesson_save(
            actor=world.user("teacher"),
            course=world.course,
            day=day,
            period=period(world.course),
            topic="x",
            marks={roster[0].pk: 999999, world.other_student.pk: types[0].pk},
            roster=roster,
            types=types,
        )
    assert not Lesson.objects.exists()
    assert not AttendanceMark.objects.exists()


def test_future_lesson_refused(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.lesson_save(
            actor=world.user("teacher"),
            course=world.course,
            day=datetime.date.today() + datetime.timedelta(days=3),
            period=period(world.course),
            topic="",
            marks={},
            roster=[],
            types=services.attendance_types_for(world.school),
        )


def _submit(world: Any, marks: list[Any], **kwargs: Any) -> Excuse:
    return services.excuse_submit(
        actor=kwargs.pop("actor", world.user("guardian")),
        student=world.student,
        mark_ids=[m.pk for m in marks],
        reason=kwargs.pop("reason", "Choroba"),
        **kwargs,
    )


def test_excuse_flow_approve_changes_only_still_absent_marks(world: Any) -> None:
    a = absent(world.course, world.student, recent_weekday(2), 1)
    b = absent(world.course, world.student, recent_weekday(2), 2)
    excuse = _submit(
        world, [a, b], attachment=SimpleUploadedFile("zw.pdf", b"%PDF-1.4 note", "application/pdf")
    )
    assert excuse.status == "pending" and excuse.attachment_name == "zw.pdf"
    homeroom = world.user("homeroom_teacher")
    assert Delivery.objects.filter(
        message=excuse.message, owner=homeroom, is_sender_copy=False
    ).exists()
    assert f"/frekwencja/usprawiedliwienia/{excuse.pk}/" in excuse.message.body
    day = a.lesson.date  # the one date style: 4.03.2026, never 04.03.2026
    assert f"\n{day.day}.{day.month:02d}.{day.year}, 1. " in excuse.message.body
    # meanwhile the teacher corrects b to late
    types = _types(world)
    AttendanceMark.objects.filter(pk=b.pk).update(type=types[stats.LATE])
    skipped = services.excuse_approve(actor=homeroom, excuse=excuse, note="OK")
    assert [m.pk for m in skipped] == [b.pk]
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.type.kind == stats.EXCUSED and a.version == 2
    assert b.type.kind == stats.LATE
    excuse.refresh_from_db()
    assert excuse.status == "approved" and excuse.decided_by == homeroom
    outcomes = dict(excuse.items.values_list("mark_id", "outcome"))
    assert outcomes == {a.pk: "excused", b.pk: "skipped"}
    # the guardian got a reply
    assert Delivery.objects.filter(
        owner=world.user("guardian"), message__reply_to=excuse.message
    ).exists()
    assert HistoryEntry.objects.filter(code="attendance.mark.excused", object_id=a.pk).exists()
    with pytest.raises(ValidationError):
        services.excuse_reject(actor=homeroom, excuse=excuse, note="late")


def test_reject_needs_note_and_leaves_marks(world: Any) -> None:
    a = absent(world.course, world.student, recent_weekday(1))
    excuse = _submit(world, [a])
    homeroom = world.user("homeroom_teacher")
    with pytest.raises(ValidationError):
        services.excuse_reject(actor=homeroom, excuse=excuse, note="")
    services.excuse_reject(actor=homeroom, excuse=excuse, note="Brak podstaw")
    a.refresh_from_db()
    assert a.type.kind == stats.ABSENT
    assert Excuse.objects.get(pk=excuse.pk).status == "rejected"


def test_deadline_refuses_with_clear_message(world: Any) -> None:
    old = absent(world.course, world.student, recent_weekday(12))
    with pytest.raises(ValidationError) as error:
        _submit(world, [old])
    assert "7 days" in str(error.value)
    day = old.lesson.date
    assert f": {day.day}.{day.month:02d}.{day.year}." in str(error.value)
    assert not Excuse.objects.exists()


def test_only_unexcused_absences_and_not_twice(world: Any) -> None:
    day = recent_weekday(1)
    _, marks = held_lesson(world.course, day, number=3, kinds={world.student: stats.LATE})
    with pytest.raises(ValidationError):
        _submit(world, [marks[world.student.pk]])
    a = absent(world.course, world.student, day)
    _submit(world, [a])
    with pytest.raises(ValidationError):
        _submit(world, [a])


def test_other_students_marks_refused(world: Any) -> None:
    day = recent_weekday(1)
    other = StudentFactory(school_class=world.school_class, class_number=2)
    mark = absent(world.course, other, day)
    with pytest.raises(ValidationError):
        _submit(world, [mark])


@pytest.mark.parametrize(("allowed", "adult"), [(True, True), (False, True), (True, False)])
def test_adult_student_self_excuse(world: Any, allowed: bool, adult: bool) -> None:
    AttendancePolicy.objects.create(school=world.school, adult_self_excuse=allowed)
    world.student.birth_date = datetime.date(2000, 1, 1) if adult else datetime.date(2015, 1, 1)
    world.student.save()
    a = absent(world.course, world.student, recent_weekday(1))
    if allowed and adult:
        excuse = _submit(world, [a], actor=world.student.user)
        assert excuse.submitted_by == world.student.user
    else:
        with pytest.raises(ValidationError):
            _submit(world, [a], actor=world.student.user)
