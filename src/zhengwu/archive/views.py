"""Pages of 容e查: staff search, the unit's own archive (/archive/mine/), a file's page and its
watermarked download, and the scanning room's batch import. Every view and download of a
file is audited; a file that is not yours is a 404."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from zhengwu.audit.services import record_event

from . import files, permissions, selectors
from .constants import EVENT_DOWNLOADED, EVENT_SEARCHED, EVENT_VIEWED
from .errors import ManifestInvalid
from .forms import SearchForm
from .models import ArchiveFile
from .services import display_name, import_batch


def _results(
    request: HttpRequest, usccs: list[str] | None
) -> tuple[SearchForm, list[ArchiveFile], bool]:
    form = SearchForm(request.GET or None)
    if not form.is_valid():
        return form, [], False
    query = form.query()
    if usccs is None and query.empty:
        return form, [], False
    found = list(selectors.archive_search(query, usccs=usccs)[: selectors.PAGE_SIZE])
    if not query.empty:
        record_event(
            EVENT_SEARCHED,
            after={
                "q": query.text,
                "uscc": query.uscc,
                "type": query.archive_type,
                "hits": len(found),
            },
        )
    return form, found, True


def staff_search(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_search_all(request.user):
        raise Http404
    form, found, searched = _results(request, None)
    return render(
        request,
        "archive/search.html",
        {
            "form": form,
            "files": found,
            "searched": searched,
            "can_import": permissions.can_import(request.user),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The unit's own archive in its space."""
    usccs = permissions.unit_usccs(request.user)
    form, found, _searched = _results(request, usccs)
    if not request.GET:
        found = list(
            selectors.archive_search(selectors.Query(), usccs=usccs)[: selectors.PAGE_SIZE]
        )
    return render(request, "archive/mine.html", {"form": form, "files": found, "usccs": usccs})


def _file_or_404(request: HttpRequest, file_id: uuid.UUID) -> ArchiveFile:
    archive = get_object_or_404(ArchiveFile, pk=file_id)
    if not permissions.can_view(request.user, archive):
        raise Http404
    return archive


@login_required
def detail(request: HttpRequest, file_id: uuid.UUID) -> HttpResponse:
    archive = _file_or_404(request, file_id)
    record_event(EVENT_VIEWED, subject=archive, after={"uscc": archive.uscc})
    return render(
        request,
        "archive/detail.html",
        {"file": archive, "staff": permissions.can_search_all(request.user)},
    )


@login_required
def download(request: HttpRequest, file_id: uuid.UUID) -> HttpResponse:
    """The file as a PDF watermarked with the viewer and the time."""
    archive = _file_or_404(request, file_id)
    now = timezone.now()
    user = request.user
    viewer = f"{getattr(user, 'display_name', '') or user.get_username()}（{user.get_username()}）"
    pdf = files.watermarked_pdf(archive, viewer=viewer, at=now)
    record_event(EVENT_DOWNLOADED, subject=archive, after={"uscc": archive.uscc})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{archive.uscc}-{archive.title}.pdf") or ""
    )
    response["Cache-Control"] = "private, no-store"
    return response


def batch_import(request: HttpRequest) -> HttpResponse:
    """The scanning room uploads a manifest and its scans (the same import as the command)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_import(request.user):
        raise Http404
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        manifest = request.FILES.get("manifest")
        scans = request.FILES.getlist("files")
        if manifest is None:
            context["error"] = "请选择清单文件（manifest.csv）"
            status = 400
        else:
            with tempfile.TemporaryDirectory() as folder:
                for scan in scans:
                    name = display_name(scan.name or "")
                    if name:
                        (Path(folder) / name).write_bytes(scan.read())
                try:
                    context["report"] = import_batch(
                        Path(folder), manifest.read(), actor=request.user
                    )
                except ManifestInvalid as error:
                    context["error"] = error.message
                    status = 400
    return render(request, "archive/import.html", context, status=status)
