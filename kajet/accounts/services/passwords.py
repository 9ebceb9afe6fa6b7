"""Passwords: generated (readable on a printed slip), issued, changed, reset by the office."""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from kajet.accounts.models import User
from kajet.accounts.services.sessions import device_sessions_end_others

READABLE_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 10) -> str:
    """A random, readable initial password for a printed login slip."""
    while True:
        candidate = "".join(secrets.choice(READABLE_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate


def issued_password_hash(raw: str) -> str:
    """Hash an issued (slip) password with the fast hasher meant only for random secrets."""
    return make_password(raw, hasher="kajet_issued_sha256")


@transaction.atomic
def password_change(*, user: User, new_password: str) -> None:
    """The user's own new password (validated against current guidance)."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])


@transaction.atomic
def password_reset_issue(*, actor: User, user: User) -> str:
    """A new initial password issued by the school office or a guardian: the user must change
    it at next sign-in, and all their sessions and tokens end."""
    raw = generate_password()
    user.password = issued_password_hash(raw)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    device_sessions_end_others(user=user, keep_key=None)
    return raw
