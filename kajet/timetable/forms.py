"""Forms of the timetable and calendar pages (input only; rules live in services/rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kajet.accounts.models import User
from kajet.core.fields import ModelMultipleChoiceField
from kajet.core.widgets import DateInput
from kajet.school.models import ClassGroup, Course, LessonPeriod, SchoolClass
from kajet.timetable.models import CalendarPolicy, Event, LessonChange, Room

DATE_INPUT = DateInput()


def course_label(course: Course) -> str:
    target = course.group.name if course.group else course.school_class.name
    return f"{course.subject.name} — {target} ({course.teacher.full_name})"


def grid_label(course: Course) -> str:
    """A short label for the class grid (the class is known there)."""
    group = f" · {course.group.name}" if course.group else ""
    return f"{course.subject.name}{group} ({course.teacher.last_name})"


class PlanForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_INPUT)
    name = forms.CharField(label=_("Name (optional)"), max_length=80, required=False)


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room"), max_length=40)
    description = forms.CharField(label=_("Description"), max_length=120, required=False)


class LessonChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What changes"), choices=LessonChange.Kind.choices, widget=forms.RadioSelect
    )
    new_teacher = forms.ModelChoiceField(
        label=_("Substitute teacher"), queryset=User.objects.none(), required=False
    )
    new_course = forms.ModelChoiceField(
        label=_("Instead: course"), queryset=Course.objects.none(), required=False
    )
    new_room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    new_date = forms.DateField(label=_("Moved to date"), required=False, widget=DATE_INPUT)
    new_period = forms.ModelChoiceField(
        label=_("Moved to lesson"), queryset=LessonPeriod.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note for students and parents"), max_length=200, required=False)

    def __init__(self, *args: Any, school_id: int, school_class: SchoolClass, **kwargs: Any):
        super().__init__(*args, **kwargs)
        teachers = User.objects.filter(
            school_id=school_id, kind=User.Kind.STAFF, is_active=True, role_rows__role="teacher"
        ).distinct()
        self.fields["new_teacher"].queryset = teachers.order_by("last_name", "first_name")  # type: ignore[attr-defined]
        self.fields["new_teacher"].label_from_instance = lambda u: u.full_name  # type: ignore[attr-defined]
        courses = Course.objects.filter(school_class=school_class).select_related(
            "subject", "school_class", "group", "teacher"
        )
        self.fields["new_course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["new_course"].label_from_instance = course_label  # type: ignore[attr-defined]
        self.fields["new_room"].queryset = Room.objects.all()  # type: ignore[attr-defined]
        self.fields["new_period"].queryset = LessonPeriod.objects.all()  # type: ignore[attr-defined]


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    course = forms.ModelChoiceField(
        label=_("Course (for a test or quiz)"),
        queryset=Course.objects.none(),
        required=False,
        help_text=_("A test or quiz is for the course's class or group."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    ends_on = forms.DateField(
        label=_("Until (for several days)"), required=False, widget=DATE_INPUT
    )
    period = forms.ModelChoiceField(
        label=_("Lesson"), queryset=LessonPeriod.objects.none(), required=False
    )
    scope = forms.ChoiceField(label=_("For"), choices=Event.Scope.choices, required=False)
    classes = ModelMultipleChoiceField(
        label=_("Classes"),
        queryset=SchoolClass.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=ClassGroup.objects.none(), required=False
    )
    teacher = forms.ModelChoiceField(
        label=_("Absent teacher"), queryset=User.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("I know this breaks the school's test-load policy; add it anyway"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        courses: Any,
        classes: Any,
        groups: Any,
        teachers: Any,
        scopes: list[tuple[str, Any]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["course"].label_from_instance = course_label  # type: ignore[attr-defined]
        self.fields["classes"].queryset = classes  # type: ignore[attr-defined]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        if teachers is None:
            del self.fields["teacher"]  # only school-wide managers record absences
        else:
            self.fields["teacher"].queryset = teachers  # type: ignore[attr-defined]
            self.fields["teacher"].label_from_instance = lambda u: u.full_name  # type: ignore[attr-defined]
        self.fields["period"].queryset = LessonPeriod.objects.all()  # type: ignore[attr-defined]
        self.fields["scope"].choices = scopes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        course = data.get("course")
        if kind in (Event.Kind.TEST, Event.Kind.QUIZ, Event.Kind.ASSESSMENT) and course is None:
            self.add_error("course", _("Choose the course the test is for."))
        if course is None and not data.get("scope"):
            self.add_error("scope", _("Choose who the event is for."))
        return data


class PolicyForm(forms.ModelForm):
    class Meta:
        model = CalendarPolicy
        fields = [
            "max_tests_per_day",
            "max_tests_per_week",
            "min_notice_days",
            "quizzes_count",
            "mode",
            "lucky_number_enabled",
        ]
        help_texts = {
            "max_tests_per_day": _("0 means no limit."),
            "max_tests_per_week": _("0 means no limit."),
        }
