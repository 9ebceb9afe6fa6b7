"""The school structure's forms: one ModelForm per kind (year, term, period, class, group,
subject, course), with querysets limited to the school."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kajet.accounts.models import User
from kajet.core.fields import ModelMultipleChoiceField
from kajet.core.models import School
from kajet.school.forms.fields import DATE_INPUT, TIME_INPUT
from kajet.school.models import (
    ClassGroup,
    Course,
    LessonPeriod,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    Term,
)
from kajet.school.selectors import teachers_of


def _scoped_formfield(db_field: Any, **kwargs: Any) -> Any:
    """Foreign keys get a choice field without a queryset: building the default one at
    import time would query outside any school scope (ScopeError); __init__ sets it."""
    if isinstance(db_field, models.ForeignKey):
        return forms.ModelChoiceField(
            queryset=None,
            required=not db_field.blank,
            label=kwargs.get("label") or capfirst(str(db_field.verbose_name)),
            help_text=kwargs.get("help_text") or "",
        )
    return db_field.formfield(**kwargs)


class StructureMeta:
    """Base of the structure forms' Meta: foreign keys without import-time querysets."""

    formfield_callback = _scoped_formfield


class StructureForm(forms.ModelForm):
    """Validates unique constraints that include the school (excluded from the form's fields,
    so Django would skip them): the instance is given its school before validation. A
    violation is shown at ``unique_field`` with ``unique_message``."""

    unique_field: str | None = None
    unique_message: Any = _("An entry with these values already exists.")

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.instance.school = school
        model_fields = {f.name for f in self._meta.model._meta.get_fields()}
        for name, field in self.fields.items():
            if (
                name in model_fields
                and isinstance(field, forms.ModelChoiceField)
                and field.queryset is None
            ):
                model = self._meta.model._meta.get_field(name).related_model
                if model is not None and model is not User:
                    field.queryset = model._default_manager.filter(school_id=school.pk)

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        errors = self.errors  # already collected: reading it does not validate again
        general = errors.get(NON_FIELD_ERRORS)
        if not general or not self.unique_field:
            return
        kept = [e for e in general.as_data() if e.code != "unique_together"]
        if len(kept) == len(general):
            return
        if kept:
            errors[NON_FIELD_ERRORS] = self.error_class(kept, error_class="nonfield")
        else:
            del errors[NON_FIELD_ERRORS]
        self.add_error(self.unique_field, ValidationError(self.unique_message, code="unique"))

    def _get_validation_exclusions(self) -> set[str]:
        exclusions: set[str] = set(super()._get_validation_exclusions())  # type: ignore[misc]
        exclusions.discard("school")
        return exclusions


class SchoolYearForm(StructureForm):
    unique_field = "name"
    unique_message = _("A school year with this name already exists.")

    class Meta(StructureMeta):
        model = SchoolYear
        fields = ["name", "starts_on", "ends_on", "is_current"]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end <= start:
            self.add_error("ends_on", _("The end must be after the start."))
        return data

    def _get_validation_exclusions(self) -> set[str]:
        # Making this year current un-marks the other one (the service does it), so the
        # "one current year" constraint is not a form error.
        return super()._get_validation_exclusions() | {"is_current"}


class TermForm(StructureForm):
    unique_field = "number"
    unique_message = _("This school year already has this term.")

    class Meta(StructureMeta):
        model = Term
        fields = ["year", "number", "starts_on", "ends_on"]
        labels = {"year": _("School year")}
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end, year = data.get("starts_on"), data.get("ends_on"), data.get("year")
        if start and end and end <= start:
            self.add_error("ends_on", _("The end must be after the start."))
        if year and start and not year.starts_on <= start <= year.ends_on:
            self.add_error("starts_on", _("The term must lie within its school year."))
        if year and end and not year.starts_on <= end <= year.ends_on:
            self.add_error("ends_on", _("The term must lie within its school year."))
        return data


class LessonPeriodForm(StructureForm):
    unique_field = "number"
    unique_message = _("The bell schedule already has a lesson with this number.")

    class Meta(StructureMeta):
        model = LessonPeriod
        fields = ["number", "starts_at", "ends_at"]
        widgets = {"starts_at": TIME_INPUT, "ends_at": TIME_INPUT}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


class SchoolClassForm(StructureForm):
    unique_field = "name"
    unique_message = _("A class with this name already exists in this school year.")

    class Meta(StructureMeta):
        model = SchoolClass
        fields = ["year", "name", "level", "homeroom_teacher"]
        labels = {"year": _("School year")}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, school=school, **kwargs)
        field = self.fields["homeroom_teacher"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teachers_of(school.pk)
        field.help_text = _("Staff members with the teacher role.")
        level = self.fields["level"]
        assert isinstance(level, forms.IntegerField)
        level.min_value, level.max_value = 0, 8
        level.validators += [MinValueValidator(0), MaxValueValidator(8)]
        level.widget.attrs.update({"min": 0, "max": 8})


class MemberChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.class_number}. {obj.user.sort_name}"


class ClassGroupForm(StructureForm):
    members = MemberChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Members"),
    )

    unique_field = "name"
    unique_message = _("This class already has a group with this name.")

    class Meta(StructureMeta):
        model = ClassGroup
        fields = ["school_class", "name"]
        labels = {"school_class": _("Class")}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, school=school, **kwargs)
        members = self.fields["members"]
        assert isinstance(members, ModelMultipleChoiceField)
        if self.instance.pk:
            # The class of an existing group stays; members are chosen from it.
            self.fields["school_class"].disabled = True
            members.queryset = (
                Student.objects.filter(
                    school_class_id=self.instance.school_class_id, left_on__isnull=True
                )
                .select_related("user")
                .order_by("class_number")
            )
            members.initial = list(self.instance.memberships.values_list("student_id", flat=True))
        else:
            del self.fields["members"]


class SubjectForm(StructureForm):
    unique_field = "name"
    unique_message = _("A subject with this name already exists.")

    class Meta(StructureMeta):
        model = Subject
        fields = ["name", "short_name"]


class CourseForm(StructureForm):
    class Meta(StructureMeta):
        model = Course
        fields = ["year", "subject", "school_class", "group", "teacher"]
        labels = {"year": _("School year"), "subject": _("Subject")}

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, school=school, **kwargs)
        teacher = self.fields["teacher"]
        assert isinstance(teacher, forms.ModelChoiceField)
        teacher.queryset = teachers_of(school.pk)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = ClassGroup.objects.filter(school_id=school.pk).select_related(
            "school_class"
        )
        group.help_text = _("Leave empty when the whole class is taught together.")
        school_class = self.fields["school_class"]
        assert isinstance(school_class, forms.ModelChoiceField)
        school_class.queryset = SchoolClass.objects.filter(school_id=school.pk).select_related(
            "year"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, school_class, group = data.get("year"), data.get("school_class"), data.get("group")
        if school_class and year and school_class.year_id != year.pk:
            self.add_error("school_class", _("This class belongs to another school year."))
        if group and school_class and group.school_class_id != school_class.pk:
            self.add_error("group", _("This group belongs to another class."))
        if year and data.get("subject") and school_class and data.get("teacher"):
            same = Course.objects.filter(
                year=year,
                subject=data["subject"],
                school_class=school_class,
                group=group,
                teacher=data["teacher"],
            ).exclude(pk=self.instance.pk or 0)
            if same.exists():
                raise ValidationError(_("This course already exists."))
        return data
