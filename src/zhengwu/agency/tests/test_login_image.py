"""AG-4: issuing login QR images, image sign-in, and the login commitment (AG-5)."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from zhengwu.agency.errors import UnitRevoked
from zhengwu.agency.models import CommitmentAcceptance, LoginImage
from zhengwu.agency.services import login
from zhengwu.audit.models import AuditEvent
from zhengwu.notifications.models import SmsMessage

from .conftest import CAPTCHA, issue, scan, signin_upload
from .factories import AgencyUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_issued_image_is_a_png_with_a_random_credential_stored_only_as_hash(unit, staff):
    issued = issue(unit, staff)
    assert issued.png is not None and issued.png.startswith(b"\x89PNG")
    picture = Image.open(io.BytesIO(issued.png))
    (result,) = zxingcpp.read_barcodes(picture)
    assert result.text.startswith(login.PAYLOAD_PREFIX)
    credential = result.text.removeprefix(login.PAYLOAD_PREFIX)
    assert len(credential) >= 43  # 256 bits
    image = LoginImage.objects.get()
    assert image.credential_hash == login.credential_hash(credential)
    assert credential not in image.credential_hash
    # The unit's name is printed under the QR: the picture is taller than the code.
    assert picture.height > picture.width - 100
    # The recipient's mobile is encrypted at rest.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_mobile FROM agency_loginimage")
        (raw,) = cursor.fetchone()
    assert "13957100001" not in raw
    assert image.form_scan.subject_id == str(image.pk)


def test_reissuing_revokes_the_previous_image_at_once(client, unit, staff):
    first = issue(unit, staff)
    second = issue(unit, staff, reason=LoginImage.Reason.LOST)
    assert LoginImage.objects.filter(unit=unit, revoked_at__isnull=True).count() == 1
    response = signin_upload(client, first.png)
    assert response.status_code == 400
    assert "已作废" in response.content.decode()
    assert signin_upload(client, second.png).status_code == 302


def test_one_live_image_per_unit_in_the_database(unit, staff):
    image = issue(unit, staff).image
    image.pk = None
    image.credential_hash = "other"
    with pytest.raises(IntegrityError), transaction.atomic():
        image.save()


def test_no_image_for_a_revoked_unit(staff):
    with pytest.raises(UnitRevoked):
        issue(AgencyUnitFactory(revoked=True), staff)
    assert not LoginImage.objects.exists()


def test_sms_delivery_sends_a_one_time_link(client, unit, staff):
    issued = issue(
        unit, staff, delivery=LoginImage.Delivery.SMS_LINK, link_base="http://t/agency/image/"
    )
    assert issued.png is None and issued.image.credential_hash is None
    sms = SmsMessage.objects.get(template_code="agency_login.image_link")
    token = re.search(r"/agency/image/([\w-]+)", sms.text)[1]  # type: ignore[index]
    assert client.get(f"/agency/image/{token}/").status_code == 200  # a preview uses nothing
    response = client.post(f"/agency/image/{token}/")
    assert response["Content-Type"] == "image/png"
    assert signin_upload(client, response.content).status_code == 302
    again = client.post(f"/agency/image/{token}/")
    assert again.status_code == 404 and "已使用" in again.content.decode()


def test_sign_in_then_commitment_before_anything_else(client, unit, staff):
    png = issue(unit, staff).png
    response = signin_upload(client, png)
    assert response["Location"] == "/agency/commitment/"
    assert client.get("/agency/workspace/")["Location"] == "/agency/commitment/"
    page = client.get("/agency/commitment/").content.decode()
    assert "妥善保管登录二维码图片" in page
    response = client.post("/agency/commitment/", {"agree": "1"})
    assert response["Location"] == "/agency/workspace/"
    assert unit.name in client.get("/agency/workspace/").content.decode()
    assert CommitmentAcceptance.objects.filter(unit=unit).count() == 1
    assert AuditEvent.objects.filter(event_type="agency.signin.succeeded").count() == 1


def test_staff_edits_the_commitment(client, unit, staff):
    client.force_login(staff)
    client.post("/agency/office/commitment/", {"body": "新的承诺内容"})
    client.logout()
    signin_upload(client, issue(unit, staff).png)
    assert "新的承诺内容" in client.get("/agency/commitment/").content.decode()


def test_a_photo_or_screenshot_of_the_image_signs_in(client, unit, staff):
    """JPEG, rescaled, on a grey background: a screenshot as a phone would save it."""
    picture = Image.open(io.BytesIO(issue(unit, staff).png)).convert("RGB")
    shot = Image.new("RGB", (picture.width + 300, picture.height + 400), (200, 200, 205))
    shot.paste(picture.resize((picture.width * 3 // 4, picture.height * 3 // 4)), (150, 120))
    buffer = io.BytesIO()
    shot.save(buffer, "JPEG", quality=80)
    response = signin_upload(client, buffer.getvalue(), name="截图.jpg")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not an image at all", "不是图片"),
        (None, "未能在图片中识别出二维码"),  # a JPEG without a QR
        ("qr:https://example.com/", "不是有效的登录二维码图片"),  # a QR of something else
        ("qr:" + login.PAYLOAD_PREFIX + "x" * 43, "不是有效的登录二维码图片"),  # unknown
    ],
)
def test_each_bad_image_has_its_own_message(client, unit, staff, payload, message):
    if payload is None:
        data = scan().read()
    elif isinstance(payload, str):
        import segno

        buffer = io.BytesIO()
        segno.make(payload.removeprefix("qr:")).save(buffer, kind="png", scale=8)
        data = buffer.getvalue()
    else:
        data = payload
    response = signin_upload(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "agency_image" not in client.session
    assert AuditEvent.objects.filter(event_type="agency.signin.failed").count() == 1


def test_oversized_file_is_refused(client, settings, unit, staff):
    settings.ZHENGWU_AGENCY_IMAGE_MAX_BYTES = 1024
    response = signin_upload(client, issue(unit, staff).png)
    assert response.status_code == 400 and "过大" in response.content.decode()


def test_wrong_captcha_is_refused_before_decoding(client, unit, staff):
    png = issue(unit, staff).png
    response = client.post(
        "/agency/signin/",
        {"image": SimpleUploadedFile("a.png", png), "captcha_0": "k", "captcha_1": "wrong"},
    )
    assert response.status_code == 400 and "验证码错误" in response.content.decode()
    assert not AuditEvent.objects.filter(event_type="agency.signin.succeeded").exists()


def test_failures_are_throttled_per_address(client, settings, unit, staff):
    settings.ZHENGWU_AGENCY_SIGNIN_IP_MAX_FAILURES = 3
    png = issue(unit, staff).png
    for _ in range(3):
        signin_upload(client, b"junk")
    response = signin_upload(client, png)  # even a good image waits
    assert response.status_code == 400 and "次数过多" in response.content.decode()


def test_failures_are_throttled_per_unit(client, settings, unit, staff):
    settings.ZHENGWU_AGENCY_SIGNIN_UNIT_MAX_FAILURES = 2
    old = issue(unit, staff).png
    new = issue(unit, staff).png
    for n in range(2):
        signin_upload(client, old, REMOTE_ADDR=f"10.0.0.{n}")
    response = client.post(
        "/agency/signin/",
        {"image": SimpleUploadedFile("a.png", new), **CAPTCHA},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 400 and "该单位登录失败次数过多" in response.content.decode()


def test_revoked_image_ends_the_session_in_another_tab_at_its_next_request(client, unit, staff):
    signin_upload(client, issue(unit, staff).png)
    client.post("/agency/commitment/", {"agree": "1"})
    assert client.get("/agency/workspace/").status_code == 200
    issue(unit, staff, reason=LoginImage.Reason.LOST)  # reissued elsewhere
    response = client.get("/agency/workspace/")
    assert response["Location"] == "/agency/signin/"
    page = client.get("/agency/signin/").content.decode()
    assert "登录二维码图片已作废，本次登录已结束" in page
    assert client.get("/agency/workspace/")["Location"] == "/agency/signin/"


def test_office_issues_on_site_and_needs_the_permission(client, unit, staff):
    from zhengwu.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(staff=True))
    assert client.get(f"/agency/office/units/{unit.pk}/").status_code == 403
    client.force_login(staff)
    data = {
        "reason": "never_issued",
        "recipient_name": "张伟",
        "recipient_mobile": "13957100001",
        "applied_on": "2026-12-01",
        "form_scan": scan(),
        "delivery": "on_site",
    }
    response = client.post(f"/agency/office/units/{unit.pk}/", data)
    assert response["Content-Type"] == "image/png"
    assert LoginImage.objects.filter(unit=unit, revoked_at__isnull=True).count() == 1
    bad = client.post(
        f"/agency/office/units/{unit.pk}/", {**data, "recipient_mobile": "123", "form_scan": scan()}
    )
    assert bad.status_code == 400 and "手机号" in bad.content.decode()
    assert LoginImage.objects.count() == 1  # nothing half-saved
    page = client.get(f"/agency/office/units/{unit.pk}/").content.decode()
    assert "139****0001" in page and "13957100001" not in page
