"""Backup and restore of a whole instance (issue 12), with the real tools: two Kajet instances in
subprocesses, each with its own ``var/`` directory and database of the leg's kind (a SQLite file,
or a new PostgreSQL database when the suite runs on PostgreSQL). The demo schools are seeded into
the first, backed up with ``manage.py backup`` (SQLite online backup API / ``pg_dump``) and
restored with ``manage.py restore`` into the empty second one; then the same API pages answer
the same JSON in both, the uploaded file and the secret key came along, and a restore that
would overwrite a school, or of an altered or foreign archive, is refused and changes nothing.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

#: Run inside an instance: sign in to the API as the demo guardian and print the JSON of the
#: family's main reads (what the guardian's pages show).
READS = """
import json, sys
from django.test import Client
login, password = LOGIN, PASSWORD
client = Client(HTTP_HOST="127.0.0.1")
token = client.post("/api/v1/auth/token", {"login": login, "password": password},
                    content_type="application/json").json()["token"]
auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
me = client.get("/api/v1/me", **auth)
out = {"me": [me.status_code, me.json()]}
for student in me.json()["students"]:
    for url in (f"/api/v1/grades/students/{student['id']}",
                f"/api/v1/attendance/students/{student['id']}",
                f"/api/v1/attendance/students/{student['id']}/lessons",
                "/api/v1/messages/folders/inbox"):
        answer = client.get(url, **auth)
        out[url] = [answer.status_code, answer.json()]
print(json.dumps(out, sort_keys=True))
"""


@dataclass
class Instance:
    var_dir: Path
    database_url: str

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(KAJET_VAR_DIR=str(self.var_dir), DATABASE_URL=self.database_url)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return env

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result

    def reads(self, login: str, password: str) -> dict[str, object]:
        code = READS.replace("LOGIN, PASSWORD", f"{login!r}, {password!r}")
        result = self.manage("shell", "-c", code)
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _postgres_admin() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def make_instance(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str], Instance]]:
    created: list[str] = []

    def make(name: str) -> Instance:
        var_dir = tmp_path_factory.mktemp(name)
        if not ON_POSTGRES:
            return Instance(var_dir, f"sqlite:///{var_dir / 'kajet.sqlite3'}")
        database = f"kajet_backup_{name}_{uuid.uuid4().hex[:8]}"
        with _postgres_admin() as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        created.append(database)
        url = dict(dj_database_url.parse(os.environ["DATABASE_URL"]))
        host, port, user = url["HOST"] or "127.0.0.1", url["PORT"] or 5432, url["USER"]
        return Instance(var_dir, f"postgres://{user}@{host}:{port}/{database}")

    yield make
    if created:
        with _postgres_admin() as admin:
            for database in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _seeded_backup(make_instance: Callable[[str], Instance]) -> tuple[Instance, Path]:
    """The demo schools seeded into a new instance with one uploaded file, and its backup."""
    source = make_instance("source")
    source.manage("migrate", "-v0")
    source.manage("seed_demo", "-v0")
    upload = source.var_dir / "media" / "excuses" / "zwolnienie.pdf"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"%PDF-1.4 a doctor's note\n")
    archive = source.var_dir / "backup.tar.gz"
    source.manage("backup", "--output", str(archive))
    return source, archive


def _altered_copy(archive: Path, into: Path) -> Path:
    """The archive with one byte of the uploaded file changed (the manifest left as it was)."""
    altered = into / "altered.tar.gz"
    with tarfile.open(archive) as tar, tarfile.open(altered, "w:gz") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member)
            content = data.read() if data is not None else b""
            if member.name == "media/excuses/zwolnienie.pdf":
                content = content.replace(b"doctor", b"d0ctor")
            member.size = len(content)
            out.addfile(member, io.BytesIO(content))
    return altered


def _foreign_archive(into: Path) -> Path:
    foreign = into / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as out:
        out.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO(b""))
    return foreign


def test_backup_restores_into_an_empty_instance_and_refuses_bad_archives(
    make_instance: Callable[[str], Instance], tmp_path: Path
) -> None:
    source, archive = _seeded_backup(make_instance)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    database_file = "database.dump" if ON_POSTGRES else "database.sqlite3"
    assert {"manifest.json", database_file, "keys/secret_key"} <= names
    assert "media/excuses/zwolnienie.pdf" in names

    # Altered and foreign archives are refused before anything is written.
    refused = make_instance("refused")
    for bad, message in (
        (_altered_copy(archive, tmp_path), "altered: media/excuses/zwolnienie.pdf"),
        (_foreign_archive(tmp_path), "not a Kajet backup"),
    ):
        result = refused.manage("restore", str(bad), check=False)
        assert result.returncode != 0
        assert message in result.stderr
    assert not (refused.var_dir / "media").exists()

    # The real archive restores into the empty instance: same keys, files and register.
    target = refused
    done = target.manage("restore", str(archive))
    assert "every count as in the backup" in done.stdout
    assert (target.var_dir / "secret_key").read_bytes() == (
        source.var_dir / "secret_key"
    ).read_bytes()
    assert (target.var_dir / "media/excuses/zwolnienie.pdf").read_bytes().startswith(b"%PDF")
    logins = json.loads((source.var_dir / "demo-logins.json").read_text())
    guardian = next(e for e in logins if e["role"] == "guardian")
    before = source.reads(guardian["login"], guardian["password"])
    after = target.reads(guardian["login"], guardian["password"])
    assert before["me"][0] == 200  # type: ignore[index]
    assert len(before) > 4  # the guardian's children were read
    assert after == before

    # A second restore would overwrite a school: refused.
    again = target.manage("restore", str(archive), check=False)
    assert again.returncode != 0
    assert "already holds a school" in again.stderr
