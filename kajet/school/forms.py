"""Forms of the school office and administrator pages. Querysets are set per request, from
the user's school, inside the school scope."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kajet.accounts.models import STAFF_ROLES, User
from kajet.core.models import School
from kajet.school.csv_import import MAX_FILE_BYTES
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
from kajet.school.selectors import classes_for_office, teachers_of

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.year.name})" if not obj.year.is_current else obj.name


def _check_birth_date(value: datetime.date | None) -> datetime.date | None:
    today = timezone.localdate()
    if value is not None and (value >= today or value.year < today.year - 30):
        raise ValidationError(_("Not a plausible date of birth."))
    return value


class StudentFilterForm(forms.Form):
    klasa = ClassChoiceField(queryset=None, required=False, label=_("Class"), empty_label=_("all"))
    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Name or login"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    byli = forms.BooleanField(required=False, label=_("Include former students"))

    def __init__(self, *args: Any, classes: list[SchoolClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["klasa"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = SchoolClass.objects.filter(pk__in=[c.pk for c in classes])
        # The choices come from the list the page already loaded (no extra queries).
        field.choices = [("", _("all"))] + [(c.pk, c.name) for c in classes]


class StudentForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    school_class = ClassChoiceField(queryset=None, label=_("Class"))
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school_class"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = SchoolClass.objects.filter(
            pk__in=[c.pk for c in classes_for_office(school.pk)]
        ).select_related("year")

    def clean_birth_date(self) -> datetime.date | None:
        return _check_birth_date(self.cleaned_data.get("birth_date"))


class StudentEditForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE_INPUT)
    class_number = forms.IntegerField(label=_("Class-list number"), min_value=1, max_value=99)

    def __init__(self, *args: Any, student: Student, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.student = student

    def clean_birth_date(self) -> datetime.date | None:
        return _check_birth_date(self.cleaned_data.get("birth_date"))

    def clean_class_number(self) -> int:
        number = int(self.cleaned_data["class_number"])
        taken = (
            Student.objects.filter(
                school_class_id=self.student.school_class_id,
                class_number=number,
                left_on__isnull=True,
            )
            .exclude(pk=self.student.pk)
            .exists()
        )
        if taken:
            raise ValidationError(_("Another student in this class has this number."))
        return number


class GuardianForm(forms.Form):
    """One guardian: a new login (names, e-mail) or an existing guardian login of the school."""

    MODE_NEW = "new"
    MODE_EXISTING = "existing"
    MODE_NONE = "none"

    mode = forms.ChoiceField(
        label=_("Guardian"),
        widget=forms.RadioSelect,
        initial=MODE_NEW,
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    relation = forms.CharField(label=_("Relation (e.g. mother)"), max_length=40, required=False)
    login = forms.CharField(
        label=_("Existing guardian login"),
        max_length=64,
        required=False,
        help_text=_("The digits of a guardian login of this school, e.g. a sibling's parent."),
    )

    def __init__(self, *args: Any, school: School, optional: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        choices = [
            (self.MODE_NEW, _("New guardian login")),
            (self.MODE_EXISTING, _("Link an existing guardian login")),
        ]
        if optional:
            choices.append((self.MODE_NONE, _("No second guardian")))
            self.fields["mode"].initial = self.MODE_NONE
        field = self.fields["mode"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mode = data.get("mode")
        if mode == self.MODE_NEW:
            for name in ("first_name", "last_name"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Required for a new guardian login."))
        elif mode == self.MODE_EXISTING:
            login = (data.get("login") or "").strip().lower()
            guardian = User.objects.filter(
                login=login, school_id=self.school.pk, kind=User.Kind.GUARDIAN
            ).first()
            if guardian is None:
                self.add_error("login", _("No guardian login with these digits in this school."))
            data["existing"] = guardian
        return data


class MoveForm(forms.Form):
    school_class = ClassChoiceField(queryset=None, label=_("New class"))

    def __init__(self, *args: Any, student: Student, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school_class"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            SchoolClass.objects.filter(pk__in=[c.pk for c in classes_for_office(student.school_id)])
            .exclude(pk=student.school_class_id)
            .select_related("year")
        )


class EndEnrolmentForm(forms.Form):
    left_on = forms.DateField(label=_("Last day of enrolment"), widget=DATE_INPUT)

    def __init__(self, *args: Any, student: Student, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.student = student
        self.fields["left_on"].initial = timezone.localdate()

    def clean_left_on(self) -> datetime.date:
        left_on: datetime.date = self.cleaned_data["left_on"]
        if left_on < self.student.enrolled_on:
            raise ValidationError(_("The enrolment cannot end before it started."))
        return left_on


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is too large (limit: %(limit)s MB).")
                % {"limit": MAX_FILE_BYTES // 2**20}
            )
        return upload


class ClassResetForm(forms.Form):
    include_guardians = forms.BooleanField(
        required=False, initial=True, label=_("Also new passwords for the guardians")
    )
    confirm = forms.BooleanField(
        label=_("I understand that the current passwords stop working at once."),
    )


LOGIN_RE = re.compile(r"^[a-z][a-z0-9._-]{2,63}$")


def _role_choices() -> list[tuple[str, str]]:
    return [(r.value, str(r.label)) for r in STAFF_ROLES]


class StaffForm(forms.Form):
    login = forms.CharField(
        label=_("Login"),
        max_length=64,
        help_text=_("Letters, digits, dots and dashes; starts with a letter (e.g. j.kowalska)."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple, choices=_role_choices
    )

    def clean_login(self) -> str:
        login = self.cleaned_data["login"].strip().lower()
        if not LOGIN_RE.match(login):
            raise ValidationError(
                _("Use 3–64 letters, digits, dots or dashes, starting with a letter.")
            )
        if User.objects.filter(login=login).exists():
            raise ValidationError(_("This login is already taken."))
        return login


class StaffEditForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple, choices=_role_choices
    )


class SchoolSettingsForm(forms.Form):
    staff_idle_minutes = forms.IntegerField(
        label=_("Staff idle timeout (minutes)"), min_value=5, max_value=480
    )
    family_idle_minutes = forms.IntegerField(
        label=_("Guardian and student idle timeout (minutes)"), min_value=5, max_value=480
    )
    require_staff_2fa = forms.BooleanField(
        label=_("Require two-factor sign-in for all staff"), required=False
    )


# --- structure (one ModelForm per kind) -----------------------------------------------------------


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


class MemberChoiceField(forms.ModelMultipleChoiceField):
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
        assert isinstance(members, forms.ModelMultipleChoiceField)
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
