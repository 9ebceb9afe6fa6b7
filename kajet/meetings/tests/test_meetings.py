"""Class meetings: the list, scheduling (guardians notified), one meeting and the attendance
register — each for the right role, a wrong role and another school's user."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kajet.core.models import HistoryEntry
from kajet.meetings.models import Meeting, MeetingAttendance
from kajet.meetings.tests.conftest import make_meeting
from kajet.notifications.models import Notification
from kajet.testutils.factories import StudentFactory, guardian_for

pytestmark = pytest.mark.django_db

LIST = reverse("meetings:list")
ADD = reverse("meetings:add")
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.mark.parametrize("role", ["guardian", "homeroom_teacher", "principal"])
def test_list_shows_the_meeting_to_right_roles(
    world: Any, client_for: Any, meeting: Meeting, role: str
) -> None:
    response = client_for(world.user(role)).get(LIST)
    assert response.status_code == 200
    assert "Wycieczka klasowa" in response.content.decode()


@pytest.mark.parametrize(
    "role", ["student", "teacher", "pedagogue", "psychologist", "secretariat", "school_admin"]
)
def test_list_and_detail_refused_to_other_roles(
    world: Any, client_for: Any, meeting: Meeting, role: str
) -> None:
    client = client_for(world.user(role))
    assert client.get(LIST).status_code == 404
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404


def test_another_schools_users_see_nothing_and_get_404(
    world: Any, other_world: Any, client_for: Any, meeting: Meeting
) -> None:
    for role in ("guardian", "homeroom_teacher", "principal"):
        client = client_for(other_world.user(role))
        page = client.get(LIST)
        assert page.status_code == 200 and "Wycieczka" not in page.content.decode()
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    homeroom = client_for(other_world.user("homeroom_teacher"))
    url = reverse("meetings:attendance", args=[meeting.pk])
    assert homeroom.post(url, {"present": [world.user("guardian").pk]}).status_code == 404


def test_a_guardian_of_another_class_does_not_see_the_meeting(
    world: Any, client_for: Any, meeting: Meeting
) -> None:
    other = client_for(guardian_for(world.other_student, login="rodzic2a"))
    assert "Wycieczka" not in other.get(LIST).content.decode()
    assert other.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404


def test_homeroom_teacher_schedules_a_meeting_and_guardians_are_told(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    second = StudentFactory(school=world.school, school_class=world.school_class, class_number=2)
    second_guardian = guardian_for(second)
    guardian_for(world.other_student, login="rodzic2a")  # another class: not told
    client = client_for(world.user("homeroom_teacher"))
    assert client.get(ADD).status_code == 200
    day = timezone.localdate() + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ADD,
            {
                "school_class": world.school_class.pk,
                "date": day.isoformat(),
                "starts_at": "17:30",
                "room": "sala 12",
                "agenda": "Wywiadówka śródroczna.",
            },
        )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meetings:detail", args=[meeting.pk]
    )
    assert (meeting.date, meeting.starts_at, meeting.room) == (
        day,
        datetime.time(17, 30),
        "sala 12",
    )
    told = set(Notification.objects.filter(kind="event").values_list("user_id", flat=True))
    assert told == {world.user("guardian").pk, second_guardian.pk}
    assert HistoryEntry.objects.filter(code="meetings.meeting.scheduled").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": YESTERDAY.isoformat()}, "A meeting cannot be scheduled in the past."),
        ({"agenda": ""}, "This field is required."),
        ({"starts_at": "25:00"}, "Enter a valid time."),
    ],
)
def test_bad_meeting_input_changes_nothing(
    world: Any, client_for: Any, change: dict[str, str], message: str
) -> None:
    data = {
        "school_class": world.school_class.pk,
        "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "starts_at": "17:00",
        "room": "",
        "agenda": "Sprawy bieżące.",
    } | change
    response = client_for(world.user("homeroom_teacher")).post(ADD, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists()
    assert not Notification.objects.exists()


def test_a_homeroom_teacher_cannot_schedule_for_another_class(world: Any, client_for: Any) -> None:
    data = {
        "school_class": world.other_class.pk,
        "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "starts_at": "17:00",
        "agenda": "x",
    }
    response = client_for(world.user("homeroom_teacher")).post(ADD, data)
    assert response.status_code == 200 and not Meeting.objects.exists()


@pytest.mark.parametrize("role", ["guardian", "teacher", "principal", "secretariat"])
def test_only_the_homeroom_teacher_schedules(world: Any, client_for: Any, role: str) -> None:
    assert client_for(world.user(role)).get(ADD).status_code == 404


def test_homeroom_teacher_records_attendance(world: Any, client_for: Any) -> None:
    meeting = make_meeting(world, date=YESTERDAY)
    second = StudentFactory(school=world.school, school_class=world.school_class, class_number=2)
    absent = guardian_for(second)
    outsider = guardian_for(world.other_student, login="rodzic2a")
    client = client_for(world.user("homeroom_teacher"))
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert world.user("guardian").full_name in page and absent.full_name in page
    url = reverse("meetings:attendance", args=[meeting.pk])
    response = client.post(url, {"present": [world.user("guardian").pk, outsider.pk]})
    assert response.status_code == 302
    present = set(MeetingAttendance.objects.values_list("guardian_id", flat=True))
    assert present == {world.user("guardian").pk}  # the other class's guardian is ignored
    meeting.refresh_from_db()
    assert meeting.attendance_recorded_at is not None
    client.post(url, {"present": [absent.pk]})  # a correction replaces the record
    assert set(MeetingAttendance.objects.values_list("guardian_id", flat=True)) == {absent.pk}
    assert HistoryEntry.objects.filter(code="meetings.meeting.attendance").count() == 2
    assert "1 guardian present" in client.get(LIST).content.decode()


def test_attendance_before_the_meeting_is_refused(
    world: Any, client_for: Any, meeting: Meeting
) -> None:
    client = client_for(world.user("homeroom_teacher"))
    response = client.post(
        reverse("meetings:attendance", args=[meeting.pk]),
        {"present": [world.user("guardian").pk]},
        follow=True,
    )
    assert "Attendance is recorded once the meeting has started." in response.content.decode()
    assert not MeetingAttendance.objects.exists()


@pytest.mark.parametrize("role", ["guardian", "teacher", "principal"])
def test_attendance_refused_to_other_roles(world: Any, client_for: Any, role: str) -> None:
    meeting = make_meeting(world, date=YESTERDAY)
    url = reverse("meetings:attendance", args=[meeting.pk])
    response = client_for(world.user(role)).post(url, {"present": [world.user("guardian").pk]})
    assert response.status_code == 404
    assert not MeetingAttendance.objects.exists()


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_and_register_cost_the_same_with_more_rows(world: Any, client_for: Any) -> None:
    meeting = make_meeting(world, date=YESTERDAY)
    client = client_for(world.user("homeroom_teacher"))
    detail = reverse("meetings:detail", args=[meeting.pk])
    client.get(LIST)  # the first request of a session reads a few things once
    few = (_count(client, LIST), _count(client, detail))
    for n in range(2, 12):
        student = StudentFactory(
            school=world.school, school_class=world.school_class, class_number=n
        )
        MeetingAttendance.objects.create(
            school=world.school, meeting=meeting, guardian=guardian_for(student)
        )
        make_meeting(world, date=YESTERDAY - datetime.timedelta(days=n))
    assert (_count(client, LIST), _count(client, detail)) == few
