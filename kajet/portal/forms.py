from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from kajet.accounts.models import User
from kajet.portal.models import NEEDS_GUARDIAN, AgeRange, PortalAccount
from kajet.portal.rules import is_family_login, normalize_email


class RegisterForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address (your login)"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        help_text=_("At least 8 characters; not a common password and not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    age_range = forms.ChoiceField(
        label=_("Age"), choices=AgeRange.choices, widget=forms.RadioSelect
    )
    guardian_email = forms.EmailField(
        label=_("Parent's or guardian's e-mail"),
        required=False,
        max_length=254,
        help_text=_(
            "Under 16 a parent or guardian confirms the account: the activation link goes to them."
        ),
    )
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of service"),
        error_messages={"required": _("You must accept the terms of service.")},
    )

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if PortalAccount.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("A Kajet account with this e-mail address already exists."),
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_password(data)
        self._check_guardian(data)
        return data

    def _check_password(self, data: dict[str, Any]) -> None:
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords are different."))
            return
        if password:
            # The same validators as school logins; the similarity check reads the e-mail.
            email = data.get("email", "")
            probe = User(login=email, email=email)
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)

    def _check_guardian(self, data: dict[str, Any]) -> None:
        if data.get("age_range") not in NEEDS_GUARDIAN:
            return
        guardian = normalize_email(data.get("guardian_email") or "")
        if not guardian:
            self.add_error(
                "guardian_email",
                _("Under 16 a parent's or guardian's e-mail address is needed."),
            )
        elif guardian == data.get("email"):
            self.add_error(
                "guardian_email",
                _("The guardian's address must differ from your own."),
            )


class PortalSignInForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    public_computer = forms.BooleanField(
        label=_("Public computer (school, library, work)"),
        required=False,
        help_text=_(
            "Nothing is remembered after the browser closes and you are signed out sooner "
            "when idle. Always sign out when you finish."
        ),
    )


class LinkForm(forms.Form):
    login = forms.CharField(
        label=_("Login from school"),
        max_length=64,
        help_text=_("Digits; a student's login ends with “u”."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password of that login"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def clean_login(self) -> str:
        value = self.cleaned_data["login"].strip().lower()
        if not is_family_login(value):
            raise forms.ValidationError(
                _(
                    "A parent's login is made of digits and a student's login of the same "
                    "digits followed by “u”. Staff logins cannot be linked."
                )
            )
        return value


class ExtrasCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Activation code"),
        max_length=40,
        help_text=_("As you received it, for example ABCD-EFGH-JKLM-NPQR."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class SwitchForm(forms.Form):
    link = forms.IntegerField()


class ResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordForm(forms.Form):
    new_password = forms.CharField(
        label=_("New password"),
        max_length=256,
        strip=False,
        help_text=_("At least 8 characters; not a common password and not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, probe: User | None = None, **kwargs: Any) -> None:
        self.probe = probe
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", _("The two passwords are different."))
        elif new:
            try:
                password_validation.validate_password(new, self.probe)
            except forms.ValidationError as error:
                self.add_error("new_password", error)
        return data


class TermsForm(forms.Form):
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the terms of service"),
        error_messages={"required": _("You must accept the terms of service.")},
    )


class _CurrentPasswordForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, account: PortalAccount, **kwargs: Any) -> None:
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_current_password(self) -> str:
        value: str = self.cleaned_data["current_password"]
        if not self.account.check_password(value):
            raise forms.ValidationError(_("The current password is not correct."))
        return value


class PortalPasswordForm(_CurrentPasswordForm, NewPasswordForm):
    def __init__(self, *args: Any, account: PortalAccount, **kwargs: Any) -> None:
        super().__init__(*args, account=account, **kwargs)
        self.probe = User(login=account.email, email=account.email)


class EmailChangeForm(_CurrentPasswordForm):
    new_email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_new_email(self) -> str:
        email = normalize_email(self.cleaned_data["new_email"])
        if email == self.account.email:
            raise forms.ValidationError(_("This is your current address."))
        if PortalAccount.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("A Kajet account with this e-mail address already exists.")
            )
        return email


class DeleteForm(_CurrentPasswordForm):
    pass
