"""The class's parents' council (trójka klasowa), set by the homeroom teacher."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.messaging.models import CouncilMember
from kajet.school.models import Guardianship, SchoolClass


@transaction.atomic
def council_set(*, actor: User, school_class: SchoolClass, guardian_ids: Iterable[int]) -> None:
    """Sets the class parents' council to these guardians of the class (the homeroom teacher
    appoints it). Guardians of other classes are refused."""
    wanted = set(guardian_ids)
    of_class = set(
        Guardianship.objects.filter(
            student__school_class=school_class, student__left_on__isnull=True
        ).values_list("guardian_id", flat=True)
    )
    if wanted - of_class:
        raise ValidationError(_("Only guardians of the class can be on its council."))
    current = set(
        CouncilMember.objects.filter(school_class=school_class).values_list(
            "guardian_id", flat=True
        )
    )
    CouncilMember.objects.filter(
        school_class=school_class, guardian_id__in=current - wanted
    ).delete()
    CouncilMember.objects.bulk_create(
        [
            CouncilMember(
                school_id=school_class.school_id,
                school_class=school_class,
                guardian_id=gid,
                appointed_by=actor,
            )
            for gid in sorted(wanted - current)
        ]
    )
    if wanted != current:
        history_record(
            school=school_class.school,
            actor=actor,
            code="messaging.council.changed",
            object_type="school_class",
            object_id=school_class.pk,
            old=sorted(current),
            new=sorted(wanted),
        )
