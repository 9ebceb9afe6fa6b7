"""Production settings: `check --deploy` reports nothing, Argon2 hashes passwords, the
password rules follow current guidance. Run in subprocesses without pytest loaded, with the
environment a production deployment sets."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ROOT = Path(settings.BASE_DIR)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "KAJET_", "PYTEST"))
        and key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="kajet.example.org",
        KAJET_HTTPS="1",
        KAJET_REQUIRE_ENV="1",
        KAJET_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_check_deploy_reports_nothing(tmp_path: Path) -> None:
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_check_deploy_complains_without_https(tmp_path: Path) -> None:
    # The check is real: without KAJET_HTTPS the secure-cookie warnings appear.
    env = production_env(tmp_path)
    del env["KAJET_HTTPS"]
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PROBE = """
import django
django.setup()
from django.conf import settings
from django.contrib.auth.hashers import make_password, check_password
encoded = make_password("Zupełnie-nowe-42")
print(settings.PASSWORD_HASHERS[0])
print(encoded.split("$")[0])
print(check_password("Zupełnie-nowe-42", encoded))
print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)
print(settings.DEBUG)
"""


def test_production_hashes_with_argon2(tmp_path: Path) -> None:
    result = run(["-c", PROBE], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert lines == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "argon2",
        "True",
        "True",
        "True",
        "True",
        "False",
    ]


def test_embedded_default_also_uses_argon2(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    for key in ("SECRET_KEY", "ALLOWED_HOSTS", "KAJET_HTTPS", "KAJET_REQUIRE_ENV"):
        del env[key]
    result = run(["-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "argon2",
    ]


@pytest.mark.parametrize(
    "password",
    ["Kajet-7", "password1", "qwertyuiop", "1234567890", "zaq12wsx"],
)
def test_password_rules_refuse(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Kajet-8z", "bardzo długie hasło rodzica", "Źdźbło-2026"])
def test_password_rules_accept(password: str) -> None:
    validate_password(password)


def test_no_rotation_or_composition_rules(settings: Any) -> None:
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert "MinimumLengthValidator" in names and "CommonPasswordValidator" in names
    length = next(v for v in settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"])
    assert length["OPTIONS"]["min_length"] == 8
    assert not hasattr(settings, "PASSWORD_MAX_AGE")
