"""Who may see and do what in the school structure — decided here and nowhere else.

``roles_of`` gives a user's roles; ``PERMISSIONS`` is the permission matrix as data (the same
table as docs/permissions.md, enforced by tests/test_permission_matrix.py); ``access_*``
helpers fetch one object for a user and raise Http404 for "missing" and "not yours" alike.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.school.models import Course, SchoolClass, Student

#: Staff roles that see every student of the school.
SCHOOL_WIDE_ROLES = frozenset(
    {Role.PRINCIPAL, Role.SECRETARIAT, Role.SCHOOL_ADMIN, Role.PEDAGOGUE, Role.PSYCHOLOGIST}
)

#: The permission matrix: action → roles that may do it. Row-level rules (which student,
#: which class) are applied on top by the querysets below.
PERMISSIONS: dict[str, frozenset[str]] = {
    "student.view": frozenset(
        {Role.GUARDIAN, Role.STUDENT, Role.TEACHER, Role.HOMEROOM_TEACHER} | SCHOOL_WIDE_ROLES
    ),
    "student.view_guardians": frozenset({Role.TEACHER, Role.HOMEROOM_TEACHER} | SCHOOL_WIDE_ROLES),
    "student.manage": frozenset({Role.SECRETARIAT, Role.SCHOOL_ADMIN}),
    "student.import": frozenset({Role.SECRETARIAT, Role.SCHOOL_ADMIN}),
    "student.reset_password": frozenset({Role.SECRETARIAT, Role.SCHOOL_ADMIN, Role.GUARDIAN}),
    "login_slips.print": frozenset({Role.SECRETARIAT, Role.SCHOOL_ADMIN}),
    "staff.view": frozenset({Role.SECRETARIAT, Role.SCHOOL_ADMIN, Role.PRINCIPAL}),
    "staff.manage": frozenset({Role.SECRETARIAT, Role.SCHOOL_ADMIN}),
    "signin_lock.manage": frozenset({Role.SECRETARIAT, Role.SCHOOL_ADMIN}),
    "structure.view": frozenset({Role.TEACHER, Role.HOMEROOM_TEACHER} | SCHOOL_WIDE_ROLES),
    "structure.manage": frozenset({Role.SCHOOL_ADMIN}),
    "course.manage": frozenset({Role.SCHOOL_ADMIN, Role.SECRETARIAT}),
    "school.settings": frozenset({Role.SCHOOL_ADMIN}),
    "year.rollover": frozenset({Role.SCHOOL_ADMIN}),
}


#: Where ``roles_of`` keeps a user's roles for the rest of the request (the user object lives
#: as long as the request).
_ROLES_ATTR = "_kajet_roles"


def roles_of(user: User) -> frozenset[str]:
    """The user's roles in their school. Cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or user.school_id is None:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, _ROLES_ATTR, None)
    if cached is not None:
        return cached
    if user.kind == User.Kind.GUARDIAN:
        roles = frozenset({Role.GUARDIAN.value})
    elif user.kind == User.Kind.STUDENT:
        roles = frozenset({Role.STUDENT.value})
    elif user.kind == User.Kind.STAFF:
        roles = _staff_roles(user)
    else:
        roles = frozenset()
    setattr(user, _ROLES_ATTR, roles)
    return roles


def _staff_roles(user: User) -> frozenset[str]:
    """A staff member's given roles and, if they lead a class this year, homeroom teacher —
    in one query (every staff page asks): a row per given role, each saying whether the user
    leads a class (one row with no role when none is given)."""
    leads = SchoolClass.objects.filter(homeroom_teacher=OuterRef("pk"), year__is_current=True)
    rows = list(
        User.objects.filter(pk=user.pk)
        .annotate(homeroom=Exists(leads))
        .values_list("role_rows__role", "homeroom")
    )
    roles = {role for role, _homeroom in rows if role is not None}
    if any(homeroom for _role, homeroom in rows):
        roles.add(Role.HOMEROOM_TEACHER.value)
    return frozenset(roles)


def can(user: User, action: str) -> bool:
    """Whether one of the user's roles may do ``action`` (see PERMISSIONS)."""
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    """Refuse with 404: a role that may not do something does not learn that it exists."""
    if not can(user, action):
        raise Http404


def students_visible_to(user: User) -> QuerySet[Student]:
    """Students the user may see (enrolled or not), inside the current school scope."""
    roles = roles_of(user)
    qs = Student.objects.all()
    if roles & SCHOOL_WIDE_ROLES:
        return qs
    condition = Q(pk__in=[])
    if Role.GUARDIAN in roles:
        condition |= Q(guardianships__guardian=user)
    if Role.STUDENT in roles:
        condition |= Q(user=user)
    if Role.TEACHER in roles or Role.HOMEROOM_TEACHER in roles:
        taught = Course.objects.filter(teacher=user, year__is_current=True)
        condition |= Q(school_class__in=taught.filter(group__isnull=True).values("school_class"))
        condition |= Q(memberships__group__in=taught.filter(group__isnull=False).values("group"))
        condition |= Q(school_class__homeroom_teacher=user)
    return qs.filter(pk__in=Student.objects.filter(condition).values("pk"))


def access_student(user: User, student_id: int) -> Student:
    """One student the user may see, with login and class loaded; 404 otherwise."""
    try:
        return students_visible_to(user).select_related("user", "school_class").get(pk=student_id)
    except Student.DoesNotExist:
        raise Http404 from None


def children_of(user: User) -> list[Student]:
    """A guardian's children (enrolled first, by name), with login and class loaded."""
    return list(
        Student.objects.filter(guardianships__guardian=user)
        .select_related("user", "school_class")
        .order_by("left_on", "user__first_name")
    )


def access_child(user: User, student_id: int) -> Student:
    """One of the guardian's own children; 404 for anyone else's."""
    for child in children_of(user):
        if child.pk == student_id:
            return child
    raise Http404


def access_class(user: User, class_id: int) -> SchoolClass:
    """A class the user may look at as staff; 404 otherwise."""
    require(user, "structure.view")
    try:
        return SchoolClass.objects.select_related("homeroom_teacher", "year").get(pk=class_id)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def _own_school_id(user: User) -> int:
    if user.school_id is None:  # an operator has no school: nothing of any school is theirs
        raise Http404
    return user.school_id


def access_staff_member(user: User, staff_id: int) -> User:
    """A staff login of the user's own school, for staff managers; 404 otherwise."""
    require(user, "staff.view")
    try:
        return User.objects.get(pk=staff_id, school_id=_own_school_id(user), kind=User.Kind.STAFF)
    except User.DoesNotExist:
        raise Http404 from None


def access_school_login(user: User, login_id: int) -> User:
    """Any login of the user's own school (staff, guardian, student), for those who manage
    sign-in locks; 404 otherwise."""
    require(user, "signin_lock.manage")
    try:
        return User.objects.get(pk=login_id, school_id=_own_school_id(user))
    except User.DoesNotExist:
        raise Http404 from None


def access_course(user: User, course_id: int) -> Course:
    """A course the user teaches, or any course for school-wide roles; 404 otherwise."""
    roles = roles_of(user)
    qs = Course.objects.select_related("subject", "school_class", "group", "teacher", "year")
    if not roles & SCHOOL_WIDE_ROLES:
        qs = qs.filter(teacher=user)
    try:
        return qs.get(pk=course_id)
    except Course.DoesNotExist:
        raise Http404 from None


# --- the school office's pages ---------------------------------------------------------------


def office_sections(user: User) -> bool:
    """Whether the user sees the school office hub (and its navigation entry)."""
    return can(user, "student.manage") or can(user, "structure.manage") or can(user, "staff.view")


def access_managed_student(user: User, student_id: int) -> Student:
    """A student of the user's school, for those who manage students; 404 otherwise."""
    require(user, "student.manage")
    try:
        return Student.objects.select_related("user", "school_class", "school").get(
            pk=student_id, school_id=user.school_id
        )
    except Student.DoesNotExist:
        raise Http404 from None


def access_managed_class(user: User, class_id: int) -> SchoolClass:
    """A class of the user's school, for those who manage students; 404 otherwise."""
    require(user, "student.manage")
    try:
        return SchoolClass.objects.select_related("year", "school").get(
            pk=class_id, school_id=user.school_id
        )
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def access_guardian(user: User, guardian_id: int) -> User:
    """A guardian login of the user's school, for those who manage students; 404 otherwise."""
    require(user, "student.manage")
    try:
        return User.objects.select_related("school").get(
            pk=guardian_id, school_id=_own_school_id(user), kind=User.Kind.GUARDIAN
        )
    except User.DoesNotExist:
        raise Http404 from None


def access_child_for_reset(user: User, student_id: int) -> Student:
    """A guardian's own enrolled child whose password the guardian may reset; 404 otherwise."""
    if Role.GUARDIAN not in roles_of(user):
        raise Http404
    require(user, "student.reset_password")
    child = access_child(user, student_id)
    if not child.is_enrolled:
        raise Http404
    return child
