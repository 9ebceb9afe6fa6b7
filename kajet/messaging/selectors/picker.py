"""The recipient picker: the groups and people a writer may choose from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kajet.accounts.models import Role, StaffRole, User
from kajet.core.collation import polish_key
from kajet.messaging.recipients import (
    ROLE_GROUPS,
    Kind,
    Writer,
)
from kajet.messaging.selectors.facts import writer_for
from kajet.school.models import (
    ClassGroup,
    Course,
    SchoolClass,
    Student,
)

ROLE_GROUP_LABELS: dict[str, Any] = {
    Role.PEDAGOGUE: gettext_lazy("School pedagogue"),
    Role.PSYCHOLOGIST: gettext_lazy("School psychologist"),
    Role.SCHOOL_ADMIN: gettext_lazy("School administrator"),
    Role.SECRETARIAT: gettext_lazy("Secretariat"),
    Role.PRINCIPAL: gettext_lazy("Principal"),
    Role.TEACHER: gettext_lazy("All teachers"),
}


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
    return student_opts, sorted(guardian_opts.values(), key=lambda o: polish_key(o.label))


def _family_teacher_groups(writer: Writer) -> tuple[list[OptionGroup], dict[int, SchoolClass]]:
    """A family's homeroom teachers and teachers (with their subjects), and its classes."""
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
        c.pk: c for c in SchoolClass.objects.filter(pk__in=writer.family_class_ids).order_by("name")
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
                    ", ".join(sorted(subjects.get(teacher.pk, set()), key=polish_key)),
                )
            )
    return [g for g in (homeroom_group, teacher_group) if g.options], classes


def _family_options(writer: Writer, held_roles: set[str]) -> list[OptionGroup]:
    """What a guardian or student may write to: their teachers, the councils of their
    children's classes (guardians), and the staff roles the family may reach."""
    groups, classes = _family_teacher_groups(writer)
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


def _whole_school_groups(writer: Writer) -> list[OptionGroup]:
    if not writer.is_school_wide:
        return []
    return [
        OptionGroup(
            _("Whole school"),
            [
                Option(str(Kind.ALL_GUARDIANS), _("All guardians")),
                Option(str(Kind.ALL_STUDENTS), _("All students")),
                Option(str(Kind.STAFF), _("All staff")),
            ],
        )
    ]


def _class_groups(writer: Writer) -> list[OptionGroup]:
    """One group per class the staff member may write to."""
    groups: list[OptionGroup] = []
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
    return groups


def _taught_group_groups(writer: Writer) -> list[OptionGroup]:
    return [
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
        for class_group in ClassGroup.objects.filter(pk__in=writer.taught_group_ids).select_related(
            "school_class"
        )
    ]


def _chosen_people_groups(writer: Writer) -> list[OptionGroup]:
    """Chosen people of the classes and groups the writer teaches (not school-wide: too many)."""
    people_classes = writer.taught_class_ids | writer.homeroom_class_ids
    if not people_classes and not writer.taught_group_ids:
        return []
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
    return [
        OptionGroup(_("Chosen guardians"), guardian_opts, people=True, folded=True),
        OptionGroup(_("Chosen students"), student_opts, people=True, folded=True),
    ]


def _staff_groups(user: User, writer: Writer, held_roles: set[str]) -> list[OptionGroup]:
    staff_group = OptionGroup(_("Staff"))
    if not writer.is_school_wide:
        staff_group.options.append(Option(str(Kind.STAFF), _("All staff")))
    for role in ROLE_GROUPS:
        if role in held_roles:
            staff_group.options.append(Option(f"role:{role}", str(ROLE_GROUP_LABELS[role])))
    staff_people = OptionGroup(_("Chosen staff members"), people=True, folded=True)
    for member in (
        User.objects.filter(kind=User.Kind.STAFF, is_active=True, school_id=user.school_id or 0)
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name")
        .only("id", "first_name", "last_name")
    ):
        staff_people.options.append(Option(f"person:{member.pk}", member.sort_name))
    return [staff_group, staff_people]


def recipient_options_for(user: User, writer: Writer | None = None) -> list[OptionGroup]:
    """The groups and people ``user`` may write to, for the picker and the API (a fixed
    number of queries for the user's role)."""
    writer = writer or writer_for(user)
    held_roles = set(StaffRole.objects.values_list("role", flat=True).distinct())
    if not writer.is_staff:
        return _family_options(writer, held_roles)
    return [
        *_whole_school_groups(writer),
        *_class_groups(writer),
        *_taught_group_groups(writer),
        *_chosen_people_groups(writer),
        *_staff_groups(user, writer, held_roles),
    ]
