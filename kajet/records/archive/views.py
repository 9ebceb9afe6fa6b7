"""The year-end archive's pages (under "Printouts"): the list of years and archives, one
archive's progress and signature form, the download, and checking an uploaded archive.
Thin views: access → form → service → redirect or render."""

from __future__ import annotations

import hashlib
from typing import IO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kajet.accounts.http import AuthedRequest
from kajet.records import access
from kajet.records.archive import services
from kajet.records.archive.build import year_slug
from kajet.records.archive.rules import year_has_ended
from kajet.records.archive.signing import MAX_PKCS12_BYTES
from kajet.records.archive.verify import archive_verify
from kajet.records.models import YearArchive
from kajet.school.models import SchoolYear

Status = YearArchive.Status


def _is_htmx(request: AuthedRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@login_required
@require_GET
def archive_index(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, "records.archive")
    today = timezone.localdate()
    years = [(year, year_has_ended(year.ends_on, today)) for year in SchoolYear.objects.all()]
    archives = list(YearArchive.objects.select_related("year", "signed_by", "requested_by"))
    return render(request, "records/archive/index.html", {"years": years, "archives": archives})


@login_required
@require_POST
def archive_generate(request: AuthedRequest, year_id: int) -> HttpResponse:
    year = access.access_archive_year(request.user, year_id)
    try:
        archive = services.archive_request(
            actor=request.user, year=year, today=timezone.localdate()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("records:archive_index")
    return redirect("records:archive", archive_id=archive.pk)


def _detail(request: AuthedRequest, archive: YearArchive, status: int = 200) -> HttpResponse:
    return render(
        request,
        "records/archive/detail.html",
        {"archive": archive, "max_kb": MAX_PKCS12_BYTES // 1024},
        status=status,
    )


@login_required
@require_GET
def archive_detail(request: AuthedRequest, archive_id: int) -> HttpResponse:
    archive = access.access_archive(request.user, archive_id)
    if _is_htmx(request):
        return render(request, "records/archive/_status.html", {"archive": archive})
    return _detail(request, archive)


@sensitive_post_parameters("haslo")
@login_required
@require_POST
def archive_sign(request: AuthedRequest, archive_id: int) -> HttpResponse:
    """Sign with the PKCS#12 file and password of this request; neither is kept (the upload
    is read into memory here, passed to the service and dropped with the request)."""
    archive = access.access_archive(request.user, archive_id)
    upload = request.FILES.get("certyfikat")
    data = upload.read(MAX_PKCS12_BYTES + 1) if upload is not None else b""
    try:
        services.archive_sign(
            actor=request.user,
            archive=archive,
            pkcs12=data,
            password=str(request.POST.get("haslo", "")),
            now=timezone.now(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _detail(request, archive, status=400)
    messages.success(request, _("The archive is signed and kept."))
    return redirect("records:archive", archive_id=archive.pk)


@login_required
@require_GET
def archive_download(request: AuthedRequest, archive_id: int) -> FileResponse:
    archive = access.access_archive(request.user, archive_id)
    if archive.status != Status.SIGNED or not archive.file:
        raise Http404
    filename = f"kajet-archiwum-{year_slug(archive.year)}.zip"
    return FileResponse(
        archive.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/zip",
    )


@login_required
@require_http_methods(["GET", "POST"])
def archive_check(request: AuthedRequest) -> HttpResponse:
    """Check an uploaded archive ZIP: its signature and every file against the manifest."""
    access.require(request.user, "records.archive_verify")
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("archiwum")
        stream = upload.file if upload is not None else None
        if upload is None or stream is None or not upload.size:
            context["error"] = _("Choose the archive file (ZIP) to check.")
            status = 400
        else:
            context["report"] = archive_verify(stream, upload.size)
            context["filename"] = upload.name
            context["kept"] = _kept_copy(stream)
    return render(request, "records/archive/check.html", context, status=status)


def _kept_copy(stream: IO[bytes]) -> YearArchive | None:
    """The school's kept archive that is byte for byte this file, if any."""
    stream.seek(0)
    digest = hashlib.sha256()
    while piece := stream.read(1024 * 1024):
        digest.update(piece)
    return (
        YearArchive.objects.filter(status=Status.SIGNED, sha256=digest.hexdigest())
        .select_related("year")
        .first()
    )
