"""Reads for the messaging pages and API, each with a fixed number of queries, and the facts
the pure recipient rules (``recipients.py``) decide on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet, Window
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kajet.accounts.models import Role, StaffRole, User
from kajet.messaging.models import CouncilMember, Delivery, Folder
from kajet.messaging.recipients import (
    ROLE_GROUPS,
    Kind,
    Person,
    Target,
    Writer,
)
from kajet.school.access import roles_of
from kajet.school.models import (
    ClassGroup,
    Course,
    GroupMembership,
    Guardianship,
    SchoolClass,
    Student,
)

PAGE_SIZE = 25

ROLE_GROUP_LABELS: dict[str, Any] = {
    Role.PEDAGOGUE: gettext_lazy("School pedagogue"),
    Role.PSYCHOLOGIST: gettext_lazy("School psychologist"),
    Role.SCHOOL_ADMIN: gettext_lazy("School administrator"),
    Role.SECRETARIAT: gettext_lazy("Secretariat"),
    Role.PRINCIPAL: gettext_lazy("Principal"),
    Role.TEACHER: gettext_lazy("All teachers"),
}


# --- Facts for the rules ------------------------------------------------------------------


def writer_for(user: User) -> Writer:
    """The facts about ``user`` that the recipient rules need (at most 4 queries)."""
    roles = roles_of(user)
    if Role.GUARDIAN in roles or Role.STUDENT in roles:
        if Role.GUARDIAN in roles:
            students = list(
                Student.objects.filter(guardianships__guardian=user, left_on__isnull=True)
                .select_related("school_class")
                .only("id", "school_class__id", "school_class__homeroom_teacher_id")
            )
        else:
            students = list(Student.objects.filter(user=user).select_related("school_class"))
        class_ids = frozenset(s.school_class_id for s in students)
        homerooms = frozenset(
            s.school_class.homeroom_teacher_id
            for s in students
            if s.school_class.homeroom_teacher_id is not None
        )
        group_ids = GroupMembership.objects.filter(student__in=students).values("group_id")
        teacher_ids = frozenset(
            Course.objects.filter(year__is_current=True)
            .filter(
                Q(school_class_id__in=class_ids, group__isnull=True) | Q(group_id__in=group_ids)
            )
            .values_list("teacher_id", flat=True)
        )
        return Writer(
            user_id=user.pk,
            roles=roles,
            family_class_ids=class_ids,
            family_teacher_ids=teacher_ids,
            family_homeroom_ids=homerooms,
        )
    courses = list(
        Course.objects.filter(teacher=user, year__is_current=True).values_list(
            "school_class_id", "group_id"
        )
    )
    homeroom_ids = frozenset(
        SchoolClass.objects.filter(homeroom_teacher=user, year__is_current=True).values_list(
            "id", flat=True
        )
    )
    school_class_ids: frozenset[int] = frozenset()
    if roles & {Role.PRINCIPAL, Role.SECRETARIAT, Role.SCHOOL_ADMIN}:
        school_class_ids = frozenset(
            SchoolClass.objects.filter(year__is_current=True).values_list("id", flat=True)
        )
    return Writer(
        user_id=user.pk,
        roles=roles,
        taught_class_ids=frozenset(c for c, g in courses if g is None),
        taught_group_ids=frozenset(g for _c, g in courses if g is not None),
        homeroom_class_ids=homeroom_ids,
        school_class_ids=school_class_ids,
    )


def persons_for(*, school_id: int, user_ids: Iterable[int]) -> dict[int, Person]:
    """Facts about chosen people of the school (5 queries for any number of them)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    users = list(
        User.objects.filter(pk__in=ids, school_id=school_id).values_list("id", "kind", "is_active")
    )
    roles: dict[int, set[str]] = defaultdict(set)
    for uid, role in StaffRole.objects.filter(user_id__in=ids).values_list("user_id", "role"):
        roles[uid].add(role)
    for uid in SchoolClass.objects.filter(
        homeroom_teacher_id__in=ids, year__is_current=True
    ).values_list("homeroom_teacher_id", flat=True):
        if uid is not None:
            roles[uid].add(Role.HOMEROOM_TEACHER)
    classes: dict[int, set[int]] = defaultdict(set)
    groups: dict[int, set[int]] = defaultdict(set)
    student_of: dict[int, list[int]] = defaultdict(list)  # student id → user ids it counts for
    for sid, uid, class_id in Student.objects.filter(
        user_id__in=ids, left_on__isnull=True
    ).values_list("id", "user_id", "school_class_id"):
        classes[uid].add(class_id)
        student_of[sid].append(uid)
    for sid, gid, class_id in Guardianship.objects.filter(
        guardian_id__in=ids, student__left_on__isnull=True
    ).values_list("student_id", "guardian_id", "student__school_class_id"):
        classes[gid].add(class_id)
        student_of[sid].append(gid)
    if student_of:
        for sid, group_id in GroupMembership.objects.filter(
            student_id__in=list(student_of)
        ).values_list("student_id", "group_id"):
            for uid in student_of[sid]:
                groups[uid].add(group_id)
    return {
        uid: Person(
            user_id=uid,
            kind=kind,
            roles=frozenset(roles[uid]),
            class_ids=frozenset(classes[uid]),
            group_ids=frozenset(groups[uid]),
            active=active,
        )
        for uid, kind, active in users
    }


def target_user_ids(*, school_id: int, targets: Iterable[Target]) -> set[int]:
    """Every active login the targets reach (one query, whatever the number of targets)."""
    condition = Q(pk__in=[])
    enrolled = Q(left_on__isnull=True)
    for target in targets:
        kind = target.kind
        if kind is Kind.PERSON:
            condition |= Q(pk=target.ref_id)
        elif kind is Kind.ROLE:
            condition |= Q(pk__in=StaffRole.objects.filter(role=target.ref).values("user_id"))
        elif kind is Kind.STAFF:
            condition |= Q(kind=User.Kind.STAFF)
        elif kind is Kind.ALL_GUARDIANS:
            condition |= Q(
                pk__in=Guardianship.objects.filter(student__left_on__isnull=True).values(
                    "guardian_id"
                )
            )
        elif kind is Kind.ALL_STUDENTS:
            condition |= Q(pk__in=Student.objects.filter(enrolled).values("user_id"))
        elif kind is Kind.COUNCIL:
            condition |= Q(
                pk__in=CouncilMember.objects.filter(school_class_id=target.ref_id).values(
                    "guardian_id"
                )
            )
        else:
            if kind in (Kind.CLASS_ALL, Kind.CLASS_GUARDIANS, Kind.CLASS_STUDENTS):
                students = Student.objects.filter(enrolled, school_class_id=target.ref_id)
            else:
                students = Student.objects.filter(enrolled, memberships__group_id=target.ref_id)
            if kind in (Kind.CLASS_ALL, Kind.CLASS_STUDENTS, Kind.GROUP_STUDENTS):
                condition |= Q(pk__in=students.values("user_id"))
            if kind in (Kind.CLASS_ALL, Kind.CLASS_GUARDIANS, Kind.GROUP_GUARDIANS):
                condition |= Q(
                    pk__in=Guardianship.objects.filter(student__in=students.values("pk")).values(
                        "guardian_id"
                    )
                )
    return set(
        User.objects.filter(condition, school_id=school_id, is_active=True).values_list(
            "pk", flat=True
        )
    )


# --- Recipient picker -----------------------------------------------------------------------


@dataclass
class Option:
    key: str
    label: str
    hint: str = ""


@dataclass
class OptionGroup:
    label: str
    options: list[Option] = field(default_factory=list)
    people: bool = False  # a list of single people
    folded: bool = False  # shown closed in the picker (long lists)

    @property
    def key(self) -> str:
        return self.label


def _people_of_students(students: list[Student]) -> tuple[list[Option], list[Option]]:
    guardian_opts: dict[int, Option] = {}
    student_opts = []
    for student in students:
        student_opts.append(
            Option(f"person:{student.user_id}", student.user.sort_name, str(student.school_class))
        )
        for link in student.guardianships.all():
            g = link.guardian
            if g.is_active and g.pk not in guardian_opts:
                guardian_opts[g.pk] = Option(
                    f"person:{g.pk}",
                    g.sort_name,
                    _("guardian of %(name)s") % {"name": student.user.full_name},
                )
    return student_opts, sorted(guardian_opts.values(), key=lambda o: o.label)


def recipient_options_for(user: User, writer: Writer | None = None) -> list[OptionGroup]:
    """The groups and people ``user`` may write to, for the picker and the API (a fixed
    number of queries for the user's role)."""
    writer = writer or writer_for(user)
    groups: list[OptionGroup] = []
    held_roles = set(StaffRole.objects.values_list("role", flat=True).distinct())
    if not writer.is_staff:
        teachers = (
            User.objects.filter(pk__in=writer.family_teacher_ids | writer.family_homeroom_ids)
            .order_by("last_name", "first_name")
            .only("id", "first_name", "last_name")
        )
        subjects: dict[int, set[str]] = defaultdict(set)
        for tid, name in (
            Course.objects.filter(
                year__is_current=True,
                teacher_id__in=writer.family_teacher_ids,
            )
            .filter(
                Q(school_class_id__in=writer.family_class_ids, group__isnull=True)
                | Q(group__school_class_id__in=writer.family_class_ids)
            )
            .values_list("teacher_id", "subject__name")
        ):
            subjects[tid].add(name)
        classes = {
            c.pk: c
            for c in SchoolClass.objects.filter(pk__in=writer.family_class_ids).order_by("name")
        }
        homeroom_group = OptionGroup(_("Homeroom teacher"))
        teacher_group = OptionGroup(_("Teachers"))
        for teacher in teachers:
            if teacher.pk in writer.family_homeroom_ids:
                class_names = ", ".join(
                    c.name for c in classes.values() if c.homeroom_teacher_id == teacher.pk
                )
                homeroom_group.options.append(
                    Option(f"person:{teacher.pk}", teacher.full_name, class_names)
                )
            if teacher.pk in writer.family_teacher_ids:
                teacher_group.options.append(
                    Option(
                        f"person:{teacher.pk}",
                        teacher.full_name,
                        ", ".join(sorted(subjects.get(teacher.pk, set()))),
                    )
                )
        groups += [g for g in (homeroom_group, teacher_group) if g.options]
        if Role.GUARDIAN in writer.roles and classes:
            groups.append(
                OptionGroup(
                    _("Class parents' council"),
                    [
                        Option(f"council:{c.pk}", _("Parents' council of %(name)s") % {"name": c})
                        for c in classes.values()
                    ],
                )
            )
        staff_group = OptionGroup(_("School staff"))
        for role in ROLE_GROUPS:
            if role in held_roles and role in writer.family_role_targets:
                staff_group.options.append(Option(f"role:{role}", str(ROLE_GROUP_LABELS[role])))
        if staff_group.options:
            groups.append(staff_group)
        return groups

    if writer.is_school_wide:
        groups.append(
            OptionGroup(
                _("Whole school"),
                [
                    Option(str(Kind.ALL_GUARDIANS), _("All guardians")),
                    Option(str(Kind.ALL_STUDENTS), _("All students")),
                    Option(str(Kind.STAFF), _("All staff")),
                ],
            )
        )
    class_ids = writer.school_class_ids | writer.homeroom_class_ids | writer.taught_class_ids
    classes_qs = SchoolClass.objects.filter(pk__in=class_ids).order_by("level", "name")
    for school_class in classes_qs:
        group = OptionGroup(
            _("Class %(name)s") % {"name": school_class.name}, folded=writer.is_school_wide
        )
        cid = school_class.pk
        everyone = writer.is_school_wide or cid in writer.homeroom_class_ids
        if everyone:
            group.options.append(
                Option(f"class_all:{cid}", _("Everyone in %(name)s") % {"name": school_class})
            )
        group.options.append(
            Option(f"class_guardians:{cid}", _("Guardians of %(name)s") % {"name": school_class})
        )
        group.options.append(
            Option(f"class_students:{cid}", _("Students of %(name)s") % {"name": school_class})
        )
        if cid in writer.homeroom_class_ids:
            group.options.append(
                Option(f"council:{cid}", _("Parents' council of %(name)s") % {"name": school_class})
            )
        groups.append(group)
    for class_group in ClassGroup.objects.filter(pk__in=writer.taught_group_ids).select_related(
        "school_class"
    ):
        groups.append(
            OptionGroup(
                _("Group %(name)s") % {"name": class_group},
                [
                    Option(
                        f"group_guardians:{class_group.pk}",
                        _("Guardians of %(name)s") % {"name": class_group},
                    ),
                    Option(
                        f"group_students:{class_group.pk}",
                        _("Students of %(name)s") % {"name": class_group},
                    ),
                ],
            )
        )
    # Chosen people of the classes and groups the writer teaches (not school-wide: too many).
    people_classes = writer.taught_class_ids | writer.homeroom_class_ids
    if people_classes or writer.taught_group_ids:
        students = list(
            Student.objects.filter(left_on__isnull=True)
            .filter(
                Q(school_class_id__in=people_classes)
                | Q(memberships__group_id__in=writer.taught_group_ids)
            )
            .distinct()
            .select_related("user", "school_class")
            .prefetch_related("guardianships__guardian")
            .order_by("school_class__name", "user__last_name", "user__first_name")
        )
        student_opts, guardian_opts = _people_of_students(students)
        groups.append(OptionGroup(_("Chosen guardians"), guardian_opts, people=True, folded=True))
        groups.append(OptionGroup(_("Chosen students"), student_opts, people=True, folded=True))
    staff_group = OptionGroup(_("Staff"))
    if not writer.is_school_wide:
        staff_group.options.append(Option(str(Kind.STAFF), _("All staff")))
    for role in ROLE_GROUPS:
        if role in held_roles:
            staff_group.options.append(Option(f"role:{role}", str(ROLE_GROUP_LABELS[role])))
    groups.append(staff_group)
    staff_people = OptionGroup(_("Chosen staff members"), people=True, folded=True)
    for member in (
        User.objects.filter(kind=User.Kind.STAFF, is_active=True, school_id=user.school_id or 0)
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name")
        .only("id", "first_name", "last_name")
    ):
        staff_people.options.append(Option(f"person:{member.pk}", member.sort_name))
    groups.append(staff_people)
    return groups


# --- Folders and messages -----------------------------------------------------------------


#: Where ``unread_latest`` leaves the count it read, on the request's user object, so the
#: navigation badge of the same page does not count again.
_UNREAD_ON_USER = "_kajet_unread_count"


def unread_count(user: Any) -> int:
    """Unread received messages: one COUNT over the ``delivery_unread`` partial index — or
    none when ``unread_latest`` already read the count for this request's user object (it
    is the last read of the page: nothing writes between it and the navigation)."""
    known = getattr(user, _UNREAD_ON_USER, None)
    if known is not None:
        return int(known)
    # Every page's navigation asks, so this is hand-written: Django takes ten times longer
    # to compile the equivalent queryset than the database takes to answer. The terms match
    # the partial index's condition word for word (literals, not parameters, so SQLite can
    # use it); the school is filtered explicitly, as raw SQL bypasses django-scopes.
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_SQL, [user.pk, user.school_id])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


_UNREAD_SQL = (
    f"SELECT COUNT(*) FROM {Delivery._meta.db_table} "  # noqa: S608 (no user input)
    "WHERE owner_id = %s AND school_id = %s "
    f"AND deleted_at IS NULL AND folder = '{Folder.INBOX.value}' AND is_unread"
)


@dataclass(frozen=True)
class SenderRef:
    id: int
    full_name: str


@dataclass(frozen=True)
class UnreadRow:
    """An unread received message as the dashboard lists it."""

    message_id: int
    subject: str
    sender: SenderRef
    created_at: Any


def unread_latest(user: Any, *, limit: int) -> tuple[int, list[UnreadRow]]:
    """(how many unread received messages, the newest ``limit`` of them) in ONE query: the
    same rows as ``unread_count``, each carrying the total (a window COUNT). Remembers the
    count on ``user`` so that ``unread_count`` (the navigation badge) reuses it."""
    rows = list(
        Delivery.objects.filter(
            owner_id=user.pk, is_unread=True, folder=Folder.INBOX, deleted_at__isnull=True
        )
        .annotate(total=Window(expression=Count("id")))
        .order_by("-created_at", "-id")
        .values(
            "message_id",
            "created_at",
            "total",
            "message__subject",
            "message__sender_id",
            "message__sender__first_name",
            "message__sender__last_name",
        )[:limit]
    )
    total = rows[0]["total"] if rows else 0
    setattr(user, _UNREAD_ON_USER, total)
    return total, [
        UnreadRow(
            message_id=row["message_id"],
            subject=row["message__subject"],
            sender=SenderRef(
                row["message__sender_id"],
                f"{row['message__sender__first_name'] or ''} "
                f"{row['message__sender__last_name'] or ''}".strip(),
            ),
            created_at=row["created_at"],
        )
        for row in rows
    ]


def folder_counts(user: Any) -> dict[str, dict[str, int]]:
    """Per folder: all copies and unread ones (one grouped query)."""
    counts = {f.value: {"total": 0, "unread": 0} for f in Folder}
    rows = (
        Delivery.objects.filter(owner_id=user.pk, deleted_at__isnull=True)
        .values("folder", "is_unread")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("folder", "is_unread", "n")
    )
    for folder, is_unread, n in rows:
        counts[folder]["total"] += n
        if is_unread:
            counts[folder]["unread"] += n
    return counts


def delivery_list_for_folder(user: Any, folder: str, *, query: str = "") -> QuerySet[Delivery]:
    """The user's own copies in one folder, newest first, with sender loaded; searchable by
    subject, text and sender name."""
    qs = (
        Delivery.objects.filter(owner_id=user.pk, folder=folder, deleted_at__isnull=True)
        .select_related("message__sender", "message__concerns_student__user")
        .order_by("-created_at", "-id")
    )
    query = query.strip()
    if query:
        words = query.split()[:5]
        for word in words:
            qs = qs.filter(
                Q(message__subject__fcontains=word)
                | Q(message__body__fcontains=word)
                | Q(message__sender__first_name__fcontains=word)
                | Q(message__sender__last_name__fcontains=word)
            )
    return qs


def folder_page(user: Any, folder: str, *, query: str = "", page: Any = 1) -> Page[Delivery]:
    """One page of a folder (2 queries: the count and the page)."""
    paginator = Paginator(delivery_list_for_folder(user, folder, query=query), PAGE_SIZE)
    return paginator.get_page(page)


def read_receipts(message_id: int) -> list[Delivery]:
    """The recipients' copies of a message (read or not, deleted or not), for the sender."""
    return list(
        Delivery.objects.filter(message_id=message_id, is_sender_copy=False)
        .select_related("owner")
        .order_by("owner__last_name", "owner__first_name")
    )


def council_for_class(school_class: SchoolClass) -> tuple[list[tuple[User, list[str]]], set[int]]:
    """Guardians of a class (with their children's names) and the ids on its council."""
    guardians: dict[int, tuple[User, list[str]]] = {}
    for link in (
        Guardianship.objects.filter(student__school_class=school_class, student__left_on=None)
        .select_related("guardian", "student__user")
        .order_by("guardian__last_name", "guardian__first_name")
    ):
        entry = guardians.setdefault(link.guardian_id, (link.guardian, []))
        entry[1].append(link.student.user.full_name)
    members = set(
        CouncilMember.objects.filter(school_class=school_class).values_list(
            "guardian_id", flat=True
        )
    )
    return list(guardians.values()), members
