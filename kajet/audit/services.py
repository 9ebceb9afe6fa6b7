"""Writing the access log. Every logged page calls :func:`access_log_view` once, after its
access helper let the viewer in. Which pages log, and as what, is decided here
(``LOGGED_VIEWS``), and so is the rule "staff views only": the views carry one line each."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from kajet.accounts.models import User
from kajet.audit.models import AccessLogEntry, Kind
from kajet.school.models import Student

#: The pages that log, by kind (the README's list comes from here). A page logs when a staff
#: member opens it; the family's own views of the same pages never log.
LOGGED_VIEWS: dict[str, str] = {
    "grades:student": Kind.GRADES,
    "attendance:excuse": Kind.EXCUSE,
    "attendance:attachment": Kind.EXCUSE_DOCUMENT,
    "records:record_sheet": Kind.RECORD_SHEET,
    "records:record_sheets": Kind.RECORD_SHEET,
    "records:student_attendance": Kind.ATTENDANCE,
    "support:student": Kind.SUPPORT_CARD,
    # The same data through the API (a staff member's app or a school's integration).
    "api:grades-student": Kind.GRADES,
    "api:attendance-student": Kind.ATTENDANCE,
    "api:attendance-student-lessons": Kind.ATTENDANCE,
}


def access_log_record(*, viewer: User, kind: Kind, students: Iterable[Student]) -> int:
    """Record that ``viewer`` opened ``kind`` of each of ``students`` — when the viewer is a
    staff member; family users (a guardian, the student) are not logged. One INSERT (a class
    printout of 30 record sheets is one statement too), no reads. Returns the rows written."""
    if viewer.kind != User.Kind.STAFF:
        return 0
    rows = [
        AccessLogEntry(school_id=student.school_id, viewer=viewer, student=student, kind=kind)
        for student in students
    ]
    AccessLogEntry.objects.bulk_create(rows)
    return len(rows)


def access_log_view(request: HttpRequest, *students: Student) -> int:
    """Log the current page's view of ``students`` if the page is in ``LOGGED_VIEWS`` (by its
    URL name) and the viewer is a staff member. One INSERT, no reads."""
    match = request.resolver_match
    kind = LOGGED_VIEWS.get(match.view_name) if match is not None else None
    user = request.user
    if kind is None or not isinstance(user, User):
        return 0
    return access_log_record(viewer=user, kind=Kind(kind), students=students)
