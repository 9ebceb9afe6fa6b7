"""The calendar event rules the page and the API share (services.EventInput,
services.event_ends_on_kept), as tables."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from kajet.timetable.models import Event
from kajet.timetable.services import EventInput, event_ends_on_kept

DAY = datetime.date(2026, 3, 10)


def _input(**changes):
    base = {
        "kind": Event.Kind.TEST,
        "scope": Event.Scope.SCHOOL,
        "title": "Test",
        "starts_on": DAY,
        "ends_on": None,
        "classes": ["1a", "1b"],
        "group": "other group",
        "teacher": None,
        "course": None,
        "period": None,
        "description": "",
        "confirmed": False,
    }
    return EventInput(**{**base, **changes})


GROUP_COURSE = SimpleNamespace(group_id=7, group="group 7", school_class="2a")
CLASS_COURSE = SimpleNamespace(group_id=None, group=None, school_class="2a")


@pytest.mark.parametrize(
    ("course", "scope", "group", "classes"),
    [
        (None, Event.Scope.SCHOOL, "other group", ["1a", "1b"]),  # no course: as given
        (GROUP_COURSE, Event.Scope.GROUP, "group 7", []),  # the course's group
        (CLASS_COURSE, Event.Scope.CLASSES, None, ["2a"]),  # the course's class
    ],
)
def test_a_course_event_is_for_the_course_group_or_class(course, scope, group, classes):
    data = _input(course=course).targeted()
    assert (data.scope, data.group, list(data.classes)) == (scope, group, classes)
    fields = _input(course=course).service_fields()
    assert (fields["scope"], fields["group"], list(fields["classes"])) == (scope, group, classes)
    assert fields["course"] is course


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "kept"),
    [
        (DAY, DAY, None),  # one day: "until" follows the event to its new date
        (DAY, DAY + datetime.timedelta(days=2), DAY + datetime.timedelta(days=2)),
    ],
)
def test_until_left_out_on_an_edit(starts_on, ends_on, kept):
    assert event_ends_on_kept(Event(starts_on=starts_on, ends_on=ends_on)) == kept
