"""Notification pages: preferences, address confirmation, one-click links, push devices, the
school's delivery log (right role, wrong role, another school), the PWA files."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kajet.accounts.models import User
from kajet.notifications.links import preferences_link, verify_link
from kajet.notifications.models import (
    ChannelDelivery,
    Notification,
    NotificationPreference,
    NotificationProfile,
    PushSubscription,
    SchoolNotificationSettings,
)

pytestmark = pytest.mark.django_db
PREFS = reverse("notifications:preferences")
KEY = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "language": "pl",
        "quiet_from": "21:00",
        "quiet_until": "07:00",
        "digest_hour": "17",
    }
    for kind in (
        "grade",
        "message",
        "absence",
        "excuse",
        "change",
        "announcement",
        "homework",
        "event",
        "remark",
    ):
        data[f"email_{kind}"] = "digest"
        data[f"push_{kind}"] = "on"
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["guardian", "student", "teacher", "principal"])
def test_preferences_page_shows_the_role_defaults(world: Any, client_for: Any, role: str) -> None:
    response = client_for(world.user(role)).get(PREFS)
    assert response.status_code == 200
    form = response.context["prefs_form"]
    expected = "immediate" if role in ("guardian", "teacher", "principal") else "digest"
    assert form["email_message"].value() == expected


def test_preferences_save(world: Any, client_for: Any) -> None:
    guardian = world.user("guardian")
    data = form_data(email_grade="immediate", push_homework="", digest_hour="19", language="en")
    response = client_for(guardian).post(PREFS, data)
    assert response.status_code == 302
    grade = NotificationPreference.objects.get(user=guardian, kind="grade")
    assert (grade.email, grade.push) == ("immediate", True)
    assert not NotificationPreference.objects.get(user=guardian, kind="homework").push
    profile = NotificationProfile.objects.get(user=guardian)
    assert (profile.digest_hour, profile.language) == (19, "en")


@pytest.mark.parametrize(
    "bad", [{"email_grade": "hourly"}, {"quiet_from": "25:00"}, {"digest_hour": "24"}]
)
def test_bad_preferences_change_nothing(
    world: Any, client_for: Any, bad: dict[str, str], settings: Any
) -> None:
    guardian = world.user("guardian")
    response = client_for(guardian).post(PREFS, form_data(**bad))
    assert response.status_code == 400
    assert not NotificationPreference.objects.filter(user=guardian).exists()
    assert not NotificationProfile.objects.filter(user=guardian, digest_hour=24).exists()


def test_bad_preferences_error_is_in_polish(world: Any, client_for: Any, settings: Any) -> None:
    client = client_for(world.user("guardian"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    body = client.post(PREFS, form_data(email_grade="hourly")).content.decode()
    assert "Wybierz poprawną wartość" in body


def test_address_change_is_confirmed_by_the_link(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    guardian = world.user("guardian")
    client = client_for(guardian)
    url = reverse("notifications:email_address")
    bad = client.post(url, {"email": "not-an-address"})
    assert bad.status_code == 400
    guardian.refresh_from_db()
    assert guardian.email != "not-an-address"
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post(url, {"email": "nowy@example.org"})
    assert with_commit.status_code == 302
    guardian.refresh_from_db()
    assert guardian.email == "nowy@example.org"
    [sent] = mail.outbox
    assert sent.to == ["nowy@example.org"]
    [link] = re.findall(r"http://\S+/powiadomienia/potwierdz/\S+/", sent.body)
    assert Client().get(link.split("8000", 1)[1]).status_code == 200  # no sign-in needed
    profile = NotificationProfile.objects.get(user=guardian)
    assert profile.verified_email == "nowy@example.org"


def test_a_link_for_an_old_address_confirms_nothing(world: Any) -> None:
    guardian = world.user("guardian")
    User.objects.filter(pk=guardian.pk).update(email="new@example.org")
    link = verify_link(user_id=guardian.pk, email="old@example.org")
    assert Client().get(link.split("8000", 1)[1]).status_code == 400
    assert Client().get("/powiadomienia/potwierdz/forged/").status_code == 400
    assert not NotificationProfile.objects.filter(verified_email="old@example.org").exists()


def test_one_click_page_turns_all_email_off(world: Any) -> None:
    guardian = world.user("guardian")
    path = preferences_link(user_id=guardian.pk).split("8000", 1)[1]
    assert Client().get(path).status_code == 200
    assert Client().post(path, {"all": "1"}).status_code == 200
    modes = set(
        NotificationPreference.objects.filter(user=guardian).values_list("email", flat=True)
    )
    assert modes == {"off"}
    assert Client().get("/powiadomienia/wypisz/forged:token/").status_code == 404


def subscription(endpoint: str = "https://push.example.org/abc") -> dict[str, Any]:
    return {"endpoint": endpoint, "keys": {"p256dh": KEY, "auth": AUTH}}


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"endpoint": "ftp://x", "keys": {"p256dh": KEY, "auth": AUTH}}),
        json.dumps(
            {"endpoint": "https://push.example.org/abc", "keys": {"p256dh": "x", "auth": AUTH}}
        ),
        json.dumps({"endpoint": "https://push.example.org/abc"}),
        json.dumps([1, 2]),
    ],
)
def test_an_invalid_push_subscription_is_refused(world: Any, client_for: Any, body: str) -> None:
    response = client_for(world.user("guardian")).post(
        reverse("notifications:push_subscribe"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_push_device_listed_on_sessions_page_and_removable(
    world: Any, other_world: Any, client_for: Any
) -> None:
    guardian = world.user("guardian")
    client = client_for(guardian)
    response = client.post(
        reverse("notifications:push_subscribe"),
        json.dumps(subscription()),
        content_type="application/json",
        HTTP_USER_AGENT="Firefox na telefonie",
    )
    assert response.status_code == 201
    device = PushSubscription.objects.get(user=guardian)
    assert "Firefox na telefonie" in client.get(reverse("accounts:sessions")).content.decode()
    remove = reverse("notifications:push_device_remove", args=[device.pk])
    assert client_for(world.user("student")).post(remove).status_code == 404
    assert client_for(other_world.user("guardian")).post(remove).status_code == 404
    assert client.post(remove, {"next": reverse("accounts:sessions")}).status_code == 302
    assert not PushSubscription.objects.exists()


def _delivery(world: Any, status: str, reason: str = "") -> ChannelDelivery:
    user = world.user("guardian")
    n = Notification.objects.create(school=world.school, user=user, kind="grade", title="5")
    return ChannelDelivery.objects.create(
        school=world.school,
        notification=n,
        user=user,
        channel="email",
        status=status,
        reason=reason,
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("school_admin", 200), ("principal", 200), ("teacher", 404), ("guardian", 404)],
)
def test_delivery_log_by_role(world: Any, client_for: Any, role: str, status: int) -> None:
    _delivery(world, "failed", "The address was refused: 550")
    response = client_for(world.user(role)).get(reverse("notifications:delivery_log"))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "The address was refused: 550" in body
        assert response.context["counts"] == {"email": {"failed": 1}}


def test_delivery_log_shows_only_the_own_school(
    world: Any, other_world: Any, client_for: Any
) -> None:
    _delivery(world, "failed", "Reason of school A")
    response = client_for(other_world.user("school_admin")).get(
        reverse("notifications:delivery_log")
    )
    assert response.status_code == 200
    assert "Reason of school A" not in response.content.decode()
    assert response.context["counts"] == {}


def test_delivery_log_query_count_is_constant(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.user("school_admin"))
    _delivery(world, "sent")
    client.get(reverse("notifications:delivery_log"))
    for _ in range(40):
        _delivery(world, "failed", "x")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notifications:delivery_log")).status_code == 200


def test_school_turns_email_off_and_users_see_why(world: Any, client_for: Any) -> None:
    url = reverse("notifications:school_settings")
    assert client_for(world.user("principal")).post(url, {"push_enabled": "on"}).status_code == 404
    response = client_for(world.user("school_admin")).post(url, {"push_enabled": "on"})
    assert response.status_code == 302
    settings_row = SchoolNotificationSettings.objects.get(school=world.school)
    assert (settings_row.email_enabled, settings_row.push_enabled) == (False, True)
    body = client_for(world.user("guardian")).get(PREFS).content.decode()
    assert "Your school has turned e-mail notifications off." in body


def test_pwa_manifest_service_worker_and_offline_page(client: Client) -> None:
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["display"] == "standalone" and data["start_url"] == "/"
    assert data["short_name"] == "Kajet" and data["lang"] == "pl" and data["theme_color"]
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200 or icon["src"].startswith("/static/")
    worker = client.get("/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
    assert "/offline/" in worker.content.decode()
    offline = client.get("/offline/")
    assert offline.status_code == 200
    assert "Brak połączenia" in offline.content.decode()
