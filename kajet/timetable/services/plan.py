"""Weekly timetable plans: creating a plan, saving a class's week (with conflict checks)
and rooms."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.history import history_record, history_record_many
from kajet.core.models import School
from kajet.core.versions import home_changed
from kajet.school.models import (
    Course,
    LessonPeriod,
    SchoolClass,
    SchoolYear,
)
from kajet.timetable import rules
from kajet.timetable.models import (
    LessonChange,
    Room,
    TimetableEntry,
    TimetablePlan,
)
from kajet.timetable.rooms import room_label
from kajet.timetable.services.deletion import (
    deletion_stamp,
    lesson_change_state,
    timetable_entry_state,
)


@transaction.atomic
def timetable_plan_create(
    *, school: School, actor: User, year: SchoolYear, valid_from: datetime.date, name: str = ""
) -> TimetablePlan:
    """A new plan version from ``valid_from``; it starts as a copy of the version in force
    the day before (so the administrator edits only what changes)."""
    home_changed(school.pk)  # the home page caches what this changes
    if not year.starts_on <= valid_from <= year.ends_on:
        raise ValidationError(_("The date must fall within the school year."))
    if TimetablePlan.objects.filter(school=school, valid_from=valid_from).exists():
        raise ValidationError(_("A timetable version from this date already exists."))
    previous = (
        TimetablePlan.objects.filter(school=school, year=year, valid_from__lt=valid_from)
        .order_by("-valid_from")
        .first()
    )
    plan = TimetablePlan.objects.create(school=school, year=year, valid_from=valid_from, name=name)
    if previous is not None:
        TimetableEntry.objects.bulk_create(
            [
                TimetableEntry(
                    school=school,
                    plan=plan,
                    weekday=e.weekday,
                    period_id=e.period_id,
                    course_id=e.course_id,
                    room_id=e.room_id,
                )
                for e in TimetableEntry.objects.filter(plan=previous)
            ],
            batch_size=1000,
        )
    history_record(
        school=school,
        actor=actor,
        code="timetable.plan.created",
        object_type="timetableplan",
        object_id=plan.pk,
        new={
            "valid_from": valid_from.isoformat(),
            "copied_from": previous.pk if previous else None,
        },
    )
    return plan


@dataclass(frozen=True)
class CellInput:
    """One filled cell of the class grid."""

    weekday: int
    period_id: int
    course_id: int
    room_id: int | None


class TimetableConflictError(ValidationError):
    """A save refused because of conflicts; ``messages`` name each conflict."""


def _slot(
    entry_course: Course, weekday: int, period_id: int, room: Room | None, period_no: int
) -> rules.Slot:
    return rules.Slot(
        weekday=weekday,
        period=period_id,
        teacher_id=entry_course.teacher_id,
        class_id=entry_course.school_class_id,
        group_id=entry_course.group_id,
        room_id=room.pk if room else None,
        label=f"{entry_course.subject.name} — {entry_course.group or entry_course.school_class}",
        teacher_label=entry_course.teacher.full_name,
        class_label=str(entry_course.group or entry_course.school_class),
        room_label=room.name if room else "",
    )


def conflict_message(
    conflict: rules.Conflict, weekday_names: dict[int, str], period_numbers: dict[int, int]
) -> str:
    """A human sentence naming the conflict (who/what, when, which two lessons)."""
    a, b = conflict.first, conflict.second
    when = _("%(day)s, lesson %(number)s") % {
        "day": weekday_names.get(a.weekday, a.weekday),
        "number": period_numbers.get(a.period, a.period),
    }
    if conflict.kind == "teacher":
        what = _("teacher %(name)s has two lessons") % {"name": a.teacher_label}
    elif conflict.kind == "room":
        # "Sala gimnastyczna: two lessons at once", never "room Sala gimnastyczna …".
        what = _("%(room)s: two lessons at once") % {"room": room_label(a.room_label)}
    elif conflict.kind == "group":
        what = _("group %(name)s has two lessons") % {"name": a.class_label}
    else:
        what = _("class %(name)s has two lessons at once") % {"name": a.class_label}
    return _("Conflict — %(when)s: %(what)s (%(a)s; %(b)s).") % {
        "when": when,
        "what": what,
        "a": a.label,
        "b": b.label,
    }


@transaction.atomic
def timetable_class_save(
    *,
    school: School,
    actor: User,
    plan: TimetablePlan,
    school_class: SchoolClass,
    cells: Sequence[CellInput],
) -> int:
    """Replace the class's entries in ``plan`` with ``cells``, all or nothing, by difference:
    unchanged entries stay, removed ones are soft-deleted with history (and their lesson
    changes with them), new ones are created (``_class_entries_replace``).

    Refused with ``TimetableConflictError`` (its messages name every conflict) when the new
    class plan, together with the rest of the school's plan, puts a teacher, the class or a
    group, or a room twice in one period. Returns the number of entries saved."""
    home_changed(school.pk)  # the home page caches what this changes
    course_ids = {c.course_id for c in cells}
    courses = {
        c.pk: c
        for c in Course.objects.filter(
            pk__in=course_ids, school_class=school_class, year=plan.year
        ).select_related("subject", "teacher", "school_class", "group")
    }
    if len(courses) != len(course_ids):
        raise ValidationError(_("A chosen course does not belong to this class."))
    rooms = {r.pk: r for r in Room.objects.filter(school=school)}
    periods = {p.pk: p.number for p in LessonPeriod.objects.filter(school=school)}
    for cell in cells:
        if cell.period_id not in periods or not 0 <= cell.weekday <= 4:
            raise ValidationError(_("Unknown lesson period."))
        if cell.room_id is not None and cell.room_id not in rooms:
            raise ValidationError(_("Unknown room."))
    new_slots = [
        _slot(
            courses[c.course_id],
            c.weekday,
            c.period_id,
            rooms.get(c.room_id) if c.room_id else None,
            periods[c.period_id],
        )
        for c in cells
    ]
    others = (
        TimetableEntry.objects.filter(plan=plan)
        .exclude(course__school_class=school_class)
        .filter(
            Q(course__teacher_id__in={c.teacher_id for c in courses.values()})
            | Q(room_id__in={c.room_id for c in cells if c.room_id})
        )
        .select_related(
            "course__subject", "course__teacher", "course__school_class", "course__group", "room"
        )
    )
    other_slots = [
        _slot(e.course, e.weekday, e.period_id, e.room, periods[e.period_id]) for e in others
    ]
    conflicts = [
        c
        for c in rules.find_conflicts(new_slots + other_slots)
        if c.first in new_slots or c.second in new_slots
    ]
    if conflicts:
        from kajet.timetable.models import WEEKDAYS

        names = {k: str(v) for k, v in WEEKDAYS}
        messages = list(dict.fromkeys(conflict_message(c, names, periods) for c in conflicts))
        raise TimetableConflictError(messages)
    old = list(
        TimetableEntry.objects.filter(plan=plan, course__school_class=school_class).values_list(
            "weekday", "period_id", "course_id", "room_id"
        )
    )
    _class_entries_replace(
        school=school, actor=actor, plan=plan, school_class=school_class, cells=cells
    )
    history_record(
        school=school,
        actor=actor,
        code="timetable.class_plan.saved",
        object_type="timetableplan",
        object_id=plan.pk,
        old={"class": school_class.pk, "entries": sorted(list(r) for r in old)},
        new={
            "class": school_class.pk,
            "entries": sorted([c.weekday, c.period_id, c.course_id, c.room_id] for c in cells),
        },
    )
    return len(cells)


def _class_entries_replace(
    *,
    school: School,
    actor: User,
    plan: TimetablePlan,
    school_class: SchoolClass,
    cells: Sequence[CellInput],
) -> None:
    """Make the class's live entries in ``plan`` match ``cells`` by difference: an entry for
    the same weekday, period and course stays (its row, its id and its lesson changes), a
    new room is an edit, an entry no cell names is soft-deleted (with its live lesson
    changes) and a new cell becomes a new entry — each with its history row."""
    now = timezone.now()
    current = {
        (e.weekday, e.period_id, e.course_id): e
        for e in TimetableEntry.objects.select_for_update(of=("self",))
        .filter(plan=plan, course__school_class=school_class)
        .order_by("pk")
    }
    wanted = {(c.weekday, c.period_id, c.course_id): c for c in cells}
    history: list[dict[str, Any]] = []
    removed = [e for key, e in current.items() if key not in wanted]
    for entry in removed:
        history.append(_entry_history("timetable.entry.removed", entry, deleted=(actor, now)))
    removed_changes = list(
        LessonChange.objects.select_for_update()
        .filter(entry__in=[e.pk for e in removed])
        .order_by("pk")
    )
    for change in removed_changes:
        history.append(
            {
                "code": "timetable.lesson_change.removed",
                "object_type": "lessonchange",
                "object_id": change.pk,
                "old": lesson_change_state(change),
                "new": {**deletion_stamp(actor, now), "entry_removed": True},
            }
        )
    LessonChange.objects.filter(pk__in=[c.pk for c in removed_changes]).update(
        deleted_at=now, deleted_by=actor
    )
    TimetableEntry.objects.filter(pk__in=[e.pk for e in removed]).update(
        deleted_at=now, deleted_by=actor
    )
    for key, entry in current.items():
        cell = wanted.get(key)
        if cell is not None and cell.room_id != entry.room_id:
            old = timetable_entry_state(entry)
            entry.room_id = cell.room_id
            entry.save(update_fields=["room"])
            history.append(
                {
                    "code": "timetable.entry.changed",
                    "object_type": "timetableentry",
                    "object_id": entry.pk,
                    "old": old,
                    "new": timetable_entry_state(entry),
                }
            )
    added = TimetableEntry.objects.bulk_create(
        [
            TimetableEntry(
                school=school,
                plan=plan,
                weekday=c.weekday,
                period_id=c.period_id,
                course_id=c.course_id,
                room_id=c.room_id,
            )
            for key, c in wanted.items()
            if key not in current
        ]
    )
    history += [_entry_history("timetable.entry.added", e) for e in added]
    history_record_many(school=school, actor=actor, entries=history)


def _entry_history(
    code: str, entry: TimetableEntry, deleted: tuple[User, datetime.datetime] | None = None
) -> dict[str, Any]:
    state = timetable_entry_state(entry)
    if deleted is None:
        return {"code": code, "object_type": "timetableentry", "object_id": entry.pk, "new": state}
    return {
        "code": code,
        "object_type": "timetableentry",
        "object_id": entry.pk,
        "old": state,
        "new": deletion_stamp(*deleted),
    }


@transaction.atomic
def room_add(*, school: School, actor: User, name: str, description: str = "") -> Room:
    if Room.objects.filter(school=school, name=name).exists():
        raise ValidationError(_("A room with this name already exists."))
    room = Room.objects.create(school=school, name=name, description=description)
    history_record(
        school=school,
        actor=actor,
        code="timetable.room.added",
        object_type="room",
        object_id=room.pk,
        new={"name": name},
    )
    return room
