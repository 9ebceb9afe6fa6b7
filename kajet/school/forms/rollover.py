"""The new school year's form: the new year's dates and the administrator's choices, with
choices built from the current year's snapshot (no queries of its own)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kajet.school.forms.fields import DATE_INPUT
from kajet.school.rollover import next_year_name
from kajet.school.services.rollover import RolloverChoices, YearSnapshot

#: The last level of a primary school (klasa VIII); a school with other levels changes it.
DEFAULT_LAST_LEVEL = 8


def _ids(values: list[str]) -> set[int]:
    return {int(v) for v in values}


class RolloverForm(forms.Form):
    name = forms.CharField(label=_("New school year"), max_length=20)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    second_term_on = forms.DateField(label=_("Term II starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)
    last_level = forms.IntegerField(
        label=_("The school's last level"),
        min_value=1,
        max_value=13,
        help_text=_("Classes of this level graduate (8 in a primary school)."),
    )
    graduates_leave_on = forms.DateField(
        label=_("Graduates' logins are closed on"),
        widget=DATE_INPUT,
        help_text=_(
            "Their enrolment ends that day and their logins are turned off (their guardians' "
            "too, when no other child is enrolled). Grades and other records are kept."
        ),
    )
    keep_homeroom = forms.MultipleChoiceField(
        label=_("Keep the homeroom teacher"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    held_back = forms.MultipleChoiceField(
        label=_("Not promoted (stay in their level)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    courses = forms.MultipleChoiceField(
        label=_("Courses to repeat in the new year"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, snapshot: YearSnapshot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = snapshot.year
        homerooms = [
            (c.pk, f"{c.name} — {c.homeroom_teacher.full_name}")
            for c in snapshot.classes
            if c.homeroom_teacher is not None
        ]
        blocked = snapshot.not_promoted
        students = [
            (
                s.pk,
                f"{c.name} — {s.user.sort_name}"
                + (f" ({blocked[s.pk]})" if s.pk in blocked else ""),
            )
            for c in snapshot.classes
            for s in snapshot.students.get(c.pk, [])
        ]
        courses = [
            (
                course.pk,
                f"{course.school_class.name}"
                f"{' ' + course.group.name if course.group else ''} — {course.subject.name} — "
                f"{course.teacher.full_name}",
            )
            for course in snapshot.courses
        ]
        self._choose("keep_homeroom", homerooms)
        self._choose("held_back", students)
        self._choose("courses", courses)
        starts = year.ends_on + datetime.timedelta(days=1)
        september = datetime.date(year.ends_on.year, 9, 1)
        starts = september if september > year.ends_on else starts
        self.initial.setdefault("name", next_year_name(year.name))
        self.initial.setdefault("starts_on", starts)
        self.initial.setdefault("second_term_on", datetime.date(starts.year + 1, 2, 1))
        self.initial.setdefault("ends_on", datetime.date(starts.year + 1, 6, 30))
        self.initial.setdefault("last_level", DEFAULT_LAST_LEVEL)
        self.initial.setdefault("graduates_leave_on", datetime.date(year.ends_on.year, 8, 31))
        self.initial.setdefault("keep_homeroom", [v for v, _label in homerooms])
        self.initial.setdefault("courses", [v for v, _label in courses])
        # Proposed by the annual classification; the administrator may untick them.
        self.initial.setdefault("held_back", [v for v, _label in students if v in blocked])

    def _choose(self, name: str, choices: list[tuple[int, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            raise ValidationError(_("The year must end after it starts."))
        return data

    def choices(self) -> RolloverChoices:
        data = self.cleaned_data
        return RolloverChoices(
            name=data["name"].strip(),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            second_term_on=data["second_term_on"],
            last_level=data["last_level"],
            graduates_leave_on=data["graduates_leave_on"],
            keep_homeroom=_ids(data["keep_homeroom"]),
            held_back=_ids(data["held_back"]),
            courses=_ids(data["courses"]),
        )
