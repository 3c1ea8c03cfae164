"""Login QR images (AG-4): issuing on a stamped paper application, delivery (on site or by a
one-time SMS link), image sign-in and the login commitment (AG-5).

The QR payload is ``ZWAG1:`` followed by 43 URL-safe characters (256 random bits). Only the
keyed hash (``blind_index``, purpose ``agency_login``) is stored, so a database dump cannot
sign anyone in.
"""

from __future__ import annotations

import datetime
import io
import math
import secrets
from dataclasses import dataclass
from typing import Any, Final

import segno
import zxingcpp
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from zhengwu.audit.models import AuditEvent
from zhengwu.audit.services import record_event
from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.documents.fonts import FONT_PATH
from zhengwu.identifiers import mobile as mobile_mod
from zhengwu.identifiers._base import InvalidIdentifier
from zhengwu.notifications.services import sms_send
from zhengwu.uploads.images import Readable
from zhengwu.uploads.models import UploadKind
from zhengwu.uploads.services import upload_attach, upload_store

from .. import conf, throttle
from ..errors import (
    ImageNoCode,
    ImageNotAnImage,
    ImageRevoked,
    ImageTooLarge,
    ImageUnknown,
    SigninThrottled,
    UnitRevoked,
)
from ..models import AgencyUnit, CommitmentAcceptance, CommitmentText, LoginImage

PAYLOAD_PREFIX: Final = "ZWAG1:"
HASH_PURPOSE: Final = "agency_login"
DEFAULT_COMMITMENT: Final = (
    "本单位承诺：\n"
    "一、妥善保管登录二维码图片，不转借他人使用；图片遗失的，及时向登记管理机关申请补发。\n"
    "二、在线填报的信息和上传的材料真实、准确、完整、有效，与纸质申请表一致。\n"
    "三、按照登记管理机关的回复信息及时修改申请或寄送签字盖章的申请表。\n"
    "四、因提供虚假信息造成的后果，由本单位承担。"
)


def credential_hash(credential: str) -> str:
    return blind_index(credential, purpose=HASH_PURPOSE)


def _new_credential() -> str:
    return secrets.token_urlsafe(32)


# --- drawing ----------------------------------------------------------------------------------
def render_image(credential: str, unit_name: str) -> bytes:
    """The login image: the QR of the credential with the unit's name printed under it."""
    buffer = io.BytesIO()
    segno.make(PAYLOAD_PREFIX + credential, error="m", micro=False).save(
        buffer, kind="png", scale=10, border=4
    )
    qr = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    font = ImageFont.truetype(str(FONT_PATH), 26, index=0)
    lines = [unit_name[i : i + 18] for i in range(0, len(unit_name), 18)] or [""]
    width = max(qr.width, 520)
    line_height = 36
    canvas = Image.new("RGB", (width, qr.height + 24 + line_height * len(lines)), "white")
    canvas.paste(qr, ((width - qr.width) // 2, 0))
    draw = ImageDraw.Draw(canvas)
    for n, line in enumerate(lines):
        text_width = draw.textlength(line, font=font)
        draw.text(
            ((width - text_width) / 2, qr.height + n * line_height), line, fill="black", font=font
        )
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def image_file_name(unit: AgencyUnit) -> str:
    return f"登录二维码图片-{unit.uscc}.png"


# --- issuing ----------------------------------------------------------------------------------
@dataclass
class Issued:
    image: LoginImage
    png: bytes | None  # on-site delivery only; the SMS link draws it when opened


def issue_image(
    *,
    unit: AgencyUnit,
    reason: str,
    recipient_name: str,
    recipient_mobile: str,
    applied_on: datetime.date,
    form_scan: Readable,
    delivery: str,
    actor: Any,
    link_base: str = "",
) -> Issued:
    """Record the paper application and issue the login image; revoke the previous one.

    ``link_base`` is the absolute URL prefix of the one-time download link (SMS delivery).
    """
    if not unit.is_active:
        raise UnitRevoked()
    if reason not in LoginImage.Reason.values:
        raise ValidationFailed("请选择申领原因", code="agency.image.reason", field="reason")
    if delivery not in LoginImage.Delivery.values:
        raise ValidationFailed("请选择发放方式", code="agency.image.delivery", field="delivery")
    recipient_name = recipient_name.strip()
    if not recipient_name or len(recipient_name) > 50:
        raise ValidationFailed(
            "领取人不能为空且不能超过 50 个字",
            code="agency.image.recipient",
            field="recipient_name",
        )
    try:
        number = mobile_mod.validate(recipient_mobile)
    except InvalidIdentifier as exc:
        raise ValidationFailed(
            exc.message, code="agency.image.mobile", field="recipient_mobile"
        ) from None
    if applied_on > timezone.localdate():
        raise ValidationFailed(
            "申领日期不能晚于今天", code="agency.image.applied_on", field="applied_on"
        )
    now = timezone.now()
    with transaction.atomic():
        scan = upload_store(
            file=form_scan,
            kind=UploadKind.STAMPED_PROOF,
            actor=actor,
            field="form_scan",
            label="盖章的登录二维码图片申领表",
        )
        revoked = LoginImage.objects.select_for_update().filter(unit=unit, revoked_at__isnull=True)
        for old in revoked:
            record_event("agency.image.revoked", actor=actor, subject=old, after={"by": "reissue"})
        revoked.update(revoked_at=now, revoked_reason="已签发新的登录二维码图片")
        credential = _new_credential() if delivery == LoginImage.Delivery.ON_SITE else None
        token = secrets.token_urlsafe(32) if credential is None else None
        image = LoginImage.objects.create(
            unit=unit,
            reason=reason,
            recipient_name=recipient_name,
            recipient_mobile=number,
            applied_on=applied_on,
            form_scan=scan,
            delivery=delivery,
            credential_hash=credential_hash(credential) if credential else None,
            delivery_token_hash=credential_hash(token) if token else None,
            delivery_expires_at=now + datetime.timedelta(hours=conf.link_hours())
            if token
            else None,
            issued_by=actor,
            issued_at=now,
            downloaded_at=now if credential else None,
        )
        upload_attach(upload=scan, subject=image, actor=actor)
        record_event(
            "agency.image.issued",
            actor=actor,
            subject=image,
            after={"unit": unit.uscc, "delivery": delivery, "mobile": image.masked_mobile},
        )
        if token:
            sms_send(
                mobile=number,
                template="agency_login.image_link",
                params={
                    "organisation": unit.name,
                    "hours": conf.link_hours(),
                    "link": f"{link_base}{token}/",
                },
                actor=actor,
                subject=image,
            )
    png = render_image(credential, unit.name) if credential else None
    return Issued(image=image, png=png)


def download_by_link(token: str) -> tuple[LoginImage, bytes]:
    """Open the one-time SMS link: draw the image with a fresh credential (stored as hash)."""
    with transaction.atomic():
        image = (
            LoginImage.objects.select_for_update()
            .select_related("unit")
            .filter(delivery_token_hash=credential_hash(token))
            .first()
        )
        if image is None:
            raise NotFound("下载链接无效或已使用，请联系登记管理机关", code="agency.link.invalid")
        if image.revoked_at is not None:
            raise NotFound(
                "该登录二维码图片已作废，请使用最新签发的图片", code="agency.link.revoked"
            )
        if image.delivery_expires_at and image.delivery_expires_at < timezone.now():
            raise NotFound("下载链接已过期，请联系登记管理机关重新签发", code="agency.link.expired")
        credential = _new_credential()
        image.credential_hash = credential_hash(credential)
        image.delivery_token_hash = None
        image.downloaded_at = timezone.now()
        image.save(update_fields=["credential_hash", "delivery_token_hash", "downloaded_at"])
        record_event("agency.image.downloaded", actor="link", subject=image)
    return image, render_image(credential, image.unit.name)


def revoke_image(image: LoginImage, *, actor: Any, reason: str) -> None:
    with transaction.atomic():
        updated = LoginImage.objects.filter(pk=image.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason[:100]
        )
        if updated:
            record_event("agency.image.revoked", actor=actor, subject=image, after={"by": reason})


# --- sign-in ----------------------------------------------------------------------------------
def read_upload(file: Readable) -> bytes:
    """The uploaded bytes, refusing more than the limit without reading it all."""
    limit = conf.image_max_bytes()
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ImageTooLarge(
            f"登录二维码图片过大，请上传不超过 {limit // (1024 * 1024)} MB 的 PNG 或 JPEG 图片"
        )
    return data


def decode(data: bytes) -> str:
    """The text of the QR in ``data`` (PNG or JPEG, also a photo or a screenshot)."""
    if not data:
        raise ImageNotAnImage()
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ("PNG", "JPEG"):
            raise ImageNotAnImage("只能上传 PNG 或 JPEG 格式的登录二维码图片")
        if image.width * image.height > conf.image_max_pixels():
            raise ImageTooLarge("图片尺寸过大，请上传原始的登录二维码图片或缩小后再上传")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageNotAnImage() from None
    grey = image.convert("L")
    for candidate in _candidates(grey):
        for result in zxingcpp.read_barcodes(candidate, formats=zxingcpp.BarcodeFormat.QRCode):  # type: ignore[arg-type]
            if result.valid and result.text:
                return str(result.text)
    raise ImageNoCode()


def _candidates(image: Image.Image) -> list[Image.Image]:
    """The image itself, and for a large photo a downscaled copy (faster, often clearer)."""
    out = [image]
    if max(image.size) > 1600:
        copy = image.copy()
        copy.thumbnail((1200, 1200))
        out.append(copy)
    return out


def _fail(exc: Exception, *, ip: str | None, unit: AgencyUnit | None, request: Any) -> None:
    throttle.failure("ip", ip)
    if unit is not None:
        throttle.failure("unit", str(unit.pk))
    record_event(
        "agency.signin.failed",
        actor="anonymous",
        subject=unit,
        after={"code": getattr(exc, "code", "error")},
        outcome=AuditEvent.Outcome.FAILURE,
        durable=True,
        request=request,
    )
    raise exc


def sign_in(data: bytes, *, ip: str | None, request: Any = None) -> LoginImage:
    """Check an uploaded login image; the live image it carries, or an ``agency.signin.*``
    error (each failure counted per address and per unit, and audited)."""
    wait = throttle.retry_after("ip", ip, conf.ip_max_failures())
    if wait:
        raise SigninThrottled(f"登录失败次数过多，请 {math.ceil(wait / 60)} 分钟后再试")
    try:
        text = decode(data)
    except ValidationFailed as exc:
        _fail(exc, ip=ip, unit=None, request=request)
        raise  # pragma: no cover (_fail raises)
    if not text.startswith(PAYLOAD_PREFIX):
        _fail(ImageUnknown(), ip=ip, unit=None, request=request)
    image = (
        LoginImage.objects.select_related("unit")
        .filter(credential_hash=credential_hash(text.removeprefix(PAYLOAD_PREFIX)))
        .first()
    )
    if image is None:
        _fail(ImageUnknown(), ip=ip, unit=None, request=request)
        raise AssertionError  # pragma: no cover
    unit = image.unit
    wait = throttle.retry_after("unit", str(unit.pk), conf.unit_max_failures())
    if wait:
        raise SigninThrottled(f"该单位登录失败次数过多，请 {math.ceil(wait / 60)} 分钟后再试")
    if image.revoked_at is not None:
        _fail(ImageRevoked(), ip=ip, unit=unit, request=request)
    if not unit.is_active:
        _fail(UnitRevoked(), ip=ip, unit=unit, request=request)
    record_event(
        "agency.signin.succeeded",
        actor="anonymous",
        subject=unit,
        after={"image": image.pk},
        durable=True,
        request=request,
    )
    return image


# --- commitment -------------------------------------------------------------------------------
def current_commitment() -> CommitmentText:
    text = CommitmentText.objects.first()
    if text is None:
        try:
            text = CommitmentText.objects.create(body=DEFAULT_COMMITMENT)
        except IntegrityError:  # pragma: no cover
            text = CommitmentText.objects.first()
            assert text is not None
    return text


def edit_commitment(body: str, *, actor: Any) -> CommitmentText:
    body = body.strip()
    if not body or len(body) > 5000:
        raise ValidationFailed(
            "承诺内容不能为空且不能超过 5000 个字", code="agency.commitment.body", field="body"
        )
    text = CommitmentText.objects.create(body=body, created_by=actor)
    record_event("agency.commitment.edited", actor=actor, subject=text)
    return text


def accept_commitment(image: LoginImage, commitment: CommitmentText) -> CommitmentAcceptance:
    acceptance = CommitmentAcceptance.objects.create(
        unit=image.unit, image=image, commitment=commitment
    )
    record_event(
        "agency.commitment.accepted",
        actor="anonymous",
        subject=image.unit,
        after={"commitment": commitment.pk},
    )
    return acceptance
