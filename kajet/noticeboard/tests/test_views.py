from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kajet.core.models import HistoryEntry
from kajet.noticeboard.models import Announcement, AnnouncementRead
from kajet.notifications.models import Notification

pytestmark = pytest.mark.django_db

BOARD = reverse("noticeboard:board")
ALL_ROLES = [
    "guardian",
    "student",
    "teacher",
    "homeroom_teacher",
    "pedagogue",
    "psychologist",
    "secretariat",
    "school_admin",
    "principal",
]


def make(world: Any, *, audience: str = "school", classes: Any = (), **kw: Any) -> Announcement:
    a = Announcement.objects.create(
        school=world.school,
        author=kw.pop("author", world.user("principal")),
        title=kw.pop("title", "Dni wolne"),
        body=kw.pop("body", "2 maja — dzień wolny.\nWięcej: https://example.pl/kalendarz"),
        audience=audience,
        shown_from=kw.pop("shown_from", timezone.localdate() - datetime.timedelta(days=1)),
        **kw,
    )
    a.classes.set(classes)
    return a


def visible(client: Any, title: str) -> bool:
    return title in client.get(BOARD).content.decode()


# --- the board ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_board_shows_school_wide_announcement_to_every_role(
    world: Any, client_for: Any, role: str
) -> None:
    make(world)
    response = client_for(world.user(role)).get(BOARD)
    assert response.status_code == 200
    assert "Dni wolne" in response.content.decode()


def test_board_of_other_school_does_not_show_it(
    world: Any, other_world: Any, client_for: Any
) -> None:
    make(world)
    for role in ALL_ROLES:
        assert not visible(client_for(other_world.user(role)), "Dni wolne")


@pytest.mark.parametrize(
    ("audience", "sees", "does_not_see"),
    [
        ("staff", ["teacher", "pedagogue", "secretariat"], ["guardian", "student"]),
        ("guardians", ["guardian", "principal"], ["student", "teacher", "pedagogue"]),
        ("students", ["student", "secretariat"], ["guardian", "teacher"]),
    ],
)
def test_audiences(
    world: Any, client_for: Any, audience: str, sees: list[str], does_not_see: list[str]
) -> None:
    make(world, audience=audience, author=world.user("secretariat"))
    for role in sees:
        assert visible(client_for(world.user(role)), "Dni wolne"), role
    for role in does_not_see:
        assert not visible(client_for(world.user(role)), "Dni wolne"), role


def test_class_audience(world: Any, client_for: Any) -> None:
    make(world, audience="classes", classes=[world.school_class], title="Wycieczka 6b")
    make(world, audience="classes", classes=[world.other_class], title="Zebranie 2a")
    for role in ("student", "guardian", "teacher", "homeroom_teacher", "pedagogue", "principal"):
        assert visible(client_for(world.user(role)), "Wycieczka 6b"), role
    for role in ("student", "guardian", "teacher", "homeroom_teacher"):
        assert not visible(client_for(world.user(role)), "Zebranie 2a"), role
    assert visible(client_for(world.other_student.user), "Zebranie 2a")
    assert not visible(client_for(world.other_student.user), "Wycieczka 6b")


def test_shown_window_and_pinned_order(world: Any, client_for: Any) -> None:
    today = timezone.localdate()
    make(world, title="Przyszłe", shown_from=today + datetime.timedelta(days=3))
    make(
        world,
        title="Minione",
        shown_from=today - datetime.timedelta(days=9),
        shown_until=today - datetime.timedelta(days=1),
    )
    make(world, title="Zwykłe", shown_from=today)
    make(world, title="Przypięte", shown_from=today - datetime.timedelta(days=5), pinned=True)
    page = client_for(world.user("guardian")).get(BOARD).content.decode()
    assert "Przyszłe" not in page
    assert "Minione" not in page
    assert page.index("Przypięte") < page.index("Zwykłe")


def test_board_query_count_is_constant(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        a = make(world, audience="classes", classes=[world.school_class], title=f"O{i}")
        AnnouncementRead.objects.create(
            school=world.school, announcement=a, user=world.user("guardian")
        )
        make(world, title=f"S{i}", author=world.user("teacher"))
    for role in ("guardian", "teacher", "principal"):
        client = client_for(world.user(role))
        with django_assert_max_num_queries(12):
            assert client.get(BOARD).status_code == 200


# --- reading -----------------------------------------------------------------------------


def test_opening_records_read_once_and_author_sees_it(world: Any, client_for: Any) -> None:
    a = make(world, author=world.user("teacher"), audience="classes", classes=[world.school_class])
    url = reverse("noticeboard:detail", args=[a.pk])
    guardian = client_for(world.user("guardian"))
    page = guardian.get(url).content.decode()
    assert '<a href="https://example.pl/kalendarz"' in page
    assert "<br>" in page
    assert "Who has read it" not in page  # readers are the author's business
    guardian.get(url)
    assert AnnouncementRead.objects.filter(announcement=a).count() == 1
    author_page = client_for(world.user("teacher")).get(url).content.decode()
    assert world.user("guardian").full_name in author_page
    # Audience: the student, the guardian and the homeroom teacher of 6b (not the author,
    # whose own opening is not recorded).
    assert "Read by 1 of 3" in author_page
    assert AnnouncementRead.objects.filter(announcement=a).count() == 1
    principal_page = client_for(world.user("principal")).get(url).content.decode()
    assert "Who has read it" in principal_page


def test_detail_refused_outside_audience(world: Any, other_world: Any, client_for: Any) -> None:
    a = make(world, audience="classes", classes=[world.school_class])
    url = reverse("noticeboard:detail", args=[a.pk])
    assert client_for(world.other_student.user).get(url).status_code == 404
    for role in ("guardian", "principal", "teacher"):
        assert client_for(other_world.user(role)).get(url).status_code == 404
    assert not AnnouncementRead.objects.exists()


# --- writing -----------------------------------------------------------------------------


def _data(**kw: Any) -> dict[str, Any]:
    data = {
        "title": "Dni wolne od zajęć",
        "body": "31 października\n2 maja",
        "audience": "school",
        "shown_from": timezone.localdate().isoformat(),
        "shown_until": "",
    }
    data.update(kw)
    return data


@pytest.mark.parametrize("role", ["principal", "school_admin", "secretariat"])
def test_managers_publish_to_the_school(
    world: Any, client_for: Any, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.user(role))
    assert client.get(reverse("noticeboard:create")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("noticeboard:create"), _data(pinned="on"))
    assert response.status_code == 302
    a = Announcement.objects.get()
    assert a.pinned and a.author == world.user(role)
    assert HistoryEntry.objects.filter(code="noticeboard.announcement.created").count() == 1
    notified = set(
        Notification.objects.filter(kind="announcement").values_list("user_id", flat=True)
    )
    assert world.user("guardian").pk in notified
    assert world.user(role).pk not in notified
    assert other_school_users_not_in(world, notified)


def other_school_users_not_in(world: Any, ids: set[int]) -> bool:
    from kajet.accounts.models import User

    return not User.objects.filter(pk__in=ids).exclude(school=world.school).exists()


def test_teacher_writes_only_to_classes_taught(world: Any, client_for: Any) -> None:
    client = client_for(world.user("teacher"))
    assert client.get(reverse("noticeboard:create")).status_code == 200
    response = client.post(reverse("noticeboard:create"), _data(audience="school"))
    assert response.status_code == 200
    response = client.post(
        reverse("noticeboard:create"), _data(audience="classes", classes=[world.other_class.pk])
    )
    assert response.status_code == 200
    assert not Announcement.objects.exists()
    response = client.post(
        reverse("noticeboard:create"), _data(audience="classes", classes=[world.school_class.pk])
    )
    assert response.status_code == 302
    assert list(Announcement.objects.get().classes.all()) == [world.school_class]


def test_homeroom_teacher_writes_to_own_class(world: Any, client_for: Any) -> None:
    response = client_for(world.user("homeroom_teacher")).post(
        reverse("noticeboard:create"), _data(audience="classes", classes=[world.school_class.pk])
    )
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["guardian", "student", "pedagogue"])
def test_others_may_not_write(world: Any, client_for: Any, role: str) -> None:
    client = client_for(world.user(role))
    assert client.get(reverse("noticeboard:create")).status_code == 404
    assert client.post(reverse("noticeboard:create"), _data()).status_code == 404
    assert not Announcement.objects.exists()


def test_edit_and_delete(world: Any, other_world: Any, client_for: Any) -> None:
    a = make(world)
    edit_url = reverse("noticeboard:edit", args=[a.pk])
    delete_url = reverse("noticeboard:delete", args=[a.pk])
    for user in (world.user("secretariat"), world.user("guardian"), other_world.user("principal")):
        assert client_for(user).get(edit_url).status_code == 404
        assert client_for(user).post(delete_url).status_code == 404
    author = client_for(world.user("principal"))
    assert author.get(edit_url).status_code == 200
    response = author.post(edit_url, _data(title="Nowy tytuł", audience="guardians"))
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.title, a.audience) == ("Nowy tytuł", "guardians")
    assert author.post(delete_url).status_code == 302
    a.refresh_from_db()
    assert a.deleted_at is not None
    assert not visible(client_for(world.user("guardian")), "Nowy tytuł")


def test_moderator_deletes_a_teachers_announcement(world: Any, client_for: Any) -> None:
    a = make(world, author=world.user("teacher"), audience="classes", classes=[world.school_class])
    response = client_for(world.user("school_admin")).post(
        reverse("noticeboard:delete", args=[a.pk])
    )
    assert response.status_code == 302
    assert Announcement.objects.get().deleted_at is not None


def test_the_service_refuses_urgent_from_anyone_but_the_principal(world: Any) -> None:
    from django.core.exceptions import ValidationError

    from kajet.noticeboard.services import announcement_create

    fields: dict[str, Any] = {
        "title": "Pilne",
        "body": "Treść",
        "audience": "school",
        "shown_from": timezone.localdate(),
        "urgent": True,
    }
    with pytest.raises(ValidationError) as refused:
        announcement_create(actor=world.user("secretariat"), **fields)
    assert "urgent" in refused.value.error_dict
    assert not Announcement.objects.exists()
    assert announcement_create(actor=world.user("principal"), **fields).urgent


def test_the_urgent_flag_is_shown_and_not_offered_when_editing(world: Any, client_for: Any) -> None:
    a = make(world, urgent=True)
    client = client_for(world.user("principal"))
    assert "Urgent" in client.get(reverse("noticeboard:detail", args=[a.pk])).content.decode()
    assert "Urgent" in client.get(BOARD).content.decode()
    edit = client.get(reverse("noticeboard:edit", args=[a.pk])).content.decode()
    assert 'name="urgent"' not in edit
