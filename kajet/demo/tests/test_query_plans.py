"""Issue 17 (PostgreSQL only): the hot queries of the main pages reach the rows of tenant tables
through an index, not by reading every school's rows.

Two bench schools are seeded (the pages are read as the users of the second), the statistics
are gathered (``ANALYZE``), and every query a page runs (captured while it renders, with the
cache emptied, so the cached parts are queried too) is explained with ``EXPLAIN (FORMAT
JSON)``. Two probes:

1. **Every page of every bench role** (and the principal's attendance and meetings pages),
   planned with nested loops only: every scan of a hot tenant table must be an index scan
   whose condition holds the index's leading column — ``school_id`` of an index led by the
   school, or the key of a row already restricted to the school (a user's deliveries, a
   lesson's marks, a row joined by its id) — never a sequential scan, never a scan of a whole
   index, nor one whose only condition is on a later column (which reads the whole index).
2. **The school-wide reads** (the principal's home page overview, the attendance summary of
   the school, the meetings of every class), planned with hash joins only: each table is then
   read on its own, with only its own conditions, as PostgreSQL reads it on a city's data
   when a query aggregates a share of a whole school. Every tenant table with rows must be
   read through an index from its own conditions. Probe 1 alone did not catch issue 17's
   finding: ``school_day_attendance`` read the school's marks through their school index and
   each mark's lesson by its id (a nested loop, fine on two schools), while on L (100
   schools) PostgreSQL hashed the day's lessons of **every** school from a sequential scan of
   ``attendance_lesson``, because nothing restricted the lessons to the school; the fix is
   ``kajet.core.models.same_school`` on the joined tables (and a (school, date) index on the
   meetings tables).

What this proves, honestly: on test-sized tables the planner rightly prefers a sequential scan
of a few pages whatever the indexes, so the plans are taken with ``enable_seqscan = off``
(``SET LOCAL``, with the join kinds of the probe). That setting does not forbid a sequential
scan, it only makes it look very expensive, so a query that no index can serve still shows
one here. The test therefore proves that **an index exists that the query can use** for every
such read, not which plan PostgreSQL picks on a city's data (that is the planner's choice with
real statistics: ``bench/query_counts.py --explain`` on a seeded L database lists the real
plans' scans; docs/capacity.md, "Query plans on L", has the before and after of issue 17).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from kajet.accounts.models import User
from kajet.attendance.selectors import (
    excuses_waiting,
    school_day_attendance,
    school_overview,
    students_under_threshold_by_class,
)
from kajet.core.models import School, TenantModel
from kajet.dashboard.overview import recent_changes
from kajet.demo.management.commands.seed_bench import (
    BENCH_PASSWORD,
    SeedTimes,
    school_spec,
    seed_bench_school,
)
from kajet.demo.page_queries import PAGES, Page, page_facts, signed_in_client
from kajet.grades.selectors import students_failing_by_class
from kajet.meetings.calendar_items import meeting_items
from kajet.meetings.models import ConsultationBooking, ConsultationSlot, Meeting, MeetingAttendance
from kajet.meetings.selectors import meeting_list_for
from kajet.school.models import Guardianship, SchoolClass

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans of PostgreSQL"),
]

ROLES = ("guardian", "student", "teacher", "homeroom_teacher", "principal")
#: Probe 1 (every page): no sequential scans, and joins as nested loops, so that every table
#: joined is reached through an index on the join key (a scan of a whole index, which the
#: planner may still choose to feed a hash join when sequential scans are off, is as good as
#: a sequential scan and is reported too).
PROBE = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")
#: Probe 2 (the school-wide reads): no sequential scans, and joins as hash joins, so that every
#: table is read with its own conditions only (no row of another table to key it on).
SCHOOL_WIDE_PROBE = ("enable_seqscan", "enable_nestloop", "enable_mergejoin")

#: The pages of the principal and of the meetings that ``PAGES`` (the bench's landing pages)
#: does not list: the attendance summaries of the school and of a class, the meetings.
MORE_PAGES = [
    Page("attendance-school", "/frekwencja/szkola/", ("principal",)),
    Page("attendance-class", "/frekwencja/klasa/{class_id}/", ("homeroom_teacher", "principal")),
    Page("meetings", "/zebrania/", ("guardian", "homeroom_teacher", "principal")),
    Page("consultations", "/zebrania/konsultacje/", ("guardian", "teacher")),
]

#: The tenant tables whose rows grow with a school's students and with the weeks of the year;
#: a scan of all schools' rows of these is what the test looks for. (The structure tables —
#: years, terms, periods, classes, subjects, courses, rooms — have a few hundred rows a school;
#: ``bench/query_counts.py --explain`` lists their scans on a seeded L database.)
HOT_TABLES = {
    "attendance_attendancemark",
    "attendance_lesson",
    "attendance_excuse",
    "grades_grade",
    "grades_gradecolumn",
    "grades_gradesvisit",
    "messaging_delivery",
    "messaging_message",
    "homework_homework",
    "homework_homeworkdone",
    "noticeboard_announcement",
    "noticeboard_announcementread",
    "school_student",
    "school_guardianship",
    "timetable_timetableentry",
    "timetable_lessonchange",
    "timetable_event",
    "core_historyentry",
    "meetings_meeting",
    "meetings_meetingattendance",
    "meetings_consultationslot",
    "meetings_consultationbooking",
}


def tenant_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, TenantModel) and not model._meta.proxy
    }


def leading_columns() -> dict[str, str]:
    """Index name → its first column, for every index of the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
        )
        return dict(cursor.fetchall())


def scans(plan: dict[str, Any], limited: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every node of a plan (depth first), with whether a Limit is above it."""
    yield plan, limited
    for child in plan.get("Plans", []):
        yield from scans(child, limited or plan["Node Type"] == "Limit")


def keyed(node: dict[str, Any], leading: dict[str, str]) -> bool:
    """Whether an index scan's condition holds the index's leading column: the scan reads a
    range of the index. A condition only on later columns (``date = …`` on an index of
    (school, date)) is checked on every entry of the whole index."""
    column = leading.get(node.get("Index Name", ""))
    if node["Node Type"] in ("BitmapAnd", "BitmapOr"):
        found = [keyed(child, leading) for child in node.get("Plans", [])]
        return any(found) if node["Node Type"] == "BitmapAnd" else all(found)
    pattern = rf'(?<![\w."])"?{re.escape(column or "")}"?(?!\w)'
    return column is not None and re.search(pattern, node.get("Index Cond", "")) is not None


def _bitmaps(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The bitmap index scans (or their AND/OR) feeding a bitmap heap scan; not the subplans
    of its filter, which are listed among its children too."""
    return [c for c in node.get("Plans", []) if c["Node Type"].startswith("Bitmap")]


def problems(plan: dict[str, Any], tables: set[str], leading: dict[str, str]) -> list[str]:
    """The scans of tenant tables that read every school's rows: sequential scans, scans of a
    whole index (without a condition, or with one on a later column only), and bitmap scans
    fed by such an index scan — except under a Limit, where an index read in order stops at
    the page's rows (on these tiny tables the planner may pick one for a paginated list; with
    a city's statistics ``bench/query_counts.py --explain`` shows the real choice)."""
    found = []
    for node, limited in scans(plan):
        table = node.get("Relation Name")
        kind = node["Node Type"]
        if table not in tables:
            continue
        if kind == "Seq Scan":
            found.append(f"Seq Scan on {table} (filter: {node.get('Filter', '')})")
        elif kind in ("Index Scan", "Index Only Scan") and not limited:
            if "Index Cond" not in node:
                found.append(
                    f"{kind} on {table} using {node['Index Name']} without a condition"
                    f" (filter: {node.get('Filter', '')};"
                    f" parent: {node.get('Parent Relationship')})"
                )
            elif not keyed(node, leading):
                found.append(
                    f"{kind} on {table} using {node['Index Name']} with a condition on a later"
                    f" column only ({node['Index Cond']})"
                )
        elif kind == "Bitmap Heap Scan" and not all(
            keyed(child, leading) for child in _bitmaps(node)
        ):
            found.append(
                f"Bitmap Heap Scan on {table} through a whole index"
                f" ({node.get('Recheck Cond', '')})"
            )
    return found


def explain(sql: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        result = cursor.fetchone()[0]
    data = json.loads(result) if isinstance(result, str) else result
    return data[0]["Plan"]


def add_meetings(school_id: int, today: datetime.date) -> None:
    """What the bench scales do not seed: each class's parent meetings over the year (the
    past ones with most guardians recorded present) and a fortnight of consultation slots of
    six teachers, a third of them booked."""
    classes = SchoolClass.objects.filter(school_id=school_id, homeroom_teacher__isnull=False)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            school_id=school_id,
            school_class=school_class,
            date=today + datetime.timedelta(days=days),
            starts_at=datetime.time(17),
            agenda="Sprawy bieżące.",
            created_by_id=school_class.homeroom_teacher_id,
        )
        for school_class in classes
        for days in range(-84, 30, 14)
    )
    guardians: dict[int, list[int]] = {}
    for class_id, guardian_id in Guardianship.objects.filter(
        student__school_class__school_id=school_id
    ).values_list("student__school_class_id", "guardian_id"):
        if guardian_id not in guardians.setdefault(class_id, []):
            guardians[class_id].append(guardian_id)
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(school_id=school_id, meeting=meeting, guardian_id=guardian_id)
        for meeting in meetings
        if meeting.date < today
        for guardian_id in guardians.get(meeting.school_class_id, [])[::2]
    )
    teachers = list(
        User.objects.filter(school_id=school_id, courses__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:6]
    )
    slots = ConsultationSlot.objects.bulk_create(
        ConsultationSlot(
            school_id=school_id,
            teacher_id=teacher_id,
            date=today + datetime.timedelta(days=days),
            starts_at=datetime.time(16, minute),
            ends_at=datetime.time(16, minute + 10),
        )
        for teacher_id in teachers
        for days in range(1, 15)
        for minute in range(0, 50, 10)
    )
    everyone = sorted({g for ids in guardians.values() for g in ids})
    ConsultationBooking.objects.bulk_create(
        ConsultationBooking(
            school_id=school_id,
            slot=slot,
            guardian_id=everyone[number % len(everyone)],
            teacher_id=slot.teacher_id,
            date=slot.date,
        )
        for number, slot in enumerate(slots[::3])
    )


def seed_two_schools(today: datetime.date) -> dict[str, str]:
    """Two bench schools with meetings; the bench logins (role → login) of the second."""
    with scopes_disabled():
        seed_bench_school(school_spec("xs", 1), size="xs", today=today, times=SeedTimes())
        spec = dataclasses.replace(school_spec("xs", 2), students_total=80)
        logins = {
            row["role"]: row["login"]
            for row in seed_bench_school(spec, size="xs", today=today, times=SeedTimes())
        }
        for school_id in School.objects.values_list("pk", flat=True):
            add_meetings(school_id, today)
    return logins


def tables_with_rows(candidates: set[str]) -> set[str]:
    """An empty table (the bench data has no excuses) costs nothing whichever way it is read,
    so its plan says nothing about the indexes: only tables with rows are judged."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples > 0",
            [sorted(candidates)],
        )
        return {row[0] for row in cursor.fetchall()}


def explain_all(
    captured: list[tuple[str, str]], tables: set[str], probe: tuple[str, ...]
) -> tuple[int, dict[str, list[str]]]:
    """(how many SELECTs were explained, problem → where) for ``captured`` (where, sql),
    planned inside one transaction with the ``probe`` settings off (``SET LOCAL``)."""
    leading = leading_columns()
    found: dict[str, list[str]] = {}
    explained = 0
    with connection.cursor() as cursor:
        for setting in probe:
            cursor.execute(f"SET LOCAL {setting} = off")
    try:
        for where, sql in captured:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            explained += 1
            for problem in problems(explain(sql), tables, leading):
                found.setdefault(problem, []).append(f"{where}: {sql[:300]}")
    finally:
        with connection.cursor() as cursor:
            for setting in probe:
                cursor.execute(f"RESET {setting}")
    return explained, found


def test_hot_queries_of_tenant_tables_can_use_an_index() -> None:
    today = timezone.localdate()
    logins = seed_two_schools(today)
    with scopes_disabled():
        facts = {
            role: page_facts(User.objects.get(login=logins[role]), today=today) for role in ROLES
        }
        homeroom = User.objects.get(login=logins["homeroom_teacher"])
        own_class = SchoolClass.objects.filter(homeroom_teacher=homeroom).first()
        assert own_class is not None
    for role in ROLES:
        facts[role]["class_id"] = own_class.pk
    captured: list[tuple[str, str]] = []  # (role and page, sql)
    for role in ROLES:
        client = signed_in_client(logins[role], BENCH_PASSWORD, role)
        for page in [*PAGES, *MORE_PAGES]:
            if role not in page.roles:
                continue
            path = page.path.format(**facts[role])
            client.get(path)  # the first visit's writes
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200, path
            captured += [(f"{role} {page.name}", q["sql"]) for q in queries.captured_queries]

    assert tenant_tables() >= HOT_TABLES  # every name above is a tenant table
    tables = tables_with_rows(HOT_TABLES)
    assert len(tables) >= len(HOT_TABLES) - 3, sorted(HOT_TABLES - tables)
    explained, found = explain_all(captured, tables, PROBE)
    assert explained > 50
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def school_wide_reads(principal: User, today: datetime.date) -> dict[str, Callable[[], object]]:
    """The reads over a share of the whole school, by where they show. (A guardian's free
    consultation slots are keyed on the slots of the coming days, each one's booking read
    by its key: probe 1 covers them through the consultations page.)"""
    school_id = principal.school_id
    assert school_id is not None
    return {
        "home: attendance today": lambda: school_day_attendance(today),
        "home: excuses waiting": lambda: excuses_waiting(),
        "home: under the attendance threshold": lambda: students_under_threshold_by_class(),
        "home: failing": lambda: students_failing_by_class(today),
        "home: recent changes": lambda: recent_changes(timezone.now()),
        "attendance summary of the school": lambda: school_overview(school_id),
        "meetings of every class": lambda: meeting_list_for(principal),
        "calendar: meetings of every class": lambda: meeting_items(
            principal, today - datetime.timedelta(days=30), today + datetime.timedelta(days=30)
        ),
    }


def test_school_wide_reads_can_read_each_table_through_its_own_index() -> None:
    today = timezone.localdate()
    logins = seed_two_schools(today)
    with scopes_disabled():
        principal = User.objects.get(login=logins["principal"])
    captured: list[tuple[str, str]] = []
    with scope(school=principal.school_id):
        for name, read in school_wide_reads(principal, today).items():
            with CaptureQueriesContext(connection) as queries:
                read()
            assert queries.captured_queries, name
            captured += [(name, q["sql"]) for q in queries.captured_queries]

    tables = tables_with_rows(HOT_TABLES)
    assert tables >= {"attendance_lesson", "school_student", "meetings_meeting"}
    explained, found = explain_all(captured, tables, SCHOOL_WIDE_PROBE)
    assert explained >= len(school_wide_reads(principal, today))
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
