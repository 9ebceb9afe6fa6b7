"""Certificates and record sheets (arkusz ocen)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from kajet.attendance.models import AttendanceMark
from kajet.attendance.selectors import MarkRow, student_statistics
from kajet.attendance.selectors import StudentStatistics as AttendanceStatistics
from kajet.grades.models import BehaviourGrade, Grade
from kajet.grades.scale import BEHAVIOUR_WORDS, grade_in_words
from kajet.grades.selectors import (
    StudentGrades,
    SubjectView,
)
from kajet.grades.services import school_policy
from kajet.records import rules
from kajet.records.models import CertificateNote
from kajet.records.selectors.attendance import attendance_threshold
from kajet.records.selectors.classes import class_data
from kajet.records.selectors.summary import class_student_grades
from kajet.school.models import (
    SchoolClass,
    SchoolYear,
    Student,
    Term,
)

#: The fields of ``attendance.selectors.MarkRow``, in its order.
MARK_ROW_FIELDS = (
    "pk",
    "lesson__date",
    "lesson__period__number",
    "lesson__course__subject_id",
    "lesson__course__subject__name",
    "type__code",
    "type__colour",
    "type__name",
    "type__kind",
)


@dataclass
class CertificateLine:
    subject: str
    value: int | None
    words: str
    descriptive: str


@dataclass
class Certificate:
    student: Student
    lines: list[CertificateLine]
    behaviour: int | None
    behaviour_words: str
    achievements: str
    average: Decimal | None
    promoted: bool
    distinction: bool
    descriptive: bool
    template: rules.Template
    missing: list[str] = field(default_factory=list)


@dataclass
class CertificateBatch:
    school_class: SchoolClass
    certificates: list[Certificate]
    subject_views: list[list[SubjectView]] = field(default_factory=list)  # per certificate

    @property
    def missing(self) -> list[tuple[Student, list[str]]]:
        return [(c.student, c.missing) for c in self.certificates if c.missing]

    @property
    def ready(self) -> bool:
        return bool(self.certificates) and not self.missing


def _certificate(
    student_grades: StudentGrades,
    behaviour: BehaviourGrade | None,
    note: str,
    descriptive: bool,
    level: int,
) -> Certificate:
    lines, missing = [], []
    for view in student_grades.subjects:
        final = view.final_annual
        name = view.course.subject.name
        if final is None or (final.value is None and not final.descriptive):
            missing.append(name)
            lines.append(CertificateLine(name, None, "", ""))
            continue
        value = int(final.value) if final.value is not None else None
        words = _polish_words(grade_in_words(value)) if value else ""
        lines.append(CertificateLine(name, value, words, final.descriptive))
    value = behaviour.value if behaviour is not None else None
    if value is None:
        missing.append(str(_("behaviour")))
    values = [line.value for line in lines]
    average = None if descriptive else rules.annual_average(values)
    distinction = rules.with_distinction(average, value, descriptive=descriptive)
    return Certificate(
        student=student_grades.student,
        lines=lines,
        behaviour=value,
        behaviour_words=_polish_words(BEHAVIOUR_WORDS.get(value or 0, "")),
        achievements=note,
        average=average,
        promoted=rules.promoted(values, descriptive=descriptive),
        distinction=distinction,
        descriptive=descriptive,
        template=rules.template_for(level, descriptive=descriptive, distinction=distinction),
        missing=missing,
    )


def _polish_words(label: object) -> str:
    """A scale label in Polish ("bardzo dobre"): the certificate is a Polish document
    whatever the interface language."""
    with translation.override("pl"):
        return str(label)


def certificates(
    school_class: SchoolClass, *, students: list[Student] | None = None
) -> CertificateBatch:
    """The class's certificates (or those of some of its ``students``) with everything the
    template prints, and for each student what is missing (a final annual grade, the annual
    behaviour grade). A fixed number of queries."""
    data = class_data(school_class)
    if students is not None:
        wanted = {s.pk for s in students}
        data.students = [s for s in data.students if s.pk in wanted] or students
    policy = school_policy(school_class.school_id)
    descriptive = school_class.level <= policy.descriptive_up_to_level
    behaviour = {
        b.student_id: b
        for b in BehaviourGrade.objects.filter(
            student__school_class=school_class, year_id=school_class.year_id, term__isnull=True
        )
    }
    notes = dict(
        CertificateNote.objects.filter(
            student__school_class=school_class, year_id=school_class.year_id
        ).values_list("student_id", "achievements")
    )
    grades = class_student_grades(data)
    return CertificateBatch(
        school_class,
        [
            _certificate(
                sg,
                behaviour.get(sg.student.pk),
                notes.get(sg.student.pk, ""),
                descriptive,
                school_class.level,
            )
            for sg in grades
        ],
        [sg.subjects for sg in grades],
    )


@dataclass
class RecordSheet:
    """Arkusz ocen: the student's year — term and annual grades, behaviour, attendance,
    promotion and achievements."""

    student: Student
    certificate: Certificate
    rows: list[tuple[CertificateLine, list[str]]]  # each subject's line, final term grades
    attendance: AttendanceStatistics


def _grade_text(grade: Grade | None) -> str:
    if grade is None:
        return ""
    return grade.text or grade.descriptive


def _year_marks(student_ids: list[int], year: SchoolYear) -> dict[int, list[MarkRow]]:
    """The students' attendance rows of the year as the attendance page reads them (one
    query for all)."""
    found: dict[int, list[MarkRow]] = defaultdict(list)
    for row in (
        AttendanceMark.objects.filter(
            student_id__in=student_ids,
            lesson__date__gte=year.starts_on,
            lesson__date__lte=year.ends_on,
        )
        .order_by("lesson__date", "lesson__period__number")
        .values_list("student_id", *MARK_ROW_FIELDS)
    ):
        found[row[0]].append(MarkRow(*row[1:]))
    return found


def record_sheets(school_class: SchoolClass, students: list[Student]) -> list[RecordSheet]:
    """The record sheets of some students of a class for the class's year: the same
    certificate data, the final term grades and the year's attendance statistics. A fixed
    number of queries whatever the number of students."""
    batch = certificates(school_class, students=students)
    year = school_class.year
    terms = list(Term.objects.filter(year=year).order_by("number"))
    threshold = attendance_threshold(school_class.school_id)
    marks = _year_marks([s.pk for s in students], year)
    sheets = []
    for certificate, views in zip(batch.certificates, batch.subject_views, strict=True):
        rows = [
            (line, [_grade_text(t.final) for t in view.terms])
            for line, view in zip(certificate.lines, views, strict=True)
        ]
        statistics = student_statistics(marks.get(certificate.student.pk, []), terms, threshold)
        sheets.append(RecordSheet(certificate.student, certificate, rows, statistics))
    return sheets
