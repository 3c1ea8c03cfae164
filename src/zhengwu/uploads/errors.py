"""Why an upload is refused: one ``ValidationFailed`` subclass per stable code.

Messages are Chinese and name the material (``label``: the form field's label or the kind of
material); ``field`` is the form field the error belongs to.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.core.errors import NotFound, ValidationFailed


class UploadRejected(ValidationFailed):
    """Base of every refusal of an uploaded file."""

    code = "upload.invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)


class UploadEmpty(UploadRejected):
    code = "upload.empty"

    def __init__(self, *, label: str, field: str | None = None) -> None:
        super().__init__(_("%(label)s是空文件，请重新选择") % {"label": label}, field=field)


class UploadTooLarge(UploadRejected):
    code = "upload.too_large"

    def __init__(self, *, label: str, limit: int, field: str | None = None) -> None:
        message = _("%(label)s的文件大小不能超过 %(limit)s") % {
            "label": label,
            "limit": human_size(limit),
        }
        super().__init__(message, field=field)


class UploadNotJpeg(UploadRejected):
    """Not an accepted image type (JPEG; JPEG or PNG where the field allows PNG). The code
    stays ``upload.not_jpeg`` for both."""

    code = "upload.not_jpeg"

    def __init__(self, *, label: str, field: str | None = None, png: bool = False) -> None:
        template = (
            _("%(label)s须为 JPG 或 PNG 格式的图片") if png else _("%(label)s须为 JPG 格式的图片")
        )
        super().__init__(template % {"label": label}, field=field)


class UploadCorrupt(UploadRejected):
    code = "upload.corrupt"

    def __init__(self, *, label: str, field: str | None = None) -> None:
        message = _("%(label)s无法识别，图片可能已损坏，请重新拍摄或扫描后上传") % {"label": label}
        super().__init__(message, field=field)


class UploadTooSmall(UploadRejected):
    code = "upload.too_small"

    def __init__(self, *, label: str, minimum: int, field: str | None = None) -> None:
        message = _("%(label)s的分辨率过低，宽和高至少 %(min)s 像素，请上传清晰的照片") % {
            "label": label,
            "min": minimum,
        }
        super().__init__(message, field=field)


class UploadTooBigDimensions(UploadRejected):
    code = "upload.too_big_dimensions"

    def __init__(self, *, label: str, maximum: int, field: str | None = None) -> None:
        message = _("%(label)s的尺寸过大，宽和高不能超过 %(max)s 像素") % {
            "label": label,
            "max": maximum,
        }
        super().__init__(message, field=field)


class UploadNotFound(NotFound):
    """The upload does not exist or the caller may not see it: one answer for both, so that
    nobody learns whether an id exists."""

    code = "upload.not_found"
    message = "文件不存在"


def human_size(size: int) -> str:
    """``5 MB``, ``500 KB``, ``100 字节`` (binary units, as browsers show file sizes)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.1f}".removesuffix(".0") + f" {unit}"
    return _("%(size)s 字节") % {"size": size}


class UploadUnavailable(NotFound):
    """The row exists but its file is missing or does not decrypt (an operations problem:
    logged as an error; the user sees a plain 404)."""

    code = "upload.unavailable"
    message = "文件已不存在或无法读取"
