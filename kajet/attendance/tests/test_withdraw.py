"""Withdrawing an excuse: only its sender, only while it waits; the homeroom teacher is told
on the excuse's message thread; the queue forgets it; the absences can be excused again."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kajet.attendance import selectors, services, stats
from kajet.attendance.models import AttendancePolicy, Excuse
from kajet.attendance.tests.helpers import absent, recent_weekday
from kajet.core.models import HistoryEntry
from kajet.messaging.models import Delivery, Message
from kajet.notifications.models import Notification


def _sent(world: Any, actor: Any = None) -> tuple[Excuse, Any]:
    mark = absent(world.course, world.student, recent_weekday(1))
    excuse = services.excuse_submit(
        actor=actor or world.user("guardian"),
        student=world.student,
        mark_ids=[mark.pk],
        reason="Choroba",
    )
    return excuse, mark


def test_sender_withdraws_a_waiting_excuse(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    excuse, mark = _sent(world)
    homeroom = world.user("homeroom_teacher")
    assert [e.pk for e in selectors.excuse_queue(homeroom)] == [excuse.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.excuse_withdraw(actor=world.user("guardian"), excuse=excuse)
    excuse.refresh_from_db()
    assert excuse.status == "withdrawn" and excuse.withdrawn_at is not None
    assert excuse.decided_by is None
    assert list(excuse.items.values_list("outcome", flat=True)) == ["withdrawn"]
    entry = HistoryEntry.objects.get(code="attendance.excuse.withdrawn", object_id=excuse.pk)
    assert entry.actor == world.user("guardian") and entry.old == {"status": "pending"}
    # the homeroom teacher: a reply on the excuse's thread, notified; the queue forgets it
    reply = Message.objects.get(reply_to=excuse.message)
    assert reply.sender == world.user("guardian")
    assert Delivery.objects.filter(message=reply, owner=homeroom, is_sender_copy=False).exists()
    assert reverse("attendance:excuse", args=[excuse.pk]) in reply.body
    told = Notification.objects.get(user=homeroom, kind="message")
    assert "Excuse withdrawn" in told.title
    assert selectors.excuse_queue(homeroom) == []
    # the absence is still unexcused and can be sent again
    mark.refresh_from_db()
    assert mark.type.kind == stats.ABSENT
    assert mark in selectors.excusable_marks(world.student, recent_weekday(5))
    again = services.excuse_submit(
        actor=world.user("guardian"), student=world.student, mark_ids=[mark.pk], reason="Znowu"
    )
    assert again.status == "pending"


def test_only_the_sender_and_only_while_waiting(world: Any) -> None:
    excuse, _ = _sent(world)
    for role in ("student", "homeroom_teacher", "principal"):
        with pytest.raises(ValidationError):
            services.excuse_withdraw(actor=world.user(role), excuse=excuse)
    assert Excuse.objects.get(pk=excuse.pk).status == "pending"
    services.excuse_approve(actor=world.user("homeroom_teacher"), excuse=excuse)
    with pytest.raises(ValidationError) as error:
        services.excuse_withdraw(actor=world.user("guardian"), excuse=excuse)
    assert "still waiting" in error.value.messages[0]
    excuse.refresh_from_db()
    assert excuse.status == "approved" and excuse.withdrawn_at is None
    assert not HistoryEntry.objects.filter(code="attendance.excuse.withdrawn").exists()


def test_adult_student_withdraws_their_own(world: Any) -> None:
    AttendancePolicy.objects.create(school=world.school, adult_self_excuse=True)
    world.student.birth_date = datetime.date(2000, 1, 1)
    world.student.save()
    excuse, _ = _sent(world, actor=world.student.user)
    with pytest.raises(ValidationError):
        services.excuse_withdraw(actor=world.user("guardian"), excuse=excuse)
    services.excuse_withdraw(actor=world.student.user, excuse=excuse)
    assert Excuse.objects.get(pk=excuse.pk).status == "withdrawn"


def test_homeroom_told_by_notification_when_the_thread_is_gone(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    excuse, _ = _sent(world)
    # the guardian deleted their copy of the thread: no reply possible, a new message instead
    Delivery.objects.filter(message=excuse.message, owner=world.user("guardian")).update(
        deleted_at=excuse.created_at
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.excuse_withdraw(actor=world.user("guardian"), excuse=excuse)
    told = Message.objects.exclude(pk=excuse.message_id).get()
    assert told.reply_to is None and "withdrawn" in told.subject
    assert Delivery.objects.filter(message=told, owner=world.user("homeroom_teacher")).exists()


def test_no_homeroom_teacher_still_withdraws(world: Any) -> None:
    excuse, _ = _sent(world)
    type(world.school_class).objects.filter(pk=world.school_class.pk).update(homeroom_teacher=None)
    services.excuse_withdraw(actor=world.user("guardian"), excuse=excuse)
    assert Excuse.objects.get(pk=excuse.pk).status == "withdrawn"
    assert not Message.objects.filter(reply_to=excuse.message).exists()


# --- The page ---------------------------------------------------------------------------------


def test_withdraw_from_the_excuse_page(world: Any, other_world: Any, client_for: Any) -> None:
    excuse, _ = _sent(world)
    detail = reverse("attendance:excuse", args=[excuse.pk])
    url = reverse("attendance:withdraw", args=[excuse.pk])
    guardian = client_for(world.user("guardian"))
    page = guardian.get(detail).content.decode()
    assert f'action="{url}"' in page and "<summary>Withdraw the excuse</summary>" in page
    # the homeroom teacher and the student (who did not send it) see no such button
    for role in ("homeroom_teacher", "student"):
        assert f'action="{url}"' not in client_for(world.user(role)).get(detail).content.decode()
    # wrong roles of the school and the same role of another school: 404, nothing changes
    for user in (
        world.user("student"),
        world.user("homeroom_teacher"),
        world.user("principal"),
        other_world.user("guardian"),
    ):
        assert client_for(user).post(url).status_code == 404
    assert Excuse.objects.get(pk=excuse.pk).status == "pending"
    assert guardian.get(url).status_code == 405
    response = guardian.post(url, follow=True)
    assert response.redirect_chain[-1][0] == detail
    text = response.content.decode()
    assert "The excuse has been withdrawn" in text and "Withdrawn by the sender on" in text
    assert f'action="{url}"' not in text
    assert Excuse.objects.get(pk=excuse.pk).status == "withdrawn"
    # a second time: refused with a message, still withdrawn
    again = guardian.post(url, follow=True).content.decode()
    assert "Only an excuse that is still waiting can be withdrawn." in again
    queue = client_for(world.user("homeroom_teacher")).get(reverse("attendance:queue"))
    assert world.student.user.full_name not in queue.content.decode()
