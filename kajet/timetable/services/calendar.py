"""Calendar events and the school's calendar policy: adding, editing and removing events
with the test-load check."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.datefmt import short_date
from kajet.core.history import history_record
from kajet.core.models import School
from kajet.core.versions import home_changed
from kajet.notifications.models import Notification
from kajet.notifications.services import notify
from kajet.school.models import (
    ClassGroup,
    Course,
    GroupMembership,
    Guardianship,
    LessonPeriod,
    SchoolClass,
    Student,
)
from kajet.timetable import rules
from kajet.timetable.lucky import lucky_cache_forget
from kajet.timetable.models import (
    CalendarPolicy,
    Event,
)
from kajet.timetable.selectors.events import calendar_policy, test_dates_for_classes
from kajet.timetable.services.deletion import deletion_stamp, soft_delete

KIND_EVENT = Notification.Kind.EVENT


def _forget_lucky_on_commit(school_id: int) -> None:
    """The switch or a day off changed: the cached lucky number may be wrong from now on."""
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
    actor: User,
    kind: str,
    scope: str,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    today: datetime.date,
    classes: Sequence[SchoolClass] = (),
    group: ClassGroup | None = None,
    teacher: User | None = None,
    course: Course | None = None,
    period: LessonPeriod | None = None,
    description: str = "",
    confirmed: bool = False,
) -> Event:
    """Add a calendar event. A test that breaks the test-load policy raises
    ``TestLoadError`` — always when the policy refuses, and until ``confirmed`` when it
    only warns. Notifies the students and guardians of the classes/group concerned."""
    home_changed(school.pk)  # the home page caches what this changes
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
        title=f"{event.get_kind_display()}: {title} ({short_date(starts_on)})",
        url=reverse("timetable:event", args=[event.pk]),
    )
    return event


@dataclass(frozen=True)
class EventInput:
    """An event as the calendar form and the API give it — the fields of ``event_add`` and
    ``event_update`` — so both build the same object and the rules below apply once."""

    kind: str
    scope: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    classes: Sequence[SchoolClass]
    group: ClassGroup | None
    teacher: User | None
    course: Course | None
    period: LessonPeriod | None
    description: str
    confirmed: bool

    def targeted(self) -> EventInput:
        """A course's event (a test or quiz) is for the course's group or class, whatever
        else was chosen."""
        course = self.course
        if course is None:
            return self
        if course.group_id:
            return replace(self, scope=Event.Scope.GROUP, group=course.group, classes=[])
        return replace(self, scope=Event.Scope.CLASSES, group=None, classes=[course.school_class])

    def service_fields(self) -> dict[str, Any]:
        """The keyword arguments of ``event_add`` / ``event_update`` (after ``targeted``)."""
        data = self.targeted()
        return {f.name: getattr(data, f.name) for f in fields(data)}


def event_ends_on_kept(event: Event) -> datetime.date | None:
    """The "until" an edit keeps when it gives none: a one-day event's end follows it to its
    new date (None); a longer event keeps its last day."""
    return None if event.ends_on == event.starts_on else event.ends_on


TEST_KINDS = (Event.Kind.TEST, Event.Kind.QUIZ, Event.Kind.ASSESSMENT)


def _event_validate(
    *,
    kind: str,
    scope: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    classes: Sequence[SchoolClass],
    group: ClassGroup | None,
    teacher: User | None,
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
    actor: User,
    event: Event,
    kind: str,
    scope: str,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    today: datetime.date,
    classes: Sequence[SchoolClass] = (),
    group: ClassGroup | None = None,
    teacher: User | None = None,
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
    home_changed(school.pk)  # the home page caches what this changes
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
            "date": short_date(starts_on),
        },
        url=reverse("timetable:event", args=[event.pk]),
    )
    return event


@transaction.atomic
def event_remove(*, school: School, actor: User, event: Event) -> Event:
    """Remove an event from the calendar: it is soft-deleted (``deleted_at``, ``deleted_by``)
    and disappears from every page, feed and API answer, while the row and its history (the
    whole old state, who and when) stay for the register. Raises ``ValidationError`` when it
    was removed in the meantime."""
    home_changed(school.pk)  # the home page and the feeds cache what this changes
    locked = Event.objects.select_for_update().filter(pk=event.pk).order_by("pk").first()
    if locked is None:
        raise ValidationError(_("This event has already been removed."))
    now = timezone.now()
    old = _event_state(locked, list(locked.classes.values_list("pk", flat=True)))
    soft_delete(locked, actor=actor, at=now)
    history_record(
        school=school,
        actor=actor,
        code="timetable.event.removed",
        object_type="event",
        object_id=locked.pk,
        old=old,
        new=deletion_stamp(actor, now),
    )
    if locked.kind == Event.Kind.DAY_OFF:
        _forget_lucky_on_commit(school.pk)
    return locked


@transaction.atomic
def calendar_policy_update(*, school: School, actor: User, **fields: Any) -> CalendarPolicy:
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
