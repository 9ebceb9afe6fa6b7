"""Writes for the timetable and the calendar. Keyword-only, typed, ``actor=`` explicit; each
runs in a transaction, records history and notifies the people concerned on commit."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.core.history import history_record
from kajet.core.models import School
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.school.models import (
    ClassGroup,
    Course,
    GroupMembership,
    Guardianship,
    LessonPeriod,
    SchoolClass,
    SchoolYear,
    Student,
)
from kajet.timetable import rules
from kajet.timetable.models import (
    CalendarPolicy,
    Event,
    LessonChange,
    LuckyNumber,
    Room,
    TimetableEntry,
    TimetablePlan,
)

KIND_CHANGE = Notification.Kind.CHANGE
KIND_EVENT = Notification.Kind.EVENT

# --- Plans ----------------------------------------------------------------------------------


@transaction.atomic
def timetable_plan_create(
    *, school: School, actor: Any, year: SchoolYear, valid_from: datetime.date, name: str = ""
) -> TimetablePlan:
    """A new plan version from ``valid_from``; it starts as a copy of the version in force
    the day before (so the administrator edits only what changes)."""
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
        what = _("room %(name)s is used twice") % {"name": a.room_label}
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
    actor: Any,
    plan: TimetablePlan,
    school_class: SchoolClass,
    cells: Sequence[CellInput],
) -> int:
    """Replace the class's entries in ``plan`` with ``cells``, all or nothing.

    Refused with ``TimetableConflictError`` (its messages name every conflict) when the new
    class plan, together with the rest of the school's plan, puts a teacher, the class or a
    group, or a room twice in one period. Returns the number of entries saved."""
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
    TimetableEntry.objects.filter(plan=plan, course__school_class=school_class).delete()
    TimetableEntry.objects.bulk_create(
        [
            TimetableEntry(
                school=school,
                plan=plan,
                weekday=c.weekday,
                period_id=c.period_id,
                course_id=c.course_id,
                room_id=c.room_id,
            )
            for c in cells
        ]
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


@transaction.atomic
def room_add(*, school: School, actor: Any, name: str, description: str = "") -> Room:
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


# --- Lesson changes -------------------------------------------------------------------------


def _people_of_course(course: Course) -> set[int]:
    """Students of the class or group and their guardians (user ids)."""
    students = Student.objects.filter(school_class_id=course.school_class_id, left_on__isnull=True)
    if course.group_id is not None:
        students = students.filter(
            pk__in=GroupMembership.objects.filter(group_id=course.group_id).values("student_id")
        )
    ids = set(students.values_list("user_id", flat=True))
    ids |= set(
        Guardianship.objects.filter(student__in=students).values_list("guardian_id", flat=True)
    )
    return ids


@transaction.atomic
def lesson_change_add(
    *,
    school: School,
    actor: Any,
    entry: TimetableEntry,
    date: datetime.date,
    kind: str,
    new_teacher: Any = None,
    new_course: Course | None = None,
    new_room: Room | None = None,
    new_date: datetime.date | None = None,
    new_period: LessonPeriod | None = None,
    note: str = "",
) -> LessonChange:
    """Record a substitution, cancellation or move of ``entry``'s lesson on ``date`` (one per
    lesson and date) and notify the students, guardians and both teachers."""
    if date.weekday() != entry.weekday:
        raise ValidationError(_("This lesson does not take place on that day."))
    if LessonChange.objects.filter(entry=entry, date=date).exists():
        raise ValidationError(_("This lesson already has a change on that date."))
    if kind == LessonChange.Kind.SUBSTITUTION:
        if new_teacher is None and new_course is None and new_room is None:
            raise ValidationError(
                _("A substitution needs another teacher, another course or another room.")
            )
        new_date = None
        new_period = None
    elif kind == LessonChange.Kind.MOVED:
        if new_date is None and new_period is None:
            raise ValidationError(_("A moved lesson needs a new date or lesson."))
        if new_date is None:
            new_date = date
        if new_period is None:
            new_period = entry.period
        if new_date.weekday() > 4:
            raise ValidationError(_("A lesson cannot be moved to a weekend."))
        if new_date == date and new_period.pk == entry.period_id:
            raise ValidationError(_("The new time is the same as the old one."))
    elif kind == LessonChange.Kind.CANCELLATION:
        new_teacher = new_course = new_room = None
        new_date = new_period = None
    else:
        raise ValidationError(_("Unknown kind of change."))
    change = LessonChange.objects.create(
        school=school,
        entry=entry,
        date=date,
        kind=kind,
        new_teacher=new_teacher,
        new_course=new_course,
        new_room=new_room,
        new_date=new_date,
        new_period=new_period,
        note=note,
        created_by=actor,
    )
    history_record(
        school=school,
        actor=actor,
        code=f"timetable.lesson_change.{kind}",
        object_type="lessonchange",
        object_id=change.pk,
        new={
            "entry": entry.pk,
            "date": date.isoformat(),
            "new_teacher": new_teacher.pk if new_teacher else None,
            "new_course": new_course.pk if new_course else None,
            "new_room": new_room.pk if new_room else None,
            "new_date": new_date.isoformat() if new_date else None,
            "new_period": new_period.pk if new_period else None,
        },
    )
    course = entry.course
    recipients = _people_of_course(course) | {course.teacher_id}
    if new_teacher is not None:
        recipients.add(new_teacher.pk)
    if new_course is not None:
        recipients.add(new_course.teacher_id)
    titles = {
        LessonChange.Kind.SUBSTITUTION: _("Substitution: %(subject)s, %(date)s, lesson %(n)s"),
        LessonChange.Kind.CANCELLATION: _("Cancelled: %(subject)s, %(date)s, lesson %(n)s"),
        LessonChange.Kind.MOVED: _("Moved: %(subject)s, %(date)s, lesson %(n)s"),
    }
    title = titles[LessonChange.Kind(kind)] % {
        "subject": course.subject.name,
        "date": date.strftime("%d.%m.%Y"),
        "n": entry.period.number,
    }
    notify(
        school=school,
        user_ids=recipients,
        kind=KIND_CHANGE,
        title=title,
        url=reverse("timetable:week") + f"?tydzien={rules.week_start(date).isoformat()}",
    )
    return change


@transaction.atomic
def lesson_change_remove(*, school: School, actor: Any, change: LessonChange) -> None:
    """Withdraw a change (the lesson takes place as planned); history keeps the record."""
    history_record(
        school=school,
        actor=actor,
        code="timetable.lesson_change.removed",
        object_type="lessonchange",
        object_id=change.pk,
        old={"entry": change.entry_id, "date": change.date.isoformat(), "kind": change.kind},
    )
    change.delete()


# --- Calendar -------------------------------------------------------------------------------


def _forget_lucky_on_commit(school_id: int) -> None:
    """The switch or a day off changed: the cached lucky number may be wrong from now on."""
    from kajet.timetable.selectors import lucky_cache_forget

    transaction.on_commit(lambda: lucky_cache_forget(school_id, timezone.localdate()))


def load_policy(policy: CalendarPolicy) -> rules.LoadPolicy:
    return rules.LoadPolicy(
        max_per_day=policy.max_tests_per_day,
        max_per_week=policy.max_tests_per_week,
        min_notice_days=policy.min_notice_days,
        refuse=policy.mode == CalendarPolicy.Mode.REFUSE,
    )


def counted_kinds(policy: CalendarPolicy) -> list[str]:
    kinds = [Event.Kind.TEST.value]
    if policy.quizzes_count:
        kinds.append(Event.Kind.QUIZ.value)
    return kinds


@dataclass
class LoadCheck:
    """The test-load verdict for one new test: violations per class name."""

    violations: dict[str, list[rules.LoadViolation]]
    refuse: bool

    @property
    def ok(self) -> bool:
        return not self.violations

    def messages(self) -> list[str]:
        out = []
        for class_name, found in self.violations.items():
            for v in found:
                if v.code == "per_day":
                    text = _(
                        "Class %(c)s would have %(n)s tests that day (the school allows %(l)s)."
                    )
                elif v.code == "per_week":
                    text = _(
                        "Class %(c)s would have %(n)s tests that week (the school allows %(l)s)."
                    )
                else:
                    text = _(
                        "Class %(c)s gets only %(n)s days' notice (the school requires %(l)s)."
                    )
                out.append(text % {"c": class_name, "n": v.actual, "l": v.limit})
        return out


def event_test_load_check(
    *,
    school: School,
    kind: str,
    starts_on: datetime.date,
    today: datetime.date,
    classes: Sequence[SchoolClass],
    group: ClassGroup | None,
    exclude_id: int | None = None,
) -> LoadCheck:
    """Check a test/quiz against the school's policy for each class it concerns."""
    from kajet.timetable.selectors import calendar_policy, test_dates_for_classes

    policy = calendar_policy(school)
    if kind not in counted_kinds(policy):
        return LoadCheck({}, refuse=False)
    targets = list(classes) or ([group.school_class] if group is not None else [])
    week = rules.week_start(starts_on)
    dates = test_dates_for_classes(
        [c.pk for c in targets],
        kinds=counted_kinds(policy),
        start=week,
        end=week + datetime.timedelta(days=6),
        exclude_id=exclude_id,
    )
    found: dict[str, list[rules.LoadViolation]] = {}
    for school_class in targets:
        v = rules.check_test_load(
            load_policy(policy),
            test_date=starts_on,
            today=today,
            other_test_dates=dates.get(school_class.pk, []),
        )
        if v:
            found[school_class.name] = v
    return LoadCheck(found, refuse=policy.mode == CalendarPolicy.Mode.REFUSE)


class TestLoadError(ValidationError):
    """The new test breaks the policy: refused (policy says refuse) or not yet confirmed."""

    def __init__(self, check: LoadCheck) -> None:
        super().__init__(check.messages())
        self.check = check


@transaction.atomic
def event_add(
    *,
    school: School,
    actor: Any,
    kind: str,
    scope: str,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    today: datetime.date,
    classes: Sequence[SchoolClass] = (),
    group: ClassGroup | None = None,
    teacher: Any = None,
    course: Course | None = None,
    period: LessonPeriod | None = None,
    description: str = "",
    confirmed: bool = False,
) -> Event:
    """Add a calendar event. A test that breaks the test-load policy raises
    ``TestLoadError`` — always when the policy refuses, and until ``confirmed`` when it
    only warns. Notifies the students and guardians of the classes/group concerned."""
    ends_on = ends_on or starts_on
    _event_validate(
        kind=kind,
        scope=scope,
        starts_on=starts_on,
        ends_on=ends_on,
        classes=classes,
        group=group,
        teacher=teacher,
        course=course,
    )
    if kind in TEST_KINDS:
        check = event_test_load_check(
            school=school,
            kind=kind,
            starts_on=starts_on,
            today=today,
            classes=classes,
            group=group,
        )
        if not check.ok and (check.refuse or not confirmed):
            raise TestLoadError(check)
    event = Event.objects.create(
        school=school,
        kind=kind,
        scope=scope,
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        period=period,
        group=group if scope == Event.Scope.GROUP else None,
        teacher=teacher if scope == Event.Scope.TEACHER else None,
        course=course,
        subject_id=course.subject_id if course else None,
        author=actor,
    )
    if scope == Event.Scope.CLASSES:
        event.classes.set(classes)
    if kind == Event.Kind.DAY_OFF:
        _forget_lucky_on_commit(school.pk)
    history_record(
        school=school,
        actor=actor,
        code="timetable.event.added",
        object_type="event",
        object_id=event.pk,
        new={
            "kind": kind,
            "scope": scope,
            "title": title,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "classes": [c.pk for c in classes],
            "group": group.pk if group else None,
            "confirmed_over_limit": bool(confirmed),
        },
    )
    notify(
        school=school,
        user_ids=_event_audience(scope, classes, group),
        kind=KIND_EVENT,
        title=f"{event.get_kind_display()}: {title} ({starts_on:%d.%m.%Y})",
        url=reverse("timetable:event", args=[event.pk]),
    )
    return event


TEST_KINDS = (Event.Kind.TEST, Event.Kind.QUIZ, Event.Kind.ASSESSMENT)


def _event_validate(
    *,
    kind: str,
    scope: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    classes: Sequence[SchoolClass],
    group: ClassGroup | None,
    teacher: Any,
    course: Course | None,
) -> None:
    """The rules an event obeys, whether added or edited."""
    if ends_on < starts_on:
        raise ValidationError(_("The end date is before the start date."))
    if scope == Event.Scope.CLASSES and not classes:
        raise ValidationError(_("Choose at least one class."))
    if scope == Event.Scope.GROUP and group is None:
        raise ValidationError(_("Choose a group."))
    if scope == Event.Scope.TEACHER and teacher is None:
        raise ValidationError(_("Choose the absent teacher."))
    if kind in TEST_KINDS:
        if course is None:
            raise ValidationError(_("A test or quiz needs its course."))
        if scope not in (Event.Scope.CLASSES, Event.Scope.GROUP):
            raise ValidationError(_("A test or quiz is for a class or a group."))


def _event_audience(
    scope: str, classes: Sequence[SchoolClass], group: ClassGroup | None
) -> set[int]:
    """The enrolled students and their guardians an event of a class or a group concerns
    (an event for the whole school or a teacher's absence notifies no one)."""
    if scope not in (Event.Scope.CLASSES, Event.Scope.GROUP):
        return set()
    students = Student.objects.filter(left_on__isnull=True)
    if scope == Event.Scope.CLASSES:
        students = students.filter(school_class__in=[c.pk for c in classes])
    else:
        assert group is not None
        students = students.filter(
            pk__in=GroupMembership.objects.filter(group=group).values("student_id")
        )
    return set(students.values_list("user_id", flat=True)) | set(
        Guardianship.objects.filter(student__in=students).values_list("guardian_id", flat=True)
    )


def _event_state(event: Event, class_ids: list[int]) -> dict[str, Any]:
    """What the history keeps of an event (before and after an edit)."""
    return {
        "kind": event.kind,
        "scope": event.scope,
        "title": event.title,
        "description": event.description,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "period": event.period_id,
        "classes": sorted(class_ids),
        "group": event.group_id,
        "teacher": event.teacher_id,
        "course": event.course_id,
    }


@transaction.atomic
def event_update(
    *,
    school: School,
    actor: Any,
    event: Event,
    kind: str,
    scope: str,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    today: datetime.date,
    classes: Sequence[SchoolClass] = (),
    group: ClassGroup | None = None,
    teacher: Any = None,
    course: Course | None = None,
    period: LessonPeriod | None = None,
    description: str = "",
    confirmed: bool = False,
) -> Event:
    """Edit a calendar event: the same rules as ``event_add``. A test whose date, kind or
    classes/group change is checked against the test-load policy again, without counting
    itself (``TestLoadError`` as when adding); an edit that leaves those alone is not
    re-checked, since the event already counted (otherwise fixing a typo in a test's title a
    day before it would break the notice rule). History keeps the old and the new state;
    the students and guardians concerned before or after the edit are notified."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    ends_on = ends_on or starts_on
    classes = list(classes) if scope == Event.Scope.CLASSES else []
    group = group if scope == Event.Scope.GROUP else None
    teacher = teacher if scope == Event.Scope.TEACHER else None
    _event_validate(
        kind=kind,
        scope=scope,
        starts_on=starts_on,
        ends_on=ends_on,
        classes=classes,
        group=group,
        teacher=teacher,
        course=course,
    )
    old_classes = list(event.classes.all())
    old_group = event.group
    old = _event_state(event, [c.pk for c in old_classes])
    load_changed = (
        kind != event.kind
        or starts_on != event.starts_on
        or scope != event.scope
        or {c.pk for c in classes} != {c.pk for c in old_classes}
        or (group.pk if group else None) != event.group_id
    )
    if kind in TEST_KINDS and load_changed:
        check = event_test_load_check(
            school=school,
            kind=kind,
            starts_on=starts_on,
            today=today,
            classes=classes,
            group=group,
            exclude_id=event.pk,
        )
        if not check.ok and (check.refuse or not confirmed):
            raise TestLoadError(check)
    old_scope, old_kind = event.scope, event.kind
    event.kind = kind
    event.scope = scope
    event.title = title
    event.description = description
    event.starts_on = starts_on
    event.ends_on = ends_on
    event.period = period
    event.group = group
    event.teacher = teacher
    event.course = course
    event.subject_id = course.subject_id if course else None
    event.save()
    event.classes.set(classes)
    new = _event_state(event, [c.pk for c in classes])
    if new == old:
        return event
    if Event.Kind.DAY_OFF in (kind, old_kind):
        _forget_lucky_on_commit(school.pk)
    history_record(
        school=school,
        actor=actor,
        code="timetable.event.updated",
        object_type="event",
        object_id=event.pk,
        old=old,
        new={**new, "confirmed_over_limit": bool(confirmed and kind in TEST_KINDS)},
    )
    notify(
        school=school,
        user_ids=_event_audience(old_scope, old_classes, old_group)
        | _event_audience(scope, classes, group),
        kind=KIND_EVENT,
        title=_("Changed: %(kind)s: %(title)s (%(date)s)")
        % {
            "kind": event.get_kind_display(),
            "title": title,
            "date": f"{starts_on:%d.%m.%Y}",
        },
        url=reverse("timetable:event", args=[event.pk]),
    )
    return event


@transaction.atomic
def event_remove(*, school: School, actor: Any, event: Event) -> None:
    """Remove an event from the calendar (history keeps what it was)."""
    history_record(
        school=school,
        actor=actor,
        code="timetable.event.removed",
        object_type="event",
        object_id=event.pk,
        old={
            "kind": event.kind,
            "title": event.title,
            "starts_on": event.starts_on.isoformat(),
        },
    )
    if event.kind == Event.Kind.DAY_OFF:
        _forget_lucky_on_commit(school.pk)
    event.delete()


@transaction.atomic
def calendar_policy_update(*, school: School, actor: Any, **fields: Any) -> CalendarPolicy:
    """Change the school's test-load policy / lucky-number switch."""
    allowed = {
        "max_tests_per_day",
        "max_tests_per_week",
        "min_notice_days",
        "quizzes_count",
        "mode",
        "lucky_number_enabled",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown policy fields: {sorted(unknown)}")
    policy, _created = CalendarPolicy.objects.get_or_create(school=school)
    old = {k: getattr(policy, k) for k in allowed}
    for key, value in fields.items():
        setattr(policy, key, value)
    policy.save()
    _forget_lucky_on_commit(school.pk)
    history_record(
        school=school,
        actor=actor,
        code="timetable.policy.updated",
        object_type="calendarpolicy",
        object_id=policy.pk,
        old=old,
        new={k: getattr(policy, k) for k in allowed},
    )
    return policy


# --- Lucky number ---------------------------------------------------------------------------


def lucky_number_draw(*, school: School | int, day: datetime.date) -> int | None:
    """The stored lucky number of ``day``, drawing it first if needed. None when ``day`` is
    not a school day or no class-list numbers are in use. Safe under concurrency: the unique
    (school, date) constraint makes a racing second insert fail, and we then read the
    winner's row (which holds the same number anyway — the draw is deterministic)."""
    from kajet.timetable.selectors import days_off

    school_id = school if isinstance(school, int) else school.pk
    found = LuckyNumber.objects.filter(school_id=school_id, date=day).first()
    if found is not None:
        return int(found.number)
    if not rules.is_school_day(day, days_off(school_id, day, day)):
        return None
    span = Student.objects.filter(
        school_id=school_id, left_on__isnull=True, school_class__year__is_current=True
    ).aggregate(low=Min("class_number"), high=Max("class_number"))
    if span["low"] is None:
        return None
    number = rules.draw_lucky_number(school_id, day, span["low"], span["high"])
    try:
        with transaction.atomic():
            row, _created = LuckyNumber.objects.get_or_create(
                school_id=school_id, date=day, defaults={"number": number}
            )
    except IntegrityError:
        row = LuckyNumber.objects.get(school_id=school_id, date=day)
    return int(row.number)


def lucky_numbers_predraw(*, today: datetime.date) -> int:
    """Draw the next school day's number for every school that has the lucky number on
    (the scheduled job; reading draws lazily too). Returns how many were drawn or found."""
    from django_scopes import scope, scopes_disabled

    from kajet.timetable.selectors import days_off

    with scopes_disabled():
        school_ids = list(
            CalendarPolicy.objects.filter(lucky_number_enabled=True).values_list(
                "school_id", flat=True
            )
        )
    count = 0
    for school_id in school_ids:
        with scope(school=school_id):
            following = rules.next_school_day(
                today, days_off(school_id, today, today + datetime.timedelta(days=60))
            )
            if lucky_number_draw(school=school_id, day=following) is not None:
                count += 1
    return count
