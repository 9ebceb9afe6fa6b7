from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from kajet.notifications.models import Notification
from kajet.notifications.selectors import notifications_unread_count
from kajet.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_notify_writes_on_commit_only(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    guardian = world.user("guardian")
    with django_capture_on_commit_callbacks(execute=True):
        notify(school=world.school, user_ids=[guardian.pk, guardian.pk], kind="grade", title="5")
    assert Notification.objects.filter(user=guardian).count() == 1


def test_notify_rolled_back_writes_nothing(world: Any) -> None:
    guardian = world.user("guardian")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(school=world.school, user_ids=[guardian.pk], kind="grade", title="5")
        raise RuntimeError
    assert not Notification.objects.filter(user=guardian).exists()


def test_list_shows_only_own_notifications(
    world: Any, other_world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mine, theirs = world.user("guardian"), other_world.user("guardian")
    with django_capture_on_commit_callbacks(execute=True):
        notify(school=world.school, user_ids=[mine.pk], kind="grade", title="Ocena 5 z matematyki")
        notify(school=other_world.school, user_ids=[theirs.pk], kind="grade", title="Obca ocena")
    body = client_for(mine).get(reverse("notifications:list")).content.decode()
    assert "Ocena 5 z matematyki" in body
    assert "Obca ocena" not in body


def test_mark_all_read(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = world.user("student")
    with django_capture_on_commit_callbacks(execute=True):
        notify(school=world.school, user_ids=[user.pk], kind="message", title="Nowa wiadomość")
    assert notifications_unread_count(user_id=user.pk) == 1
    response = client_for(user).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert notifications_unread_count(user_id=user.pk) == 0


def test_list_query_count_is_constant(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    user = world.user("teacher")
    Notification.objects.bulk_create(
        [
            Notification(school=world.school, user=user, kind="grade", title=f"n{i}")
            for i in range(60)
        ]
    )
    client = client_for(user)
    client.get(reverse("notifications:list"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def _queries_to_notify(n: int, world: Any, capture: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kajet.testutils.factories import UserFactory

    users = [UserFactory(school=world.school, kind="guardian") for _ in range(n)]
    with capture() as callbacks:
        notify(school=world.school, user_ids=[u.pk for u in users], kind="announcement", title="x")
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    # bulk_create writes the in-app rows in batches of as many as the database takes in one
    # statement (1,000 on PostgreSQL, ~120 under SQLite's parameter limit); all else is fixed.
    inserts = [
        q for q in queries if q["sql"].startswith('INSERT INTO "notifications_notification"')
    ]
    assert len(inserts) <= -(-n // 100)
    return len(queries) - len(inserts)


def test_notify_costs_the_same_for_30_or_300_users(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Delivery planning and queueing: a fixed number of queries; the in-app rows in
    bulk batches."""
    small = _queries_to_notify(30, world, django_capture_on_commit_callbacks)
    large = _queries_to_notify(300, world, django_capture_on_commit_callbacks)
    assert small == large
    rows = Notification.objects.filter(kind="announcement")
    assert rows.count() == 330
    first = rows.first()
    assert first is not None and first.created_at is not None and first.read_at is None
