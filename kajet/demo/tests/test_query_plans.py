"""Issue 17 (PostgreSQL only): the hot queries of the main pages reach the rows of tenant tables
through an index, not by reading every school's rows.

Two bench schools are seeded (the pages are read as the users of the second), the statistics
are gathered (``ANALYZE``), and every query a page runs (captured while it renders, with the
cache emptied, so the cached parts are queried too) is explained with ``EXPLAIN (FORMAT
JSON)``. Every scan of a tenant table (a model with the ``school`` column) must be an index
scan with an index condition — on an index led by ``school_id``, or on a unique or foreign-key
index that pins rows of one school (a user's deliveries, a lesson's marks) — never a
sequential scan and never a whole-index scan without a condition.

What this proves, honestly: on test-sized tables the planner rightly prefers a sequential scan
of a few pages whatever the indexes, so the plans are taken with ``enable_seqscan = off``.
That setting does not forbid a sequential scan, it only makes it look very expensive, so a
query that no index can serve still shows one here. The test therefore proves that **an index
exists that can serve every such query**, not which plan PostgreSQL picks on a city's data
(that is the planner's choice with real statistics; ``bench/profile_page.py`` on a seeded L
database shows the real plans' times).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.accounts.models import User
from kajet.core.models import TenantModel
from kajet.demo.management.commands.seed_bench import (
    BENCH_PASSWORD,
    SeedTimes,
    school_spec,
    seed_bench_school,
)
from kajet.demo.page_queries import PAGES, page_facts, signed_in_client

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans of PostgreSQL"),
]

ROLES = ("guardian", "student", "teacher", "homeroom_teacher", "principal")
#: Planner settings of the probe: no sequential scans, and joins as nested loops, so that
#: every table joined is reached through an index on the join key (a scan of a whole index,
#: which the planner may still choose to feed a hash join when sequential scans are off, is
#: as good as a sequential scan and is reported too).
PROBE = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")


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
}


def tenant_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, TenantModel) and not model._meta.proxy
    }


def scans(plan: dict[str, Any], limited: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every node of a plan (depth first), with whether a Limit is above it."""
    yield plan, limited
    for child in plan.get("Plans", []):
        yield from scans(child, limited or plan["Node Type"] == "Limit")


def problems(plan: dict[str, Any], tables: set[str]) -> list[str]:
    """The scans of tenant tables that read every school's rows: sequential scans, and whole
    index scans — except under a Limit, where an index read in order stops at the page's rows
    (on these tiny tables the planner may pick one for a paginated list; with a city's
    statistics ``bench/query_counts.py --explain`` shows the real choice)."""
    found = []
    for node, limited in scans(plan):
        table = node.get("Relation Name")
        kind = node["Node Type"]
        if table not in tables:
            continue
        if kind == "Seq Scan":
            found.append(f"Seq Scan on {table}")
        elif kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node and not limited:
            found.append(
                f"{kind} on {table} using {node['Index Name']} without a condition"
                f" (filter: {node.get('Filter', '')}; parent: {node.get('Parent Relationship')})"
            )
    # A bitmap heap scan is fed by bitmap index scans, which always carry a condition.
    return found


def explain(sql: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        result = cursor.fetchone()[0]
    data = json.loads(result) if isinstance(result, str) else result
    return data[0]["Plan"]


def test_hot_queries_of_tenant_tables_can_use_an_index() -> None:
    today = timezone.localdate()
    with scopes_disabled():
        seed_bench_school(school_spec("xs", 1), size="xs", today=today, times=SeedTimes())
        spec = dataclasses.replace(school_spec("xs", 2), students_total=80)
        logins = {
            row["role"]: row["login"]
            for row in seed_bench_school(spec, size="xs", today=today, times=SeedTimes())
        }
        facts = {
            role: page_facts(User.objects.get(login=logins[role]), today=today) for role in ROLES
        }
    captured: list[tuple[str, str, str]] = []  # (role, page, sql)
    for role in ROLES:
        client = signed_in_client(logins[role], BENCH_PASSWORD, role)
        for page in PAGES:
            if role not in page.roles:
                continue
            path = page.path.format(**facts[role])
            client.get(path)  # the first visit's writes
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            captured += [(role, page.name, q["sql"]) for q in queries.captured_queries]

    assert tenant_tables() >= HOT_TABLES  # every name above is a tenant table
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # An empty table (the bench data has no excuses) costs nothing whichever way it is
        # read, so its plan says nothing about the indexes: only tables with rows are judged.
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples > 0",
            [sorted(HOT_TABLES)],
        )
        tables = {row[0] for row in cursor.fetchall()}
        for setting in PROBE:
            cursor.execute(f"SET {setting} = off")
    assert len(tables) >= len(HOT_TABLES) - 3, sorted(HOT_TABLES - tables)
    found: dict[str, list[str]] = {}
    explained = 0
    try:
        for role, page_name, sql in captured:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            explained += 1
            for problem in problems(explain(sql), tables):
                found.setdefault(problem, []).append(f"{role} {page_name}: {sql[:300]}")
    finally:
        with connection.cursor() as cursor:
            for setting in PROBE:
                cursor.execute(f"RESET {setting}")
    assert explained > 50
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
