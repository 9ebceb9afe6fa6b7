"""The permission matrix: docs/permissions.md equals the code, and the pages obey it.

(a) The Markdown table in docs/permissions.md is parsed and compared with the union of every
    app's ``PERMISSIONS`` (``kajet/<app>/access.py``), so the document cannot drift. Regenerate
    it with ``python -m tests.permissions_doc``.
(b) One parametrised table: for every (page, role) the expected status — 200 for a role the
    matrix allows, 404 for every other role (never 403, never a redirect).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from kajet.accounts.models import Role
from kajet.meetings.models import ConsultationSlot, Meeting
from kajet.school.access import SCHOOL_WIDE_ROLES
from kajet.testutils.factories import SchoolWorld, UserFactory, guardian_for
from tests import permissions_doc

ALL_ROLES = frozenset(str(r.value) for r in Role)
FAMILY = frozenset({Role.GUARDIAN.value, Role.STUDENT.value})
STAFF = ALL_ROLES - FAMILY

#: The roles each user of the ``world`` fixture holds (the homeroom teacher also teaches).
USER_ROLES: dict[str, frozenset[str]] = {
    role: frozenset({role}) for role in ALL_ROLES if role != Role.HOMEROOM_TEACHER
} | {Role.HOMEROOM_TEACHER.value: frozenset({Role.TEACHER.value, Role.HOMEROOM_TEACHER.value})}


# --- (a) the document equals the code ---------------------------------------------------------


def _regenerate_hint(matrix: permissions_doc.Matrix) -> str:
    return (
        "docs/permissions.md differs from the PERMISSIONS dicts. Run\n\n"
        "    .venv/bin/python -m tests.permissions_doc\n\n"
        "or paste this table between the markers:\n\n" + permissions_doc.render_table(matrix)
    )


def test_document_equals_the_permissions_dicts() -> None:
    matrix = permissions_doc.collect()
    region = permissions_doc.generated_region(permissions_doc.DOC.read_text(encoding="utf-8"))
    try:
        documented = permissions_doc.parse_table(region)
    except ValueError as error:
        pytest.fail(f"{error}\n\n{_regenerate_hint(matrix)}")
    assert documented == matrix, _regenerate_hint(matrix)


def test_document_has_a_column_for_every_role() -> None:
    region = permissions_doc.generated_region(permissions_doc.DOC.read_text(encoding="utf-8"))
    assert permissions_doc.table_roles(region) == permissions_doc.role_codes()


def test_permissions_name_only_known_roles() -> None:
    assert permissions_doc.unknown_roles(permissions_doc.collect()) == {}


def test_every_app_access_table_is_discovered() -> None:
    matrix = permissions_doc.collect()
    assert ("school", "student.view") in matrix
    apps_with_tables = {
        app
        for app, module in permissions_doc.access_modules().items()
        if hasattr(module, "PERMISSIONS")
    }
    assert apps_with_tables == {app for app, _action in matrix}


def test_table_round_trips() -> None:
    matrix = {
        ("school", "x.view"): frozenset({"guardian", "principal"}),
        ("grades", "y.enter"): frozenset(),
    }
    assert permissions_doc.parse_table(permissions_doc.render_table(matrix)) == matrix


@pytest.mark.parametrize(
    "table",
    [
        "| app | action | `guardian` |\n|---|---|:-:|\n| school | `a` | yes |\n",  # bad cell
        "| app | action | `guardian` |\n|---|---|:-:|\n| school | `a` | ✓ | ✓ |\n",  # extra cell
        "| role | action | `guardian` |\n|---|---|:-:|\n",  # wrong header
        "| app | action | `guardian` |\n|---|---|:-:|\n| s | `a` | ✓ |\n| s | `a` | — |\n",
    ],
)
def test_a_malformed_table_is_refused(table: str) -> None:
    with pytest.raises(ValueError):
        permissions_doc.parse_table(table)


# --- (b) the pages obey the matrix ------------------------------------------------------------


def roles_for(*actions: str) -> frozenset[str]:
    """Roles allowed any of ``actions`` ("app:action", or a bare school action)."""
    matrix = permissions_doc.collect()
    allowed: set[str] = set()
    for spec in actions:
        app, action = spec.split(":", 1) if ":" in spec else ("school", spec)
        allowed |= matrix[(app, action)]
    return frozenset(allowed)


Builder = Callable[[SchoolWorld], Any]


@dataclass(frozen=True)
class Page:
    """A page (or API endpoint) and who may open it; every other role gets 404.

    The allowed roles are those of any of ``actions`` (the matrix), narrowed by ``rows`` (the
    row-level rule of the object in the URL, or a second action the view also requires), or
    ``fixed`` for pages no matrix action governs. GET pages must answer 200; POST-only pages
    (``method="post"``, sent with empty data) must answer anything but 404/403/a sign-in redirect.
    """

    key: str
    url_name: str
    kwargs: dict[str, Builder] = field(default_factory=dict)
    actions: tuple[str, ...] = ()
    rows: frozenset[str] = ALL_ROLES
    fixed: frozenset[str] | None = None
    method: str = "get"
    redirects: bool = False  # an allowed GET may redirect onwards (not to the sign-in)

    def allowed(self) -> frozenset[str]:
        base = self.fixed if self.fixed is not None else roles_for(*self.actions)
        return base & self.rows

    def url(self, world: SchoolWorld) -> str:
        return reverse(self.url_name, kwargs={k: make(world) for k, make in self.kwargs.items()})


# Objects in the URLs. Targets of POST pages with side effects (password resets,
# deactivation) are extra people, never a user the test signs in as.
def _student(w: SchoolWorld) -> int:
    return w.student.pk


def _other_student(w: SchoolWorld) -> int:
    return w.other_student.pk


def _other_class(w: SchoolWorld) -> int:
    return w.other_class.pk


def _extra_guardian(w: SchoolWorld) -> int:
    return guardian_for(w.other_student, login=f"{w.other_student.login_number}9").pk


def _extra_teacher(w: SchoolWorld) -> int:
    return UserFactory(school=w.school, roles=[Role.TEACHER]).pk


def _meeting(w: SchoolWorld) -> int:
    with scopes_disabled():
        return Meeting.objects.create(
            school=w.school,
            school_class=w.school_class,
            date=timezone.localdate() + datetime.timedelta(days=3),
            starts_at=datetime.time(17, 0),
            agenda="Zebranie",
            created_by=w.user(Role.HOMEROOM_TEACHER),
        ).pk


def _consultation_slot(w: SchoolWorld) -> int:
    with scopes_disabled():
        return ConsultationSlot.objects.create(
            school=w.school,
            teacher=w.user(Role.TEACHER),
            date=timezone.localdate() + datetime.timedelta(days=3),
            starts_at=datetime.time(16, 0),
            ends_at=datetime.time(16, 10),
        ).pk


def _structure_object(model: type[Any]) -> Builder:
    def first(w: SchoolWorld) -> int:
        obj = model._default_manager.filter(school=w.school).order_by("pk").first()
        assert obj is not None, f"the world has no {model.__name__}"
        return int(obj.pk)

    return first


SCHOOL_MANAGERS = roles_for("student.manage")

PAGES: list[Page] = [
    # Accounts and the home page: every signed-in role.
    Page("home", "dashboard:home", fixed=ALL_ROLES),
    Page("password change", "accounts:password_change", fixed=ALL_ROLES),
    Page("sessions", "accounts:sessions", fixed=ALL_ROLES),
    Page("sign-in history", "accounts:signin_history", fixed=ALL_ROLES),
    Page("two-factor setup", "accounts:totp_setup", fixed=STAFF),
    Page("notifications", "notifications:list", fixed=ALL_ROLES),
    Page("notification settings", "notifications:preferences", fixed=ALL_ROLES),
    Page(
        "notification delivery log",
        "notifications:delivery_log",
        actions=("notifications:delivery_log.view",),
    ),
    Page(
        "school notification settings",
        "notifications:school_settings",
        actions=("notifications:school_settings.manage",),
        method="post",
    ),
    # The school office.
    Page("office hub", "school:hub", actions=("student.manage", "structure.manage", "staff.view")),
    Page("student list", "school:student_list", actions=("student.manage",)),
    Page("student add", "school:student_add", actions=("student.manage",)),
    Page("student import", "school:student_import", actions=("student.import",)),
    Page("student detail", "school:student_detail", {"student_id": _student}, ("student.manage",)),
    Page("student edit", "school:student_edit", {"student_id": _student}, ("student.manage",)),
    Page("guardian add", "school:guardian_add", {"student_id": _student}, ("student.manage",)),
    Page("student move", "school:student_move", {"student_id": _student}, ("student.manage",)),
    Page("student end", "school:student_end", {"student_id": _student}, ("student.manage",)),
    Page(
        "student password reset",
        "school:student_password_reset",
        {"student_id": _other_student},
        ("student.reset_password",),
        rows=SCHOOL_MANAGERS,  # the office's page: a guardian uses school:child_password_reset
        method="post",
    ),
    Page(
        "guardian password reset",
        "school:guardian_password_reset",
        {"guardian_id": _extra_guardian},
        ("student.reset_password",),
        rows=SCHOOL_MANAGERS,
        method="post",
    ),
    Page(
        "class password reset",
        "school:class_reset",
        {"class_id": _other_class},
        ("login_slips.print",),
        rows=SCHOOL_MANAGERS,
    ),
    Page("issued logins", "school:issued", actions=("login_slips.print",)),
    Page("login slips print", "school:slips_print", actions=("login_slips.print",)),
    Page(
        "login slips forget", "school:slips_forget", actions=("login_slips.print",), method="post"
    ),
    Page("guardian's children", "school:children", fixed=frozenset({Role.GUARDIAN.value})),
    Page(
        "child password reset",
        "school:child_password_reset",
        {"student_id": _student},
        ("student.reset_password",),
        rows=frozenset({Role.GUARDIAN.value}),  # and only their own child (tenant walk)
    ),
    Page("staff list", "school:staff_list", actions=("staff.view",)),
    Page("sign-in locks", "school:signin_locks", actions=("signin_lock.manage",)),
    Page(
        "sign-in unlock",
        "school:signin_unlock",
        {"login_id": _extra_teacher},
        ("signin_lock.manage",),
        method="post",
    ),
    Page("staff add", "school:staff_add", actions=("staff.manage",)),
    Page("staff import", "school:staff_import", actions=("staff.manage",)),
    Page("new school year", "school:rollover", actions=("year.rollover",)),
    Page(
        "staff edit",
        "school:staff_edit",
        {"staff_id": _extra_teacher},
        ("staff.manage",),
        rows=roles_for("staff.view"),
    ),
    Page(
        "staff deactivate",
        "school:staff_set_active",
        {"staff_id": _extra_teacher},
        ("staff.manage",),
        rows=roles_for("staff.view"),
        method="post",
    ),
    Page(
        "staff password reset",
        "school:staff_password_reset",
        {"staff_id": _extra_teacher},
        ("staff.manage",),
        rows=roles_for("staff.view"),
        method="post",
    ),
    Page("school settings", "school:settings", actions=("school.settings",)),
    # Other modules' pages that one matrix action governs.
    Page("grades policy", "grades:policy", actions=("grades:grades.policy",)),
    Page("grade category new", "grades:category_new", actions=("grades:grades.policy",)),
    Page("grade scales", "grades:scales", actions=("grades:grades.scales",)),
    Page("grade scale new", "grades:scale_new", actions=("grades:grades.scales",)),
    Page("homework list", "homework:list", actions=("homework:homework.view",)),
    Page("homework create", "homework:create", actions=("homework:homework.manage",)),
    Page("remarks", "remarks:list", actions=("remarks:remark.view",)),
    Page("remark add", "remarks:add", actions=("remarks:remark.add",)),
    Page("remark categories", "remarks:categories", actions=("remarks:remark.categories",)),
    Page("polls", "polls:list", actions=("polls:poll.view",)),
    Page("poll create", "polls:create", actions=("polls:poll.create",)),
    Page("parent meetings", "meetings:list", actions=("meetings:meeting.view",)),
    Page("meeting schedule", "meetings:add", actions=("meetings:meeting.schedule",)),
    Page(
        "meeting (own class)",
        "meetings:detail",
        {"meeting_id": _meeting},
        ("meetings:meeting.view",),
    ),
    Page(
        "meeting attendance",
        "meetings:attendance",
        {"meeting_id": _meeting},
        ("meetings:meeting.schedule",),
        method="post",
    ),
    Page(
        "consultations",
        "meetings:consultations",
        actions=("meetings:consultation.publish", "meetings:consultation.book"),
    ),
    Page("consultation hours", "meetings:slots_add", actions=("meetings:consultation.publish",)),
    Page(
        "consultation book",
        "meetings:book",
        {"slot_id": _consultation_slot},
        ("meetings:consultation.book",),
        method="post",
    ),
    Page("noticeboard", "noticeboard:board", actions=("noticeboard:announcement.view",)),
    Page("announcement create", "noticeboard:create", actions=("noticeboard:announcement.write",)),
    Page("inbox", "messaging:inbox", actions=("messaging:message.read",)),
    Page("sent messages", "messaging:sent", actions=("messaging:message.read",)),
    Page("compose", "messaging:compose", actions=("messaging:message.write",)),
    Page(
        "parents' councils",
        "messaging:councils",
        actions=("messaging:council.manage",),
        redirects=True,  # a homeroom teacher of one class goes straight to its council
    ),
    Page("timetable overview", "timetable:overview", actions=("timetable:timetable.view_school",)),
    Page("timetable manage", "timetable:manage", actions=("timetable:timetable.manage",)),
    Page("timetable changes", "timetable:changes", actions=("timetable:timetable.changes",)),
    Page("calendar", "timetable:calendar", actions=("timetable:calendar.view",)),
    Page("calendar event add", "timetable:event_add", actions=("timetable:calendar.add",)),
    Page("calendar policy", "timetable:policy", actions=("timetable:calendar.policy",)),
    Page("lucky number", "timetable:lucky", actions=("timetable:lucky.view",)),
    Page("students (support)", "support:index", actions=("support:support.student_card",)),
    Page(
        "student card (support)",
        "support:student",
        {"student_id": _student},
        ("support:support.student_card",),
    ),
    Page("access log", "audit:log", actions=("audit:audit.access_log",)),
    Page("who viewed my child's data", "audit:family", actions=("audit:audit.family_log",)),
    Page("history of changes", "records:history", actions=("records:records.history",)),
    Page(
        "history of my child's data",
        "records:family_history",
        actions=("records:records.family_history",),
    ),
    Page(
        "a student's grades page",
        "grades:student",
        {"student_id": _student},
        ("grades:grades.view_own", "grades:grades.view_student"),
    ),
    # The API's student record: the matrix, then the row-level rule.
    Page("api student (own class)", "api:student", {"student_id": _student}, ("student.view",)),
    Page(
        "api student (class 2a)",
        "api:student",
        {"student_id": _other_student},
        ("student.view",),
        rows=frozenset(SCHOOL_WIDE_ROLES),  # nobody else of the world is linked to class 2a
    ),
]


def _structure_pages() -> list[Page]:
    from kajet.school.views.structure import KINDS

    pages = []
    for slug, kind in KINDS.items():
        slug_of = {"kind_slug": lambda w, s=slug: s}
        pages += [
            Page(f"structure {slug} list", "school:structure_list", slug_of, (kind.permission,)),
            Page(f"structure {slug} add", "school:structure_add", slug_of, (kind.permission,)),
            Page(
                f"structure {slug} edit",
                "school:structure_edit",
                slug_of | {"obj_id": _structure_object(kind.model)},
                (kind.permission,),
            ),
        ]
    return pages


PAGES += _structure_pages()


def _check(response: Any, *, allowed: bool, method: str, redirects: bool = False) -> str | None:
    """None when the response is what the matrix says, else a description of what came."""
    status = response.status_code
    location = response.get("Location", "")
    got = f"{status}{' → ' + location if location else ''}"
    if not allowed:
        return None if status == 404 else f"expected 404, got {got}"
    if method == "get" and not redirects:
        return None if status == 200 else f"expected 200, got {got}"
    refused = status in (403, 404) or status >= 500 or "/konto/logowanie/" in location
    return f"expected the action to run, got {got}" if refused else None


@pytest.mark.parametrize("page", PAGES, ids=[p.key for p in PAGES])
def test_page_status_follows_the_matrix(
    page: Page, world: SchoolWorld, client_for: Callable[[Any], Client]
) -> None:
    target = page.url(world)
    allowed = page.allowed()
    problems = []
    for role in sorted(USER_ROLES):
        client = client_for(world.user(role))
        response = client.get(target) if page.method == "get" else client.post(target, {})
        problem = _check(
            response,
            allowed=bool(USER_ROLES[role] & allowed),
            method=page.method,
            redirects=page.redirects,
        )
        if problem:
            problems.append(f"  {role}: {problem}")
    assert not problems, f"{page.method.upper()} {target} ({page.key}):\n" + "\n".join(problems)


#: URL names that need no row in PAGES, with the reason.
NOT_IN_TABLE = {
    "accounts:login": "the sign-in page, open to everyone",
    "accounts:signin_otp": "the second sign-in step",
    "accounts:logout": "POST, ends one's own session",
    "accounts:session_end": "POST, one's own device (tenant walk covers other users')",
    "accounts:sessions_end_others": "POST, one's own sessions",
    "accounts:totp_disable": "POST, one's own second factor",
    "dashboard:switch_child": "POST, guardian's own child (tenant walk covers the rest)",
    "notifications:mark_all_read": "POST, one's own notifications",
    "support:note_add": "POST, a note of one's own (kajet/support/tests: three ways)",
    "support:note": "a note: its author and the principal (kajet/support/tests, tenant walk)",
    "meetings:slot_remove": "POST, one's own slot (kajet/meetings/tests: three ways)",
    "meetings:cancel": "POST, one's own booking (kajet/meetings/tests: three ways)",
}


def _named_urls(namespace: str) -> set[str]:
    found = set()
    for _prefix, sub in get_resolver().namespace_dict.values():
        if sub.namespace == namespace:
            found |= {f"{namespace}:{n}" for n in sub.reverse_dict if isinstance(n, str)}
    return found


@pytest.mark.parametrize("namespace", ["school", "accounts", "support", "audit", "meetings"])
def test_every_page_of_the_namespace_is_in_the_table(namespace: str) -> None:
    covered = {page.url_name for page in PAGES}
    missing = sorted(_named_urls(namespace) - covered - set(NOT_IN_TABLE))
    assert not missing, (
        "Add these pages to PAGES in tests/test_permission_matrix.py (which roles may open "
        f"them) or to NOT_IN_TABLE with a reason: {missing}"
    )


def test_table_entries_name_real_pages() -> None:
    names = {p.url_name for p in PAGES} | set(NOT_IN_TABLE)
    stale = sorted(n for n in names if n not in _named_urls(n.split(":")[0]))
    assert not stale, f"PAGES/NOT_IN_TABLE name pages that no longer exist: {stale}"
