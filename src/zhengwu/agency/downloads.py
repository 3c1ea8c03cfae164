"""Serving an application's attachment (AG-6): to its own unit (page and API) and to the
authority's staff. Decrypted on the way out, every view audited, refusals too; the headers are
those of ``uploads.views.upload_file`` (never cached, never sniffed, same origin only).
"""

from __future__ import annotations

from typing import Any, Final

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event

from .models import AgencyUnit, Attachment
from .services import attachments

EVENT_VIEWED: Final = "agency.attachment.viewed"
EVENT_VIEW_DENIED: Final = "agency.attachment.view_denied"

#: What an opened attachment may do: a JPEG is shown like an upload (sandboxed, images only);
#: a PDF gets no script, no connections and no framing — without ``sandbox``, which stops
#: Chromium's built-in PDF viewer from rendering it (decision 0021, issue 12 follow-up).
_CSP: Final[dict[str, str]] = {
    "image/jpeg": "default-src 'none'; img-src 'self'; sandbox",
    "application/pdf": (
        "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'"
    ),
}


def attachment_for_unit(unit: AgencyUnit, attachment_id: Any) -> Attachment | None:
    """The attachment ``attachment_id`` if it belongs to an application of ``unit`` (current or
    past); ``None`` otherwise — another unit's attachment does not exist for it."""
    try:
        return (
            Attachment.objects.select_related("application")
            .filter(pk=attachment_id, application__unit=unit)
            .first()
        )
    except (ValueError, TypeError):  # not a UUID
        return None


def refuse(*, actor: Any, attachment_id: Any, unit: AgencyUnit | None = None) -> None:
    """Audit a refused view (an unknown id or another unit's file): the caller answers 404."""
    record_event(
        EVENT_VIEW_DENIED,
        actor=actor,
        subject=unit,
        after={"attachment": str(attachment_id)},
        outcome=AuditEvent.Outcome.FAILURE,
    )


def attachment_response(
    attachment: Attachment, *, actor: Any, as_attachment: bool = False
) -> HttpResponse:
    """The decrypted file with its content type; ``as_attachment`` makes the browser save it
    (下载) instead of opening it (查看). The view is audited before the bytes leave."""
    content = attachments.content_of(attachment)
    record_event(
        EVENT_VIEWED,
        actor=actor,
        subject=attachment.application,
        after={
            "attachment": str(attachment.pk),
            "material": attachment.material,
            "download": as_attachment,
        },
    )
    response = HttpResponse(content, content_type=attachment.content_type)
    extension = ".pdf" if attachment.content_type == "application/pdf" else ".jpg"
    name = attachment.original_name or attachment.material
    if not name.lower().endswith(extension):
        name += extension
    response["Content-Disposition"] = content_disposition_header(as_attachment, name) or "inline"
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = _CSP[attachment.content_type]
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def pdf_response(data: bytes, name: str) -> HttpResponse:
    """A generated PDF to save (下载表格, the certificate): never cached."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def form_response(application: Any) -> HttpResponse:
    """AG-7 下载表格: the item's form from the application's current data."""
    from .pdf import application_form_pdf

    return pdf_response(application_form_pdf(application), f"{application.form_title}.pdf")


def completed_for_unit(unit: AgencyUnit, application_id: Any) -> Any:
    """One of the unit's completed applications that issued a certificate, or ``None``."""
    from .models import Application

    return (
        Application.objects.filter(pk=application_id, unit=unit, status=Application.Status.DONE)
        .exclude(licence_identifier="")
        .first()
    )


def certificate_response(application: Any, *, actor: Any) -> HttpResponse | None:
    """The signed electronic certificate (LIC-3) the completed ``application`` issued, audited;
    ``None`` if the licence is gone."""
    from zhengwu.licences.models import Licence
    from zhengwu.licences.pdf import licence_pdf

    licence = Licence.objects.filter(identifier=application.licence_identifier).first()
    if licence is None:
        return None
    record_event("agency.certificate.downloaded", actor=actor, subject=licence)
    return pdf_response(licence_pdf(licence), f"统一社会信用代码证书-{licence.holder_uscc}.pdf")
