"""``upload_store``: only real, complete JPEGs are kept, re-encoded, encrypted, privately."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import FileSystemStorage
from django.db import DatabaseError
from PIL import Image

from zhengwu.audit.models import AuditEvent
from zhengwu.core.errors import ValidationFailed
from zhengwu.uploads.errors import UploadRejected
from zhengwu.uploads.models import PrivateUpload
from zhengwu.uploads.sealing import unseal
from zhengwu.uploads.selectors import upload_read_content
from zhengwu.uploads.services import upload_store

from . import samples

pytestmark = pytest.mark.django_db


def store(content: bytes, *, name: str = "营业执照.jpg", actor=None, **kwargs) -> PrivateUpload:
    kwargs.setdefault("kind", "licence_page")
    if actor is None:
        kwargs.setdefault("owner_token", "token-of-the-wizard")
    return upload_store(file=samples.uploaded(content, name), actor=actor, **kwargs)


def refused(content: bytes, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as info:
        store(content, **kwargs)
    assert isinstance(info.value, ValidationFailed)
    assert not PrivateUpload.objects.exists()
    return info.value


def test_real_jpeg_is_accepted_and_described(applicant, files_in):
    """A JPEG is stored with its kind, uploader, dimensions, size and SHA-256 of the served
    bytes, and an ``upload.stored`` audit event."""
    upload = store(samples.jpeg(640, 480), actor=applicant)
    upload.refresh_from_db()
    content = upload_read_content(upload=upload)
    assert upload.kind == PrivateUpload.Kind.LICENCE_PAGE
    assert upload.uploaded_by == applicant
    assert (upload.width, upload.height) == (640, 480)
    assert upload.size == len(content)
    assert upload.sha256 == hashlib.sha256(content).hexdigest()
    assert upload.content_type == "image/jpeg"
    assert upload.original_name == "营业执照.jpg"
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG"
        assert image.size == (640, 480)
    assert len(files_in()) == 1
    event = AuditEvent.objects.get(event_type="upload.stored")
    assert (event.actor_id, event.subject_id) == (applicant.pk, str(upload.pk))


def test_stored_image_is_reencoded_without_exif_gps_or_comment():
    """The served JPEG is a new encoding: no EXIF (GPS position, camera model), no comment."""
    original = samples.jpeg(exif=samples.gps_exif(), comment=b"<script>alert(1)</script>")
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(samples.GPS_IFD)  # the sample really carries GPS
    content = upload_read_content(upload=store(original))
    assert content != original
    assert b"Exif" not in content
    assert b"ZW-Phone" not in content
    assert b"script" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif()
        assert "comment" not in image.info
        assert "icc_profile" not in image.info


def test_exif_orientation_is_applied_before_it_is_dropped():
    """A phone photo taken upright (EXIF orientation 6: rotate 90°) is stored upright."""
    upload = store(samples.jpeg(400, 300, exif=samples.gps_exif(orientation=6)))
    assert (upload.width, upload.height) == (300, 400)
    with Image.open(io.BytesIO(upload_read_content(upload=upload))) as image:
        assert image.size == (300, 400)


def test_cmyk_scan_is_stored_as_rgb():
    """CMYK JPEGs from print scanners are converted to RGB, which every browser renders."""
    content = upload_read_content(upload=store(samples.jpeg(mode="CMYK")))
    with Image.open(io.BytesIO(content)) as image:
        assert image.mode == "RGB"


def test_greyscale_and_progressive_jpegs_are_accepted():
    """Greyscale scans and progressive JPEGs are real JPEGs too."""
    assert store(samples.jpeg(mode="L")).width == 400
    assert store(samples.jpeg(progressive=True)).width == 400


def test_multi_picture_jpeg_is_stored_as_its_first_picture():
    """An MPO (a JPEG with a multi-picture segment, common from phones) is accepted; only
    its first picture is kept, as a plain JPEG."""
    upload = store(samples.mpo())
    assert (upload.width, upload.height) == (400, 300)
    content = upload_read_content(upload=upload)
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG"
        assert getattr(image, "n_frames", 1) == 1
    assert content.count(b"\xff\xd8") == 1


def test_png_renamed_to_jpg_is_refused():
    """The name and the declared type do not count: a PNG called ``.jpg`` is refused."""
    error = refused(samples.png(), name="licence.jpg", field="licence_page")
    assert error.code == "upload.not_jpeg"
    assert error.field == "licence_page"
    assert error.message == "营业执照/证照页须为 JPG 格式的图片"


@pytest.mark.parametrize(
    "content",
    [samples.PDF, samples.HTML, samples.SVG, samples.EXE],
    ids=["pdf", "html", "svg", "exe"],
)
def test_other_file_types_are_refused_as_not_jpeg(content):
    """PDF, HTML, SVG and executables named ``.jpg`` are ``upload.not_jpeg``."""
    assert refused(content, name="scan.jpg").code == "upload.not_jpeg"


def test_jpeg_magic_bytes_alone_do_not_pass():
    """Bytes that only start like a JPEG (FF D8 FF, then HTML) are refused as damaged."""
    assert refused(samples.FAKE_MAGIC, name="scan.jpg").code == "upload.corrupt"


def test_empty_file_is_refused():
    """An empty file is ``upload.empty``, naming the material."""
    error = refused(b"", label="营业执照照片")
    assert error.code == "upload.empty"
    assert error.message == "营业执照照片是空文件，请重新选择"


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.9])
def test_truncated_jpeg_is_refused(fraction):
    """A JPEG cut short (an interrupted upload or a broken scan) is ``upload.corrupt``."""
    data = samples.jpeg()
    assert refused(data[: int(len(data) * fraction)]).code == "upload.corrupt"


def test_truncated_progressive_jpeg_is_refused():
    """A progressive JPEG cut short is refused too (its first scans would decode)."""
    data = samples.jpeg(progressive=True)
    assert refused(data[: int(len(data) * 0.7)]).code == "upload.corrupt"


def test_jpeg_zip_polyglot_is_stored_without_the_payload():
    """A JPEG followed by a ZIP (or HTML) is an image to Pillow: it is accepted, and the
    stored bytes are the re-encoded image only: the archive is gone."""
    payload = samples.zip_payload()
    upload = store(samples.jpeg() + payload + samples.HTML)
    content = upload_read_content(upload=upload)
    assert b"PK\x03\x04" not in content
    assert b"polyglot" not in content
    assert b"<script" not in content
    assert content.endswith(b"\xff\xd9")


def test_file_over_the_size_limit_is_refused(settings):
    """``ZHENGWU_UPLOAD_MAX_BYTES`` limits the file; the message states the limit."""
    data = samples.jpeg()
    settings.ZHENGWU_UPLOAD_MAX_BYTES = len(data) - 1
    error = refused(data, field="licence_page")
    assert error.code == "upload.too_large"
    assert error.field == "licence_page"
    settings.ZHENGWU_UPLOAD_MAX_BYTES = len(data)
    assert store(data).pk


def test_default_size_limit_is_5_mb(settings):
    """Without the setting the limit is 5 MiB, and the message says “5 MB”."""
    del settings.ZHENGWU_UPLOAD_MAX_BYTES
    error = refused(b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024))
    assert error.code == "upload.too_large"
    assert error.message == "营业执照/证照页的文件大小不能超过 5 MB"


def test_declared_size_is_not_trusted(settings):
    """A file object that under-reports its size is still refused once read."""
    settings.ZHENGWU_UPLOAD_MAX_BYTES = 1000
    file = samples.uploaded(samples.jpeg())
    file.size = 10
    with pytest.raises(UploadRejected) as info:
        upload_store(file=file, kind="other", owner_token="t")
    assert info.value.code == "upload.too_large"


def test_tiny_image_is_refused():
    """Under 200 pixels wide or high a licence is not legible: ``upload.too_small``."""
    assert refused(samples.jpeg(199, 400)).code == "upload.too_small"
    assert refused(samples.jpeg(400, 199)).code == "upload.too_small"
    assert store(samples.jpeg(200, 200)).width == 200


def test_image_wider_than_the_limit_is_refused():
    """More than 10000 pixels on a side is ``upload.too_big_dimensions``."""
    data = samples.with_dimensions(samples.jpeg(), 10001, 400)
    assert refused(data).code == "upload.too_big_dimensions"


def test_too_many_pixels_are_refused_before_decoding(settings):
    """Width × height over ``ZHENGWU_UPLOAD_MAX_PIXELS`` is refused from the header."""
    settings.ZHENGWU_UPLOAD_MAX_PIXELS = 400 * 300 - 1
    assert refused(samples.jpeg(400, 300)).code == "upload.too_big_dimensions"


@pytest.mark.parametrize("side", [9000, 65000], ids=["over-our-limit", "pillow-bomb-guard"])
def test_decompression_bomb_is_refused_cleanly(side):
    """A few kilobytes claiming a huge frame (9000² beyond our pixel limit, 65000² beyond
    Pillow's own guard) is a clean ``upload.too_big_dimensions``, never a crash."""
    data = samples.with_dimensions(samples.jpeg(), side, side)
    error = refused(data, field="id_page")
    assert error.code == "upload.too_big_dimensions"
    assert error.field == "id_page"


def test_file_is_private_encrypted_and_named_without_user_text(private_storage, files_in):
    """The file is under the private storage (not STATIC_ROOT), at
    ``uploads/YYYY/MM/<uuid>.jpg.enc``, encrypted; the user's file name appears nowhere."""
    upload = store(samples.jpeg(), name="../../static/张三 身份证.jpg")
    (path,) = files_in()
    assert path.is_relative_to(private_storage)
    assert not path.is_relative_to(Path(django_settings.STATIC_ROOT))
    created = upload.created_at.astimezone()
    assert upload.storage_name == f"uploads/{created:%Y}/{created:%m}/{upload.pk.hex}.jpg.enc"
    assert path == private_storage / upload.storage_name
    assert "张三" not in upload.storage_name and "static" not in upload.storage_name
    blob = path.read_bytes()
    assert not blob.startswith(b"\xff\xd8")
    assert unseal(blob, upload_id=upload.pk) == upload_read_content(upload=upload)
    assert upload.original_name == "张三 身份证.jpg"


def test_original_name_is_sanitised_for_display():
    """Only the last path component survives, without control or bidi-override characters
    (``U+202E`` would show ``gpj.exe`` as ``exe.jpg``), at most 120 characters."""
    assert store(samples.jpeg(), name="C:\\Users\\张三\\scan\u202egpj.exe").original_name == (
        "scangpj.exe"
    )
    assert len(store(samples.jpeg(), name="长" * 300 + ".jpg").original_name) == 120


def test_an_owner_is_required():
    """Without a signed-in actor or an owner token nobody could see the file: refused."""
    with pytest.raises(ValueError):
        upload_store(file=samples.uploaded(samples.jpeg()), kind="other")


def test_owner_token_is_stored_only_as_a_keyed_hash():
    """The owner token itself is not in the database."""
    upload = store(samples.jpeg(), owner_token="secret-owner-token")
    assert upload.uploaded_by is None
    assert len(upload.owner_token_hash) == 64
    assert "secret-owner-token" not in upload.owner_token_hash


def test_no_file_is_left_when_the_row_cannot_be_written(monkeypatch, files_in):
    """If the database insert fails, the error propagates and the stored file is removed."""

    def broken_save(self, *args, **kwargs):
        raise DatabaseError("insert failed")

    monkeypatch.setattr(PrivateUpload, "save", broken_save)
    with pytest.raises(DatabaseError):
        store(samples.jpeg())
    assert files_in() == []


def test_no_file_or_row_is_left_when_the_audit_event_fails(monkeypatch, files_in):
    """A failure after the insert (the audit event) rolls the row back and removes the file."""

    def broken_record_event(*args, **kwargs):
        raise DatabaseError("audit failed")

    monkeypatch.setattr("zhengwu.uploads.services.record_event", broken_record_event)
    with pytest.raises(DatabaseError):
        store(samples.jpeg())
    assert files_in() == []
    assert not PrivateUpload.objects.exists()


def test_no_row_is_left_when_the_storage_fails(monkeypatch, files_in):
    """If the file cannot be written, no row is created."""

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "save", broken_save)
    with pytest.raises(OSError):
        store(samples.jpeg())
    assert not PrivateUpload.objects.exists()
    assert files_in() == []
