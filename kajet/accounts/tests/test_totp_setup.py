"""Two-factor setup and turning it off (staff only; a school may require it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kajet.accounts import services
from kajet.accounts.models import TotpDevice
from kajet.accounts.tests.helpers import STAFF, confirmed_totp, post_signin
from kajet.testutils.factories import PASSWORD

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:totp_setup")
DISABLE = reverse("accounts:totp_disable")


def test_staff_turns_it_on_and_then_signs_in_with_a_code(client_for: Any, world: Any) -> None:
    user = world.user("teacher")
    client = client_for(user)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        page = client.get(SETUP)
        assert page.status_code == 200
        body = page.content.decode()
        assert "<svg" in body  # the QR code, drawn inline
        secret = page.context["secret"]
        assert page.context["secret_grouped"].replace(" ", "") == secret
        assert page.context["secret_grouped"] in body
        # A reload shows the same key (what was already scanned stays valid).
        assert client.get(SETUP).context["secret"] == secret
        totp = pyotp.TOTP(secret)
        response = client.post(SETUP, {"code": totp.now()})
        assert response.status_code == 302
        assert TotpDevice.objects.get(user=user).confirmed_at is not None
        assert "Two-factor sign-in is on" in client.get(SETUP).content.decode()

        traveller.shift(timedelta(seconds=31))
        fresh = Client()
        assert post_signin(fresh, STAFF, user.login, PASSWORD)["Location"] == reverse(
            "accounts:signin_otp"
        )
        response = fresh.post(reverse("accounts:signin_otp"), {"code": totp.now()})
        assert response.status_code == 302
        assert fresh.session["_auth_user_id"] == str(user.pk)


def test_wrong_confirmation_code_leaves_it_off(client_for: Any, world: Any) -> None:
    user = world.user("teacher")
    client = client_for(user)
    secret = client.get(SETUP).context["secret"]
    right = pyotp.TOTP(secret).now()
    response = client.post(SETUP, {"code": "000000" if right != "000000" else "111111"})
    assert response.status_code == 400
    assert TotpDevice.objects.get(user=user).confirmed_at is None


def test_post_without_a_pending_key_does_not_crash(client_for: Any, world: Any) -> None:
    user = world.user("teacher")
    response = client_for(user).post(SETUP, {"code": "123456"})
    assert response.status_code == 400
    assert TotpDevice.objects.get(user=user).confirmed_at is None


def test_setup_start_with_a_confirmed_device_keeps_it(world: Any) -> None:
    user = world.user("teacher")
    confirmed_totp(user)
    device = services.totp_setup_start(user=user)
    assert device.confirmed_at is not None
    assert TotpDevice.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("role", ["guardian", "student"])
def test_family_accounts_get_404(client_for: Any, world: Any, role: str) -> None:
    client = client_for(world.user(role))
    assert client.get(SETUP).status_code == 404
    assert client.post(DISABLE).status_code == 404


def test_turning_off_needs_a_current_code(client_for: Any, world: Any) -> None:
    user = world.user("teacher")
    totp = confirmed_totp(user)
    client = client_for(user)
    client.post(DISABLE, {"code": "000000" if totp.now() != "000000" else "111111"})
    assert TotpDevice.objects.filter(user=user).exists()
    client.post(DISABLE, {"code": totp.now()})
    assert not TotpDevice.objects.filter(user=user).exists()


def test_school_requirement_sends_staff_to_setup_until_done(client_for: Any, world: Any) -> None:
    world.school.require_staff_2fa = True
    world.school.save()
    user = world.user("teacher")
    client = client_for(user)
    response = client.get(reverse("accounts:sessions"))
    assert response.status_code == 302
    assert response["Location"] == SETUP
    page = client.get(SETUP)
    assert "requires two-factor sign-in" in page.content.decode()
    client.post(SETUP, {"code": pyotp.TOTP(page.context["secret"]).now()})
    assert client.get(reverse("accounts:sessions")).status_code == 200
    # And it cannot be turned off while the school requires it.
    client.post(DISABLE, {"code": "123456"})
    assert TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def test_school_requirement_asks_an_existing_device_for_a_code(client_for: Any, world: Any) -> None:
    user = world.user("teacher")
    totp = confirmed_totp(user)
    world.school.require_staff_2fa = True
    world.school.save()
    client = client_for(user)  # a session that never gave a code
    assert client.get(reverse("accounts:sessions"))["Location"] == SETUP
    assert client.get(SETUP).context["verify"] is True
    client.post(SETUP, {"code": totp.now()})
    assert client.get(reverse("accounts:sessions")).status_code == 200


def test_school_requirement_does_not_touch_families(client_for: Any, world: Any) -> None:
    world.school.require_staff_2fa = True
    world.school.save()
    client = client_for(world.user("guardian"))
    assert client.get(reverse("accounts:sessions")).status_code == 200


def test_other_schools_requirement_does_not_apply(
    client_for: Any, world: Any, other_world: Any
) -> None:
    other_world.school.require_staff_2fa = True
    other_world.school.save()
    client = client_for(world.user("teacher"))
    assert client.get(reverse("accounts:sessions")).status_code == 200
