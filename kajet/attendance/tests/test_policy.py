"""The administrator's attendance settings: policy and school-defined types (services), and
that the school's own types reach the attendance sheet and count as their standard kind."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kajet.attendance import policy, selectors, services, stats
from kajet.attendance.models import AttendanceMark, AttendancePolicy, AttendanceType
from kajet.attendance.tests.helpers import held_lesson, period, recent_weekday
from kajet.core.models import HistoryEntry


def _add(world: Any, **values: Any) -> AttendanceType:
    fields = {"name": "wycieczka", "code": "wy", "colour": "#FDE047", "kind": stats.PRESENT}
    fields.update(values)
    return policy.attendance_type_add(
        actor=world.user("school_admin"), school=world.school, **fields
    )


# --- Policy -----------------------------------------------------------------------------------


def test_policy_update_creates_the_row_and_records_changes(world: Any) -> None:
    admin = world.user("school_admin")
    assert not AttendancePolicy.objects.exists()
    saved = policy.attendance_policy_update(
        actor=admin,
        school=world.school,
        threshold_percent=60,
        excuse_deadline_days=14,
        adult_self_excuse=False,
    )
    assert (saved.threshold_percent, saved.excuse_deadline_days) == (60, 14)
    assert services.policy_for(world.school).threshold_percent == 60
    entry = HistoryEntry.objects.get(code="attendance.policy.changed")
    assert entry.old == {"threshold_percent": 50, "excuse_deadline_days": 7}
    assert entry.new == {"threshold_percent": 60, "excuse_deadline_days": 14}
    assert entry.actor == admin
    # the same values again: nothing written
    policy.attendance_policy_update(
        actor=admin,
        school=world.school,
        threshold_percent=60,
        excuse_deadline_days=14,
        adult_self_excuse=False,
    )
    assert HistoryEntry.objects.filter(code="attendance.policy.changed").count() == 1


@pytest.mark.parametrize(
    ("threshold", "days", "message"),
    [(101, 7, "threshold must be between 0% and 100%"), (50, 91, "between 0 and 90 days")],
)
def test_policy_out_of_range_changes_nothing(
    world: Any, threshold: int, days: int, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        policy.attendance_policy_update(
            actor=world.user("school_admin"),
            school=world.school,
            threshold_percent=threshold,
            excuse_deadline_days=days,
            adult_self_excuse=True,
        )
    assert message in " ".join(error.value.messages)
    assert not AttendancePolicy.objects.exists()
    assert not HistoryEntry.objects.filter(code="attendance.policy.changed").exists()


def test_policy_of_another_school_refused(world: Any, other_world: Any) -> None:
    with pytest.raises(ValidationError):
        policy.attendance_policy_update(
            actor=other_world.user("school_admin"),
            school=world.school,
            threshold_percent=10,
            excuse_deadline_days=7,
            adult_self_excuse=True,
        )
    assert not AttendancePolicy.objects.exists()


# --- Types ------------------------------------------------------------------------------------


def test_add_type_after_the_standard_ones_with_history(world: Any) -> None:
    trip = _add(world)
    assert trip.colour == "#fde047" and trip.is_active and not trip.is_standard
    assert trip.text_colour == "#000000"  # dark text on a yellow chip
    codes = [t.code for t in services.attendance_types_for(world.school)]
    assert codes == ["ob", "nb", "u", "sp", "zw", "wy"]
    entry = HistoryEntry.objects.get(code="attendance.type.created", object_id=trip.pk)
    assert entry.new["kind"] == stats.PRESENT


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"code": "NB"}, "already used"),  # a standard code, whatever the case
        ({"code": "w y"}, "without spaces"),
        ({"code": "abcde"}, "at most 4"),
        ({"code": ""}, "short code"),
        ({"name": " "}, "name of the type"),
        ({"colour": "yellow"}, "#rrggbb"),
        ({"kind": "holiday"}, "standard type it counts as"),
    ],
)
def test_bad_type_refused_and_nothing_written(world: Any, values: dict, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        _add(world, **values)
    assert message in " ".join(error.value.messages)
    assert not AttendanceType.objects.filter(is_standard=False).exists()


def test_code_unique_among_the_schools_own(world: Any, other_world: Any) -> None:
    _add(world)
    with pytest.raises(ValidationError):
        _add(world, name="wyjście", code="WY")
    # another school may use the same code
    policy.attendance_type_add(
        actor=other_world.user("school_admin"),
        school=other_world.school,
        name="wycieczka",
        code="wy",
        colour="#000000",
        kind=stats.PRESENT,
    )


def _mark_with(world: Any, attendance_type: AttendanceType) -> AttendanceMark:
    _, marks = held_lesson(world.course, recent_weekday(), kinds={world.student: stats.PRESENT})
    mark = marks[world.student.pk]
    AttendanceMark.objects.filter(pk=mark.pk).update(type=attendance_type)
    return mark


def test_update_unused_type_freely_used_type_only_name_and_colour(world: Any) -> None:
    admin = world.user("school_admin")
    trip = _add(world)
    trip = policy.attendance_type_update(
        actor=admin,
        attendance_type=trip,
        name="wycieczka",
        code="wc",
        colour="#fde047",
        kind=stats.RELEASED,
    )
    assert (trip.code, trip.kind) == ("wc", stats.RELEASED)
    entry = HistoryEntry.objects.get(code="attendance.type.changed")
    assert entry.old == {"code": "wy", "kind": stats.PRESENT}
    _mark_with(world, trip)
    with pytest.raises(ValidationError) as error:
        policy.attendance_type_update(
            actor=admin,
            attendance_type=trip,
            name="wycieczka",
            code="wc",
            colour="#fde047",
            kind=stats.PRESENT,
        )
    assert "cannot change" in error.value.messages[0]
    renamed = policy.attendance_type_update(
        actor=admin,
        attendance_type=trip,
        name="wycieczka szkolna",
        code="wc",
        colour="#0f766e",
        kind=stats.RELEASED,
    )
    assert renamed.name == "wycieczka szkolna" and renamed.text_colour == "#ffffff"
    assert AttendanceType.objects.get(pk=trip.pk).kind == stats.RELEASED


def test_standard_types_are_fixed(world: Any) -> None:
    absent = services.standard_type(services.attendance_types_for(world.school), stats.ABSENT)
    admin = world.user("school_admin")
    with pytest.raises(ValidationError):
        policy.attendance_type_update(
            actor=admin,
            attendance_type=absent,
            name="x",
            code="nb",
            colour="#000000",
            kind=stats.ABSENT,
        )
    with pytest.raises(ValidationError):
        policy.attendance_type_set_active(actor=admin, attendance_type=absent, active=False)
    with pytest.raises(ValidationError):
        policy.attendance_type_delete(actor=admin, attendance_type=absent)


def test_type_in_use_is_deactivated_not_deleted(world: Any) -> None:
    admin = world.user("school_admin")
    trip = _add(world)
    mark = _mark_with(world, trip)
    with pytest.raises(ValidationError) as error:
        policy.attendance_type_delete(actor=admin, attendance_type=trip)
    assert "deactivate it instead" in error.value.messages[0]
    policy.attendance_type_set_active(actor=admin, attendance_type=trip, active=False)
    trip.refresh_from_db()
    mark.refresh_from_db()
    assert not trip.is_active and mark.type_id == trip.pk
    assert HistoryEntry.objects.filter(code="attendance.type.deactivated").count() == 1
    policy.attendance_type_set_active(actor=admin, attendance_type=trip, active=True)
    assert AttendanceType.objects.get(pk=trip.pk).is_active
    assert HistoryEntry.objects.filter(code="attendance.type.reactivated").count() == 1


def test_unused_type_can_be_deleted(world: Any) -> None:
    trip = _add(world)
    policy.attendance_type_delete(actor=world.user("school_admin"), attendance_type=trip)
    assert not AttendanceType.objects.filter(pk=trip.pk).exists()
    assert HistoryEntry.objects.get(code="attendance.type.deleted").old["code"] == "wy"


# --- The school's types on the sheet and in the statistics ------------------------------------


def test_sheet_cycle_includes_active_custom_types_only(world: Any, client_for: Any) -> None:
    trip = _add(world)
    old = _add(world, name="stary typ", code="st", kind=stats.ABSENT)
    policy.attendance_type_set_active(
        actor=world.user("school_admin"), attendance_type=old, active=False
    )
    from django.urls import reverse

    url = reverse(
        "attendance:lesson",
        args=[world.course.pk, recent_weekday().isoformat(), period(world.course).pk],
    )
    teacher = client_for(world.user("teacher"))
    page = teacher.get(url).content.decode()
    assert f'value="{trip.pk}" data-code="wy"' in page
    assert 'data-code="st"' not in page
    # a deactivated type cannot be chosen for a new mark
    refused = teacher.post(url, {"topic": "x", f"s{world.student.pk}": old.pk})
    assert refused.status_code == 200
    assert "no longer in use: stary typ" in refused.content.decode()
    assert not AttendanceMark.objects.exists()
    # the school trip is saved and counted as present
    assert teacher.post(url, {"topic": "x", f"s{world.student.pk}": trip.pk}).status_code == 302
    assert AttendanceMark.objects.get().type == trip


def test_deactivated_type_kept_on_an_untouched_mark(world: Any) -> None:
    old = _add(world, name="stary typ", code="st", kind=stats.ABSENT)
    mark = _mark_with(world, old)
    policy.attendance_type_set_active(
        actor=world.user("school_admin"), attendance_type=old, active=False
    )
    lesson = mark.lesson
    roster = selectors.roster_for(world.course, lesson.date)
    types = services.attendance_types_for(world.school)
    services.lesson_save(
        actor=world.user("teacher"),
        course=world.course,
        day=lesson.date,
        period=lesson.period,
        topic="Nowy temat",
        marks={world.student.pk: old.pk},
        roster=roster,
        types=types,
        lesson=lesson,
        versions={world.student.pk: mark.version},
    )
    mark.refresh_from_db()
    assert mark.type_id == old.pk and mark.version == 1
    offered = services.types_for_marking(types, {old.pk})
    assert old in offered and old not in services.types_for_marking(types)


def test_statistics_count_custom_types_as_their_kind(world: Any) -> None:
    trip = _add(world)  # counted as present
    sick = _add(world, name="izolatka", code="iz", kind=stats.RELEASED)
    day = recent_weekday(1)
    _, a = held_lesson(world.course, day, number=1, kinds={world.student: stats.PRESENT})
    _, b = held_lesson(world.course, day, number=2, kinds={world.student: stats.PRESENT})
    held_lesson(world.course, day, number=3, kinds={world.student: stats.ABSENT})
    AttendanceMark.objects.filter(pk=a[world.student.pk].pk).update(type=trip)
    AttendanceMark.objects.filter(pk=b[world.student.pk].pk).update(type=sick)
    rows = selectors.marks_for_student(world.student, day, day)
    assert {r.code for r in rows} == {"wy", "iz", "nb"}
    result = selectors.student_statistics(rows, [], 50)
    assert result.total.counts[stats.PRESENT] == 1
    assert result.total.counts[stats.RELEASED] == 1
    assert result.total.percent == 50.0  # the trip attended, the absence missed, released left out
    overview = selectors.class_overview(world.school_class)
    mine = next(r for r in overview if r.student == world.student)
    assert mine.summary.counts[stats.PRESENT] == 1 and mine.summary.counts[stats.RELEASED] == 1
