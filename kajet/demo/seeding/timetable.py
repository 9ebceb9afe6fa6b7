"""Demo and benchmark data for the timetable and the calendar: rooms, a conflict-free weekly
plan for every class (built greedily from the seeded courses), a few substitutions and
cancellations this week and next, tests, quizzes, parents' meetings and the school year's days
off (the Polish calendar). Deterministic and bulk-inserted."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from kajet.demo.seeding.rows import insert_objects
from kajet.demo.seeding.school import SeededSchool
from kajet.school.models import Course, LessonPeriod
from kajet.timetable.models import (
    CalendarPolicy,
    Event,
    LessonChange,
    Room,
    TimetableEntry,
    TimetablePlan,
)
from kajet.timetable.rules import dates_between, week_start
from kajet.timetable.selectors import lucky_cache_forget

#: Lessons a week per subject (levels 4–8); the early years use EARLY_HOURS.
HOURS = {
    "Język polski": 5,
    "Matematyka": 4,
    "Język angielski": 3,
    "Język niemiecki": 2,
    "Historia": 2,
    "Przyroda": 3,
    "Biologia": 2,
    "Geografia": 2,
    "Fizyka": 2,
    "Chemia": 2,
    "Muzyka": 1,
    "Plastyka": 1,
    "Technika": 1,
    "Informatyka": 1,
    "Wychowanie fizyczne": 4,
    "Religia": 2,
    "Wiedza o społeczeństwie": 2,
    "Edukacja dla bezpieczeństwa": 1,
}
EARLY_HOURS = {
    "Edukacja wczesnoszkolna": 14,
    "Język angielski": 2,
    "Wychowanie fizyczne": 3,
    "Religia": 2,
}
#: The oldest classes have more subjects: fewer hours of some keep them near 30 a week.
SENIOR_HOURS = {
    **HOURS,
    "Wychowanie fizyczne": 3,
    "Religia": 1,
    "Biologia": 1,
    "Geografia": 1,
    "Wiedza o społeczeństwie": 1,
}
SPECIAL_ROOMS = {
    "Wychowanie fizyczne": "Sala gimnastyczna",
    "Informatyka": "Pracownia informatyczna",
}


def _easter(year: int) -> datetime.date:
    """Gregorian Easter Sunday (the anonymous algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def polish_days_off(start_year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """Days off of the school year starting in September of ``start_year`` (title, from, to).

    Public holidays and the breaks set by the ministry; the winter break follows Pomorskie's
    turn (demo data: the administrator adjusts the real dates in the calendar)."""
    y1 = start_year + 1
    easter = _easter(y1)
    # Pomorskie's winter break: two weeks from the third Monday of January in odd years,
    # from the first Monday of February in even ones (close to the ministry's rotation).
    if y1 % 2:
        winter = datetime.date(y1, 1, 15)
    else:
        winter = datetime.date(y1, 2, 1)
    while winter.weekday() != 0:
        winter += datetime.timedelta(days=1)
    return [
        ("Wszystkich Świętych", datetime.date(start_year, 11, 1), datetime.date(start_year, 11, 1)),
        (
            "Narodowe Święto Niepodległości",
            datetime.date(start_year, 11, 11),
            datetime.date(start_year, 11, 11),
        ),
        (
            "Zimowa przerwa świąteczna",
            datetime.date(start_year, 12, 22),
            datetime.date(start_year, 12, 31),
        ),
        ("Nowy Rok", datetime.date(y1, 1, 1), datetime.date(y1, 1, 1)),
        ("Święto Trzech Króli", datetime.date(y1, 1, 6), datetime.date(y1, 1, 6)),
        ("Ferie zimowe (pomorskie)", winter, winter + datetime.timedelta(days=13)),
        (
            "Wiosenna przerwa świąteczna",
            easter - datetime.timedelta(days=3),
            easter + datetime.timedelta(days=2),
        ),
        ("Majówka", datetime.date(y1, 5, 1), datetime.date(y1, 5, 3)),
        (
            "Boże Ciało",
            easter + datetime.timedelta(days=60),
            easter + datetime.timedelta(days=61),
        ),
    ]


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    rng = random.Random(f"timetable:{seeded.key}:{scale}")
    school = seeded.school
    year = seeded.year
    periods = list(LessonPeriod.objects.filter(school=school).order_by("number"))
    if not periods or not seeded.courses:
        return

    # Rooms: a home room per class and the special rooms.
    rooms = [Room(school=school, name=str(10 + i)) for i in range(len(seeded.classes))]
    rooms += [Room(school=school, name=name) for name in sorted(set(SPECIAL_ROOMS.values()))]
    rooms.append(Room(school=school, name="Biblioteka"))
    Room.objects.bulk_create(rooms)
    home_room = {c.pk: rooms[i] for i, c in enumerate(seeded.classes)}
    special = {r.name: r for r in rooms}
    spare = [r for r in rooms if r.name == "Biblioteka"] + rooms[: len(seeded.classes)]

    plan = TimetablePlan.objects.create(
        school=school, year=year, valid_from=year.starts_on, name="Plan podstawowy"
    )

    # Lesson units: a whole-class course, or the groups of a split subject taken together.
    by_class: dict[int, dict[tuple[int, str], list[Course]]] = defaultdict(dict)
    for course in seeded.courses:
        key = (course.subject_id, course.subject.name)
        by_class[course.school_class_id].setdefault(key, []).append(course)

    busy_teacher: set[tuple[int, int, int]] = set()  # (teacher, weekday, period index)
    busy_room: set[tuple[int, int, int]] = set()
    entries: list[TimetableEntry] = []
    for school_class in seeded.classes:
        early = school_class.level <= 3
        hours = EARLY_HOURS if early else SENIOR_HOURS if school_class.level >= 7 else HOURS
        max_period = 5 if early else len(periods)
        units: list[list[Course]] = []
        for (_sid, name), courses in sorted(by_class[school_class.pk].items()):
            units.extend([courses] * hours.get(name, 1))
        rng.shuffle(units)
        # Biggest subjects first so they spread over the week.
        units.sort(key=lambda u: -hours.get(u[0].subject.name, 1))
        class_busy: set[tuple[int, int]] = set()
        per_day: dict[tuple[int, int], int] = defaultdict(int)  # (subject, weekday) → count
        day_load = [0] * 5
        for unit in units:
            subject_id = unit[0].subject_id
            candidates = [
                (per_day[(subject_id, wd)], day_load[wd], p, wd)
                for wd in range(5)
                for p in range(max_period)
                if (wd, p) not in class_busy
            ]
            candidates.sort()
            for _same, _load, p, wd in candidates:
                if any((c.teacher_id, wd, p) in busy_teacher for c in unit):
                    continue
                wanted = SPECIAL_ROOMS.get(unit[0].subject.name)
                room: Room | None = special[wanted] if wanted else home_room[school_class.pk]
                if room is not None and (room.pk, wd, p) in busy_room:
                    room = home_room[school_class.pk]
                if room is not None and (room.pk, wd, p) in busy_room:
                    room = next((r for r in spare if (r.pk, wd, p) not in busy_room), None)
                for i, course in enumerate(unit):
                    # the second group of a split subject goes to a spare room
                    use = (
                        room
                        if i == 0
                        else next(
                            (r for r in spare if (r.pk, wd, p) not in busy_room and r != room), None
                        )
                    )
                    entries.append(
                        TimetableEntry(
                            school=school,
                            plan=plan,
                            weekday=wd,
                            period=periods[p],
                            course=course,
                            room=use,
                        )
                    )
                    busy_teacher.add((course.teacher_id, wd, p))
                    if use is not None:
                        busy_room.add((use.pk, wd, p))
                class_busy.add((wd, p))
                per_day[(subject_id, wd)] += 1
                day_load[wd] += 1
                break
    insert_objects(TimetableEntry, entries)

    _seed_days_off(seeded, today=today)
    _seed_changes(seeded, entries, busy_teacher, periods, today=today, rng=rng)
    _seed_events(seeded, periods, today=today, rng=rng)
    CalendarPolicy.objects.create(school=school, lucky_number_enabled=True)
    # A cache that outlived a previous database may hold this school id's numbers.
    lucky_cache_forget(school.pk, today)


def _seed_days_off(seeded: SeededSchool, *, today: datetime.date) -> None:
    school = seeded.school
    year = seeded.year
    rows = []
    for title, start, end in polish_days_off(year.starts_on.year):
        if end < year.starts_on or start > year.ends_on:
            continue
        if all(d.weekday() >= 5 for d in dates_between(start, end)):
            continue  # a holiday on a weekend takes no school day
        rows.append(
            Event(
                school=school,
                kind=Event.Kind.DAY_OFF,
                scope=Event.Scope.SCHOOL,
                title=title,
                starts_on=start,
                ends_on=end,
            )
        )
    Event.objects.bulk_create(rows)


def _seed_changes(
    seeded: SeededSchool,
    entries: list[TimetableEntry],
    busy_teacher: set[tuple[int, int, int]],
    periods: list[LessonPeriod],
    *,
    today: datetime.date,
    rng: random.Random,
) -> None:
    """A few substitutions and cancellations this week and next (never on a day off)."""
    school = seeded.school
    index = {p.pk: i for i, p in enumerate(periods)}
    off = {
        d
        for start, end in Event.objects.filter(school=school, kind=Event.Kind.DAY_OFF).values_list(
            "starts_on", "ends_on"
        )
        for d in dates_between(start, end)
    }
    by_class: dict[int, list[TimetableEntry]] = defaultdict(list)
    for entry in entries:
        by_class[entry.course.school_class_id].append(entry)
    changes: list[LessonChange] = []
    used: set[tuple[int, datetime.date]] = set()
    for week in (week_start(today), week_start(today) + datetime.timedelta(days=7)):
        # about one change per class a week (so every demo family sees one)
        picks = [rng.choice(rows) for _cls, rows in sorted(by_class.items())]
        for n, entry in enumerate(picks):
            day = week + datetime.timedelta(days=entry.weekday)
            if day in off or (entry.pk, day) in used or day < seeded.year.starts_on:
                continue
            used.add((entry.pk, day))
            if n % 3 == 2:
                changes.append(
                    LessonChange(
                        school=school,
                        entry=entry,
                        date=day,
                        kind=LessonChange.Kind.CANCELLATION,
                        note="Nauczyciel na szkoleniu",
                    )
                )
                continue
            p = index[entry.period_id]
            free = [
                t
                for t in seeded.teachers
                if (t.pk, entry.weekday, p) not in busy_teacher and t.pk != entry.course.teacher_id
            ]
            if not free:
                continue
            substitute = rng.choice(free)
            busy_teacher.add((substitute.pk, entry.weekday, p))
            changes.append(
                LessonChange(
                    school=school,
                    entry=entry,
                    date=day,
                    kind=LessonChange.Kind.SUBSTITUTION,
                    new_teacher=substitute,
                    note="Zastępstwo",
                )
            )
    LessonChange.objects.bulk_create(changes)


def _seed_events(
    seeded: SeededSchool,
    periods: list[LessonPeriod],
    *,
    today: datetime.date,
    rng: random.Random,
) -> None:
    """Tests and quizzes for each class (within the default policy: at most one test a day
    and three a week), two parents' meetings, a school event and a trip."""
    school = seeded.school
    year = seeded.year
    off = {
        d
        for start, end in Event.objects.filter(school=school, kind=Event.Kind.DAY_OFF).values_list(
            "starts_on", "ends_on"
        )
        for d in dates_between(start, end)
    }
    school_days = [
        d
        for d in dates_between(
            max(year.starts_on, today - datetime.timedelta(days=21)),
            min(year.ends_on, today + datetime.timedelta(days=42)),
        )
        if d.weekday() < 5 and d not in off
    ]
    if not school_days:
        return
    events: list[Event] = []
    event_classes: list[tuple[int, int]] = []  # (index in events, class id)
    courses_by_class: dict[int, list[Course]] = defaultdict(list)
    for course in seeded.courses:
        if course.group_id is None:
            courses_by_class[course.school_class_id].append(course)
    for school_class in seeded.classes:
        courses = courses_by_class[school_class.pk]
        if not courses:
            continue
        taken: set[datetime.date] = set()
        weekly: dict[tuple[int, int], int] = defaultdict(int)
        tests = 4 if school_class.level >= 4 else 1
        for n in range(tests + 3):
            kind = Event.Kind.TEST if n < tests else Event.Kind.QUIZ
            day = rng.choice(school_days)
            week = day.isocalendar()[:2]
            if kind == Event.Kind.TEST and (day in taken or weekly[week] >= 3):
                continue
            course = rng.choice(courses)
            if kind == Event.Kind.TEST:
                taken.add(day)
                weekly[week] += 1
            title = (
                f"Sprawdzian: {course.subject.name}"
                if kind == Event.Kind.TEST
                else f"Kartkówka: {course.subject.name}"
            )
            events.append(
                Event(
                    school=school,
                    kind=kind,
                    scope=Event.Scope.CLASSES,
                    title=title,
                    description="Zakres: ostatni dział z podręcznika.",
                    starts_on=day,
                    ends_on=day,
                    period=rng.choice(periods[:5]),
                    course=course,
                    subject_id=course.subject_id,
                    author=course.teacher,
                )
            )
            event_classes.append((len(events) - 1, school_class.pk))
    meeting_days = [d for d in school_days if d.weekday() == 2]
    for i, day in enumerate(meeting_days[1:3]):
        events.append(
            Event(
                school=school,
                kind=Event.Kind.PARENTS_MEETING,
                scope=Event.Scope.SCHOOL,
                title="Zebranie z rodzicami" if i == 0 else "Dni otwarte — konsultacje",
                description="Godz. 17:00, sale wychowawców.",
                starts_on=day,
                ends_on=day,
            )
        )
    events.append(
        Event(
            school=school,
            kind=Event.Kind.SCHOOL_EVENT,
            scope=Event.Scope.SCHOOL,
            title="Apel szkolny",
            starts_on=school_days[len(school_days) // 2],
            ends_on=school_days[len(school_days) // 2],
            period=periods[0],
        )
    )
    if seeded.classes:
        trip_class = seeded.classes[len(seeded.classes) // 2]
        trip_day = school_days[-5]
        events.append(
            Event(
                school=school,
                kind=Event.Kind.TRIP,
                scope=Event.Scope.CLASSES,
                title=f"Wycieczka klasy {trip_class.name} do Muzeum II Wojny Światowej",
                starts_on=trip_day,
                ends_on=trip_day,
            )
        )
        event_classes.append((len(events) - 1, trip_class.pk))
    Event.objects.bulk_create(events, batch_size=1000)
    through = Event.classes.through
    through.objects.bulk_create(
        [through(event_id=events[i].pk, schoolclass_id=cid) for i, cid in event_classes],
        batch_size=1000,
    )
