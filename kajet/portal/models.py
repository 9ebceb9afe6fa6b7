"""Portal accounts (Konto Kajet): one e-mail sign-in for a family, linking school logins of
possibly different schools.

Not tenant-scoped on purpose: a portal account lives above the schools. It never reads a
school's data itself; it only starts a session *as* one of its linked school logins, which
then sees exactly what that login sees (the school scope is opened as for any sign-in).
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kajet.accounts.models import User


class Terms(models.Model):
    """One version of the terms of service, written by the operator (``portal_terms`` command).

    The newest version is the one in force; an account that accepted an older one is asked to
    accept the new one at its next sign-in."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"terms v{self.version}"


class AgeRange(models.TextChoices):
    """Polish GDPR age of digital consent is 16: below it a guardian confirms."""

    UNDER_13 = "u13", _("under 13")
    FROM_13 = "13-15", _("13–15")
    FROM_16 = "16-17", _("16–17")
    ADULT = "18+", _("18 or older")


#: Age ranges that need a guardian's confirmation (Art. 8 GDPR, art. 8 of the Polish act).
NEEDS_GUARDIAN = frozenset({AgeRange.UNDER_13, AgeRange.FROM_13})


class PortalAccount(models.Model):
    """A self-registered account: e-mail (the login), password, age range, terms.

    Until ``activated_at`` is set it cannot sign in; one not activated within
    ``KAJET_PORTAL_ACTIVATION_DAYS`` of the last activation link is deleted by
    ``portal_purge_unactivated``."""

    email = models.EmailField(_("e-mail"), unique=True)
    password = models.CharField(max_length=128)
    age_range = models.CharField(_("age range"), max_length=5, choices=AgeRange.choices)
    guardian_email = models.EmailField(_("guardian's e-mail"), blank=True)
    language = models.CharField(max_length=8, default="pl")
    created_at = models.DateTimeField(default=timezone.now)
    activation_sent_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    terms = models.ForeignKey(Terms, null=True, blank=True, on_delete=models.PROTECT)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    # The extras plan (only when the operator defined one): the trial's end (the day the basic
    # version comes back), when the "trial ends" e-mail went, and activation by a code.
    trial_ends_on = models.DateField(null=True, blank=True)
    trial_warned_at = models.DateTimeField(null=True, blank=True)
    extras_activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["activated_at", "activation_sent_at"]),
            models.Index(fields=["trial_ends_on"]),
        ]

    def __str__(self) -> str:
        return f"portal account {self.pk}"

    @property
    def is_activated(self) -> bool:
        return self.activated_at is not None

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)


class LoginLink(models.Model):
    """A school login attached to a portal account. A login is linked to one account at most
    (a second family cannot take it over); unlinking leaves the login untouched."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="links")
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="portal_link")
    linked_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"link {self.account_id} → {self.user_id}"


class PasswordResetRequest(models.Model):
    """One forgotten-password request: the token (only its SHA-256 is kept), for a portal
    account or a staff login with an e-mail on file. Also the rate limit's source (rows with
    no owner count too, so an unknown address is limited the same way)."""

    account = models.ForeignKey(
        PortalAccount, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["email_hash", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
            models.Index(fields=["token_hash"]),
        ]

    def __str__(self) -> str:
        return f"reset request {self.pk}"


class ExtrasPlan(models.Model):
    """The operator's extras plan (``manage.py portal_extras``). Kajet ships without one:
    every extra is free and nothing about it is shown. The newest row is the plan; a row with
    ``active`` off ends it (everything free again)."""

    #: Features an operator may make extras. Push notifications to the family's logins.
    FEATURES = {"push": _("push notifications")}

    features = models.JSONField(default=list)
    trial_days = models.PositiveIntegerField()
    warn_days = models.PositiveIntegerField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"extras plan {self.pk} ({'on' if self.active else 'off'})"


class ExtrasCode(models.Model):
    """An activation code the operator issued (only its SHA-256 is kept); used once."""

    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_by = models.ForeignKey(
        PortalAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"extras code {self.pk}"


class PortalToken(models.Model):
    """An app's bearer token of a Kajet account (``POST /api/v1/auth/token`` with the
    account's e-mail and password). Only its SHA-256 is kept. Each API call names one linked
    school login (``X-Kajet-Login``) and runs as that login. ``password_mark`` is derived
    from the password when the token was issued: a changed or reset password ends it."""

    key = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="tokens")
    password_mark = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"portal token {self.pk} of account {self.account_id}"
