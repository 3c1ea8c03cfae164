"""PNG where a field allows it (the agent's 上传证件): decoded and re-encoded as a JPEG like
every upload; refused, with the JPEG-only message, everywhere else."""

import io

import pytest
from django.utils import translation
from PIL import Image

from zhengwu.uploads.errors import UploadNotJpeg, UploadTooSmall
from zhengwu.uploads.images import prepare_jpeg


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def _png(size=(400, 300), mode="RGB", colour="white") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_png_is_refused_unless_allowed():
    with pytest.raises(UploadNotJpeg) as caught:
        prepare_jpeg(_png(), label="证件页", field="id_document")
    assert caught.value.message == "证件页须为 JPG 格式的图片"
    assert caught.value.field == "id_document"


def test_an_allowed_png_comes_out_a_jpeg():
    prepared = prepare_jpeg(_png(mode="RGBA", colour=(0, 0, 0, 0)), label="x", allow_png=True)
    assert prepared.content.startswith(b"\xff\xd8\xff")
    with Image.open(io.BytesIO(prepared.content)) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.getpixel((5, 5)) >= (250, 250, 250)  # transparency on white


def test_allowed_png_keeps_every_other_rule():
    with pytest.raises(UploadTooSmall):
        prepare_jpeg(_png(size=(100, 100)), label="x", allow_png=True)
    with pytest.raises(UploadNotJpeg) as caught:
        prepare_jpeg(b"%PDF-1.4\n%%EOF\n", label="执照", allow_png=True)
    assert caught.value.message == "执照须为 JPG 或 PNG 格式的图片"
    with pytest.raises(UploadNotJpeg):  # PNG magic, not a PNG
        prepare_jpeg(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, label="x", allow_png=True)
