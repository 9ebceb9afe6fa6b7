"""The school's scales for current marks and which levels and subjects use them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.core.models import School
from kajet.grades.mark_scales import Scale, scale_problems, value_of
from kajet.grades.models import Grade, MarkScale, MarkScaleAssignment, scale_from_row
from kajet.grades.selectors.common import school_policy
from kajet.school.models import Subject

SCALE = "grades.scale"
ASSIGNMENT = "grades.scale_assignment"


class ScaleInvalid(Exception):
    """The scale or assignment cannot be saved; ``problems`` are shown to the user."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _row_data(scale: Scale) -> dict[str, object]:
    return {
        "name": scale.name.strip(),
        "kind": scale.kind,
        "symbols": [
            {
                "symbol": s.symbol,
                "meaning": s.meaning.strip(),
                "value": str(s.value) if s.value is not None else None,
            }
            for s in scale.symbols
        ],
        "thresholds": [{"percent": str(t.percent), "grade": t.grade} for t in scale.thresholds],
    }


@transaction.atomic
def scale_save(*, actor: User, school: School, row: MarkScale | None, scale: Scale) -> MarkScale:
    """Create (``row`` None) or change a scale, all or nothing: ScaleInvalid lists what is
    wrong (``mark_scales.scale_problems``, a name in use, a kind changed while marks use
    the scale) and nothing is saved. When a changed scale gives its symbols or points
    other values, the current school year's marks on it take the new values — the rule of
    a changed policy (``policy.marks_recompute``); earlier years keep theirs."""
    problems = scale_problems(scale)
    data = _row_data(scale)
    name_taken = MarkScale.objects.filter(school=school, name__iexact=data["name"])
    if row is not None:
        name_taken = name_taken.exclude(pk=row.pk)
    if data["name"] and name_taken.exists():
        problems.append(_("A scale with this name already exists."))
    if row is not None and row.kind != scale.kind and row.columns.exists():
        problems.append(_("Marks were entered on this scale: its kind cannot change."))
    if problems:
        raise ScaleInvalid(problems)
    old = None
    if row is None:
        row = MarkScale(school=school)
        code = "grades.scale.created"
    else:
        old = {name: getattr(row, name) for name in data}
        code = "grades.scale.changed"
    for name, value in data.items():
        setattr(row, name, value)
    row.save()
    new = dict(data)
    if old is not None:
        new["marks_recomputed"] = _marks_recompute(row)
    history_record(
        school=school, actor=actor, code=code, object_type=SCALE, object_id=row.pk, old=old, new=new
    )
    return row


def _marks_recompute(row: MarkScale) -> int:
    """The current year's marks on the scale take its values now (one read, one bulk
    UPDATE of the marks whose value changed)."""
    scale = scale_from_row(row)
    policy = school_policy(row.school_id)
    changed = []
    marks = Grade.objects.filter(
        column__scale=row, column__term__year__is_current=True, deleted_at__isnull=True
    ).only("id", "text", "value")
    for grade in marks:
        value = value_of(grade.text, scale, policy)
        if value != grade.value:
            grade.value = value
            changed.append(grade)
    Grade.objects.bulk_update(changed, ["value"], batch_size=500)
    return len(changed)


@dataclass(frozen=True)
class AssignmentInput:
    """A scale for a class level, a subject, or a subject in one level."""

    scale: MarkScale
    level: int | None
    subject: Subject | None


@transaction.atomic
def scale_assign(*, actor: User, school: School, data: AssignmentInput) -> MarkScaleAssignment:
    """Give a level and/or a subject a scale; an existing assignment for the same level and
    subject is replaced (history keeps the old scale). Columns already entered keep the
    scale they were entered on."""
    problems = []
    if data.level is None and data.subject is None:
        problems.append(_("Choose a class level, a subject or both."))
    if data.level is not None and not 1 <= data.level <= 8:
        problems.append(_("A class level is from 1 to 8."))
    if data.scale.school_id != school.pk or (
        data.subject is not None and data.subject.school_id != school.pk
    ):
        problems.append(_("Unknown scale or subject."))
    if problems:
        raise ScaleInvalid(problems)
    existing = (
        MarkScaleAssignment.objects.select_for_update()
        .order_by()  # the default ordering joins the subject, which FOR UPDATE refuses
        .filter(school=school, level=data.level, subject=data.subject)
        .first()
    )
    old = {"scale": existing.scale_id} if existing is not None else None
    if existing is None:
        existing = MarkScaleAssignment(school=school, level=data.level, subject=data.subject)
    existing.scale = data.scale
    try:
        with transaction.atomic():
            existing.save()
    except IntegrityError:  # a parallel save of the same level and subject
        raise ScaleInvalid([_("This level and subject already have a scale.")]) from None
    history_record(
        school=school,
        actor=actor,
        code="grades.scale.assigned",
        object_type=ASSIGNMENT,
        object_id=existing.pk,
        old=old,
        new={"scale": data.scale.pk, "level": data.level, "subject": existing.subject_id},
    )
    return existing


@transaction.atomic
def scale_unassign(*, actor: User, assignment: MarkScaleAssignment) -> None:
    """Take a scale away from a level/subject (its courses return to the standard scale for
    new columns; entered columns keep theirs). The assignment is configuration, not
    register data: it is removed, with a history entry."""
    old = {
        "scale": assignment.scale_id,
        "level": assignment.level,
        "subject": assignment.subject_id,
    }
    pk = assignment.pk
    assignment.delete()
    history_record(
        school=School(pk=assignment.school_id),
        actor=actor,
        code="grades.scale.unassigned",
        object_type=ASSIGNMENT,
        object_id=pk,
        old=old,
        new=None,
    )
