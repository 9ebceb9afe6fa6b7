"""Timetable (plan lekcji) and calendar (terminarz).

* ``TimetablePlan`` — a version of the weekly plan valid from a date; the plan for a date is
  the latest plan of that date's school year with ``valid_from`` on or before it.
* ``TimetableEntry`` — one weekly lesson of a plan: weekday × period → course (and so the
  class or group and the teacher) in a room.
* ``LessonChange`` — what happens to one entry on one date: a substitution (another teacher,
  course/subject or room), a cancellation, or a move to another date/period.
* ``Event`` — a calendar event (test, quiz, trip, parents' meeting, day off, …) for the whole
  school, some classes, a group, or a teacher's absence.
* ``CalendarPolicy`` — per school: the test-load limits and whether the lucky number is on.
* ``LuckyNumber`` — the drawn number for one school day (stored: never changes once drawn).

Entries, lesson changes and events are register data and are never hard-deleted: removing one
sets ``deleted_at``/``deleted_by`` through a service that writes history
(``services.event_remove``, ``services.lesson_change_remove``, ``services.timetable_class_save``).
``objects`` hides deleted rows (so every page, feed and API reads only live ones);
``all_objects`` sees them too (the XML export, the history). ``delete()`` refuses.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from kajet.core.collation import POLISH
from kajet.core.datefmt import short_date
from kajet.core.models import TenantModel
from kajet.school.models import (
    ClassGroup,
    Course,
    LessonPeriod,
    SchoolClass,
    SchoolYear,
    Subject,
)

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


def _refuse_delete(what: str) -> TypeError:
    return TypeError(
        f"{what} is register data and is never hard-deleted: remove it with its service in "
        "kajet.timetable.services (event_remove, lesson_change_remove, timetable_class_save), "
        "which soft-deletes it (deleted_at, deleted_by) and writes history."
    )


class SoftDeleteQuerySet(models.QuerySet[Any]):
    """A queryset that refuses a bulk ``delete()`` (see ``SoftDeleteModel``)."""

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse_delete(self.model.__name__)

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class _LiveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """The rows not deleted (the scoped ``objects`` of a soft-deleted model builds on it)."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class _AllManager(models.Manager.from_queryset(SoftDeleteQuerySet)):  # type: ignore[misc]
    """Every row, deleted or not (``all_objects``)."""


class SoftDeleteModel(TenantModel):
    """A tenant table whose rows are soft-deleted: ``objects`` (the default manager, also
    behind related managers such as ``entry.changes``) hides deleted rows, ``all_objects``
    shows them, and ``delete()`` raises ``TypeError`` so nothing is hard-deleted by accident.
    A foreign key to a deleted row still resolves (Django follows it with the base manager)."""

    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    objects: ClassVar[Any] = ScopedManager(_manager_class=_LiveManager, school="school")
    all_objects: ClassVar[Any] = ScopedManager(_manager_class=_AllManager, school="school")

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse_delete(type(self).__name__)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Room(TenantModel):
    """A classroom (sala)."""

    name = models.CharField(_("name"), max_length=40, db_collation=POLISH)
    description = models.CharField(_("description"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="room_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TimetablePlan(TenantModel):
    """A version of the school's weekly plan, in force from ``valid_from`` until the next
    version of the same school year starts (or the year ends)."""

    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("valid from"))
    name = models.CharField(_("name"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("timetable version")
        verbose_name_plural = _("timetable versions")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "valid_from"], name="timetableplan_unique_valid_from"
            ),
        ]

    def __str__(self) -> str:
        return self.name or short_date(self.valid_from)


class TimetableEntry(SoftDeleteModel):
    """One weekly lesson of a plan. Conflicts (teacher, class/group, room twice in a period)
    are refused by ``services.timetable_class_save`` using ``rules.find_conflicts``."""

    plan = models.ForeignKey(TimetablePlan, on_delete=models.CASCADE, related_name="entries")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    period = models.ForeignKey(LessonPeriod, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["weekday", "period__number"]
        verbose_name = _("timetable entry")
        verbose_name_plural = _("timetable entries")
        constraints = [
            # Only among live entries: a removed lesson may be planned again.
            models.UniqueConstraint(
                fields=["plan", "weekday", "period", "course"],
                condition=models.Q(deleted_at__isnull=True),
                name="entry_unique_slot",
            ),
        ]
        indexes = [models.Index(fields=["plan", "course"])]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.period_id}: {self.course_id}"


class LessonChange(SoftDeleteModel):
    """A change to one lesson (entry) on one date. Shown to the class/group, its guardians and
    both teachers; the original entry is never altered."""

    class Kind(models.TextChoices):
        SUBSTITUTION = "substitution", _("substitution")
        CANCELLATION = "cancellation", _("cancelled")
        MOVED = "moved", _("moved")

    entry = models.ForeignKey(TimetableEntry, on_delete=models.CASCADE, related_name="changes")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    new_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("substitute teacher"),
    )
    new_course = models.ForeignKey(
        Course,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("instead: course"),
    )
    new_room = models.ForeignKey(
        Room,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("new room"),
    )
    new_date = models.DateField(_("moved to date"), null=True, blank=True)
    new_period = models.ForeignKey(
        LessonPeriod,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("moved to lesson"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "entry__period__number"]
        verbose_name = _("lesson change")
        verbose_name_plural = _("lesson changes")
        constraints = [
            # Only among live changes: a withdrawn change may be recorded again.
            models.UniqueConstraint(
                fields=["entry", "date"],
                condition=models.Q(deleted_at__isnull=True),
                name="lessonchange_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "date"]),
            models.Index(fields=["school", "new_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Event(SoftDeleteModel):
    """A calendar event. ``scope`` says who it concerns; a test or quiz names its course."""

    class Kind(models.TextChoices):
        TEST = "test", _("test")
        QUIZ = "quiz", _("quiz")
        ASSESSMENT = "assessment", _("other assessment")
        TRIP = "trip", _("trip")
        PARENTS_MEETING = "parents_meeting", _("parents' meeting")
        SCHOOL_EVENT = "school_event", _("school event")
        DAY_OFF = "day_off", _("day off")

    class Scope(models.TextChoices):
        SCHOOL = "school", _("whole school")
        CLASSES = "classes", _("classes")
        GROUP = "group", _("group")
        TEACHER = "teacher", _("teacher's absence")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    scope = models.CharField(_("for"), max_length=10, choices=Scope.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("until"))
    period = models.ForeignKey(
        LessonPeriod,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lesson"),
    )
    classes = models.ManyToManyField(
        SchoolClass, blank=True, related_name="+", verbose_name=_("classes")
    )
    group = models.ForeignKey(
        ClassGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("group"),
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("absent teacher"),
    )
    course = models.ForeignKey(
        Course,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("course"),
    )
    subject = models.ForeignKey(
        Subject,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("subject"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "period__number", "id"]
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")
        indexes = [models.Index(fields=["school", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="event_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_test(self) -> bool:
        return self.kind in (self.Kind.TEST, self.Kind.QUIZ, self.Kind.ASSESSMENT)


class CalendarPolicy(TenantModel):
    """One row per school: the test-load policy and the lucky-number switch (data, edited by
    the school administrator). Missing row = the defaults below."""

    class Mode(models.TextChoices):
        WARN = "warn", _("warn the teacher")
        REFUSE = "refuse", _("refuse")

    max_tests_per_day = models.PositiveSmallIntegerField(
        _("maximum tests per day for a class"), default=1
    )
    max_tests_per_week = models.PositiveSmallIntegerField(
        _("maximum tests per week for a class"), default=3
    )
    min_notice_days = models.PositiveSmallIntegerField(_("minimum notice (days)"), default=7)
    quizzes_count = models.BooleanField(_("quizzes count toward the limits"), default=False)
    mode = models.CharField(
        _("when a test breaks the policy"), max_length=10, choices=Mode.choices, default=Mode.WARN
    )
    lucky_number_enabled = models.BooleanField(_("lucky number"), default=False)

    class Meta:
        verbose_name = _("calendar policy")
        verbose_name_plural = _("calendar policies")
        constraints = [
            models.UniqueConstraint(fields=["school"], name="calendarpolicy_one_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id}"


class LuckyNumber(TenantModel):
    """The lucky number of one school day. Drawn once (deterministically) and stored."""

    date = models.DateField(_("date"))
    number = models.PositiveSmallIntegerField(_("number"))
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("lucky number")
        verbose_name_plural = _("lucky numbers")
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="luckynumber_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.number}"
