"""``JpegUploadField``: the wizard forms show the same refusals, in Chinese, beside the field."""

from __future__ import annotations

import pytest
from django import forms

from zhengwu.uploads.forms import JpegUploadField

from . import samples


class ManualChannelForm(forms.Form):
    licence_page = JpegUploadField(kind="licence_page", label="营业执照照片")
    id_page = JpegUploadField(kind="id_document")
    stamped_proof = JpegUploadField(kind="stamped_proof", label="证明材料", required=False)


def bound(**files) -> ManualChannelForm:
    defaults = {
        "licence_page": samples.uploaded(samples.jpeg()),
        "id_page": samples.uploaded(samples.jpeg()),
    }
    return ManualChannelForm(data={}, files={**defaults, **files})


def test_real_jpegs_are_valid_and_readable_afterwards():
    """Valid JPEGs pass, and the cleaned file is rewound for ``upload_store``."""
    form = bound()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["licence_page"].read(3) == b"\xff\xd8\xff"
    assert form.cleaned_data["stamped_proof"] is None


def test_renamed_png_shows_the_message_beside_the_field():
    """A PNG named ``.jpg`` is refused with a message naming the field's label."""
    form = bound(licence_page=samples.uploaded(samples.png(), "licence.jpg"))
    assert not form.is_valid()
    assert form.errors["licence_page"] == ["营业执照照片须为 JPG 格式的图片"]
    assert form.has_error("licence_page", code="upload.not_jpeg")
    assert "id_page" not in form.errors


def test_without_a_label_the_message_names_the_kind():
    """Without a label the material's kind names it."""
    form = bound(id_page=samples.uploaded(samples.PDF, "id.jpg"))
    assert form.errors["id_page"] == ["证件页须为 JPG 格式的图片"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "upload.empty"),
        (samples.jpeg(100, 100), "upload.too_small"),
        (samples.jpeg()[:2000], "upload.corrupt"),
        (samples.HTML, "upload.not_jpeg"),
    ],
    ids=["empty", "tiny", "truncated", "html"],
)
def test_refusals_keep_their_codes(content, code):
    """Each refusal reaches the form with its stable code."""
    form = bound(stamped_proof=samples.uploaded(content, "proof.jpg"))
    assert not form.is_valid()
    assert form.has_error("stamped_proof", code=code)
    assert form.errors["stamped_proof"][0].startswith("证明材料")


def test_too_large_file_is_refused(settings):
    """The size limit applies in the form too, and names the limit."""
    settings.ZHENGWU_UPLOAD_MAX_BYTES = 1024
    form = bound()
    assert form.errors["licence_page"] == ["营业执照照片的文件大小不能超过 1 KB"]


def test_required_field_still_required():
    """A missing required file is Django's ordinary “required” error."""
    form = ManualChannelForm(data={}, files={"id_page": samples.uploaded(samples.jpeg())})
    assert form.has_error("licence_page", code="required")


def test_widget_offers_jpeg_only():
    """The file picker is limited to JPEG images (a convenience; the server checks content)."""
    html = str(ManualChannelForm()["licence_page"])
    assert 'accept="image/jpeg"' in html
    assert 'type="file"' in html
