"""The benchmark scenarios: a name, a URL path template and the roles to measure it as.

Add a scenario with one line in SCENARIOS. The path is a ``str.format`` template filled, after
sign-in, with the signed-in user's facts (see ``bench/run.py: login_facts``):

    {user_id} {school_id}   the signed-in user and their school
    {student_id}            the guardian's first child / the student themself
                            (for staff: the first student of their first course's class)
    {class_id}              that student's class (for staff: their homeroom class, else the
                            class of their first course)
    {course_id}             the teacher's first course (for a family: the first course of
                            the student's class)
    {feed_token}            a fresh calendar-feed token of the user (the secret in the
                            iCal feed's URL)

Roles are those of bench-logins.json: guardian, student, teacher, homeroom_teacher,
secretariat, school_admin, principal, pedagogue, psychologist.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str  # a template, e.g. "/" or "/oceny/uczen/{student_id}/"
    roles: tuple[str, ...]  # measured one after another unless --role is given
    note: str = ""


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in [
        Scenario("home", "/", ("guardian", "teacher"), "the signed-in home page (dashboard)"),
        Scenario("messages-inbox", "/wiadomosci/", ("guardian", "teacher"), "the Received folder"),
        Scenario("grades", "/oceny/uczen/{student_id}/", ("guardian",), "a child's grades"),
        Scenario(
            "ical",
            "/kalendarz/{feed_token}.ics",
            ("guardian", "teacher"),
            "the iCal feed: 2 weeks back, 8 ahead; lessons, events, homework",
        ),
        Scenario(
            "attendance", "/frekwencja/uczen/", ("guardian",), "a child's attendance and statistics"
        ),
        Scenario("timetable-week", "/plan/", ("guardian", "teacher"), "the own timetable week"),
        Scenario(
            "attendance-today", "/frekwencja/dzis/", ("teacher",), "a teacher's day of lessons"
        ),
        Scenario("calendar", "/plan/terminarz/", ("guardian", "teacher"), "the calendar's month"),
    ]
}
