"""factory_boy factories and a two-school world for tests (Alice/Bob/Charlie, per role)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import factory
from django.contrib.auth.hashers import make_password

from kajet.accounts.models import Role, StaffRole, User
from kajet.core.models import School
from kajet.school.models import (
    ClassGroup,
    Course,
    GroupMembership,
    Guardianship,
    LessonPeriod,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    Term,
)

PASSWORD = "test-Pass-2026"
_PASSWORD_HASH = make_password(PASSWORD)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Szkoła Podstawowa nr {n + 1}")
    short_name = factory.Sequence(lambda n: f"SP {n + 1}")
    city = "Gdańsk"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    login = factory.Sequence(lambda n: f"user{n}")
    kind = User.Kind.STAFF
    first_name = factory.Iterator(["Zofia", "Łukasz", "Małgorzata", "Jędrzej", "Ewa"])
    last_name = factory.Iterator(["Wójcik", "Żak", "Kowalska", "Nowak", "Dąbrowska"])
    password = _PASSWORD_HASH
    must_change_password = False

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            StaffRole.objects.bulk_create(
                [StaffRole(school=self.school, user=self, role=r) for r in extracted]
            )


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear

    school = factory.SubFactory(SchoolFactory)
    name = "2026/2027"
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 6, 25)
    is_current = True


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    school = factory.SelfAttribute("year.school")
    year = factory.SubFactory(SchoolYearFactory)
    number = 1
    starts_on = datetime.date(2026, 9, 1)
    ends_on = datetime.date(2027, 1, 31)


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SelfAttribute("year.school")
    year = factory.SubFactory(SchoolYearFactory)
    name = factory.Sequence(lambda n: f"{n % 8 + 1}{'abcdefgh'[n // 8 % 8]}")
    level = factory.LazyAttribute(lambda o: int(o.name[0]))


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Przedmiot {n}")
    short_name = factory.Sequence(lambda n: f"P{n}")


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SelfAttribute("school_class.school")
    school_class = factory.SubFactory(SchoolClassFactory)
    user = factory.SubFactory(
        UserFactory,
        school=factory.SelfAttribute("..school"),
        kind=User.Kind.STUDENT,
        login=factory.SelfAttribute("..login_u"),
    )
    class_number = factory.Sequence(lambda n: n + 1)
    login_number = factory.Sequence(lambda n: str(9000000 + n))
    enrolled_on = datetime.date(2026, 9, 1)

    class Params:
        login_u = factory.LazyAttribute(lambda o: f"{o.login_number}u")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    school = factory.SelfAttribute("school_class.school")
    school_class = factory.SubFactory(SchoolClassFactory)
    year = factory.SelfAttribute("school_class.year")
    subject = factory.SubFactory(SubjectFactory, school=factory.SelfAttribute("..school"))
    teacher = factory.SubFactory(
        UserFactory, school=factory.SelfAttribute("..school"), roles=[Role.TEACHER]
    )
    group = None


def guardian_for(student: Student, **kwargs: Any) -> User:
    guardian = UserFactory(
        school=student.school,
        kind=User.Kind.GUARDIAN,
        login=kwargs.pop("login", None) or student.login_number,
        **kwargs,
    )
    Guardianship.objects.create(school=student.school, guardian=guardian, student=student)
    return guardian


@dataclass
class SchoolWorld:
    """One school with a person in every role (and a few extras for row-level checks)."""

    school: School
    year: SchoolYear
    term: Term
    school_class: SchoolClass  # the student's class
    other_class: SchoolClass  # a class the teacher does not teach
    subject: Subject
    course: Course  # teacher teaches school_class
    group: ClassGroup
    student: Student
    other_student: Student  # in other_class, not the guardian's child
    users: dict[str, User] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role]


def make_world(prefix: str) -> SchoolWorld:
    school = SchoolFactory(name=f"Szkoła {prefix}", short_name=f"SP {prefix}")
    year = SchoolYearFactory(school=school)
    term = TermFactory(school=school, year=year)
    TermFactory(
        school=school,
        year=year,
        number=2,
        starts_on=datetime.date(2027, 2, 1),
        ends_on=datetime.date(2027, 6, 25),
    )
    for i, (a, b) in enumerate([("08:00", "08:45"), ("08:55", "09:40"), ("09:50", "10:35")]):
        LessonPeriod.objects.create(school=school, number=i + 1, starts_at=a, ends_at=b)
    homeroom = UserFactory(school=school, login=f"{prefix}.wychowawca", roles=[Role.TEACHER])
    teacher = UserFactory(school=school, login=f"{prefix}.nauczyciel", roles=[Role.TEACHER])
    school_class = SchoolClassFactory(
        school=school, year=year, name="6b", level=6, homeroom_teacher=homeroom
    )
    other_class = SchoolClassFactory(school=school, year=year, name="2a", level=2)
    subject = SubjectFactory(school=school, name="Matematyka", short_name="MAT")
    course = CourseFactory(
        school=school, school_class=school_class, subject=subject, teacher=teacher
    )
    group = ClassGroup.objects.create(school=school, school_class=school_class, name="NIEM gr. 1")
    number = {"a": "7100001", "b": "7200001"}.get(prefix, "7300001")
    student = StudentFactory(school_class=school_class, login_number=number, class_number=1)
    GroupMembership.objects.create(school=school, group=group, student=student)
    other_student = StudentFactory(school_class=other_class, class_number=1)
    guardian = guardian_for(student)
    users = {
        Role.GUARDIAN: guardian,
        Role.STUDENT: student.user,
        Role.TEACHER: teacher,
        Role.HOMEROOM_TEACHER: homeroom,
    }
    for role in (
        Role.PEDAGOGUE,
        Role.PSYCHOLOGIST,
        Role.SECRETARIAT,
        Role.SCHOOL_ADMIN,
        Role.PRINCIPAL,
    ):
        users[role] = UserFactory(school=school, login=f"{prefix}.{role}", roles=[role])
    return SchoolWorld(
        school,
        year,
        term,
        school_class,
        other_class,
        subject,
        course,
        group,
        student,
        other_student,
        {str(k): v for k, v in users.items()},
    )
