"""Stale saves of a lesson's marks are refused: the form and the API carry each mark's version
as loaded; when another teacher or an excuse approval changed a mark since, nothing is saved
and the students whose marks changed are named. On PostgreSQL also with two real concurrent
transactions."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kajet.attendance import selectors, services, stats
from kajet.attendance.models import AttendanceMark, Lesson
from kajet.attendance.tests.helpers import absent, held_lesson, period, recent_weekday
from kajet.core.models import HistoryEntry
from kajet.testutils.concurrency import race
from kajet.testutils.factories import SchoolWorld, StudentFactory


def _kinds(world: Any) -> dict[str, Any]:
    return {t.kind: t for t in services.attendance_types_for(world.school) if t.is_standard}


def _save(world: Any, lesson: Lesson | None, marks: dict, versions: dict, **kw: Any) -> Lesson:
    day = lesson.date if lesson else kw.pop("day")
    return services.lesson_save(
        actor=kw.pop("actor", world.user("teacher")),
        course=world.course,
        day=day,
        period=period(world.course),
        topic=kw.pop("topic", "Ułamki"),
        marks=marks,
        roster=selectors.roster_for(world.course, day),
        types=services.attendance_types_for(world.school),
        lesson=lesson,
        versions=versions,
    )


def _versions(lesson: Lesson) -> dict[int, int]:
    return {m.student_id: m.version for m in AttendanceMark.objects.filter(lesson=lesson)}


def test_changed_since_loaded_rule(world: Any) -> None:
    kinds = _kinds(world)
    a, b, c, d = (StudentFactory.build(pk=n) for n in (1, 2, 3, 4))
    current = {
        1: AttendanceMark(student_id=1, type=kinds[stats.ABSENT], version=2),
        2: AttendanceMark(student_id=2, type=kinds[stats.PRESENT], version=1),
        3: AttendanceMark(student_id=3, type=kinds[stats.LATE], version=1),
    }
    present = kinds[stats.PRESENT].pk
    # loaded 1 at v1 (now v2), 2 unseen but present, 3 unseen and late, 4 seen but gone
    changed = services.changed_since_loaded([a, b, c, d], current, {1: 1, 4: 1}, present)
    assert [s.pk for s in changed] == [1, 3, 4]
    assert services.changed_since_loaded([a, b, c], current, {1: 2, 2: 1, 3: 1}, present) == []


def test_stale_save_refused_nothing_stored(world: Any) -> None:
    second = StudentFactory(school_class=world.school_class, class_number=2)
    kinds = _kinds(world)
    lesson, _ = held_lesson(
        world.course,
        recent_weekday(),
        kinds={world.student: stats.PRESENT, second: stats.PRESENT},
    )
    loaded = _versions(lesson)
    history_before = HistoryEntry.objects.count()
    # the homeroom teacher marks the first student absent
    _save(
        world,
        lesson,
        {world.student.pk: kinds[stats.ABSENT].pk},
        loaded,
        actor=world.user("homeroom_teacher"),
    )
    lesson.refresh_from_db()
    # the teacher, still holding the old versions, marks the second one late and a new topic
    with pytest.raises(services.LessonConflict) as conflict:
        _save(world, lesson, {second.pk: kinds[stats.LATE].pk}, loaded, topic="Inny")
    assert conflict.value.students == [world.student]
    assert world.student.user.full_name in conflict.value.messages[0]
    assert "Nothing was saved" in conflict.value.messages[0]
    lesson.refresh_from_db()
    assert lesson.topic == "Ułamki"
    now = {
        m.student_id: (m.type.kind, m.version) for m in AttendanceMark.objects.filter(lesson=lesson)
    }
    assert now == {world.student.pk: (stats.ABSENT, 2), second.pk: (stats.PRESENT, 1)}
    assert HistoryEntry.objects.count() == history_before + 1  # only the homeroom's change
    # with the current versions the same save goes through
    _save(
        world,
        lesson,
        {world.student.pk: kinds[stats.ABSENT].pk, second.pk: kinds[stats.LATE].pk},
        _versions(lesson),
        topic="Inny",
    )
    assert AttendanceMark.objects.get(lesson=lesson, student=second).type.kind == stats.LATE


def test_excuse_approved_meanwhile_makes_the_sheet_stale(world: Any) -> None:
    mark = absent(world.course, world.student, recent_weekday(1))
    loaded = _versions(mark.lesson)
    excuse = services.excuse_submit(
        actor=world.user("guardian"), student=world.student, mark_ids=[mark.pk], reason="Choroba"
    )
    services.excuse_approve(actor=world.user("homeroom_teacher"), excuse=excuse)
    kinds = _kinds(world)
    with pytest.raises(services.LessonConflict) as conflict:
        # the teacher, unaware, corrects the absence to "late"
        _save(world, mark.lesson, {world.student.pk: kinds[stats.LATE].pk}, loaded)
    assert conflict.value.students == [world.student]
    mark.refresh_from_db()
    assert mark.type.kind == stats.EXCUSED


def test_lesson_taken_by_someone_else_meanwhile(world: Any) -> None:
    """Both opened the untaken lesson. The second save meets the first's lesson: refused when
    the first marked someone other than present, accepted when everyone was present."""
    second = StudentFactory(school_class=world.school_class, class_number=2)
    kinds = _kinds(world)
    day = recent_weekday()
    first = _save(
        world,
        None,
        {world.student.pk: kinds[stats.ABSENT].pk},
        {},
        day=day,
        actor=world.user("homeroom_teacher"),
    )
    with pytest.raises(services.LessonConflict) as conflict:
        # lesson=None: this save read the page before the lesson existed
        _save(world, None, {second.pk: kinds[stats.LATE].pk}, {}, day=day)
    assert conflict.value.students == [world.student]
    assert Lesson.objects.count() == 1
    assert AttendanceMark.objects.get(lesson=first, student=second).type.kind == stats.PRESENT
    # an everyone-present first save does not conflict with the second's marks
    other_day = recent_weekday(3)
    _save(world, None, {}, {}, day=other_day, actor=world.user("homeroom_teacher"))
    again = _save(world, None, {second.pk: kinds[stats.LATE].pk}, {}, day=other_day)
    assert AttendanceMark.objects.get(lesson=again, student=second).type.kind == stats.LATE


def test_stale_page_shows_the_current_state(world: Any, client_for: Any) -> None:
    second = StudentFactory(school_class=world.school_class, class_number=2)
    kinds = _kinds(world)
    day = recent_weekday()
    lesson, marks = held_lesson(
        world.course, day, kinds={world.student: stats.PRESENT, second: stats.PRESENT}
    )
    url = reverse(
        "attendance:lesson", args=[world.course.pk, day.isoformat(), period(world.course).pk]
    )
    teacher = client_for(world.user("teacher"))
    page = teacher.get(url).content.decode()
    assert f'name="v{world.student.pk}" value="1"' in page
    form = {
        "topic": "Ułamki",
        f"v{world.student.pk}": "1",
        f"v{second.pk}": "1",
        f"s{world.student.pk}": kinds[stats.LATE].pk,
        f"s{second.pk}": kinds[stats.PRESENT].pk,
    }
    # meanwhile the homeroom teacher saves the student absent through the page
    homeroom = client_for(world.user("homeroom_teacher"))
    done = homeroom.post(url, {**form, f"s{world.student.pk}": kinds[stats.ABSENT].pk})
    assert done.status_code == 302
    stale = teacher.post(url, {**form, f"s{second.pk}": kinds[stats.RELEASED].pk})
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "Nothing was saved" in text and world.student.user.full_name in text
    # the current state: the student's select shows "absent" with the new version, flagged
    assert f'name="v{world.student.pk}" value="2"' in text
    row = text[text.index(f'id="s{world.student.pk}"') :]
    row = row[: row.index("</select>")]
    assert (
        f'value="{kinds[stats.ABSENT].pk}" data-code="nb" data-colour="#b91c1c" '
        'data-text="#ffffff" selected' in row
    )
    assert "changed meanwhile" in text and "you chose: sp" in text
    # the second student shows its stored mark again (present), not the unsaved choice
    other = text[text.index(f'id="s{second.pk}"') :]
    other = other[: other.index("</select>")]
    assert f'value="{kinds[stats.PRESENT].pk}" data-code="ob"' in other
    assert (
        other.count(" selected") == 1
        and 'data-code="ob" data-colour="#15803d" data-text="#ffffff" selected' in other
    )
    current = {m.student_id: m.type.kind for m in AttendanceMark.objects.filter(lesson=lesson)}
    assert current == {world.student.pk: stats.ABSENT, second.pk: stats.PRESENT}
    # redone with the page's versions it is saved
    redo = teacher.post(
        url, {**form, f"v{world.student.pk}": "2", f"s{second.pk}": kinds[stats.RELEASED].pk}
    )
    assert redo.status_code == 302
    assert AttendanceMark.objects.get(lesson=lesson, student=second).type.kind == stats.RELEASED


def test_save_with_versions_within_the_query_budget(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(2, 31):
        StudentFactory(school_class=world.school_class, class_number=n)
    day = recent_weekday()
    kinds = _kinds(world)
    roster = selectors.roster_for(world.course, day)
    first = _save(world, None, {roster[0].pk: kinds[stats.ABSENT].pk}, {}, day=day)
    loaded = _versions(first)
    course = type(world.course).objects.select_related("school").get(pk=world.course.pk)
    types = services.attendance_types_for(world.school)
    p = period(world.course)
    with django_assert_max_num_queries(8):
        services.lesson_save(
            actor=world.user("teacher"),
            course=course,
            day=day,
            period=p,
            topic="Ułamki",
            marks={roster[0].pk: kinds[stats.LATE].pk, roster[5].pk: kinds[stats.ABSENT].pk},
            roster=roster,
            types=types,
            lesson=first,
            versions=loaded,
        )
    # a refused save costs no more
    with django_assert_max_num_queries(8), pytest.raises(services.LessonConflict):
        services.lesson_save(
            actor=world.user("teacher"),
            course=course,
            day=day,
            period=p,
            topic="Ułamki",
            marks={},
            roster=roster,
            types=types,
            lesson=first,
            versions=loaded,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_lesson(world: SchoolWorld) -> None:
    """The first transaction holds the marks' locks; the second, read at the same versions,
    waits for it and is then refused; the first's marks stay."""
    kinds = _kinds(world)
    lesson, _ = held_lesson(world.course, recent_weekday(), kinds={world.student: stats.PRESENT})
    loaded = _versions(lesson)

    def second_read() -> Lesson:
        theirs = Lesson.objects.get(pk=lesson.pk)
        assert AttendanceMark.objects.get(lesson=theirs).version == 1  # not committed yet
        return theirs

    outcome = race(
        first_write=lambda: _save(
            world,
            Lesson.objects.get(pk=lesson.pk),
            {world.student.pk: kinds[stats.ABSENT].pk},
            loaded,
            actor=world.user("homeroom_teacher"),
        ),
        second_read=second_read,
        second_write=lambda theirs: _save(
            world, theirs, {world.student.pk: kinds[stats.LATE].pk}, loaded
        ),
        conflict=services.LessonConflict,
    )
    assert outcome.first == "saved"
    conflict = outcome.second
    assert isinstance(conflict, services.LessonConflict), conflict
    assert [s.pk for s in conflict.students] == [world.student.pk]
    assert outcome.waited >= 0.3  # it really waited for the first transaction
    mark = AttendanceMark.objects.get(lesson=lesson)
    assert (mark.type.kind, mark.version) == (stats.ABSENT, 2)
    assert HistoryEntry.objects.filter(code="attendance.mark.changed").count() == 1
