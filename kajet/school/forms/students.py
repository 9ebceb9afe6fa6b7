"""Forms of the school office's student pages: filter, enrolment, corrections, guardians,
moves, ending an enrolment, CSV import, class password resets."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kajet.accounts.models import User
from kajet.core.models import School
from kajet.school.csv_import import MAX_FILE_BYTES
from kajet.school.forms.fields import DATE_INPUT, ClassChoiceField
from kajet.school.models import (
    SchoolClass,
    Student,
)
from kajet.school.selectors import classes_for_office


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
