"""Bulk builders for messaging tests (many families, many messages) — fast, no factories."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from kajet.accounts.models import User
from kajet.messaging.models import Delivery, Folder, Message
from kajet.school.models import Guardianship, SchoolClass, Student

_counter = itertools.count(1)


def add_families(school_class: SchoolClass, n: int) -> list[User]:
    """``n`` students of the class, each with one guardian; returns the guardians."""
    school = school_class.school
    base = next(_counter) * 100000
    numbers = [str(8000000 + base + i) for i in range(n)]
    users = User.objects.bulk_create(
        [
            User(
                school=school,
                login=f"{num}u",
                kind=User.Kind.STUDENT,
                first_name="Uczeń",
                last_name=str(i),
                password="!",
            )
            for i, num in enumerate(numbers)
        ]
        + [
            User(
                school=school,
                login=num,
                kind=User.Kind.GUARDIAN,
                first_name="Rodzic",
                last_name=str(i),
                password="!",
            )
            for i, num in enumerate(numbers)
        ]
    )
    students_users, guardians = users[:n], users[n:]
    students = Student.objects.bulk_create(
        [
            Student(
                school=school,
                user=u,
                school_class=school_class,
                class_number=100 + i,
                login_number=numbers[i],
                enrolled_on=datetime.date(2026, 9, 1),
            )
            for i, u in enumerate(students_users)
        ]
    )
    Guardianship.objects.bulk_create(
        [
            Guardianship(school=school, guardian=g, student=s)
            for g, s in zip(guardians, students, strict=True)
        ]
    )
    return guardians


def fill_inbox(owner: User, sender: User, n: int, **extra: Any) -> None:
    """``n`` messages from ``sender`` in ``owner``'s inbox (half of them read)."""
    now = timezone.now()
    messages = Message.objects.bulk_create(
        [
            Message(
                school=owner.school,
                sender=sender,
                subject=f"Wiadomość {i}",
                body="Treść",
                created_at=now - datetime.timedelta(minutes=i),
                recipients_label=owner.full_name,
                recipient_count=1,
            )
            for i in range(n)
        ],
        batch_size=500,
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                school=owner.school,
                message=m,
                owner=owner,
                folder=Folder.INBOX,
                is_unread=i % 2 == 0,
                first_read_at=None if i % 2 == 0 else now,
                created_at=m.created_at,
                **extra,
            )
            for i, m in enumerate(messages)
        ],
        batch_size=500,
    )
