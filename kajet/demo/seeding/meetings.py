"""Demo parent meetings and consultations: each class with a homeroom teacher had a meeting
about three weeks ago (with the attendance register filled: most guardians came) and has one
in about ten days; the first teachers publish an hour of consultations on a weekday of the
next two weeks, about a third of the slots booked by guardians. The first guardian of each
class's last-enrolled student (in the demo school: the demo family) has a booking.
Demo only (the benchmark scales get none); deterministic and bulk-inserted."""

from __future__ import annotations

import datetime
import random
from collections import Counter

from django.utils import timezone

from kajet.demo.seeding.school import SeededSchool
from kajet.meetings.models import ConsultationBooking, ConsultationSlot, Meeting, MeetingAttendance
from kajet.meetings.rules import split_hours
from kajet.school.models import Guardianship

PAST_AGENDA = (
    "1. Organizacja pierwszego półrocza.\n2. Wybór trójki klasowej.\n3. Wycieczka klasowa."
)
NEXT_AGENDA = "1. Oceny proponowane na koniec półrocza.\n2. Frekwencja.\n3. Sprawy bieżące."
TEACHERS_WITH_HOURS = 5
SLOT_MINUTES = 10


def _weekday(day: datetime.date, *, back: bool = False) -> datetime.date:
    step = datetime.timedelta(days=-1 if back else 1)
    while day.weekday() >= 5:
        day += step
    return day


def seed_school_data(seeded: SeededSchool, *, today: datetime.date, scale: str) -> None:
    if scale != "demo":
        return
    rng = random.Random(f"meetings:{seeded.key}")
    guardians_of_class: dict[int, list[int]] = {}
    links = Guardianship.objects.filter(
        student__school_class__in=seeded.classes, student__left_on__isnull=True
    ).order_by("student_id", "pk")
    for class_id, guardian_id in links.values_list("student__school_class_id", "guardian_id"):
        ids = guardians_of_class.setdefault(class_id, [])
        if guardian_id not in ids:
            ids.append(guardian_id)
    _meetings(seeded, today=today, rng=rng, guardians_of_class=guardians_of_class)
    _consultations(
        seeded,
        today=today,
        rng=rng,
        guardians=sorted({g for ids in guardians_of_class.values() for g in ids}),
        family=_last_enrolled_guardians(seeded),
    )


def _last_enrolled_guardians(seeded: SeededSchool) -> list[int]:
    """The first guardian of each class's last-enrolled student, those with children in
    several classes first (the demo mother has two)."""
    found: list[int] = []
    for school_class in seeded.classes:
        guardian = (
            Guardianship.objects.filter(
                student__school_class=school_class, student__left_on__isnull=True
            )
            .order_by("-student_id", "pk")
            .values_list("guardian_id", flat=True)
            .first()
        )
        if guardian is not None:
            found.append(guardian)
    counts = Counter(found)
    return sorted(dict.fromkeys(found), key=lambda g: -counts[g])


def _meetings(
    seeded: SeededSchool,
    *,
    today: datetime.date,
    rng: random.Random,
    guardians_of_class: dict[int, list[int]],
) -> None:
    past_day = _weekday(today - datetime.timedelta(days=21), back=True)
    next_day = _weekday(today + datetime.timedelta(days=10))
    meetings: list[Meeting] = []
    for school_class in seeded.classes:
        if school_class.homeroom_teacher_id is None:
            continue
        common = {
            "school": seeded.school,
            "school_class": school_class,
            "room": str(rng.randint(1, 30)),
            "created_by_id": school_class.homeroom_teacher_id,
        }
        meetings.append(
            Meeting(date=past_day, starts_at=datetime.time(17, 0), agenda=PAST_AGENDA, **common)
        )
        meetings.append(
            Meeting(date=next_day, starts_at=datetime.time(17, 30), agenda=NEXT_AGENDA, **common)
        )
    Meeting.objects.bulk_create(meetings, batch_size=500)
    present: list[MeetingAttendance] = []
    held = [m for m in meetings if m.date < today]
    for meeting in held:
        for guardian_id in guardians_of_class.get(meeting.school_class_id, []):
            if rng.random() < 0.7:
                present.append(
                    MeetingAttendance(
                        school=seeded.school, meeting=meeting, guardian_id=guardian_id
                    )
                )
        # Recorded the evening of the meeting.
        meeting.attendance_recorded_at = timezone.make_aware(
            datetime.datetime.combine(meeting.date, datetime.time(19, 30))
        )
    MeetingAttendance.objects.bulk_create(present, batch_size=500)
    Meeting.objects.bulk_update(held, ["attendance_recorded_at"], batch_size=500)


def _consultations(
    seeded: SeededSchool,
    *,
    today: datetime.date,
    rng: random.Random,
    guardians: list[int],
    family: list[int],
) -> None:
    slots: list[ConsultationSlot] = []
    for index, teacher in enumerate(seeded.teachers[:TEACHERS_WITH_HOURS]):
        day = _weekday(today + datetime.timedelta(days=1 + index * 2))
        room = str(rng.randint(1, 30))
        for starts_at, ends_at in split_hours(
            datetime.time(16, 0), datetime.time(17, 0), SLOT_MINUTES
        ):
            slots.append(
                ConsultationSlot(
                    school=seeded.school,
                    teacher=teacher,
                    date=day,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    room=room,
                )
            )
    ConsultationSlot.objects.bulk_create(slots, batch_size=500)
    bookings: list[ConsultationBooking] = []
    taken: set[tuple[int, int, datetime.date]] = set()
    per_hour = len(split_hours(datetime.time(16, 0), datetime.time(17, 0), SLOT_MINUTES))
    for i, slot in enumerate(slots):
        hour, position = divmod(i, per_hour)
        if position == 1 and hour < len(family):
            guardian = family[hour]
        elif guardians and rng.random() < 0.33:
            guardian = rng.choice(guardians)
        else:
            continue
        key = (guardian, slot.teacher_id, slot.date)
        if key in taken:
            continue
        taken.add(key)
        bookings.append(
            ConsultationBooking(
                school=seeded.school,
                slot=slot,
                guardian_id=guardian,
                teacher_id=slot.teacher_id,
                date=slot.date,
            )
        )
    ConsultationBooking.objects.bulk_create(bookings, batch_size=500)
