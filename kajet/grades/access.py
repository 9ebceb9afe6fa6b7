"""Who may see and change grades — decided here and nowhere else.

``PERMISSIONS`` is this module's permission matrix (action → roles); the ``access_*`` helpers
add the row-level rule (whose course, whose child) and raise Http404 for "missing" and "not
yours" alike.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.grades.models import Grade
from kajet.grades.scale import Policy
from kajet.school.access import roles_of, students_visible_to
from kajet.school.models import Course, SchoolClass, Student

#: Staff who read every course sheet and class overview of the school (no writing).
SCHOOL_READERS = frozenset({Role.PRINCIPAL})

PERMISSIONS: dict[str, frozenset[str]] = {
    # A family user reads their own (or their child's) grades.
    "grades.view_own": frozenset({Role.GUARDIAN, Role.STUDENT}),
    # The course's teacher enters marks and term grades (row rule: course.teacher).
    "grades.enter": frozenset({Role.TEACHER}),
    # Reading a course's grade sheet: its teacher; the principal reads every sheet.
    "grades.view_sheet": frozenset({Role.TEACHER, Role.PRINCIPAL}),
    # The class overview: the class's homeroom teacher; the principal for every class.
    "grades.class_overview": frozenset({Role.HOMEROOM_TEACHER, Role.PRINCIPAL}),
    # Behaviour grades: the class's homeroom teacher.
    "grades.behaviour": frozenset({Role.HOMEROOM_TEACHER}),
    # The school's grading policy and categories.
    "grades.policy": frozenset({Role.SCHOOL_ADMIN}),
    # The school's scales for current marks (symbols, points, text) and which courses use them.
    "grades.scales": frozenset({Role.SCHOOL_ADMIN}),
    # One student's grades page, read-only, for staff (row level: the students they see):
    # their teachers, the homeroom teacher, the principal, the pedagogue and the psychologist.
    "grades.view_student": frozenset(
        {Role.TEACHER, Role.HOMEROOM_TEACHER, Role.PRINCIPAL, Role.PEDAGOGUE, Role.PSYCHOLOGIST}
    ),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


#: Actions that open the Grades section's index (/oceny/): a family's grades page, or the
#: staff page of courses, classes and settings. The specialists' student view
#: (``grades.view_student``) is reached from the pupil-support card, not from here.
INDEX_ACTIONS = ("grades.view_own", "grades.view_sheet", "grades.class_overview", "grades.policy")


def index_roles() -> frozenset[str]:
    return frozenset().union(*(PERMISSIONS[action] for action in INDEX_ACTIONS))


def averages_shown(user: User, policy: Policy) -> bool:
    """Whether ``user`` sees averages and suggested grades: staff always; family users when
    the school's policy shows them (the page, the what-if calculator and the API ask here)."""
    return policy.show_averages_to_family or not can(user, "grades.view_own")


def _courses() -> Any:
    return Course.objects.select_related("subject", "school_class", "group", "teacher", "year")


def access_sheet(user: User, course_id: int, *, write: bool) -> Course:
    """A course whose grade sheet the user may read (its teacher, the principal) or, with
    ``write``, change (its teacher only); 404 otherwise."""
    require(user, "grades.enter" if write else "grades.view_sheet")
    qs = _courses()
    if write or not roles_of(user) & SCHOOL_READERS:
        qs = qs.filter(teacher=user)
    try:
        return qs.get(pk=course_id)
    except Course.DoesNotExist:
        raise Http404 from None


def access_grade_for_change(user: User, grade_id: int) -> Grade:
    """A live grade in a course the user teaches; 404 otherwise."""
    require(user, "grades.enter")
    try:
        return Grade.objects.select_related(
            "course__subject", "column__category", "column__scale", "student__user", "term"
        ).get(pk=grade_id, course__teacher=user, deleted_at__isnull=True)
    except Grade.DoesNotExist:
        raise Http404 from None


def access_grade_for_view(user: User, grade_id: int) -> Grade:
    """A grade the user may look at: their child's / their own (family), a grade in a course
    they teach, or any grade for school readers and the student's homeroom teacher; the
    pedagogue and the psychologist any grade (not deleted ones) of the students they see."""
    roles = roles_of(user)
    qs = Grade.objects.select_related(
        "course__subject",
        "course__teacher",
        "column__category",
        "column__scale",
        "student__user",
        "term",
        "created_by",
        "corrects",
        "deleted_by",
    )
    if roles & PERMISSIONS["grades.view_own"]:
        qs = qs.filter(student__in=students_visible_to(user), deleted_at__isnull=True)
    elif roles & SCHOOL_READERS:
        pass
    elif roles & {Role.TEACHER, Role.HOMEROOM_TEACHER}:
        qs = qs.filter(Q(course__teacher=user) | Q(student__school_class__homeroom_teacher=user))
    elif roles & PERMISSIONS["grades.view_student"]:  # the pedagogue, the psychologist
        qs = qs.filter(student__in=students_visible_to(user), deleted_at__isnull=True)
    else:
        raise Http404
    try:
        return qs.get(pk=grade_id)
    except Grade.DoesNotExist:
        raise Http404 from None


def access_overview_class(user: User, class_id: int) -> SchoolClass:
    """A class whose overview the user may see: their own homeroom class, or any class for
    the principal; 404 otherwise."""
    require(user, "grades.class_overview")
    qs = SchoolClass.objects.select_related("homeroom_teacher", "year")
    if not roles_of(user) & SCHOOL_READERS:
        qs = qs.filter(homeroom_teacher=user)
    try:
        return qs.get(pk=class_id)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def access_behaviour_class(user: User, class_id: int) -> SchoolClass:
    """The homeroom teacher's own class, for setting behaviour grades; 404 otherwise."""
    require(user, "grades.behaviour")
    try:
        return SchoolClass.objects.select_related("year").get(pk=class_id, homeroom_teacher=user)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def access_family_student(user: User, student_id: int) -> Student:
    """A student whose grades a family user may see (own child / themself); 404 otherwise.

    Loads the school's grading policy in the same query.
    """
    require(user, "grades.view_own")
    qs = Student.objects.select_related("user", "school_class", "school__grading_policy")
    if isinstance(user, User) and user.kind == User.Kind.STUDENT:
        qs = qs.filter(user=user)
    else:
        qs = qs.filter(guardianships__guardian=user)
    try:
        return qs.get(pk=student_id)
    except Student.DoesNotExist:
        raise Http404 from None


def access_student_grades(user: User, student_id: int) -> Student:
    """A student whose grades the user may read: family (own), and staff with
    ``grades.view_student`` — teachers of the student, the homeroom teacher, the principal,
    the pedagogue and the psychologist (through the school's visibility rules); 404
    otherwise."""
    roles = roles_of(user)
    if roles & PERMISSIONS["grades.view_own"]:
        return access_family_student(user, student_id)
    if not roles & PERMISSIONS["grades.view_student"]:
        raise Http404
    try:
        return (
            students_visible_to(user)
            .select_related("user", "school_class", "school__grading_policy")
            .get(pk=student_id)
        )
    except Student.DoesNotExist:
        raise Http404 from None
