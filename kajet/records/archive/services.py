"""Writes of the year-end archive: asking for one (queued as a background job), the job that
writes its files, and the principal's signature. Each checks its rule, writes history, and
refuses with a ``ValidationError`` whose message is for the user (nothing changed)."""

from __future__ import annotations

import datetime
import hashlib
import logging
import shutil
import tempfile
import zipfile
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from lxml import etree

from kajet.accounts.models import User
from kajet.core.history import history_record
from kajet.records.archive.build import files_write, year_slug
from kajet.records.archive.manifest import manifest_build
from kajet.records.archive.rules import MANIFEST_NAME, year_has_ended
from kajet.records.archive.signing import SigningError, identity_load, manifest_sign
from kajet.records.models import YearArchive
from kajet.school.models import SchoolYear

logger = logging.getLogger(__name__)
OBJECT_TYPE = "records.yeararchive"
Status = YearArchive.Status


def _file_delete(archive: YearArchive) -> None:
    if archive.file:
        default_storage.delete(archive.file.name)


@transaction.atomic
def archive_request(*, actor: User, year: SchoolYear, today: datetime.date) -> YearArchive:
    """Queue the archive of ``year`` (its files are written by a background job after the
    commit). Refused while the year has not ended, or while one is being generated; an
    earlier unsigned or failed attempt for the year is replaced."""
    if not year_has_ended(year.ends_on, today):
        raise ValidationError(
            _(
                "The school year %(name)s has not ended yet: it ends on %(date)s, and its "
                "archive can be generated from the next day."
            )
            % {"name": year.name, "date": year.ends_on.strftime("%d.%m.%Y")}
        )
    earlier = (
        YearArchive.objects.select_for_update().filter(year=year).exclude(status=Status.SIGNED)
    )
    if any(a.is_running for a in earlier):
        raise ValidationError(_("The archive of this school year is being generated already."))
    for old in earlier:
        _file_delete(old)
        old.delete()
    archive = YearArchive.objects.create(school_id=year.school_id, year=year, requested_by=actor)
    history_record(
        school=year.school,
        actor=actor,
        code="records.archive.requested",
        object_type=OBJECT_TYPE,
        object_id=archive.pk,
        new={"year": year.name},
    )
    from kajet.records.tasks import archive_build_task, enqueue

    transaction.on_commit(lambda: enqueue(archive_build_task, archive.pk))
    return archive


def archive_build(*, archive_id: int) -> str:
    """The background job: write the files of a queued archive and its unsigned manifest.
    Records progress on the row (``done``/``total``) and a failure as ``failed``."""
    with scopes_disabled():
        archive = (
            YearArchive.objects.select_related("school", "year", "requested_by")
            .filter(pk=archive_id, status=Status.QUEUED)
            .first()
        )
    if archive is None:
        return "gone"
    with scope(school=archive.school):
        YearArchive.objects.filter(pk=archive.pk).update(status=Status.BUILDING)
        try:
            _build(archive)
        except Exception:
            logger.exception("year archive %s failed", archive.pk)
            YearArchive.objects.filter(pk=archive.pk).update(
                status=Status.FAILED,
                error=_("The archive could not be generated; the details are in the server log."),
            )
            return "failed"
    return "built"


def _build(archive: YearArchive) -> None:
    def progress(done: int, total: int) -> None:
        YearArchive.objects.filter(pk=archive.pk).update(done=done, total=total)

    with tempfile.TemporaryFile() as out:
        entries = files_write(
            out,
            school=archive.school,
            year=archive.year,
            actor=archive.requested_by,
            progress=progress,
        )
        manifest = manifest_build(
            school=archive.school.name,
            year=archive.year.name,
            created_at=timezone.now().isoformat(timespec="seconds"),
            created_by=archive.requested_by.full_name,
            files=entries,
        )
        out.seek(0)
        name = default_storage.save(
            f"archiwum/{archive.school_id}/robocze-{year_slug(archive.year)}.zip", File(out)
        )
    YearArchive.objects.filter(pk=archive.pk).update(
        status=Status.BUILT,
        file=name,
        manifest=etree.tostring(manifest, encoding="unicode"),
    )


def _final_zip(archive: YearArchive, signed_manifest: bytes, out: IO[bytes]) -> tuple[int, str]:
    """Copy the unsigned ZIP into ``out`` and add the signed manifest; (size, sha256)."""
    with default_storage.open(archive.file.name, "rb") as draft:
        shutil.copyfileobj(draft, out)
    out.seek(0)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as final:
        final.writestr(MANIFEST_NAME, signed_manifest)
    out.seek(0)
    digest = hashlib.sha256()
    size = 0
    while piece := out.read(1024 * 1024):
        digest.update(piece)
        size += len(piece)
    out.seek(0)
    return size, digest.hexdigest()


@transaction.atomic
def archive_sign(
    *, actor: User, archive: YearArchive, pkcs12: bytes, password: str, now: datetime.datetime
) -> YearArchive:
    """Sign a generated archive's manifest with the key of the uploaded PKCS#12 file and
    keep the final ZIP. The file and the password are used here and forgotten; the
    certificate's subject and serial number are kept."""
    locked = YearArchive.objects.select_for_update().get(pk=archive.pk)
    if locked.status != Status.BUILT:
        raise ValidationError(
            _("This archive cannot be signed (it is not waiting for a signature).")
        )
    try:
        identity = identity_load(pkcs12, password, now=now)
    except SigningError as exc:
        raise ValidationError(str(exc)) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    signed = manifest_sign(etree.fromstring(locked.manifest.encode(), parser=parser), identity)
    draft_name = locked.file.name
    with tempfile.TemporaryFile() as out:
        size, sha256 = _final_zip(locked, signed, out)
        stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
        name = default_storage.save(
            f"archiwum/{locked.school_id}/archiwum-{year_slug(locked.year)}-{stamp}.zip", File(out)
        )
    transaction.on_commit(lambda: default_storage.delete(draft_name))
    locked.file.name = name
    locked.manifest = signed.decode()
    locked.size = size
    locked.sha256 = sha256
    locked.status = Status.SIGNED
    locked.signed_by = actor
    locked.signed_at = now
    locked.signer_subject = identity.subject[:500]
    locked.signer_serial = identity.serial[:80]
    locked.save()
    # From now on the year's register changes only by documented corrections
    # (kajet.school.register_lock); the first signed archive fixes the date.
    SchoolYear.objects.filter(pk=locked.year_id, archived_at__isnull=True).update(archived_at=now)
    history_record(
        school=locked.year.school,
        actor=actor,
        code="records.archive.signed",
        object_type=OBJECT_TYPE,
        object_id=locked.pk,
        new={
            "year": locked.year.name,
            "sha256": sha256,
            "size": size,
            "signer_subject": locked.signer_subject,
            "signer_serial": locked.signer_serial,
        },
    )
    return locked
