"""Page-shaped reads of remarks, each with a fixed number of queries (tests compare 10 and
100 remarks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from kajet.accounts.models import User
from kajet.remarks.access import remarks_visible_to
from kajet.remarks.models import Kind, Remark, RemarkAcknowledgement, RemarkCategory
from kajet.school.models import SchoolClass, Student

#: How many remarks a list shows (newest first); older ones are rare on one page.
LIST_LIMIT = 300


@dataclass
class RemarkList:
    remarks: list[Remark]
    truncated: bool = False
    points: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _with_details(qs: QuerySet[Remark]) -> QuerySet[Remark]:
    acks = RemarkAcknowledgement.objects.select_related("user")
    return qs.select_related(
        "student__user",
        "student__school_class",
        "category",
        "author",
        "lesson__course__subject",
        "lesson__period",
    ).prefetch_related(Prefetch("acknowledgements", queryset=acks))


def _with_acks(rows: list[Remark], viewer: User) -> None:
    """Give each remark ``acks`` (who read it, when) and ``my_ack`` (the viewer's)."""
    for remark in rows:
        acks = list(remark.acknowledgements.all())
        remark.acks = acks  # type: ignore[attr-defined]
        remark.my_ack = next(  # type: ignore[attr-defined]
            (a for a in acks if a.user_id == viewer.pk), None
        )


def remark_rows(*, user: User, ids: list[int]) -> list[Remark]:
    """Some remarks the user may see, by id, with their details (2 queries)."""
    rows = list(_with_details(remarks_visible_to(user).filter(pk__in=ids)).order_by("pk"))
    _with_acks(rows, user)
    return rows


def _as_list(qs: QuerySet[Remark], *, viewer: User) -> RemarkList:
    rows = list(_with_details(qs).order_by("-date", "-pk")[: LIST_LIMIT + 1])
    truncated = len(rows) > LIST_LIMIT
    rows = rows[:LIST_LIMIT]
    _with_acks(rows, viewer)
    totals = qs.aggregate(
        points=Coalesce(Sum("points"), Value(0), output_field=IntegerField()),
        positive=Count("pk", filter=Q(kind=Kind.POSITIVE)),
        negative=Count("pk", filter=Q(kind=Kind.NEGATIVE)),
        neutral=Count("pk", filter=Q(kind=Kind.NEUTRAL)),
    )
    points = totals.pop("points")
    return RemarkList(rows, truncated, points, totals)


def remark_list_for_student(*, user: User, student: Student) -> RemarkList:
    """The remarks about one student the user may see, newest first, with the points total
    and counts by kind (3 queries)."""
    return _as_list(remarks_visible_to(user).filter(student=student), viewer=user)


def remark_list_for_staff(*, user: User, class_id: int | None = None) -> RemarkList:
    """The remarks a staff member sees (optionally of one class), newest first (3 queries)."""
    qs = remarks_visible_to(user)
    if class_id is not None:
        qs = qs.filter(student__school_class_id=class_id)
    return _as_list(qs, viewer=user)


@dataclass
class StudentSummary:
    student: Student
    points: int
    positive: int
    negative: int
    neutral: int


def class_summary(*, school_class: SchoolClass) -> list[StudentSummary]:
    """Every enrolled student of the class with their remarks' points total and counts by
    kind (1 query) — what the homeroom teacher weighs when proposing behaviour grades."""
    live = Q(remarks__deleted_at__isnull=True)
    students = (
        Student.objects.filter(school_class=school_class, left_on__isnull=True)
        .select_related("user")
        .annotate(
            points_total=Coalesce(
                Sum("remarks__points", filter=live), Value(0), output_field=IntegerField()
            ),
            positive=Count("remarks", filter=live & Q(remarks__kind=Kind.POSITIVE)),
            negative=Count("remarks", filter=live & Q(remarks__kind=Kind.NEGATIVE)),
            neutral=Count("remarks", filter=live & Q(remarks__kind=Kind.NEUTRAL)),
        )
        .order_by("class_number", "user__last_name", "pk")
    )
    return [
        StudentSummary(
            s,
            s.points_total,
            s.positive,
            s.negative,
            s.neutral,
        )
        for s in students
    ]


def active_categories() -> list[RemarkCategory]:
    """The school's categories in use, in their order (1 query)."""
    return list(RemarkCategory.objects.filter(is_active=True))


def all_categories() -> list[RemarkCategory]:
    """Every category of the school with how many remarks use it (1 query)."""
    return list(
        RemarkCategory.objects.annotate(
            used=Count("remarks", filter=Q(remarks__deleted_at__isnull=True))
        )
    )
