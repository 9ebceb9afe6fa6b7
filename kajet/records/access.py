"""Who may print what — decided here and nowhere else.

``PERMISSIONS`` is this app's permission matrix (action → roles); the ``access_*`` helpers add
the row-level rule (the homeroom teacher's own class, the family's own child) and raise
Http404 for "missing" and "not yours" alike.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kajet.accounts.models import Role, User
from kajet.records.models import PrintJob, YearArchive
from kajet.school.access import roles_of
from kajet.school.models import SchoolClass, SchoolYear, Student

#: Staff who print for every class of the school.
SCHOOL_PRINTERS = frozenset({Role.PRINCIPAL})

PERMISSIONS: dict[str, frozenset[str]] = {
    # The "Printouts" page: everyone who prints something.
    "records.view": frozenset(
        {Role.HOMEROOM_TEACHER, Role.PRINCIPAL, Role.GUARDIAN, Role.STUDENT, Role.SECRETARIAT}
    ),
    # A class's register, grade and attendance summaries, record sheets: its homeroom
    # teacher; the principal for every class.
    "records.class_prints": frozenset({Role.HOMEROOM_TEACHER, Role.PRINCIPAL}),
    # Certificates: reviewed and printed by the homeroom teacher; the principal prints too.
    "records.certificates": frozenset({Role.HOMEROOM_TEACHER, Role.PRINCIPAL}),
    # The report for the family: a guardian (their child) or the student (themself).
    "records.family_report": frozenset({Role.GUARDIAN, Role.STUDENT}),
    # The whole register of a school year as XML (docs/xml/kajet-register-1.xsd).
    "records.xml_export": frozenset({Role.PRINCIPAL}),
    # The year-end archive: generated, signed, listed and downloaded by the principal.
    "records.archive": frozenset({Role.PRINCIPAL}),
    # Checking an archive ZIP (signature and files): the principal and the school office,
    # which keeps the school's documentation.
    "records.archive_verify": frozenset({Role.PRINCIPAL, Role.SECRETARIAT}),
    # The history of changes to the register, filtered and exported: the principal.
    "records.history": frozenset({Role.PRINCIPAL}),
    # The history of one's own child's (a student: one's own) grades and attendance.
    "records.family_history": frozenset({Role.GUARDIAN, Role.STUDENT}),
}


def can(user: User, action: str) -> bool:
    return bool(roles_of(user) & PERMISSIONS[action])


def require(user: User, action: str) -> None:
    if not can(user, action):
        raise Http404


def classes_for_printing(user: User) -> QuerySet[SchoolClass]:
    """The current year's classes the user prints for: every class (principal) or the
    classes they lead (homeroom teacher); none for anyone else."""
    qs = SchoolClass.objects.filter(year__is_current=True).select_related(
        "year", "homeroom_teacher"
    )
    roles = roles_of(user)
    if roles & SCHOOL_PRINTERS:
        return qs
    if Role.HOMEROOM_TEACHER in roles:
        return qs.filter(homeroom_teacher=user)
    return qs.none()


def access_print_class(
    user: User, class_id: int, *, action: str = "records.class_prints"
) -> SchoolClass:
    """A class the user may print for (``action``): their homeroom class, any class for the
    principal; 404 otherwise. Loads the year and the homeroom teacher."""
    require(user, action)
    try:
        return classes_for_printing(user).get(pk=class_id)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def may_edit_certificates(user: User, school_class: SchoolClass) -> bool:
    """Only the class's homeroom teacher fills in the certificates' achievements."""
    return school_class.homeroom_teacher_id == user.pk


def access_record_sheet_student(user: User, student_id: int) -> Student:
    """A student of a class the user prints for (record sheet); 404 otherwise."""
    require(user, "records.class_prints")
    try:
        return (
            Student.objects.select_related("user", "school_class__year", "school__grading_policy")
            .filter(school_class__in=classes_for_printing(user))
            .get(pk=student_id)
        )
    except Student.DoesNotExist:
        raise Http404 from None


def family_students(user: User) -> QuerySet[Student]:
    """The students whose report the family user may download: a guardian's children, a
    student themself."""
    qs = Student.objects.select_related("user", "school_class__year", "school__grading_policy")
    if user.kind == User.Kind.STUDENT:
        return qs.filter(user=user)
    return qs.filter(guardianships__guardian=user)


def access_report_student(user: User, student_id: int) -> Student:
    """A student whose family report the user may download; 404 otherwise."""
    require(user, "records.family_report")
    try:
        return family_students(user).get(pk=student_id)
    except Student.DoesNotExist:
        raise Http404 from None


def access_export_year(user: User, year_id: int) -> SchoolYear:
    """A school year of the user's school whose register the user may export (the
    principal); 404 otherwise."""
    require(user, "records.xml_export")
    try:
        return SchoolYear.objects.get(pk=year_id)
    except SchoolYear.DoesNotExist:
        raise Http404 from None


def access_archive_year(user: User, year_id: int) -> SchoolYear:
    """A school year of the user's school that the user may archive (the principal)."""
    require(user, "records.archive")
    try:
        return SchoolYear.objects.get(pk=year_id)
    except SchoolYear.DoesNotExist:
        raise Http404 from None


def access_archive(user: User, archive_id: int) -> YearArchive:
    """A year-end archive of the user's school (the principal); 404 otherwise. Loads the
    year and the people named on the page."""
    require(user, "records.archive")
    try:
        return YearArchive.objects.select_related("year", "requested_by", "signed_by").get(
            pk=archive_id
        )
    except YearArchive.DoesNotExist:
        raise Http404 from None


def access_print_job(user: User, job_id: int) -> PrintJob:
    """A printout made in the background for this user (of their school: the scope); 404
    for anyone else's, whatever their role."""
    try:
        return PrintJob.objects.get(pk=job_id, requested_by=user)
    except PrintJob.DoesNotExist:
        raise Http404 from None
