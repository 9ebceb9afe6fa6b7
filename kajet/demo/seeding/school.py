"""Deterministic school data for the demo (seed_demo) and the benchmarks (seed_bench).

Everything is derived from a seeded ``random.Random``; the same call gives the same school.
Bulk inserts throughout, so a 1,000-student school takes seconds.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from kajet.accounts.models import Role, StaffRole, User
from kajet.accounts.services import issued_password_hash
from kajet.core.collation import polish_key
from kajet.core.models import School
from kajet.demo.seeding.names import (
    BELLS,
    FEMALE_FIRST,
    GROUP_SUBJECTS,
    MALE_FIRST,
    SHORT,
    SUBJECTS_BY_LEVEL,
    SURNAMES,
)
from kajet.school.models import (
    ClassGroup,
    Course,
    GroupMembership,
    Guardianship,
    LessonPeriod,
    SchoolClass,
    SchoolYear,
    Subject,
    Term,
)
from kajet.school.services import EnrolmentResult, GuardianInput, StudentInput, students_enrol


@dataclass
class StaffSpec:
    login: str
    first_name: str
    last_name: str
    roles: list[str]
    homeroom_of: str | None = None  # a class name


@dataclass
class SchoolSpec:
    name: str
    short_name: str
    city: str
    class_names: list[str]  # "1a", "3b", …
    students_per_class: int
    teachers: int
    first_login_number: int
    seed: int
    named_staff: list[StaffSpec] = field(default_factory=list)
    two_guardian_share: float = 0.55
    staff_login_suffix: str = ""  # keeps generated staff logins unique across many schools
    #: When set, this many students are spread over the classes (the first classes get one
    #: more when it does not divide evenly) instead of ``students_per_class`` in each.
    students_total: int | None = None
    #: When set, the first student of this class is a younger sibling in the first family:
    #: no guardian logins of their own, the first student's guardians are theirs too.
    sibling_class: str | None = None
    #: A bench school's number in its dataset (1-based). When set, the seeds key their random
    #: streams and rotations on it and on positions instead of on database ids (see
    #: ``SeededSchool.key``), so that the school's data does not depend on the ids it gets.
    number: int | None = None


@dataclass
class SeededSchool:
    school: School
    year: SchoolYear
    classes: list[SchoolClass]
    teachers: list[User]
    staff_by_login: dict[str, User]
    subjects: dict[str, Subject]
    courses: list[Course]
    #: What the seeds' random streams and rotations use instead of database ids (ADR 13):
    #: ``number`` for the school, the ``*_keys`` maps (id → key) for its classes, courses and
    #: students. Empty (the demo, tests): the ids themselves. A bench school numbers them
    #: across its dataset as a serial seed of a fresh database numbers their ids (school N's
    #: first class is (N - 1) × classes + 1), so that schools seeded in parallel, whose ids
    #: depend on which worker inserts first, get the same data as schools seeded one by one.
    number: int | None = None
    class_keys: dict[int, int] = field(default_factory=dict)
    course_keys: dict[int, int] = field(default_factory=dict)
    student_keys: dict[int, int] = field(default_factory=dict)

    @property
    def key(self) -> int:
        """The school in the seeds' random streams (``random.Random(f"…:{seeded.key}")``)."""
        return self.number if self.number is not None else self.school.pk

    def class_key(self, pk: int) -> int:
        return self.class_keys.get(pk, pk)

    def course_key(self, pk: int) -> int:
        return self.course_keys.get(pk, pk)

    def student_key(self, pk: int) -> int:
        return self.student_keys.get(pk, pk)


def dataset_keys(number: int | None, pks: list[int]) -> dict[int, int]:
    """Keys of one school's rows of a table, in creation order (``SeededSchool``): none
    without a bench number; else their ids in a serial seed of a fresh database, where every
    school of a dataset has as many rows of the table as this one."""
    if number is None:
        return {}
    base = (number - 1) * len(pks)
    return {pk: base + i + 1 for i, pk in enumerate(pks)}


def school_year_dates(today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """The Polish school year containing ``today``: 1 September to the last Friday of June."""
    start_year = today.year if today.month >= 9 else today.year - 1
    starts = datetime.date(start_year, 9, 1)
    end = datetime.date(start_year + 1, 6, 30)
    while end.weekday() != 4:
        end -= datetime.timedelta(days=1)
    return f"{start_year}/{start_year + 1}", starts, end


def _person(rng: random.Random, female: bool | None = None) -> tuple[str, str, bool]:
    if female is None:
        female = rng.random() < 0.5
    first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
    male_form, female_form = rng.choice(SURNAMES)
    return first, (female_form if female else male_form), female


def seed_school(spec: SchoolSpec, *, today: datetime.date, password: str) -> SeededSchool:
    """Create one whole school. ``password`` is set (as an issued password) on every login;
    named staff and the first families are the demo logins."""
    rng = random.Random(spec.seed)
    password_hash = issued_password_hash(password)
    school = School.objects.create(name=spec.name, short_name=spec.short_name, city=spec.city)
    year = _year_and_bells(school, today)
    staff = _staff(spec, school, rng, password_hash)
    teachers = [u for u, roles in staff if Role.TEACHER in roles]
    staff_by_login = {u.login: u for u, _ in staff}
    subject_names, subjects = _subjects(spec, school)
    classes = _classes(spec, school, year, teachers, staff_by_login)
    class_keys = dataset_keys(spec.number, [c.pk for c in classes])
    results = _families(spec, school, classes, rng, year.starts_on, password_hash)
    group_lookup = _groups(school, classes, results)
    courses = _courses(
        school,
        year,
        classes,
        teachers,
        subject_names,
        subjects,
        group_lookup,
        {c.pk: class_keys.get(c.pk, c.pk) for c in classes},
    )
    return SeededSchool(
        school,
        year,
        classes,
        teachers,
        staff_by_login,
        subjects,
        courses,
        number=spec.number,
        class_keys=class_keys,
        course_keys=dataset_keys(spec.number, [c.pk for c in courses]),
        student_keys=dataset_keys(spec.number, [r.student.pk for r in results]),
    )


def _year_and_bells(school: School, today: datetime.date) -> SchoolYear:
    """The current school year with its two terms, and the bell times."""
    year_name, starts, ends = school_year_dates(today)
    year = SchoolYear.objects.create(
        school=school, name=year_name, starts_on=starts, ends_on=ends, is_current=True
    )
    term_two = datetime.date(starts.year + 1, 2, 1)
    while term_two.weekday() != 0:
        term_two += datetime.timedelta(days=1)
    Term.objects.bulk_create(
        [
            Term(
                school=school,
                year=year,
                number=1,
                starts_on=starts,
                ends_on=term_two - datetime.timedelta(days=1),
            ),
            Term(school=school, year=year, number=2, starts_on=term_two, ends_on=ends),
        ]
    )
    LessonPeriod.objects.bulk_create(
        [
            LessonPeriod(
                school=school,
                number=i + 1,
                starts_at=datetime.time.fromisoformat(a),
                ends_at=datetime.time.fromisoformat(b),
            )
            for i, (a, b) in enumerate(BELLS)
        ]
    )
    return year


def _staff(
    spec: SchoolSpec, school: School, rng: random.Random, password_hash: str
) -> list[tuple[User, list[str]]]:
    """Staff: the named (demo) staff first, then generated teachers; with their roles."""
    staff: list[tuple[User, list[str]]] = []
    for named in spec.named_staff:
        staff.append(
            (
                User(
                    school=school,
                    kind=User.Kind.STAFF,
                    login=named.login,
                    first_name=named.first_name,
                    last_name=named.last_name,
                    email=f"{named.login}@{spec.short_name.lower().replace(' ', '')}.edu.pl",
                    password=password_hash,
                    must_change_password=False,
                ),
                named.roles,
            )
        )
    used_logins = {u.login for u, _ in staff}
    while sum(1 for _, r in staff if Role.TEACHER in r) < spec.teachers:
        first, last, _female = _person(rng)
        login = _ascii(f"{first[0]}.{last}").lower()
        n = 2
        while login in used_logins:
            login = _ascii(f"{first[0]}.{last}{n}").lower()
            n += 1
        used_logins.add(login)
        staff.append(
            (
                User(
                    school=school,
                    kind=User.Kind.STAFF,
                    login=login + spec.staff_login_suffix,
                    first_name=first,
                    last_name=last,
                    password=password_hash,
                    must_change_password=False,
                ),
                [Role.TEACHER],
            )
        )
    User.objects.bulk_create([u for u, _ in staff], batch_size=500)
    StaffRole.objects.bulk_create(
        [StaffRole(school=school, user=u, role=r) for u, roles in staff for r in roles],
        batch_size=500,
    )
    return staff


def _subjects(spec: SchoolSpec, school: School) -> tuple[list[str], dict[str, Subject]]:
    levels = sorted({int(name[:-1]) for name in spec.class_names})
    subject_names = sorted({s for lvl in levels for s in SUBJECTS_BY_LEVEL[min(lvl, 8)]})
    subjects = {
        name: Subject(school=school, name=name, short_name=SHORT.get(name, name[:4].upper()))
        for name in subject_names
    }
    Subject.objects.bulk_create(list(subjects.values()))
    return subject_names, subjects


def _classes(
    spec: SchoolSpec,
    school: School,
    year: SchoolYear,
    teachers: list[User],
    staff_by_login: dict[str, User],
) -> list[SchoolClass]:
    """Homeroom teachers: named ones for their classes, then generated teachers in turn."""
    fixed = {
        named.homeroom_of: staff_by_login[named.login]
        for named in spec.named_staff
        if named.homeroom_of
    }
    named_logins = {named.login for named in spec.named_staff}
    free = [t for t in teachers if t.login not in named_logins]
    classes = []
    for i, name in enumerate(spec.class_names):
        homeroom = fixed.get(name) or free[i % len(free)]
        classes.append(
            SchoolClass(
                school=school, year=year, name=name, level=int(name[:-1]), homeroom_teacher=homeroom
            )
        )
    SchoolClass.objects.bulk_create(classes)
    return classes


def _families(
    spec: SchoolSpec,
    school: School,
    classes: list[SchoolClass],
    rng: random.Random,
    starts: datetime.date,
    password_hash: str,
) -> list[EnrolmentResult]:
    """Students and families, enrolled through the school office's service."""
    rows: list[StudentInput] = []
    numbers: list[str] = []
    next_number = spec.first_login_number
    birth_base = starts.year - 7
    sibling_row: int | None = None
    for index, school_class in enumerate(classes):
        people = sorted(
            (_person(rng) for _ in range(_class_size(spec, index))),
            key=lambda p: (polish_key(p[1]), polish_key(p[0])),
        )
        sibling = school_class.name == spec.sibling_class and bool(rows) and bool(people)
        if sibling:
            # The first family's surname, in the sibling's form; the class list stays sorted.
            first, _last, female = people[0]
            pair = next((m, f) for m, f in SURNAMES if rows[0].last_name in (m, f))
            people[0] = (first, pair[1] if female else pair[0], female)
            named = people[0]
            people.sort(key=lambda p: (polish_key(p[1]), polish_key(p[0])))
        for first, last, female in people:
            guardians = []
            mother_first, _, _ = _person(rng, female=True)
            father_first, _, _ = _person(rng, female=False)
            female_last = next((f for m, f in SURNAMES if last in (m, f)), last)
            male_last = next((m for m, f in SURNAMES if last in (m, f)), last)
            mother = GuardianInput(
                mother_first,
                female_last,
                relation="matka",
                email=_ascii(f"{mother_first}.{female_last}").lower() + "@example.pl",
            )
            father = GuardianInput(father_first, male_last, relation="ojciec")
            if rng.random() < spec.two_guardian_share:
                guardians = [mother, father]
            else:
                guardians = [rng.choice([mother, father])]
            birth = datetime.date(birth_base - school_class.level + 1, 1, 1) + datetime.timedelta(
                days=rng.randrange(365)
            )
            if sibling and (first, last, female) == named and sibling_row is None:
                guardians = []  # linked to the first family's guardians below
                sibling_row = len(rows)
            rows.append(
                StudentInput(first, last, school_class, birth_date=birth, guardians=guardians)
            )
            numbers.append(str(next_number))
            next_number += 1
            if len(guardians) == 2:
                numbers.append(str(next_number))
                next_number += 1
    results = students_enrol(
        school=school, actor=None, rows=rows, enrolled_on=starts, login_numbers=numbers
    )
    if sibling_row is not None:
        Guardianship.objects.bulk_create(
            [
                Guardianship(
                    school=school,
                    guardian=login.user,
                    student=results[sibling_row].student,
                    relation=guardian.relation,
                )
                for login, guardian in zip(
                    results[0].guardian_logins, rows[0].guardians, strict=True
                )
            ]
        )
    # Every seeded family login gets the known password and no forced change.
    family_ids = [r.student_login.user.pk for r in results] + [
        g.user.pk for r in results for g in r.guardian_logins
    ]
    User.objects.filter(pk__in=family_ids).update(
        password=password_hash, must_change_password=False
    )
    return results


def _groups(
    school: School, classes: list[SchoolClass], results: list[EnrolmentResult]
) -> dict[tuple[int, str], ClassGroup]:
    """Groups for subjects taught in halves, each class's students split between them."""
    groups: list[ClassGroup] = []
    by_class: dict[int, list] = {}
    for r in results:
        by_class.setdefault(r.student.school_class.pk, []).append(r.student)
    for school_class in classes:
        for subject_name in SUBJECTS_BY_LEVEL[min(school_class.level, 8)]:
            if subject_name in GROUP_SUBJECTS:
                for g in (1, 2):
                    groups.append(
                        ClassGroup(
                            school=school,
                            school_class=school_class,
                            name=f"{SHORT[subject_name]} gr. {g}",
                        )
                    )
    ClassGroup.objects.bulk_create(groups)
    memberships = []
    group_lookup: dict[tuple[int, str], ClassGroup] = {
        (g.school_class.pk, g.name): g for g in groups
    }
    for school_class in classes:
        students = by_class.get(school_class.pk, [])
        for subject_name in SUBJECTS_BY_LEVEL[min(school_class.level, 8)]:
            if subject_name not in GROUP_SUBJECTS:
                continue
            half = (len(students) + 1) // 2
            for i, student in enumerate(students):
                group = group_lookup[
                    (school_class.pk, f"{SHORT[subject_name]} gr. {1 if i < half else 2}")
                ]
                memberships.append(GroupMembership(school=school, group=group, student=student))
    GroupMembership.objects.bulk_create(memberships, batch_size=1000)
    return group_lookup


def _courses(
    school: School,
    year: SchoolYear,
    classes: list[SchoolClass],
    teachers: list[User],
    subject_names: list[str],
    subjects: dict[str, Subject],
    group_lookup: dict[tuple[int, str], ClassGroup],
    class_key: dict[int, int],
) -> list[Course]:
    """Teaching assignments: each subject has a few teachers; a class keeps one per subject.
    A homeroom teacher teaches their own class at least one subject. The teachers rotate by
    ``class_key`` (``SeededSchool.class_keys``)."""
    courses: list[Course] = []
    subject_teachers: dict[str, list[User]] = {}
    for i, name in enumerate(subject_names):
        pool = [teachers[(i * 3 + k) % len(teachers)] for k in range(max(1, len(teachers) // 6))]
        subject_teachers[name] = pool
    for school_class in classes:
        for j, subject_name in enumerate(SUBJECTS_BY_LEVEL[min(school_class.level, 8)]):
            pool = subject_teachers[subject_name]
            teacher = pool[(class_key[school_class.pk] + j) % len(pool)]
            if j == 0 and school_class.homeroom_teacher is not None:
                teacher = school_class.homeroom_teacher
            if subject_name in GROUP_SUBJECTS:
                for g in (1, 2):
                    group = group_lookup[(school_class.pk, f"{SHORT[subject_name]} gr. {g}")]
                    courses.append(
                        Course(
                            school=school,
                            year=year,
                            subject=subjects[subject_name],
                            school_class=school_class,
                            group=group,
                            teacher=pool[(class_key[school_class.pk] + g) % len(pool)],
                        )
                    )
            else:
                courses.append(
                    Course(
                        school=school,
                        year=year,
                        subject=subjects[subject_name],
                        school_class=school_class,
                        teacher=teacher,
                    )
                )
    Course.objects.bulk_create(courses, batch_size=1000)
    return courses


def _class_size(spec: SchoolSpec, index: int) -> int:
    if spec.students_total is None:
        return spec.students_per_class
    base, extra = divmod(spec.students_total, len(spec.class_names))
    return base + (1 if index < extra else 0)


_ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")


def _ascii(text: str) -> str:
    return text.translate(_ASCII)
