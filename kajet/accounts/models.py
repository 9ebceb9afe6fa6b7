"""Users (school logins), staff roles, sign-in records, sessions and API tokens, TOTP.

``User`` is deliberately not a scoped model: signing in looks a login up across the
deployment before any school is known (logins are unique deployment-wide). Every other
lookup of users goes through the school app's access helpers, inside the school scope.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kajet.accounts.devices import describe_user_agent
from kajet.core.collation import POLISH
from kajet.core.models import School, TenantModel


class Role(models.TextChoices):
    """Every role of the permission matrix (docs/permissions.md)."""

    GUARDIAN = "guardian", _("guardian")
    STUDENT = "student", _("student")
    TEACHER = "teacher", _("teacher")
    HOMEROOM_TEACHER = "homeroom_teacher", _("homeroom teacher")
    PEDAGOGUE = "pedagogue", _("pedagogue")
    PSYCHOLOGIST = "psychologist", _("psychologist")
    SECRETARIAT = "secretariat", _("secretariat")
    SCHOOL_ADMIN = "school_admin", _("school administrator")
    PRINCIPAL = "principal", _("principal")


#: Roles a staff member can be given directly (homeroom teacher follows from the class).
STAFF_ROLES = [
    Role.TEACHER,
    Role.PEDAGOGUE,
    Role.PSYCHOLOGIST,
    Role.SECRETARIAT,
    Role.SCHOOL_ADMIN,
    Role.PRINCIPAL,
]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, login: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(login=login, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, login: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("kind", User.Kind.OPERATOR)
        return self.create_user(login, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A school login. Guardians and students get digit logins (``4829113``/``4829113u``);
    staff get logins issued by the school office. Operators run the deployment (no school)."""

    class Kind(models.TextChoices):
        GUARDIAN = "guardian", _("guardian")
        STUDENT = "student", _("student")
        STAFF = "staff", _("school staff")
        OPERATOR = "operator", _("deployment operator")

    login = models.CharField(_("login"), max_length=64, unique=True)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    kind = models.CharField(_("account kind"), max_length=10, choices=Kind.choices)
    first_name = models.CharField(_("first name"), max_length=100, db_collation=POLISH)
    last_name = models.CharField(_("last name"), max_length=100, db_collation=POLISH)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)  # Django admin access (operators only)
    date_joined = models.DateTimeField(default=timezone.now)
    must_change_password = models.BooleanField(default=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "login"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["school", "kind", "last_name"])]

    def __str__(self) -> str:
        return self.full_name or self.login

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def school_pk(self) -> int:
        """The school's id for code that only school logins reach (pages and API calls with
        school data: their scope was opened from it). Operators have no school."""
        if self.school_id is None:
            raise LookupError("an operator has no school")
        return self.school_id

    @property
    def own_school(self) -> School:
        """The school (loaded with the user) for code that only school logins reach."""
        if self.school is None:
            raise LookupError("an operator has no school")
        return self.school

    @property
    def is_family(self) -> bool:
        return self.kind in (self.Kind.GUARDIAN, self.Kind.STUDENT)

    @cached_property
    def staff_roles(self) -> frozenset[str]:
        """Directly given staff roles (one query, cached on the instance)."""
        if self.kind != self.Kind.STAFF:
            return frozenset()
        return frozenset(StaffRole.objects.filter(user=self).values_list("role", flat=True))

    def has_staff_role(self, *roles: str) -> bool:
        return bool(self.staff_roles.intersection(roles))


class StaffRole(TenantModel):
    """One role of a staff member; a person may hold several (teacher and principal)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_rows")
    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in STAFF_ROLES])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="staffrole_unique")]
        indexes = [models.Index(fields=["school", "role"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class SignInAttempt(models.Model):
    """Every sign-in attempt, successful or not (who, when, address, user agent, result).

    Not scoped: attempts are recorded before a school is known. Also the throttling source.
    """

    class Result(models.TextChoices):
        SUCCESS = "success", _("signed in")
        BAD_CREDENTIALS = "bad_credentials", _("wrong login or password")
        LOCKED = "locked", _("account locked")
        THROTTLED = "throttled", _("too many attempts from this address")
        BAD_OTP = "bad_otp", _("wrong two-factor code")
        PASSWORD_OK = "password_ok", _("password accepted, waiting for two-factor code")
        UNLOCKED = "unlocked", _("unlocked by the school office")

    LOGIN_LENGTH = 64

    login = models.CharField(max_length=LOGIN_LENGTH)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="sign_ins"
    )
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    result = models.CharField(max_length=20, choices=Result.choices)
    via = models.CharField(max_length=10, default="web")  # web | api | office (unlock)

    class Meta:
        indexes = [
            models.Index(fields=["login", "at"]),
            models.Index(fields=["ip", "at"]),
            models.Index(fields=["user", "result", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.login} {self.result} {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def clip_login(cls, typed: str) -> str:
        """What was typed as a login, cut to the column (a portal e-mail may be longer, and a
        crafted one longer still: PostgreSQL refuses an over-long value, SQLite does not)."""
        return typed[: cls.LOGIN_LENGTH]

    @property
    def device_label(self) -> str:
        return describe_user_agent(self.user_agent)


class UserSession(models.Model):
    """A signed-in device: a web session (``key`` = session key) or an API token (``key`` =
    SHA-256 of the token). Listed on the sessions page; ending one ends it on the server."""

    class Kind(models.TextChoices):
        WEB = "web", _("browser")
        API = "api", _("app (API token)")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="device_sessions")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.kind} session of user {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.expires_at > timezone.now()

    @property
    def device_label(self) -> str:
        return describe_user_agent(self.user_agent)


class TotpDevice(models.Model):
    """A staff member's TOTP authenticator (RFC 6238). ``confirmed_at`` is set once the user
    has proven a code; only confirmed devices are asked for at sign-in."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)  # refuses replay of a used code

    def __str__(self) -> str:
        return f"TOTP of user {self.user_id}"


class IdempotentWrite(models.Model):
    """One write of one user under one key (an API ``Idempotency-Key`` header or a page form's
    one-time key): what was asked (a hash of method, path and body) and the answer given,
    stored in the write's own transaction; kept a day (``kajet.accounts.idempotency``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)  # 0 while the write runs
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(default=b"")
    location = models.CharField(max_length=500, blank=True)  # a page's redirect after success
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_write_unique_key")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
