from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kajet.portal.rules import (
    activation_deadline,
    is_family_login,
    is_stale_registration,
    normalize_email,
)

SENT = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4829113", True),
        ("4829113u", True),
        (" 4829113U ", True),
        ("4829113uu", False),
        ("a.nauczyciel", False),
        ("482", False),
        ("u4829113", False),
        ("", False),
    ],
)
def test_family_login(raw: str, expected: bool) -> None:
    assert is_family_login(raw) is expected


@pytest.mark.parametrize(
    ("activated", "age", "stale"),
    [
        (False, timedelta(days=15), True),
        (False, timedelta(days=14, seconds=1), True),
        (False, timedelta(days=14), False),
        (False, timedelta(days=13), False),
        (True, timedelta(days=400), False),
    ],
)
def test_stale_registration(activated: bool, age: timedelta, stale: bool) -> None:
    assert (
        is_stale_registration(activated=activated, sent_at=SENT, now=SENT + age, days=14) is stale
    )


def test_activation_deadline_and_email() -> None:
    assert activation_deadline(SENT, 14) == SENT + timedelta(days=14)
    assert normalize_email("  Ala@Example.PL ") == "ala@example.pl"
