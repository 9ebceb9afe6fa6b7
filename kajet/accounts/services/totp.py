"""Two-factor sign-in with time-based codes (TOTP)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pyotp
from django.utils import timezone

from kajet.accounts.models import TotpDevice, User
from kajet.core.numbers import typed_number


def two_factor_setup_required(user: User) -> bool:
    """Staff of a school that requires two-factor sign-in, without a confirmed device yet."""
    return (
        user.kind == User.Kind.STAFF
        and user.school is not None
        and user.school.require_staff_2fa
        and not totp_device_confirmed(user)
    )


# --- two-factor (TOTP) ---------------------------------------------------------------------------


def totp_device_confirmed(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def totp_setup_start(*, user: User) -> TotpDevice:
    """The secret for the user to scan: the pending (unconfirmed) one if there is one, so a
    reload does not invalidate what was already scanned; a new one otherwise. A confirmed
    device is returned unchanged (turn it off first to get a new key)."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        device, _ = TotpDevice.objects.get_or_create(
            user=user, defaults={"secret": pyotp.random_base32()}
        )
    return device


def totp_uri(device: TotpDevice, *, issuer: str = "Kajet") -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.login, issuer_name=issuer)


def totp_verify(*, user: User, code: str, device: TotpDevice | None = None) -> bool:
    """Check a 6-digit code (±1 step of clock drift); a code is never accepted twice, and
    no code older than the last accepted one is accepted either (replay)."""
    device = device or TotpDevice.objects.filter(user=user).first()
    if device is None:
        return False
    code = "".join(ch for ch in typed_number(code) if ch in "0123456789")
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    for offset in (-1, 0, 1):
        at = now + timedelta(seconds=30 * offset)
        step = totp.timecode(at)
        if step > device.last_used_step and secrets.compare_digest(totp.at(at), code):
            # The conditional update makes two simultaneous uses of one code race safely.
            updated = TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
                last_used_step=step
            )
            device.last_used_step = step
            return bool(updated)
    return False


def totp_confirm(*, user: User, code: str) -> bool:
    """Turn two-factor sign-in on once the user proved a code from the scanned secret."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None or not totp_verify(user=user, code=code, device=device):
        return False
    TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    return True


def totp_disable(*, user: User) -> None:
    TotpDevice.objects.filter(user=user).delete()
