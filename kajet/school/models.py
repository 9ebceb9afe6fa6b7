"""School structure: years, terms, the bell schedule, classes, groups, subjects, courses,
students and guardianships. Every model is a tenant model (scoped by school)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kajet.core.collation import POLISH
from kajet.core.models import TenantModel


class SchoolYear(TenantModel):
    """A school year (e.g. 2026/2027). Exactly one per school is current."""

    name = models.CharField(_("name"), max_length=20)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_current = models.BooleanField(_("current"), default=False)
    #: When the year-end archive was signed: from then on the year's register is read-only
    #: except for documented corrections (``kajet.school.register_lock``). Set only by
    #: ``kajet.records.archive.services.archive_sign``.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="schoolyear_unique_name"),
            models.UniqueConstraint(
                fields=["school"],
                condition=models.Q(is_current=True),
                name="schoolyear_one_current",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Term(TenantModel):
    """Term I or II of a school year (okres), with its dates."""

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("term"), choices=[(1, "I"), (2, "II")])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["year", "number"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="term_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.year} — {self.get_number_display()}"


class LessonPeriod(TenantModel):
    """One period of the bell schedule (lesson 1: 8:00–8:45)."""

    number = models.PositiveSmallIntegerField(_("lesson number"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("lesson period")
        verbose_name_plural = _("bell schedule")
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="period_unique_number"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="period_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class SchoolClass(TenantModel):
    """A class (oddział), e.g. 3a, in one school year, with its homeroom teacher."""

    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(_("name"), max_length=20, db_collation=POLISH)
    level = models.PositiveSmallIntegerField(_("level"))
    homeroom_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="homeroom_classes",
        verbose_name=_("homeroom teacher"),
    )

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="class_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Subject(TenantModel):
    """A subject taught in the school (matematyka)."""

    name = models.CharField(_("name"), max_length=100, db_collation=POLISH)
    short_name = models.CharField(_("abbreviation"), max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="subject_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Student(TenantModel):
    """A student's enrolment: their login, class and class-list number.

    Ending the enrolment sets ``left_on`` and deactivates the login; nothing is deleted.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="student"
    )
    school_class = models.ForeignKey(
        SchoolClass,
        on_delete=models.PROTECT,
        related_name="students",
        verbose_name=_("class"),
    )
    class_number = models.PositiveSmallIntegerField(_("class-list number"))
    login_number = models.CharField(_("login number"), max_length=12, unique=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    enrolled_on = models.DateField(_("enrolled on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["school_class", "class_number"]
        verbose_name = _("student")
        verbose_name_plural = _("students")
        indexes = [models.Index(fields=["school", "school_class", "class_number"])]

    def __str__(self) -> str:
        return self.user.full_name

    @property
    def is_enrolled(self) -> bool:
        return self.left_on is None


class ClassGroup(TenantModel):
    """A group inside a class (a language group, PE for girls)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=60, db_collation=POLISH)

    class Meta:
        ordering = ["school_class", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "name"], name="group_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.school_class} {self.name}"


class GroupMembership(TenantModel):
    group = models.ForeignKey(ClassGroup, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "student"], name="membership_unique"),
        ]


class Course(TenantModel):
    """A teaching assignment: a teacher teaches a subject to a class (or a group of it) in a
    school year (przydział)."""

    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="courses")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="courses")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="courses", verbose_name=_("class")
    )
    group = models.ForeignKey(
        ClassGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("group"),
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("teacher"),
    )

    class Meta:
        ordering = ["school_class", "subject__name"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [models.Index(fields=["school", "teacher"])]

    def __str__(self) -> str:
        target = self.group or self.school_class
        return f"{self.subject} — {target}"


class Guardianship(TenantModel):
    """Links a guardian login to a student. A guardian may have several children; a child
    may have several guardians, each with their own login."""

    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianships"
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardianships")
    relation = models.CharField(_("relation"), max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="guardianship_unique"),
        ]
