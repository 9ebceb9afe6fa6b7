"""The tenant (School), the base for tenant models, and the register's history log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from kajet.core.collation import POLISH


class School(models.Model):
    """A school: the tenant. Every tenant row carries ``school_id``.

    Security policy lives here as plain fields; module policies (grading, attendance) live in
    their own apps, one row per school.
    """

    name = models.CharField(_("name"), max_length=200, db_collation=POLISH)
    short_name = models.CharField(_("short name"), max_length=60, db_collation=POLISH)
    city = models.CharField(_("city"), max_length=100, blank=True)
    staff_idle_minutes = models.PositiveIntegerField(_("staff idle timeout (minutes)"), default=30)
    family_idle_minutes = models.PositiveIntegerField(
        _("guardian and student idle timeout (minutes)"), default=60
    )
    require_staff_2fa = models.BooleanField(
        _("require two-factor sign-in for staff"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Moved by every write that changes what the home page shares between its viewers
    #: (lessons and changes, calendar, homework, announcements): the home page's cache keys
    #: carry it (kajet/dashboard/caching.py, docs/adr/0010-home-page-cache.md). It is read
    #: with the user on every request (``get_user`` loads the school), so no query.
    home_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """Base of every tenant table: a ``school`` column and a manager that refuses to run
    outside a ``django_scopes.scope(school=…)`` (opened once at the edge)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")

    objects: ClassVar[Any] = ScopedManager(school="school")

    class Meta:
        abstract = True


def same_school(*relations: str) -> Q:
    """Restricts the tenant tables a query joins through ``relations`` (e.g. ``"lesson"``,
    ``"student__school_class"``) to the school of the queried row.

    The scope filters only the queried table (``attendance_attendancemark.school_id = 7``);
    a table reached by a join is not filtered, so a school-wide read that also filters the
    joined table (``lesson__date=day``) asks PostgreSQL for every school's lessons of the day,
    which no index led by the school serves, and on a city's data it reads the whole table
    (issue 17). ``lesson.school_id = mark.school_id`` makes ``lesson.school_id = 7`` follow
    (the planner carries an equality through), so the school's index can serve the join too.
    Adds nothing a correct query would not already hold: a tenant row refers only to rows of
    its own school. For school-wide reads (aggregates over a school's rows); a read keyed on
    one row (a student's marks) reaches the joined rows through that row and needs none."""
    return Q(**{f"{relation}__school": F("school") for relation in relations})


class HistoryEntry(TenantModel):
    """One change to register data: who, when, what (a dotted code), the object, old and new.

    Written only by services, never updated or deleted (MEN regulation of 25 Aug 2017, §21).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(max_length=80)
    object_type = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["school", "object_type", "object_id"])]
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")

    def __str__(self) -> str:
        return f"{self.code} {self.object_type}#{self.object_id}"
