"""The pure rules: defaults by role, quiet hours, the per-channel plan, backoff, digests."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from kajet.notifications import rules

T = datetime.time
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def at(hour: int, minute: int = 0, day: int = 7) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=WARSAW)


@pytest.mark.parametrize(
    ("user_kind", "kind", "expected"),
    [
        ("guardian", "absence", ("immediate", True)),
        ("guardian", "message", ("immediate", True)),
        ("guardian", "grade", ("digest", True)),
        ("guardian", "homework", ("digest", False)),
        ("guardian", "announcement", ("digest", False)),
        ("staff", "message", ("immediate", True)),
        ("staff", "excuse", ("immediate", True)),
        ("staff", "grade", ("off", False)),
        ("student", "grade", ("digest", True)),
        ("student", "announcement", ("off", False)),
        ("operator", "message", ("immediate", True)),  # anything else counts as staff
    ],
)
def test_defaults_by_role(user_kind: str, kind: str, expected: tuple[str, bool]) -> None:
    assert rules.default_preference(user_kind=user_kind, kind=kind) == expected


@pytest.mark.parametrize(
    ("now", "start", "end", "quiet"),
    [
        (T(22, 0), T(21, 0), T(7, 0), True),
        (T(21, 0), T(21, 0), T(7, 0), True),
        (T(6, 59), T(21, 0), T(7, 0), True),
        (T(7, 0), T(21, 0), T(7, 0), False),
        (T(12, 0), T(21, 0), T(7, 0), False),
        (T(13, 0), T(12, 0), T(14, 0), True),  # a span within one day
        (T(15, 0), T(12, 0), T(14, 0), False),
        (T(3, 0), T(0, 0), T(0, 0), False),  # equal ends: no quiet hours
    ],
)
def test_quiet_hours(
    now: datetime.time, start: datetime.time, end: datetime.time, quiet: bool
) -> None:
    assert rules.in_quiet_hours(now, start, end) is quiet


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(22, 30), at(7, 0, day=8)),  # evening: next morning
        (at(5, 15), at(7, 0)),  # small hours: this morning
        (at(12, 0), at(12, 0)),  # daytime: now
    ],
)
def test_quiet_hours_end(now: datetime.datetime, expected: datetime.datetime) -> None:
    assert rules.quiet_hours_end(now, T(21, 0), T(7, 0)) == expected


def recipient(**overrides: object) -> rules.Recipient:
    values: dict[str, object] = {
        "user_kind": "guardian",
        "email": "a@example.org",
        "verified_email": "a@example.org",
        "email_bounced": False,
        "has_push_device": True,
        "quiet_from": T(21, 0),
        "quiet_until": T(7, 0),
    }
    values.update(overrides)
    return rules.Recipient(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "who", "school", "now", "urgent", "expected"),
    [
        ("immediate", {}, {}, at(12), False, rules.Plan("pending", at(12))),
        ("immediate", {}, {}, at(23), False, rules.Plan("pending", at(7, day=8))),
        ("immediate", {}, {}, at(23), True, rules.Plan("pending", at(23))),
        ("digest", {}, {}, at(12), False, rules.Plan("digest")),
        ("digest", {}, {}, at(23), True, rules.Plan("pending", at(23))),
        ("off", {}, {}, at(12), False, rules.NOT_USED),
        ("immediate", {"email": ""}, {}, at(12), False, rules.NOT_USED),
        ("immediate", {"verified_email": ""}, {}, at(12), False, rules.NOT_USED),
        ("immediate", {"verified_email": "old@example.org"}, {}, at(12), False, rules.NOT_USED),
        ("immediate", {"email_bounced": True}, {}, at(12), False, rules.NOT_USED),
        ("immediate", {}, {"email_enabled": False}, at(12), False, rules.NOT_USED),
        ("immediate", {"user_kind": "student"}, {}, at(12), False, rules.NOT_USED),
        (
            "immediate",
            {"user_kind": "student"},
            {"student_email_allowed": True},
            at(12),
            False,
            rules.Plan("pending", at(12)),
        ),
    ],
)
def test_plan_email(
    mode: str,
    who: dict[str, object],
    school: dict[str, bool],
    now: datetime.datetime,
    urgent: bool,
    expected: rules.Plan,
) -> None:
    plan = rules.plan_email(
        mode=mode, recipient=recipient(**who), school=rules.School(**school), now=now, urgent=urgent
    )
    assert plan == expected


@pytest.mark.parametrize(
    ("push", "who", "school", "now", "urgent", "expected"),
    [
        (True, {}, {}, at(12), False, rules.Plan("pending", at(12))),
        (True, {}, {}, at(21, 30), False, rules.Plan("pending", at(7, day=8))),
        (True, {}, {}, at(21, 30), True, rules.Plan("pending", at(21, 30))),
        (False, {}, {}, at(12), False, rules.NOT_USED),
        (True, {"has_push_device": False}, {}, at(12), False, rules.NOT_USED),
        (True, {}, {"push_enabled": False}, at(12), False, rules.NOT_USED),
    ],
)
def test_plan_push(
    push: bool,
    who: dict[str, object],
    school: dict[str, bool],
    now: datetime.datetime,
    urgent: bool,
    expected: rules.Plan,
) -> None:
    plan = rules.plan_push(
        push=push, recipient=recipient(**who), school=rules.School(**school), now=now, urgent=urgent
    )
    assert plan == expected


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 1), (2, 4), (3, 16), (4, 64)])
def test_backoff(attempts: int, minutes: int) -> None:
    assert rules.retry_delay(attempts) == datetime.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("now", "hour", "last", "due"),
    [
        (at(16, 59), 17, None, False),
        (at(17, 0), 17, None, True),
        (at(17, 0), 17, datetime.date(2026, 12, 6), True),
        (at(20, 0), 17, datetime.date(2026, 12, 7), False),  # sent today already
    ],
)
def test_digest_due(
    now: datetime.datetime, hour: int, last: datetime.date | None, due: bool
) -> None:
    assert rules.digest_due(now=now, digest_hour=hour, last_digest_on=last) is due
