"""Grades: the school's grading policy and categories, grade columns, grades of every kind
(current, proposed/final term, proposed/final annual), behaviour grades and the family's
"last seen" marker. Every change goes through ``services`` and leaves history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kajet.core.models import School, TenantModel
from kajet.grades.mark_scales import Scale, ScaleKind, Symbol, Threshold, meaning_of
from kajet.grades.scale import BEHAVIOUR_WORDS, CorrectionRule, Policy, grade_in_words
from kajet.school.models import Course, SchoolYear, Student, Subject, Term


class GradingPolicy(TenantModel):
    """The school's grading rules, one row per school (a school without one uses the
    defaults of ``scale.Policy``). Read it as plain values with ``rules()``."""

    # One per school; the reverse accessor lets a page load the policy in a join.
    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="grading_policy")
    plus_value = models.DecimalField(
        _("value of +"), max_digits=3, decimal_places=2, default=Decimal("0.5")
    )
    minus_value = models.DecimalField(
        _("value of -"), max_digits=3, decimal_places=2, default=Decimal("0.25")
    )
    valueless_marks = models.JSONField(
        _("marks without a value"),
        default=list,
        blank=True,
        help_text=_("Marks that never count toward an average, e.g. np, bz, +, -."),
    )
    correction_rule = models.CharField(
        _("correction rule"),
        max_length=20,
        default=CorrectionRule.BOTH,
        choices=[
            (CorrectionRule.BOTH, _("both the original and the correction count")),
            (CorrectionRule.CORRECTION_ONLY, _("only the correction counts")),
            (CorrectionRule.ORIGINAL_ZERO, _("the original stays with weight 0")),
        ],
    )
    threshold_6 = models.DecimalField(
        _("average for 6"), max_digits=3, decimal_places=2, default=Decimal("5.51")
    )
    threshold_5 = models.DecimalField(
        _("average for 5"), max_digits=3, decimal_places=2, default=Decimal("4.51")
    )
    threshold_4 = models.DecimalField(
        _("average for 4"), max_digits=3, decimal_places=2, default=Decimal("3.51")
    )
    threshold_3 = models.DecimalField(
        _("average for 3"), max_digits=3, decimal_places=2, default=Decimal("2.51")
    )
    threshold_2 = models.DecimalField(
        _("average for 2"), max_digits=3, decimal_places=2, default=Decimal("1.51")
    )
    show_averages_to_family = models.BooleanField(
        _("show averages to guardians and students"), default=True
    )
    descriptive_up_to_level = models.PositiveSmallIntegerField(
        _("descriptive term grades up to class level"), default=3
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grading policy")
        verbose_name_plural = _("grading policies")

    def __str__(self) -> str:
        return f"grading policy of school {self.school_id}"

    def rules(self) -> Policy:
        return policy_from_row(self)


DEFAULT_VALUELESS = ("np", "bz", "+", "-")


def policy_from_row(row: GradingPolicy | None) -> Policy:
    """The pure policy for a row, or the defaults when the school has none yet."""
    if row is None:
        return Policy()
    return Policy(
        plus_value=row.plus_value,
        minus_value=row.minus_value,
        valueless=tuple(row.valueless_marks) if row.valueless_marks else DEFAULT_VALUELESS,
        correction_rule=row.correction_rule,
        thresholds=(
            (row.threshold_6, 6),
            (row.threshold_5, 5),
            (row.threshold_4, 4),
            (row.threshold_3, 3),
            (row.threshold_2, 2),
        ),
        show_averages_to_family=row.show_averages_to_family,
        descriptive_up_to_level=row.descriptive_up_to_level,
    )


class GradeCategory(TenantModel):
    """A kind of mark (test, quiz, oral answer, …) with its weight, whether it counts toward
    the average, and the colour marks of this category are shown in."""

    name = models.CharField(_("name"), max_length=60)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=Decimal(1))
    counts_toward_average = models.BooleanField(_("counts toward the average"), default=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1f6feb")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    # Part of the stamp that keys the cached family grades page (selectors.grades_page_key).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("grade category")
        verbose_name_plural = _("grade categories")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="gradecategory_unique_name"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="category_weight_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name


class MarkScale(TenantModel):
    """A school's own scale for current marks (symbols, points or text comments; the
    standard 1–6 scale needs no row). ``symbols``: ``[{"symbol", "meaning", "value"}]`` with
    the value a decimal string or null; ``thresholds``: ``[{"percent", "grade"}]``, lowest
    first. Kept as JSON so that a page loads a column's scale in the column's join. Read it
    as plain values with ``rules()``; change it through ``services.scale_save`` (history)."""

    class Kind(models.TextChoices):
        SYMBOLS = ScaleKind.SYMBOLS, _("symbols")
        POINTS = ScaleKind.POINTS, _("points")
        TEXT = ScaleKind.TEXT, _("text comments")

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    symbols = models.JSONField(_("symbols"), default=list, blank=True)
    thresholds = models.JSONField(_("thresholds"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Part of the stamp that keys the cached family grades page (page_cache).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("mark scale")
        verbose_name_plural = _("mark scales")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="markscale_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def rules(self) -> Scale:
        return scale_from_row(self)


def scale_from_row(row: MarkScale | None) -> Scale:
    """The pure scale of a row; the standard scale for None (a column without a scale)."""
    if row is None:
        return Scale()
    return Scale(
        kind=row.kind,
        name=row.name,
        symbols=tuple(
            Symbol(
                str(item.get("symbol", "")),
                str(item.get("meaning", "")),
                Decimal(item["value"]) if item.get("value") is not None else None,
            )
            for item in row.symbols or []
        ),
        thresholds=tuple(
            Threshold(Decimal(str(item["percent"])), int(item["grade"]))
            for item in row.thresholds or []
        ),
    )


class MarkScaleAssignment(TenantModel):
    """Which courses use a scale: a class level, a subject, or a subject in one level (the
    most specific wins, ``mark_scales.choose_scale``). No row: the standard scale."""

    scale = models.ForeignKey(MarkScale, on_delete=models.PROTECT, related_name="assignments")
    level = models.PositiveSmallIntegerField(_("class level"), null=True, blank=True)
    subject = models.ForeignKey(
        Subject,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("subject"),
    )

    class Meta:
        ordering = ["level", "subject__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=False) | models.Q(subject__isnull=False),
                name="markscaleassignment_level_or_subject",
            ),
            models.UniqueConstraint(
                fields=["school", "level", "subject"],
                condition=models.Q(level__isnull=False, subject__isnull=False),
                name="markscaleassignment_one_per_level_subject",
            ),
            models.UniqueConstraint(
                fields=["school", "level"],
                condition=models.Q(subject__isnull=True),
                name="markscaleassignment_one_per_level",
            ),
            models.UniqueConstraint(
                fields=["school", "subject"],
                condition=models.Q(level__isnull=True),
                name="markscaleassignment_one_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scale_id}:{self.level}:{self.subject_id}"


class GradeColumn(TenantModel):
    """One column of a course's grade sheet in a term: a test on a date, in a category, with
    an optional weight that overrides the category's."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="grade_columns")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(GradeCategory, on_delete=models.PROTECT, related_name="columns")
    description = models.CharField(_("description"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    weight = models.DecimalField(
        _("weight (overrides the category)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
    )
    # The scale the column's marks were entered on (empty: the standard scale). Kept on the
    # column so that a later change of the course's scale leaves earlier marks readable.
    scale = models.ForeignKey(
        MarkScale, null=True, blank=True, on_delete=models.PROTECT, related_name="columns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Part of the stamp that keys the cached family grades page (selectors.grades_page_key).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("grade column")
        verbose_name_plural = _("grade columns")
        indexes = [models.Index(fields=["school", "course", "term"])]

    def __str__(self) -> str:
        return f"{self.category} {self.date}"

    @property
    def effective_weight(self) -> Decimal:
        return self.weight if self.weight is not None else self.category.weight


class Grade(TenantModel):
    """A grade of one student in one course: a current mark (in a column) or a proposed /
    final term or annual grade. Never deleted: a deletion sets ``deleted_at`` with a reason.

    ``version`` grows with each change; a save that names an older version is refused
    (optimistic concurrency between two teachers). A correction is a new current grade in
    the same column whose ``corrects`` points at the original.
    """

    class Kind(models.TextChoices):
        CURRENT = "current", _("current grade")
        PROPOSED_TERM = "proposed_term", _("proposed term grade")
        FINAL_TERM = "final_term", _("final term grade")
        PROPOSED_ANNUAL = "proposed_annual", _("proposed annual grade")
        FINAL_ANNUAL = "final_annual", _("final annual grade")

    TERM_KINDS = (Kind.PROPOSED_TERM, Kind.FINAL_TERM)
    ANNUAL_KINDS = (Kind.PROPOSED_ANNUAL, Kind.FINAL_ANNUAL)

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="grades")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="grades")
    # The term of a current or term grade; empty for annual grades.
    term = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CURRENT)
    column = models.ForeignKey(
        GradeColumn, null=True, blank=True, on_delete=models.PROTECT, related_name="grades"
    )
    text = models.CharField(_("mark"), max_length=10, blank=True)
    value = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    descriptive = models.TextField(_("descriptive grade"), blank=True)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # A default (not auto_now_add) so that imported and seeded grades keep their own time.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delete_reason = models.CharField(_("reason for deletion"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        indexes = [
            models.Index(fields=["school", "student", "course"]),
            models.Index(fields=["school", "course", "term"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["column", "student"],
                condition=models.Q(
                    corrects__isnull=True, deleted_at__isnull=True, column__isnull=False
                ),
                name="grade_one_per_column",
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                condition=models.Q(corrects__isnull=False, deleted_at__isnull=True),
                name="grade_one_correction",
            ),
            models.UniqueConstraint(
                fields=["student", "course", "term", "kind"],
                condition=models.Q(
                    kind__in=["proposed_term", "final_term"], deleted_at__isnull=True
                ),
                name="grade_one_term_grade",
            ),
            models.UniqueConstraint(
                fields=["student", "course", "kind"],
                condition=models.Q(
                    kind__in=["proposed_annual", "final_annual"], deleted_at__isnull=True
                ),
                name="grade_one_annual_grade",
            ),
        ]

    def __str__(self) -> str:
        return self.text or self.descriptive[:20]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def shown(self) -> str:
        """What a short cell shows: the mark, or the start of a descriptive grade."""
        if self.text:
            return self.text
        return self.descriptive[:30] + ("…" if len(self.descriptive) > 30 else "")

    @property
    def meaning(self) -> str:
        """What a current mark means on its column's scale: a symbol's meaning (``W`` →
        "wspaniale"), the percentage of points; empty on the standard scale. Reads the
        column and its scale as loaded with the grade (``select_related("column__scale")``)."""
        column = self.column if self.column_id is not None else None
        if column is None or column.scale_id is None:
            return ""
        return meaning_of(self.text, scale_from_row(column.scale))

    @property
    def in_words(self) -> str:
        """A term or annual grade in words (celujący …); empty for a descriptive one."""
        if self.value is None or self.kind == self.Kind.CURRENT:
            return ""
        return grade_in_words(int(self.value))

    def snapshot(self) -> dict[str, object]:
        """The values history keeps for this grade."""
        return {
            "text": self.text,
            "value": str(self.value) if self.value is not None else None,
            "descriptive": self.descriptive,
            "comment": self.comment,
            "kind": self.kind,
            "student": self.student_id,
            "course": self.course_id,
            "term": self.term_id,
            "column": self.column_id,
            "corrects": self.corrects_id,
            "version": self.version,
        }


class BehaviourGrade(TenantModel):
    """A behaviour grade (wzorowe … naganne, stored 6 … 1) for a term or the year (``term``
    empty), set by the class's homeroom teacher."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="behaviour_grades")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveSmallIntegerField(_("behaviour"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("behaviour grade")
        verbose_name_plural = _("behaviour grades")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term"],
                condition=models.Q(term__isnull=False),
                name="behaviour_one_per_term",
            ),
            models.UniqueConstraint(
                fields=["student", "year"],
                condition=models.Q(term__isnull=True),
                name="behaviour_one_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=6), name="behaviour_value_1_6"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}:{self.value}"

    @property
    def in_words(self) -> str:
        return str(BEHAVIOUR_WORDS.get(self.value, ""))


class GradesVisit(TenantModel):
    """When a family user last looked at a student's grades: marks added after it are
    highlighted as new on the next visit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "student"], name="gradesvisit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.student_id}"
