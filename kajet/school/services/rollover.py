"""The new school year: a plan read from the current year (the preview) and the rollover that
writes it in one transaction.

What moves: every class of the current year becomes a new class one level up in the new year
(its groups with it, the homeroom teacher where the administrator keeps them); students move
with their class keeping their class-list numbers and group memberships; courses are created
where the administrator confirms them; the timetable of the new year starts empty (timetable
entries belong to courses, and the new courses have none). The old year's classes, courses and
register stay as they are (``SchoolYear.archived_at`` is not touched). Graduates stay in their
old class; their enrolment ends on the set date, and their logins (and their guardians' when
no other child is enrolled) are turned off that day — at once when the date has come,
otherwise by the ``school.graduates_close`` job.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.accounts.services import sessions_end_all
from kajet.core.history import history_record, history_record_many
from kajet.core.models import School
from kajet.school.models import (
    ClassGroup,
    Course,
    GroupMembership,
    Guardianship,
    SchoolClass,
    SchoolYear,
    Student,
    Term,
)
from kajet.school.promotion import not_promoted
from kajet.school.rollover import ClassSpec, ClassStep, held_back_class, promote_classes


@dataclass
class RolloverChoices:
    """What the administrator decided on the rollover page."""

    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    second_term_on: datetime.date
    last_level: int
    graduates_leave_on: datetime.date
    keep_homeroom: set[int] = field(default_factory=set)  # class ids
    held_back: set[int] = field(default_factory=set)  # student ids
    courses: set[int] = field(default_factory=set)  # ids of last year's courses to repeat


@dataclass
class YearSnapshot:
    """The current year as the rollover reads it (a fixed number of queries)."""

    year: SchoolYear
    classes: list[SchoolClass]
    students: dict[int, list[Student]]  # class id → enrolled students
    groups: dict[int, list[ClassGroup]]  # class id → groups
    members: dict[int, set[int]]  # group id → student ids
    courses: list[Course]
    year_names: set[str]
    # student id → why the annual classification does not promote them (from the registered
    # promotion blockers, see kajet.school.promotion); proposed as not promoted.
    not_promoted: dict[int, str] = field(default_factory=dict)


@dataclass
class ClassMove:
    school_class: SchoolClass
    step: ClassStep
    homeroom: User | None  # the new class's homeroom teacher (None: none kept)
    students: list[Student]  # promoted with the class (or graduating)
    groups: list[ClassGroup]


@dataclass
class HeldBack:
    student: Student
    old_class: SchoolClass
    new_class_name: str | None  # None: stays in the old class, for the administrator
    reason: str = ""  # the annual classification's reason, when it proposed the student


@dataclass
class RolloverPlan:
    """Every change the rollover would make, and every problem that stops it."""

    snapshot: YearSnapshot
    choices: RolloverChoices
    moves: list[ClassMove]
    held_back: list[HeldBack]
    courses: list[tuple[Course, str]]  # last year's course, the new class's name
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_term_ends(self) -> datetime.date:
        return self.choices.second_term_on - datetime.timedelta(days=1)

    @property
    def promoted(self) -> list[ClassMove]:
        return [m for m in self.moves if not m.step.graduates]

    @property
    def graduating(self) -> list[ClassMove]:
        return [m for m in self.moves if m.step.graduates]


def year_snapshot(school_id: int) -> YearSnapshot | None:
    """The school's current year with its classes, enrolled students, groups, memberships and
    courses, and the students the annual classification does not promote (the registered
    promotion blockers) — a fixed number of queries whatever the size; None when no year is
    current."""
    year = SchoolYear.objects.filter(school_id=school_id, is_current=True).first()
    if year is None:
        return None
    classes = list(
        SchoolClass.objects.filter(year=year)
        .select_related("homeroom_teacher")
        .order_by("level", "name")
    )
    students: dict[int, list[Student]] = defaultdict(list)
    for student in (
        Student.objects.filter(school_class__year=year, left_on__isnull=True)
        .select_related("user")
        .order_by("class_number", "pk")
    ):
        students[student.school_class_id].append(student)
    groups: dict[int, list[ClassGroup]] = defaultdict(list)
    for group in ClassGroup.objects.filter(school_class__year=year).order_by("name"):
        groups[group.school_class_id].append(group)
    members: dict[int, set[int]] = defaultdict(set)
    for group_id, student_id in GroupMembership.objects.filter(
        group__school_class__year=year
    ).values_list("group_id", "student_id"):
        members[group_id].add(student_id)
    courses = list(
        Course.objects.filter(year=year)
        .select_related("subject", "teacher", "group", "school_class")
        .order_by("school_class__level", "school_class__name", "subject__name", "pk")
    )
    names = set(SchoolYear.objects.filter(school_id=school_id).values_list("name", flat=True))
    blocked = not_promoted(school_id, year.pk)
    return YearSnapshot(year, classes, students, groups, members, courses, names, blocked)


def _date_problems(snapshot: YearSnapshot, choices: RolloverChoices) -> list[str]:
    problems = []
    if choices.name.strip() in snapshot.year_names:
        problems.append(
            _("The school year %(name)s already exists.") % {"name": choices.name.strip()}
        )
    if choices.starts_on <= snapshot.year.ends_on:
        problems.append(
            _("The new year must start after %(year)s ends (%(date)s).")
            % {"year": snapshot.year.name, "date": snapshot.year.ends_on.isoformat()}
        )
    if not choices.starts_on < choices.second_term_on <= choices.ends_on:
        problems.append(_("Term II must start after the year starts and before it ends."))
    return problems


def rollover_plan(snapshot: YearSnapshot, choices: RolloverChoices) -> RolloverPlan:
    """What the rollover would do with these choices (no queries: reads the snapshot)."""
    specs = [ClassSpec(c.pk, c.name, c.level) for c in snapshot.classes]
    steps, problems = promote_classes(specs, last_level=choices.last_level)
    problems = _date_problems(snapshot, choices) + problems
    by_id = {c.pk: c for c in snapshot.classes}
    moves: list[ClassMove] = []
    held: list[HeldBack] = []
    for step in steps:
        school_class = by_id[step.key]
        staying = []
        for student in snapshot.students.get(step.key, []):
            if student.pk in choices.held_back:
                target = held_back_class(school_class.name, school_class.level, steps)
                reason = snapshot.not_promoted.get(student.pk, "")
                held.append(HeldBack(student, school_class, target, reason))
            else:
                staying.append(student)
        keep = step.key in choices.keep_homeroom and not step.graduates
        moves.append(
            ClassMove(
                school_class,
                step,
                school_class.homeroom_teacher if keep else None,
                staying,
                snapshot.groups.get(step.key, []),
            )
        )
    new_names = {s.key: s.next_name for s in steps if s.next_name}
    courses = [
        (c, new_names[c.school_class_id])
        for c in snapshot.courses
        if c.pk in choices.courses and c.school_class_id in new_names
    ]
    return RolloverPlan(snapshot, choices, moves, held, courses, problems)


def _new_classes(school: School, year: SchoolYear, plan: RolloverPlan) -> dict[str, SchoolClass]:
    created = SchoolClass.objects.bulk_create(
        [
            SchoolClass(
                school=school,
                year=year,
                name=m.step.next_name or "",
                level=m.step.next_level or 0,
                homeroom_teacher=m.homeroom,
            )
            for m in plan.promoted
        ]
    )
    if not all(c.pk for c in created):  # SQLite before 3.35 does not return ids
        created = list(SchoolClass.objects.filter(year=year))
    return {c.name: c for c in created}


def _new_groups(
    school: School, plan: RolloverPlan, classes: dict[str, SchoolClass]
) -> dict[int, ClassGroup]:
    """The new classes' groups (old group id → new group) and their members."""
    pairs = [
        (g, ClassGroup(school=school, school_class=classes[m.step.next_name or ""], name=g.name))
        for m in plan.promoted
        for g in m.groups
    ]
    ClassGroup.objects.bulk_create([new for _old, new in pairs])
    if not all(new.pk for _old, new in pairs):
        found = {
            (g.school_class_id, g.name): g
            for g in ClassGroup.objects.filter(school_class__in=classes.values())
        }
        pairs = [(old, found[(new.school_class_id, new.name)]) for old, new in pairs]
    mapping = {old.pk: new for old, new in pairs}
    promoted_ids = {s.pk for m in plan.promoted for s in m.students}
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(school=school, group=mapping[group_id], student_id=student_id)
            for group_id, student_ids in plan.snapshot.members.items()
            if group_id in mapping
            for student_id in student_ids
            if student_id in promoted_ids
        ],
        batch_size=500,
    )
    return mapping


def _close_logins(student_ids: list[int]) -> int:
    """Turn off the logins of these students (their enrolment has ended) and of their
    guardians who have no other enrolled child; their sessions end. Returns the count."""
    users = set(Student.objects.filter(pk__in=student_ids).values_list("user_id", flat=True))
    guardians = set(
        Guardianship.objects.filter(student_id__in=student_ids).values_list(
            "guardian_id", flat=True
        )
    )
    still_needed = set(
        Guardianship.objects.filter(
            guardian_id__in=guardians, student__left_on__isnull=True
        ).values_list("guardian_id", flat=True)
    )
    off = users | (guardians - still_needed)
    count = User.objects.filter(pk__in=off, is_active=True).update(is_active=False)
    sessions_end_all(user_ids=off)
    return count


def _move_students(
    plan: RolloverPlan, classes: dict[str, SchoolClass], today: datetime.date
) -> list[dict[str, object]]:
    """Move promoted and held-back students, end graduates' enrolment; history entries."""
    entries: list[dict[str, object]] = []
    changed: list[Student] = []
    top: dict[str, int] = {
        m.step.next_name or "": max((s.class_number for s in m.students), default=0)
        for m in plan.promoted
    }
    for move in plan.promoted:
        target = classes[move.step.next_name or ""]
        for student in move.students:
            student.school_class = target
            changed.append(student)
    for held in plan.held_back:
        if held.new_class_name is None:
            continue
        top[held.new_class_name] += 1
        held.student.school_class = classes[held.new_class_name]
        held.student.class_number = top[held.new_class_name]
        changed.append(held.student)
    Student.objects.bulk_update(changed, ["school_class", "class_number"], batch_size=500)
    for student in changed:
        entries.append(
            {
                "code": "school.student.promoted",
                "object_type": "student",
                "object_id": student.pk,
                "old": None,
                "new": {"class": student.school_class.name, "class_number": student.class_number},
            }
        )
    leave_on = plan.choices.graduates_leave_on
    graduates = [s.pk for m in plan.graduating for s in m.students]
    Student.objects.filter(pk__in=graduates).update(left_on=leave_on)
    if leave_on <= today:
        _close_logins(graduates)
    for pk in graduates:
        entries.append(
            {
                "code": "school.student.graduated",
                "object_type": "student",
                "object_id": pk,
                "old": None,
                "new": {"left_on": leave_on.isoformat()},
            }
        )
    return entries


@transaction.atomic
def year_rollover(*, school: School, actor: User, plan: RolloverPlan) -> SchoolYear:
    """Write the plan in one transaction: the new year (made current) and its two terms, the
    promoted classes with their groups, students moved, graduates' enrolment ended on the set
    date, the confirmed courses. Refuses (ValueError) a plan with problems."""
    if not plan.ok:
        raise ValueError(plan.problems)
    choices = plan.choices
    old = plan.snapshot.year
    SchoolYear.objects.filter(school=school, is_current=True).update(is_current=False)
    year = SchoolYear.objects.create(
        school=school,
        name=choices.name.strip(),
        starts_on=choices.starts_on,
        ends_on=choices.ends_on,
        is_current=True,
    )
    Term.objects.bulk_create(
        [
            Term(
                school=school,
                year=year,
                number=1,
                starts_on=choices.starts_on,
                ends_on=plan.first_term_ends,
            ),
            Term(
                school=school,
                year=year,
                number=2,
                starts_on=choices.second_term_on,
                ends_on=choices.ends_on,
            ),
        ]
    )
    classes = _new_classes(school, year, plan)
    groups = _new_groups(school, plan, classes)
    Course.objects.bulk_create(
        [
            Course(
                school=school,
                year=year,
                subject_id=course.subject_id,
                school_class=classes[name],
                group=groups.get(course.group_id) if course.group_id else None,
                teacher_id=course.teacher_id,
            )
            for course, name in plan.courses
        ]
    )
    entries = _move_students(plan, classes, timezone.localdate())
    history_record_many(school=school, actor=actor, entries=entries)
    history_record(
        school=school,
        actor=actor,
        code="school.year.rolled_over",
        object_type="schoolyear",
        object_id=year.pk,
        old={"year": old.name},
        new={
            "year": year.name,
            "classes": len(classes),
            "graduating_classes": [m.school_class.name for m in plan.graduating],
            "held_back": [h.student.pk for h in plan.held_back],
            "courses": len(plan.courses),
        },
    )
    return year


def graduates_close(*, today: datetime.date) -> int:
    """Turn off the logins of students whose enrolment ended by ``today`` but whose login is
    still on (graduates after the date set at the rollover), across every school; their
    records stay. Returns how many logins were turned off."""
    due = list(
        Student.objects.filter(left_on__lte=today, user__is_active=True).values_list(
            "pk", flat=True
        )
    )
    if not due:
        return 0
    with transaction.atomic():
        return _close_logins(due)


def students_awaiting_class(school_id: int) -> list[Student]:
    """Enrolled students still in a class of a past year (not promoted at the rollover and not
    placed yet): the administrator's list for a decision."""
    return list(
        Student.objects.filter(
            school_id=school_id, left_on__isnull=True, school_class__year__is_current=False
        )
        .select_related("user", "school_class")
        .order_by("school_class__name", "class_number")
    )
