"""Form field for the wizard steps: the same content check as ``upload_store``, shown beside
the field in Chinese.

The field only checks; the view then calls ``upload_store(file=form.cleaned_data[...])``,
which checks again (a service never relies on its caller having validated).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from .errors import UploadRejected
from .images import prepare_jpeg, read_limited
from .models import UploadKind


class JpegFileInput(forms.ClearableFileInput):
    """File input that lets the browser's picker offer JPEG images only."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"accept": "image/jpeg", **(attrs or {})})


class JpegUploadField(forms.FileField):
    """A JPEG scan or photo (REG-9): refused unless the content is a complete JPEG within
    the size and dimension limits; the error names the field's label (or the kind's)."""

    widget = JpegFileInput

    def __init__(
        self, *, kind: UploadKind | str = UploadKind.OTHER, allow_png: bool = False, **kwargs: Any
    ) -> None:
        self.kind = UploadKind(kind)
        self.allow_png = allow_png
        if allow_png:
            kwargs.setdefault("widget", JpegFileInput(attrs={"accept": "image/jpeg,image/png"}))
        # An empty file gets our own message (upload.empty) rather than Django's.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        if isinstance(file, UploadedFile):
            label = str(self.label or self.kind.label)
            try:
                prepare_jpeg(read_limited(file, label=label), label=label, allow_png=self.allow_png)
            except UploadRejected as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
            finally:
                file.seek(0)
        return file
