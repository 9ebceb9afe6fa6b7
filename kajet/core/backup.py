"""Backup and restore of a whole Kajet instance: the database, the uploaded files and the keys.

One ``.tar.gz`` holds:

- ``database.sqlite3`` — made with SQLite's online backup API (a consistent copy of a live
  database; copying the file while Kajet writes is not a backup), or ``database.dump`` —
  ``pg_dump --format=custom`` of the PostgreSQL database;
- ``media/`` — the uploaded files (``MEDIA_ROOT``);
- ``keys/`` — the secret key and the Web Push (VAPID) private key where they live in files
  under ``var/`` (an instance configured from the environment keeps them there instead);
- ``manifest.json`` — the format, the time, the database kind, the rows per table and the
  SHA-256 of every other file, so a restore refuses an altered or incomplete backup.

A restore goes into an empty instance of the same database kind and checks afterwards that
every table has the rows the manifest counted.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = "kajet-backup-1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
#: Files under ``var/`` without which a restored instance is not the same instance: signed
#: links, sessions and login slips need the secret key; push subscriptions need the VAPID key.
KEY_FILES = ("secret_key", "vapid_private.pem")


class BackupError(Exception):
    """Something the operator must fix; the message says what. Nothing was changed."""


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    media_files: int
    keys: tuple[str, ...]


def database_kind() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def row_counts() -> dict[str, int]:
    """Rows per table of every installed model (auto-created many-to-many tables included)."""
    tables = sorted(
        {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
        & set(connection.introspection.table_names())
    )
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _postgres_env_and_name() -> tuple[dict[str, str], str]:
    db = settings.DATABASES["default"]
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[variable] = str(db[key])
    return env, str(db["NAME"])


def _run(args: list[str], env: dict[str, str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed (Debian package postgresql-client).")
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


def _dump_database(kind: str, into: Path) -> Path:
    if kind == "sqlite":
        target = into / SQLITE_FILE
        connection.ensure_connection()
        source = connection.connection
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # the online backup API: consistent while others write
        finally:
            copy.close()
        return target
    target = into / POSTGRES_FILE
    env, name = _postgres_env_and_name()
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(target), name],
        env,
    )
    return target


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def backup(output: Path) -> dict[str, Any]:
    """Write the backup archive to ``output`` (a ``.tar.gz``); returns its manifest."""
    kind = database_kind()
    media_root = Path(settings.MEDIA_ROOT)
    var_dir = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory(prefix="kajet-backup-") as work_dir:
        work = Path(work_dir)
        database = _dump_database(kind, work)
        members = [(database, database.name)]
        for path in _files_under(media_root):
            members.append((path, f"media/{path.relative_to(media_root).as_posix()}"))
        for name in KEY_FILES:
            if (var_dir / name).is_file():
                members.append((var_dir / name, f"keys/{name}"))
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": kind,
            "tables": row_counts(),
            "files": {arcname: _sha256(path) for path, arcname in members},
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
            for path, arcname in members:
                archive.add(path, arcname=arcname, recursive=False)
        partial.replace(output)  # a backup that is there is whole
    return manifest


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("This is not a Kajet backup: manifest.json is missing.") from None
    if member is None:
        raise BackupError("This is not a Kajet backup: manifest.json is not a file.")
    try:
        manifest = json.loads(member.read())
    except ValueError:
        raise BackupError("The backup's manifest.json is not valid JSON.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format (expected {FORMAT}).")
    return manifest


def _unpack(source: Path, work: Path) -> dict[str, Any]:
    """Unpack into ``work`` and check every file against the manifest."""
    try:
        with tarfile.open(source, "r:gz") as archive:
            manifest = _read_manifest(archive)
            archive.extractall(work, filter="data")  # no absolute paths, links or ../
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"The backup cannot be read: {error}") from None
    expected: dict[str, str] = manifest.get("files", {})
    for arcname, digest in expected.items():
        path = work / arcname
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {arcname} is missing.")
        if _sha256(path) != digest:
            raise BackupError(f"The backup was altered: {arcname} does not match its checksum.")
    present = {p.relative_to(work).as_posix() for p in _files_under(work)} - {MANIFEST}
    unexpected = sorted(present - set(expected))
    if unexpected:
        raise BackupError(f"The backup holds files its manifest does not list: {unexpected[0]}.")
    return manifest


def _database_is_empty() -> bool:
    tables = set(connection.introspection.table_names())
    if "core_school" not in tables:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM core_school LIMIT 1")
        return cursor.fetchone() is None


def _restore_database(kind: str, work: Path) -> None:
    if kind == "sqlite":
        source = sqlite3.connect(work / SQLITE_FILE)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)  # replaces every page of the target
        finally:
            source.close()
        connection.close()
        return
    env, name = _postgres_env_and_name()
    connection.close()
    args = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
    _run([*args, "--exit-on-error", "-d", name, str(work / POSTGRES_FILE)], env)


def restore(source: Path) -> Restored:
    """Restore a backup made by :func:`backup` into this (empty) instance."""
    kind = database_kind()
    if not _database_is_empty():
        raise BackupError(
            "The database already holds a school. Restore into an empty instance "
            "(a new database and var/ directory)."
        )
    with tempfile.TemporaryDirectory(prefix="kajet-restore-") as work_dir:
        work = Path(work_dir)
        manifest = _unpack(source, work)
        if manifest.get("database") != kind:
            raise BackupError(
                f"This backup is of a {manifest.get('database')} database; this instance uses "
                f"{kind}. Move between databases with export_register / import_register."
            )
        _restore_database(kind, work)
        media = _files_under(work / "media")
        media_root = Path(settings.MEDIA_ROOT)
        for path in media:
            target = media_root / path.relative_to(work / "media")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        keys = []
        for name in KEY_FILES:
            if (work / "keys" / name).is_file():
                target = Path(settings.VAR_DIR) / name
                shutil.copy2(work / "keys" / name, target)
                target.chmod(0o600)
                keys.append(name)
    counted = row_counts()
    expected: dict[str, int] = manifest["tables"]
    wrong = {t: (n, counted.get(t)) for t, n in expected.items() if counted.get(t) != n}
    if wrong:
        table, (want, got) = sorted(wrong.items())[0]
        raise BackupError(f"The restored table {table} has {got} rows; the backup had {want}.")
    return Restored(len(counted), sum(counted.values()), len(media), tuple(keys))
