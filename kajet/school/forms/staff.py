"""Forms of the staff pages and the school's sign-in settings."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kajet.accounts.models import STAFF_ROLES, User
from kajet.school.staff_csv import LOGIN_RE

__all__ = ["LOGIN_RE", "SchoolSettingsForm", "StaffEditForm", "StaffForm"]


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
