import datetime
from typing import Any

from django.db.models import Count

from kajet.attendance.models import AttendanceMark, AttendanceType, Lesson
from kajet.demo.seeding import attendance as seeding
from kajet.demo.seeding.school import SeededSchool
from kajet.school.models import LessonPeriod
from kajet.timetable.models import TimetableEntry, TimetablePlan


def test_seeding_holds_planned_lessons_with_realistic_marks(world: Any) -> None:
    plan = TimetablePlan.objects.create(
        school=world.school, year=world.year, valid_from=world.year.starts_on
    )
    for weekday in range(5):
        for p in LessonPeriod.objects.filter(school=world.school):
            TimetableEntry.objects.create(
                school=world.school, plan=plan, weekday=weekday, period=p, course=world.course
            )
    seeded = SeededSchool(
        school=world.school,
        year=world.year,
        classes=[world.school_class],
        teachers=[world.course.teacher],
        staff_by_login={},
        subjects={},
        courses=[world.course],
    )
    today = datetime.date(2026, 11, 27)
    seeding.seed_school_data(seeded, today=today, scale="s")
    lessons = Lesson.objects.filter(course=world.course)
    # bench scales: the last BENCH_WEEKS weeks only, 3 periods a school day
    assert lessons.count() == 4 * 5 * 3
    assert all(lesson.topic for lesson in lessons)
    assert max(lesson.date for lesson in lessons) == today
    kinds = dict(
        AttendanceMark.objects.values_list("type__kind").annotate(n=Count("pk")).order_by()
    )
    assert sum(kinds.values()) == 60  # one student in the class
    assert kinds.get("present", 0) >= 40


def test_demo_seeding_adds_a_school_trip_type_in_use(world: Any) -> None:
    plan = TimetablePlan.objects.create(
        school=world.school, year=world.year, valid_from=world.year.starts_on
    )
    for weekday in range(5):
        TimetableEntry.objects.create(
            school=world.school,
            plan=plan,
            weekday=weekday,
            period=LessonPeriod.objects.filter(school=world.school).first(),
            course=world.course,
        )
    seeded = SeededSchool(
        school=world.school,
        year=world.year,
        classes=[world.school_class],
        teachers=[world.course.teacher],
        staff_by_login={},
        subjects={},
        courses=[world.course],
    )
    seeding.seed_school_data(seeded, today=datetime.date(2026, 11, 27), scale="demo")
    trip = AttendanceType.objects.get(school=world.school, code="wy")
    assert trip.kind == "present" and not trip.is_standard and trip.is_active
    used = AttendanceMark.objects.filter(type=trip)
    assert used.exists()
    assert len({m.lesson.date for m in used.select_related("lesson")}) == 1
