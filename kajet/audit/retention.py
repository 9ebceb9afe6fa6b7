"""Retention: what Kajet deletes after its period (GDPR art. 5(1)(e), storage limitation).

Each kind of personal data that is kept only for a while has a period in days in the settings
(``KAJET_RETENTION_*``, defaults in config/settings.py and the README). :func:`retention_run`
counts (dry run) or deletes, across every school, the rows older than their period:

- sign-in attempts (``accounts.SignInAttempt``) by when they were made;
- ended sessions and API tokens (``accounts.UserSession``) by when they ended or expired, and
  expired rows of Django's session table when sessions are kept in the database;
- notification delivery logs (``notifications.ChannelDelivery``) that are finished (sent,
  failed, not sent) by when they were created;
- the access log (``audit.AccessLogEntry``) by when the page was opened;
- kinds registered by higher apps with :func:`retention_kind_register` (the finished print
  jobs of ``kajet.records`` with their files), which this module cannot import.

Students who left the school (``Student.left_on``) longer ago than their period are only
*reported*: their register data is school documentation with its own archival rules, so
deleting it stays a decision of the school, never of a scheduled job.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.accounts.models import SignInAttempt, UserSession
from kajet.audit.models import AccessLogEntry
from kajet.notifications.models import ChannelDelivery
from kajet.school.models import Student

log = logging.getLogger(__name__)

FINISHED_DELIVERIES = (
    ChannelDelivery.Status.SENT,
    ChannelDelivery.Status.FAILED,
    ChannelDelivery.Status.SKIPPED,
)


def cutoff(now: datetime.datetime, days: int) -> datetime.datetime:
    """The moment before which a row kept for ``days`` days is due: exactly ``days`` days
    before ``now`` (a row as old as the period is kept, a row older is due)."""
    return now - datetime.timedelta(days=days)


@dataclass(frozen=True)
class RetentionKind:
    """One kind of data with its period and the rows due at a moment."""

    key: str
    setting: str
    due: Callable[[datetime.datetime], QuerySet[Any]]
    purged: bool = True  # False: only reported
    #: Deletes the due rows (and whatever they own, e.g. files) and returns how many;
    #: a plain ``QuerySet.delete()`` when None.
    purge: Callable[[QuerySet[Any]], int] | None = None

    @property
    def days(self) -> int:
        return int(getattr(settings, self.setting))


def _sign_in_attempts(before: datetime.datetime) -> QuerySet[Any]:
    return SignInAttempt.objects.filter(at__lt=before)


def _sessions(before: datetime.datetime) -> QuerySet[Any]:
    return UserSession.objects.filter(Q(ended_at__lt=before) | Q(expires_at__lt=before))


def _deliveries(before: datetime.datetime) -> QuerySet[Any]:
    return ChannelDelivery.objects.filter(status__in=FINISHED_DELIVERIES, created_at__lt=before)


def _access_log(before: datetime.datetime) -> QuerySet[Any]:
    return AccessLogEntry.objects.filter(at__lt=before)


def _left_students(before: datetime.datetime) -> QuerySet[Any]:
    return Student.objects.filter(left_on__lt=timezone.localdate(before))


KINDS: tuple[RetentionKind, ...] = (
    RetentionKind("sign_in_attempts", "KAJET_RETENTION_SIGN_IN_DAYS", _sign_in_attempts),
    RetentionKind("sessions", "KAJET_RETENTION_SESSION_DAYS", _sessions),
    RetentionKind("delivery_logs", "KAJET_RETENTION_DELIVERY_DAYS", _deliveries),
    RetentionKind("access_log", "KAJET_RETENTION_ACCESS_LOG_DAYS", _access_log),
    RetentionKind(
        "left_students", "KAJET_RETENTION_LEFT_STUDENT_DAYS", _left_students, purged=False
    ),
)


_REGISTERED: list[RetentionKind] = []


def retention_kind_register(kind: RetentionKind) -> None:
    """Add a kind owned by a higher app (called from its ``AppConfig.ready``)."""
    if all(k.key != kind.key for k in _REGISTERED):
        _REGISTERED.append(kind)


def retention_kinds() -> tuple[RetentionKind, ...]:
    """Every kind: this module's and the registered ones."""
    return (*KINDS, *_REGISTERED)


@dataclass(frozen=True)
class RetentionLine:
    key: str
    days: int
    count: int
    purged: bool  # rows were deleted (False in a dry run and for report-only kinds)


def retention_run(*, now: datetime.datetime | None = None, dry_run: bool) -> list[RetentionLine]:
    """Count (``dry_run``) or delete every kind's rows older than its period, in every
    school. Report-only kinds are counted and never deleted. Returns a line per kind."""
    now = now or timezone.now()
    lines = []
    with scopes_disabled():
        for kind in retention_kinds():
            due = kind.due(cutoff(now, kind.days))
            if dry_run or not kind.purged:
                lines.append(RetentionLine(kind.key, kind.days, due.count(), purged=False))
                continue
            with transaction.atomic():
                if kind.purge is not None:
                    count = kind.purge(due)
                else:
                    count = due.count()
                    due.delete()
            lines.append(RetentionLine(kind.key, kind.days, count, purged=True))
        if not dry_run and settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
            # Django's own session rows of ended sessions (what `clearsessions` does).
            Session.objects.filter(expire_date__lt=now).delete()
    if not dry_run:
        log.info("retention: %s", {line.key: line.count for line in lines})
    return lines
