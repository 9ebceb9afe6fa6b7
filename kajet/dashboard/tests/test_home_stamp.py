"""The viewer's stamp (kajet/dashboard/stamps.py), the key of the whole rendered board: every
write to what only one viewer sees moves it, so the next visit shows the write; the
hand-written query answers what the ORM's answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from kajet.dashboard.stamps import unread_of, viewer_stamp, viewer_stamp_orm
from kajet.dashboard.tests.conftest import MONDAY, Day
from kajet.grades import services as grades_services
from kajet.grades.models import Grade
from kajet.grades.tests.helpers import category
from kajet.homework.models import Homework, HomeworkDone
from kajet.homework.services import homework_mark_done
from kajet.messaging import services as messaging_services
from kajet.messaging.models import Delivery
from kajet.noticeboard.models import Announcement, AnnouncementRead
from kajet.noticeboard.services import announcement_mark_read
from kajet.testutils.factories import StudentFactory
from kajet.timetable.lucky import lucky_number_draw
from kajet.timetable.models import LuckyNumber

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")
FAMILY = ["guardian", "student"]


def _viewer(world: Any, role: str) -> Any:
    return world.user(role)


def _send(world: Any, role: str) -> str:
    messaging_services.message_send(
        sender=world.user("teacher"),
        recipients=[f"person:{_viewer(world, role).pk}"],
        subject="Wiadomość-XYZ",
        body="Treść",
    )
    return "Wiadomość-XYZ"


def _copy(world: Any, role: str, subject: str) -> Delivery:
    return Delivery.objects.get(owner=_viewer(world, role), message__subject=subject)


def _open(world: Any, role: str) -> None:
    messaging_services.message_open(
        user=_viewer(world, role), copy=_copy(world, role, "Wiadomość 0")
    )


def _delete(world: Any, role: str) -> None:
    copy = _copy(world, role, "Wiadomość 0")
    messaging_services.deliveries_delete(user=_viewer(world, role), message_ids=[copy.message_id])


def _new_grade(world: Any, role: str) -> str:
    grades_services.column_add(
        actor=world.user("teacher"),
        course=world.course,
        term=world.term,
        category=category(world.school, name="Kartkówka-XYZ"),
        date=MONDAY,
        cells=[grades_services.Cell(world.student.pk, "2+")],
    )
    return "2+"


def _changed_grade(world: Any, role: str) -> str:
    grade = Grade.objects.filter(student=world.student).latest("pk")
    grades_services.grade_update(
        actor=world.user("teacher"), grade=grade, text="3-", comment="", version=grade.version
    )
    return "3-"


def _deleted_grade(world: Any, role: str) -> None:
    for grade in Grade.objects.filter(student=world.student):
        grades_services.grade_delete(
            actor=world.user("teacher"), grade=grade, reason="pomyłka", version=grade.version
        )


def _homework_undone(world: Any, role: str) -> None:
    done = HomeworkDone.objects.filter(student=world.student)
    for mark in done:
        homework_mark_done(
            actor=world.student.user, homework=mark.homework, student=world.student, done=False
        )


def _lucky_drawn(world: Any, role: str) -> str:
    LuckyNumber.objects.filter(school=world.school).delete()
    cache.clear()  # the lucky number's own entry; the board's key holds the number
    number = lucky_number_draw(school=world.school, day=MONDAY)
    return f'<span class="lucky">{number}</span>'


#: (name, the write, a text the next visit shows, a text it no longer shows)
WRITES: list[tuple[str, Callable[[Any, str], str | None], str | None, str | None]] = [
    ("message received", _send, "Wiadomość-XYZ", None),
    ("message read", _open, None, "Wiadomość 0"),
    ("message deleted", _delete, None, "Wiadomość 0"),
    ("new grade", _new_grade, "2+", None),
    ("grade changed", _changed_grade, "3-", None),
    ("grades deleted", _deleted_grade, "No new grades.", None),
    ("homework unticked", _homework_undone, None, 'badge badge-ok">done'),
]


def _own_message(world: Any, role: str, subject: str = "Wiadomość 0") -> None:
    """The day's messages go to the guardian; every viewer gets one of their own."""
    if not Delivery.objects.filter(owner=_viewer(world, role), message__subject=subject).exists():
        messaging_services.message_send(
            sender=world.user("principal"),
            recipients=[f"person:{_viewer(world, role).pk}"],
            subject=subject,
            body="Treść",
        )


def _board(page: str) -> str:
    return page.split('class="dash-grid"', 1)[1]


@pytest.mark.parametrize("role", FAMILY)
@pytest.mark.parametrize(
    ("write", "shown", "gone"), [w[1:] for w in WRITES], ids=[w[0] for w in WRITES]
)
def test_every_own_write_shows_on_the_next_visit(
    world: Any,
    client_for: Any,
    day: Day,
    role: str,
    write: Callable[[Any, str], str | None],
    shown: str | None,
    gone: str | None,
) -> None:
    _own_message(world, role)
    client = client_for(_viewer(world, role))
    client.get(HOME)
    before = _board(client.get(HOME).content.decode())  # from the cache
    assert shown is None or shown not in before
    assert gone is None or gone in before
    write(world, role)
    page = _board(client.get(HOME).content.decode())
    assert page != before
    if shown is not None:
        assert shown in page
    if gone is not None:
        assert gone not in page


@pytest.mark.parametrize("role", [*FAMILY, "teacher"])
def test_a_message_read_and_marked_unread_again_is_back(
    world: Any, client_for: Any, day: Day, role: str
) -> None:
    """Marking a message unread brings back an old row (no new id): the stamp's sum moves."""
    subject = "Wiadomość 0"
    _own_message(world, role, subject)
    client = client_for(_viewer(world, role))
    client.get(HOME)
    messaging_services.message_open(user=_viewer(world, role), copy=_copy(world, role, subject))
    assert subject not in _board(client.get(HOME).content.decode())
    messaging_services.delivery_mark_unread(
        user=_viewer(world, role), copy=_copy(world, role, subject)
    )
    assert subject in _board(client.get(HOME).content.decode())


def test_the_lucky_number_drawn_shows_on_the_next_visit(
    world: Any, client_for: Any, day: Day
) -> None:
    client = client_for(world.user("guardian"))
    client.get(HOME)
    client.get(HOME)
    shown = _lucky_drawn(world, "guardian")
    assert shown in client.get(HOME).content.decode()


def test_an_announcement_read_moves_the_stamp(world: Any, day: Day) -> None:
    user = world.user("guardian")
    before = viewer_stamp(user, world.student)
    a = Announcement.objects.filter(school=world.school).first()
    assert a is not None
    announcement_mark_read(user=user, announcement=a)
    assert viewer_stamp(user, world.student) != before


def test_the_navigation_badge_shows_the_stamps_unread_count(
    world: Any, client_for: Any, day: Day
) -> None:
    user = world.user("guardian")
    unread = unread_of(viewer_stamp(user, world.student))
    assert unread == Delivery.objects.filter(owner=user, is_unread=True).count() > 0
    page = client_for(user).get(HOME).content.decode()
    assert f'<span class="nav-badge">{unread}</span>' in page or f">{unread}<" in page


def _stamps(user: Any, student: Any) -> tuple[Any, Any]:
    return viewer_stamp(user, student), viewer_stamp_orm(user, student)


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "principal"])
def test_the_hand_written_stamp_answers_what_the_orm_answers(
    world: Any, day: Day, role: str
) -> None:
    """ADR 4's rule for a hand-written query: the same answers as the plain ORM version on
    the same data — with rows in every source, and with sources emptied."""
    user = world.user(role)
    student = world.student if role in FAMILY else None
    _own_message(world, role)
    # Rows, not a service: the principal wrote the day's announcements (no read of one's own).
    for a in Announcement.objects.filter(school=world.school)[:2]:
        AnnouncementRead.objects.get_or_create(school=world.school, announcement=a, user=user)
    raw, orm = _stamps(user, student)
    assert raw == orm
    # Every source has rows: unread messages, announcements read, for a family homework
    # done and grades.
    assert [tag for tag, _n, _moved in raw] == ([1, 2, 3, 4] if student else [1, 2])
    Delivery.objects.filter(owner=user).delete()
    HomeworkDone.objects.all().delete()
    Grade.objects.filter(student=world.student).delete()
    raw, orm = _stamps(user, student)
    assert raw == orm
    # An empty source gives no part, in both.
    assert {tag for tag, _n, _moved in raw} <= {2}


def test_a_homework_done_by_another_student_does_not_move_the_stamp(world: Any, day: Day) -> None:
    other = StudentFactory(school_class=world.school_class)
    user = world.user("guardian")
    before = viewer_stamp(user, world.student)
    homework = Homework.objects.filter(school=world.school).first()
    assert homework is not None
    homework_mark_done(actor=other.user, homework=homework, student=other, done=True)
    assert viewer_stamp(user, world.student) == before
    homework_mark_done(
        actor=world.student.user, homework=homework, student=world.student, done=True
    )
    assert viewer_stamp(user, world.student) != before
